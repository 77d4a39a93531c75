/* Show "Print" buttons (they need a script) and make them print the page. */
(() => {
  "use strict";
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
})();
