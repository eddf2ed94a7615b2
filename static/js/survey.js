// Progressive enhancement only: the server decides what is shown and required. This hides a
// question whose condition depends on another question of the same page (Q20 on Q19) until it
// applies. The condition comes as data (surveys/conditions.py): comparisons on this page's
// questions, and what the earlier pages already decided as {"const": true | false}.
(function () {
  "use strict";
  // An error summary (a page's, or the consent's) takes the focus: it is read, and seen.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  const form = document.querySelector("form.survey-page");
  if (!form) return;
  const dependents = Array.from(form.querySelectorAll("[data-show-if]"));
  const conditions = new Map(dependents.map(function (block) {
    return [block, JSON.parse(block.dataset.showIf)];
  }));

  function blockOf(code) {
    return form.querySelector('[data-question="' + code + '"]');
  }

  // What the respondent has given for a question of this page: a list of values (choice codes
  // ticked, or the typed number or date), empty when unanswered or hidden.
  function given(code) {
    const block = blockOf(code);
    if (!block || block.hidden) return [];
    return Array.from(form.querySelectorAll('[name="' + code + '"]')).flatMap(function (input) {
      if (input.type === "radio" || input.type === "checkbox") return input.checked ? [input.value] : [];
      if (input.tagName === "SELECT") return input.value ? [input.value] : [];
      const value = input.value.trim().replace(",", ".");
      return value ? [value] : [];
    });
  }

  function compare(a, b) {
    const x = Number(a), y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y) && a !== "" && b !== "") return x < y ? -1 : x > y ? 1 : 0;
    return a < b ? -1 : a > b ? 1 : 0; // dates as YYYY-MM-DD compare as text
  }

  function holds(condition) {
    if ("const" in condition) return condition.const;
    if ("all" in condition) return condition.all.every(holds);
    if ("any" in condition) return condition.any.some(holds);
    const values = given(condition.question);
    if (!values.length) return false; // a comparison needs an answer
    const operator = Object.keys(condition).find(function (key) { return key !== "question"; });
    const wanted = condition[operator];
    switch (operator) {
      case "is": return values[0] === wanted;
      case "is_not": return values[0] !== wanted;
      case "in": return wanted.indexOf(values[0]) >= 0;
      case "not_in": return wanted.indexOf(values[0]) < 0;
      case "contains": return values.indexOf(wanted) >= 0;
      case "not_contains": return values.indexOf(wanted) < 0;
      case "eq": return compare(values[0], String(wanted)) === 0;
      case "ne": return compare(values[0], String(wanted)) !== 0;
      case "gt": return compare(values[0], String(wanted)) > 0;
      case "ge": return compare(values[0], String(wanted)) >= 0;
      case "lt": return compare(values[0], String(wanted)) < 0;
      case "le": return compare(values[0], String(wanted)) <= 0;
      default: return true; // unknown: leave it to the server
    }
  }

  function update() {
    // In page order: a question hidden here hides those that depend on it.
    dependents.forEach(function (block) { block.hidden = !holds(conditions.get(block)); });
  }
  // "Other, please specify": the box shows once "other" is chosen, and takes the focus then.
  const others = Array.from(form.querySelectorAll("[data-other-choice]"));
  function otherChosen(block) {
    return given(block.dataset.question).indexOf(block.dataset.otherChoice) >= 0;
  }
  function revealOthers(event) {
    others.forEach(function (block) {
      const box = document.getElementById("div_id_" + block.dataset.question + "__other_text");
      if (!box) return;
      const input = box.querySelector("input, textarea");
      const chosen = otherChosen(block);
      const wasHidden = box.hidden;
      box.hidden = !chosen && !(input && input.value);
      if (event && chosen && wasHidden && block.contains(event.target) && input) input.focus();
    });
  }

  // A choice that excludes the others ("I do not use them"): ticking it unticks them, and back.
  function exclude(event) {
    const input = event.target;
    if (input.type !== "checkbox" || !input.checked) return;
    const block = input.closest("[data-exclusive]");
    if (!block) return;
    const exclusive = block.dataset.exclusive.split(" ");
    const alone = exclusive.indexOf(input.value) >= 0;
    block.querySelectorAll('input[type=checkbox][name="' + input.name + '"]').forEach(function (other) {
      if (other !== input && (alone || exclusive.indexOf(other.value) >= 0)) other.checked = false;
    });
  }

  form.addEventListener("change", function (event) {
    exclude(event);
    update();
    revealOthers(event);
  });
  form.addEventListener("input", update);
  update();
  revealOthers(null);
})();
