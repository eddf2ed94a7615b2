// The copy button (shown only where the browser can copy): the link stays selectable without it.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".share-copied");
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = status.dataset.copiedMessage;
      });
    });
  });
})();
