// Progressive enhancement of a question's condition menus (the server checks everything): each
// row offers the choices of the question it names, and the value box only for comparisons.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const rows = [1, 2, 3];
  const compared = ["eq", "ne", "gt", "ge", "lt", "le"];
  function update(n) {
    const question = document.getElementById("id_condition_" + n + "_question");
    const operator = document.getElementById("id_condition_" + n + "_operator");
    const choices = document.getElementById("id_condition_" + n + "_choices");
    const value = document.getElementById("id_condition_" + n + "_value");
    if (!question || !operator || !choices || !value) return;
    choices.querySelectorAll("optgroup").forEach(function (group) {
      const mine = Array.from(group.children).some(function (option) {
        return option.value.split(":")[0] === question.value;
      });
      group.hidden = !mine;
      group.disabled = !mine;
    });
    const comparing = compared.indexOf(operator.value) >= 0;
    choices.closest(".form-row, .fieldBox, div").hidden = comparing || !question.value;
    value.closest(".form-row, .fieldBox, div").hidden = !comparing;
  }
  rows.forEach(function (n) {
    ["question", "operator"].forEach(function (part) {
      const field = document.getElementById("id_condition_" + n + "_" + part);
      if (field) field.addEventListener("change", function () { update(n); });
    });
    update(n);
  });
});
