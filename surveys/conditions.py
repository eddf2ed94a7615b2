"""Display conditions, as data: which earlier answers show a question or a page. Pure.

A condition is what the instrument file's ``show_if`` holds, and what the database keeps (a JSON
column): ``{"question": "Q9", "is_not": "never"}``, ``{"question": "Q26", "contains": "share"}``,
``{"question": "Q11", "ge": 8}``, or ``{"all": [...]}`` / ``{"any": [...]}`` of those. No code is
ever evaluated: ``parse`` turns the data into the dataclasses below, checking every code and
value against the questions before it; ``holds`` decides it on the server; ``to_data`` writes it
back, and the browser mirrors it from the same data (static/js/survey.js).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .values import AnswerValue

# operator -> what it compares: "choice" (one choice code), "choices" (a list of them), "value"
# (a score, a number or a date)
OPERATORS = {
    "is": "choice",
    "is_not": "choice",
    "in": "choices",
    "not_in": "choices",
    "contains": "choice",
    "not_contains": "choice",
    "eq": "value",
    "ne": "value",
    "gt": "value",
    "ge": "value",
    "lt": "value",
    "le": "value",
}
COMBINATIONS = ("all", "any")


class ConditionError(ValueError):
    """A condition that does not hold together: the message says why, in the file's terms."""


@dataclass(frozen=True)
class Comparison:
    question: str
    operator: str
    value: str | tuple[str, ...] | Decimal | dt.date

    def holds(self, answers: Mapping[str, AnswerValue], shown: set[str]) -> bool:
        if self.question not in shown:
            return False
        answer = answers.get(self.question)
        if answer is None or answer.is_empty:
            return False
        op, value = self.operator, self.value
        if op in ("is", "is_not", "in", "not_in"):
            chosen = answer.choice
            wanted = value if isinstance(value, tuple) else (value,)
            return (chosen in wanted) == (op in ("is", "in"))
        if op in ("contains", "not_contains"):
            return (value in answer.choices) == (op == "contains")
        given = answer.comparable
        if given is None:
            return False
        return {
            "eq": given == value,
            "ne": given != value,
            "gt": given > value,
            "ge": given >= value,
            "lt": given < value,
            "le": given <= value,
        }[op]

    def questions(self) -> set[str]:
        return {self.question}

    def to_data(self) -> dict:
        value = self.value
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        return {"question": self.question, self.operator: value}


@dataclass(frozen=True)
class Combination:
    kind: str  # "all" or "any"
    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, AnswerValue], shown: set[str]) -> bool:
        results = (item.holds(answers, shown) for item in self.items)
        return all(results) if self.kind == "all" else any(results)

    def questions(self) -> set[str]:
        return set().union(*(item.questions() for item in self.items))

    def to_data(self) -> dict:
        return {self.kind: [item.to_data() for item in self.items]}


Condition = Comparison | Combination


@dataclass(frozen=True)
class Target:
    """What a condition may know of the question it names."""

    code: str
    kind: str
    operators: tuple[str, ...]  # those the kind has (see surveys/kinds)
    choices: tuple[str, ...] = ()
    value_type: str | None = None  # "integer", "number" or "date" for the compared kinds


def parse(data, targets: Callable[[str], Target | None], depth: int = 0) -> Condition:
    """The condition ``data`` describes; ``targets(code)`` gives an earlier question, or None
    when there is no earlier question of that code. Raises ConditionError."""
    if not isinstance(data, dict) or not data:
        raise ConditionError("a condition is a mapping such as {question: Q9, is: often}")
    combination = [key for key in COMBINATIONS if key in data]
    if combination:
        if len(data) != 1:
            raise ConditionError(f"'{combination[0]}' stands alone in its mapping")
        items = data[combination[0]]
        if not isinstance(items, list) or len(items) < 2:
            raise ConditionError(f"'{combination[0]}' needs a list of at least two conditions")
        if depth >= 4:
            raise ConditionError("conditions nest four levels deep at most")
        return Combination(combination[0], tuple(parse(item, targets, depth + 1) for item in items))
    operators = [key for key in data if key in OPERATORS]
    unknown = set(data) - {"question", *OPERATORS}
    if unknown or len(operators) != 1 or "question" not in data:
        raise ConditionError(
            "a condition needs 'question' and exactly one of "
            + ", ".join(OPERATORS)
            + " (or 'all' / 'any' with a list of conditions)"
        )
    (operator,) = operators
    code = data["question"]
    if not isinstance(code, str):
        raise ConditionError("'question' must be a question code")
    target = targets(code)
    if target is None:
        raise ConditionError(f"the condition refers to '{code}', which is not an earlier question")
    if operator not in target.operators:
        allowed = ", ".join(target.operators) or "none"
        raise ConditionError(
            f"{code} is a {target.kind} question: a condition on it may use {allowed}, not '{operator}'"
        )
    return Comparison(code, operator, _value(target, operator, data[operator]))


def _value(target: Target, operator: str, raw):
    what = OPERATORS[operator]
    if what in ("choice", "choices"):
        values = raw if what == "choices" else [raw]
        if what == "choices" and (not isinstance(raw, list) or not raw):
            raise ConditionError(f"'{operator}' needs a list of choice codes of {target.code}")
        for value in values:
            if not isinstance(value, str):
                raise ConditionError(f"choice codes are text: quote {value!r}")
            if value not in target.choices:
                raise ConditionError(f"{target.code} has no choice '{value}'")
        return tuple(values) if what == "choices" else raw
    if target.value_type == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise ConditionError(
                f"'{operator}' on the date {target.code} needs a date (YYYY-MM-DD)"
            ) from None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ConditionError(f"'{operator}' on {target.code} needs a number")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise ConditionError(f"'{operator}' on {target.code} needs a number") from None
    if not number.is_finite():
        raise ConditionError(f"'{operator}' on {target.code} needs a number")
    if target.value_type == "integer" and number != number.to_integral_value():
        raise ConditionError(f"'{operator}' on {target.code} needs a whole number")
    return number


def from_data(data, targets: Mapping[str, Target]) -> Condition | None:
    """A stored condition, trusted (it was checked when written): None for no condition."""
    if not data:
        return None
    return parse(data, targets.get)


def as_expression(condition: Condition) -> str:
    """The condition in a line of codes, as the codebook gives it: ``Q9 != never``,
    ``Q3 in (a, b)``, ``Q26 contains share``, ``Q11 >= 8``, ``(Q1 = f and N1 > 40)``."""
    if isinstance(condition, Combination):
        joiner = " and " if condition.kind == "all" else " or "
        return "(" + joiner.join(as_expression(item) for item in condition.items) + ")"
    symbols = {
        "is": "=",
        "is_not": "!=",
        "in": "in",
        "not_in": "not in",
        "contains": "contains",
        "not_contains": "does not contain",
        "eq": "=",
        "ne": "!=",
        "gt": ">",
        "ge": ">=",
        "lt": "<",
        "le": "<=",
    }
    value = condition.value
    if isinstance(value, tuple):
        shown = "(" + ", ".join(value) + ")"
    elif isinstance(value, dt.date):
        shown = value.isoformat()
    elif isinstance(value, Decimal):
        shown = format(value.normalize(), "f")
    else:
        shown = value
    return f"{condition.question} {symbols[condition.operator]} {shown}"


def for_browser(
    condition: Condition, answers: Mapping[str, AnswerValue], shown: set[str], here: set[str]
) -> dict:
    """``condition`` as data for the browser, which sees only this page's inputs: comparisons
    on questions of this page (``here``) as they are, the others replaced by what they are
    given the saved ``answers`` (``{"const": true}``)."""
    if isinstance(condition, Combination):
        items = [for_browser(item, answers, shown, here) for item in condition.items]
        # What is decided already folds away: all(true, c) is c; any(true, c) is true.
        deciding = condition.kind == "any"
        if {"const": deciding} in items:
            return {"const": deciding}
        items = [item for item in items if item != {"const": not deciding}]
        if not items:
            return {"const": not deciding}
        return items[0] if len(items) == 1 else {condition.kind: items}
    if condition.question in here:
        return condition.to_data()
    return {"const": condition.holds(answers, shown)}


def in_words(condition: Condition, question: Callable[[str], str], choice: Callable[[str, str], str]) -> str:
    """The condition as a sentence in the active language: "Q4 (Votre mode d'exercice) is
    “Libéral”"; ``question(code)`` and ``choice(question, code)`` name what it refers to."""
    from django.utils.translation import gettext as _

    if isinstance(condition, Combination):
        joiner = _(" and ") if condition.kind == "all" else _(" or ")
        return "(" + joiner.join(in_words(item, question, choice) for item in condition.items) + ")"
    words = {
        "is": _("is"),
        "is_not": _("is not"),
        "in": _("is one of"),
        "not_in": _("is none of"),
        "contains": _("includes"),
        "not_contains": _("does not include"),
        "eq": "=",
        "ne": "≠",
        "gt": ">",
        "ge": "≥",
        "lt": "<",
        "le": "≤",
    }
    value = condition.value
    if isinstance(value, tuple | str):
        codes = value if isinstance(value, tuple) else (value,)
        shown = ", ".join(f"“{choice(condition.question, code)}”" for code in codes)
    elif isinstance(value, dt.date):
        shown = value.isoformat()
    else:
        shown = format(value.normalize(), "f")
    return f"{question(condition.question)} {words[condition.operator]} {shown}"
