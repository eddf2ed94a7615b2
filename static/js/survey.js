// Progressive enhancement only: the server decides what is shown and required; this hides a
// question that depends on another question of the same page (Q20 on Q19) until it applies.
(function () {
  "use strict";
  const form = document.querySelector("form.survey-page");
  if (!form) return;
  const dependents = form.querySelectorAll("[data-show-if]");
  function update() {
    dependents.forEach(function (block) {
      const inputs = form.querySelectorAll('[name="' + block.dataset.showIf + '"]');
      if (!inputs.length) return; // decided by an earlier page: the server already chose
      const picked = Array.from(inputs).some(function (input) {
        return input.checked && input.value === block.dataset.showChoice;
      });
      const answered = Array.from(inputs).some(function (input) { return input.checked; });
      const show = answered && (block.dataset.showOperator === "is" ? picked : !picked);
      block.hidden = !show;
    });
  }
  form.addEventListener("change", update);
  update();
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
