/* Progressive enhancement for every page; each page works without this script.
   - marks <html class="js"> so the search filters can become a drawer on phones;
   - the search filters apply as they change (the results are fetched and swapped in);
   - a select marked data-autosubmit sends its form when it changes. */
(() => {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  const form = document.getElementById("search-form");
  const panel = document.getElementById("filters");
  if (!form || !panel) return;
  const wide = window.matchMedia("(min-width: 64rem)");
  const status = document.getElementById("filters-status");
  let opener = null;

  function toggles() {
    return document.querySelectorAll(".filters-toggle");
  }
  function setExpanded(value) {
    for (const t of toggles()) t.setAttribute("aria-expanded", String(value));
  }
  function openDrawer(from) {
    opener = from;
    panel.classList.add("is-open");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "filters-drawer-title");
    document.body.classList.add("drawer-open");
    setExpanded(true);
    panel.querySelector("#filters-drawer-title").focus();
  }
  function closeDrawer() {
    if (!panel.classList.contains("is-open")) return;
    panel.classList.remove("is-open");
    panel.removeAttribute("role");
    panel.removeAttribute("aria-modal");
    panel.setAttribute("aria-labelledby", "filters-title");
    document.body.classList.remove("drawer-open");
    setExpanded(false);
    if (opener && document.contains(opener)) opener.focus();
    else if (toggles()[0]) toggles()[0].focus();
  }
  function enhanceToggles() {
    for (const t of toggles()) {
      t.setAttribute("role", "button");
      t.setAttribute("aria-expanded", String(panel.classList.contains("is-open")));
    }
  }
  enhanceToggles();

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".filters-toggle");
    if (toggle && !wide.matches) {
      event.preventDefault();
      openDrawer(toggle);
    } else if (event.target.closest("[data-close]")) {
      event.preventDefault();
      closeDrawer();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDrawer();
  });
  wide.addEventListener("change", () => closeDrawer());
  // "Apply filters" in the drawer shows the results (already applied as they changed).
  panel.querySelector("button.apply").addEventListener("click", (event) => {
    if (panel.classList.contains("is-open") && !pending && !busy) {
      event.preventDefault();
      closeDrawer();
    }
  });

  function searchUrl() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "" && key !== "page") params.append(key, value);
    }
    const query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  // Swap in what the server rendered for the new search; keep focus where the person was.
  function swap(doc) {
    const active = document.activeElement;
    const key = active && active.name ? [active.name, active.value] : null;
    for (const id of ["outcome", "filter-fields"]) {
      const now = document.getElementById(id);
      const next = doc.getElementById(id);
      if (now && next) now.replaceWith(next);
    }
    const nowMap = document.querySelector(".results-map");
    const nextMap = doc.querySelector(".results-map");
    if (nowMap && nextMap) nowMap.replaceWith(nextMap);
    else if (nowMap) nowMap.remove();
    else if (nextMap) document.querySelector(".search-layout").appendChild(nextMap);
    document.title = doc.title;
    enhanceToggles();
    if (window.vettedMaps) window.vettedMaps(document.querySelector(".results-map") || undefined);
    if (key) {
      const again = [...document.querySelectorAll("[name]")].find(
        (el) => el.name === key[0] && (el.type !== "checkbox" || el.value === key[1]),
      );
      if (again) again.focus();
    }
    const total = document.querySelector("#outcome .total, #outcome .errors");
    if (status && total) status.textContent = total.textContent.replace(/\s+/g, " ").trim();
  }

  let pending = null;
  let busy = false;
  async function apply() {
    pending = null;
    busy = true;
    const url = searchUrl();
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      if (!doc.getElementById("outcome")) throw new Error("unexpected page");
      swap(doc);
      history.replaceState(null, "", response.redirected ? response.url : url);
    } catch (err) {
      window.location.assign(url);
    } finally {
      busy = false;
    }
  }

  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.form !== form || field.id === "q") return;
    clearTimeout(pending);
    pending = setTimeout(apply, 300);
  });
})();
