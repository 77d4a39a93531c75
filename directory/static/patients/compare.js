/* Compare page helpers: copy the shareable link. Everything works without this script. */
(() => {
  "use strict";
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.querySelector(".share .copied");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (err) {
        field.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = status.dataset.done || "";
    });
  }
})();
