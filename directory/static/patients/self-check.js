/* The private self-check: guidance is worked out here, in the browser.
   The answers are never sent anywhere: no request below carries them, and the answer inputs
   have no name, so no form submission could either. Only the place typed in the "clinics near
   you" box is sent, to the JSON endpoint in the form's data-api attribute. */
(() => {
  "use strict";
  const form = document.getElementById("self-check-form");
  if (!form) return;
  const boxes = [...form.querySelectorAll("input[data-answer]")];
  const blocks = [...document.querySelectorAll("[data-guidance]")];

  const update = () => {
    const ticked = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.answer));
    for (const block of blocks) {
      const key = block.dataset.guidance;
      block.hidden = key === "none" ? ticked.size > 0 : !ticked.has(key);
    }
  };
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const box of boxes) box.addEventListener("change", update);
  const clear = document.getElementById("sc-clear");
  if (clear) {
    clear.addEventListener("click", () => {
      for (const box of boxes) box.checked = false;
      update();
      if (boxes[0]) boxes[0].focus();
    });
  }
  for (const el of document.querySelectorAll(".self-check .js-only")) el.hidden = false;
  update();

  const nearForm = document.getElementById("near-form");
  const input = document.getElementById("sc-near");
  const results = document.getElementById("nearby-results");
  const error = document.getElementById("sc-near-error");
  const itemTemplate = document.getElementById("nearby-item");
  if (!nearForm || !input || !results || !itemTemplate) return;
  const text = (name) => {
    const el = document.querySelector(`#nearby-messages [data-message="${name}"]`);
    return el ? el.textContent : "";
  };
  const say = (name) => {
    const p = document.createElement("p");
    p.className = "nearby-message";
    p.textContent = text(name);
    results.replaceChildren(p);
  };
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  };
  const render = (body) => {
    if (!body.available) return say("unavailable");
    if (!body.results.length) return say("empty");
    const list = document.createElement("ol");
    list.className = "nearby-list";
    for (const clinic of body.results) {
      const li = itemTemplate.content.firstElementChild.cloneNode(true);
      const link = li.querySelector(".name");
      link.textContent = clinic.name;
      link.href = clinic.url;
      li.querySelector(".place").textContent = [clinic.city, clinic.country].filter(Boolean).join(", ");
      li.querySelector(".distance").textContent =
        clinic.distance_km == null ? "" : `${clinic.distance_km.toFixed(1)} ${text("km")}`;
      list.append(li);
    }
    results.replaceChildren(list);
  };

  nearForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const place = input.value.trim();
    showError("");
    say("searching");
    // The place is the only thing this request carries.
    const url = `${nearForm.dataset.api}?${new URLSearchParams({ near: place })}`;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) {
        results.replaceChildren();
        showError(body && body.error ? body.error.reason : text("failed"));
        input.focus();
        return;
      }
      render(body);
    } catch (err) {
      say("failed");
    }
  });
})();
