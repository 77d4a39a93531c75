/* The profile editor's practitioners, added and removed in the page (progressive enhancement).
   Without this script "Add another practitioner" and "Remove practitioner N" are submit buttons
   and the server redraws the form; with it, rows come from the inert <template> and go at once.
   Field names keep their numbers (gaps are fine: the server reads whatever rows are sent). */
(() => {
  "use strict";
  const box = document.getElementById("practitioners");
  const template = document.getElementById("practitioner-template");
  if (!box || !template) return;
  const rows = box.querySelector(".practitioner-rows");
  const add = box.querySelector("[name=add_practitioner]");
  const none = box.querySelector(".no-practitioners");
  const status = box.querySelector(".practitioners-status");
  const max = Number(box.dataset.max || 200);
  const PLACEHOLDER = "__index__";

  function fieldsets() {
    return Array.from(rows.querySelectorAll("fieldset.practitioner"));
  }

  // Legends and button labels count 1, 2, 3 in page order ("#" stands for the number).
  function renumber() {
    fieldsets().forEach((set, n) => {
      set.querySelector("legend").textContent = box.dataset.legend.replace("#", String(n + 1));
      const remove = set.querySelector("[name=remove_practitioner]");
      remove.textContent = box.dataset.removeLabel.replace("#", String(n + 1));
    });
    if (none) none.hidden = fieldsets().length > 0;
    add.disabled = fieldsets().length >= max;
  }

  function nextIndex() {
    return fieldsets().reduce((top, set) => Math.max(top, Number(set.dataset.index) + 1), 0);
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  add.addEventListener("click", (event) => {
    event.preventDefault();
    if (fieldsets().length >= max) return;
    const index = String(nextIndex());
    const row = template.content.firstElementChild.cloneNode(true);
    row.dataset.index = index;
    row.id = `practitioner-${index}`;
    for (const el of row.querySelectorAll("[id], [name], [for], [aria-describedby], [value]")) {
      for (const attr of ["id", "name", "for", "aria-describedby"]) {
        const value = el.getAttribute(attr);
        if (value && value.includes(PLACEHOLDER)) el.setAttribute(attr, value.split(PLACEHOLDER).join(index));
      }
    }
    row.querySelector("[name=remove_practitioner]").value = index;
    rows.appendChild(row);
    renumber();
    row.querySelector("input").focus();
    say(box.dataset.addedLabel);
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[name=remove_practitioner]");
    if (!button) return;
    event.preventDefault();
    const set = button.closest("fieldset.practitioner");
    const after = set.nextElementSibling || set.previousElementSibling;
    set.remove();
    renumber();
    // Keep the keyboard near where it was: the next row's remove button, or "add".
    const target = after && after.matches("fieldset.practitioner")
      ? after.querySelector("[name=remove_practitioner]")
      : add;
    target.focus();
    say(box.dataset.removedLabel);
  });

  renumber();
})();
