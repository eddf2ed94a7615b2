"""A display condition picked from menus in the admin, not typed: up to three comparisons on
earlier questions of the same survey (a question, an operator, choices or a value), all or any
of them, shown back in words. The data it builds is checked as the loader checks a file's
(``conditions.parse``); a condition the menus cannot show (nested combinations, from a file)
stays editable as data."""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import conditions
from .selectors import question_target

ROWS = 3
OPERATORS = [
    ("is", _("is")),
    ("is_not", _("is not")),
    ("in", _("is one of")),
    ("not_in", _("is none of")),
    ("contains", _("includes")),
    ("not_contains", _("does not include")),
    ("eq", "="),
    ("ne", "≠"),
    ("gt", ">"),
    ("ge", "≥"),
    ("lt", "<"),
    ("le", "≤"),
]


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def as_rows(data) -> tuple[str, list[dict]] | None:
    """(all/any, comparisons) for a condition the menus can show; None for one they cannot."""
    if not data:
        return "all", []
    items, join = [data], "all"
    if "all" in data or "any" in data:
        join = "all" if "all" in data else "any"
        items = data[join]
    if len(items) > ROWS or any("all" in item or "any" in item for item in items):
        return None
    return join, items


class ConditionBuilder:
    """Adds the condition's menus to a question's admin form, and reads them back."""

    def __init__(self, form: forms.ModelForm, earlier: list) -> None:
        self.form = form
        self.earlier = [q for q in earlier if q.kind_module.operators]
        self.targets = {q.code: question_target(q) for q in self.earlier}
        rows = as_rows(form.instance.condition)
        self.active = rows is not None
        if not self.active:
            return
        join, items = rows
        questions = [("", "—")] + [(q.code, f"{q.code}. {_short(q.text_fr)}") for q in self.earlier]
        groups = [
            (
                f"{q.code}. {_short(q.text_fr, 40)}",
                [(f"{q.code}:{c.code}", c.label_fr) for c in q.choices.all()],
            )
            for q in self.earlier
            if q.choices.all()
        ]
        fields = form.fields
        fields["condition_join"] = forms.ChoiceField(
            label=_("Shown when"),
            choices=[("all", _("all of these hold")), ("any", _("any of these holds"))],
            initial=join,
            required=False,
            # The admin prints help texts as HTML: the question's wording is escaped here.
            help_text=escape(self.in_words(form.instance.condition))
            or _("Always shown. Pick an earlier question below to show this one only after some answers."),
        )
        for n in range(1, ROWS + 1):
            item = items[n - 1] if n <= len(items) else {}
            operator = next((op for op in item if op != "question"), "")
            value = item.get(operator)
            fields[f"condition_{n}_question"] = forms.ChoiceField(
                label=_("Question %(n)d") % {"n": n},
                choices=questions,
                required=False,
                initial=item.get("question"),
            )
            fields[f"condition_{n}_operator"] = forms.ChoiceField(
                label=_("operator"), choices=[("", "—"), *OPERATORS], required=False, initial=operator
            )
            chosen = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            fields[f"condition_{n}_choices"] = forms.MultipleChoiceField(
                label=_("choices"),
                choices=groups,
                required=False,
                initial=[f"{item.get('question')}:{code}" for code in chosen],
                widget=forms.SelectMultiple(attrs={"size": 6}),
                help_text=_("For is, is not, is one of, is none of, includes, does not include."),
            )
            fields[f"condition_{n}_value"] = forms.CharField(
                label=_("value"),
                required=False,
                initial="" if isinstance(value, list | str) or value is None else value,
                help_text=_("For =, ≠, >, ≥, <, ≤: a score, a number or a date (YYYY-MM-DD)."),
            )

    def in_words(self, data) -> str:
        return self.describe(data, self.earlier, self.targets)

    @staticmethod
    def describe(data, earlier: list, targets: dict | None = None) -> str:
        """The condition ``data`` on the ``earlier`` questions, in a sentence ("" when none)."""
        if not data:
            return ""
        by_code = {q.code: q for q in earlier if q.kind_module.operators}
        targets = (
            targets if targets is not None else {code: question_target(q) for code, q in by_code.items()}
        )
        try:
            condition = conditions.parse(data, targets.get)
        except conditions.ConditionError as exc:
            return gettext("A condition that does not hold: %(error)s") % {"error": exc}

        def question(code):
            q = by_code[code]
            return f"{code} ({_short(q.text, 50)})"

        def choice(code, choice_code):
            labels = {c.code: c.label for c in by_code[code].choices.all()}
            return labels.get(choice_code, choice_code)

        return gettext("Shown when %(condition)s.") % {
            "condition": conditions.in_words(condition, question, choice)
        }

    def data(self, cleaned: dict):
        """The condition the menus describe (None: always shown); raises ValidationError."""
        items = []
        for n in range(1, ROWS + 1):
            code = cleaned.get(f"condition_{n}_question")
            operator = cleaned.get(f"condition_{n}_operator")
            picked = cleaned.get(f"condition_{n}_choices") or []
            value = (cleaned.get(f"condition_{n}_value") or "").strip()
            if not code and not operator and not picked and not value:
                continue
            where = f"condition_{n}_question"
            if not code or not operator:
                raise forms.ValidationError(
                    {where: gettext("Choose a question and an operator, or leave the row empty.")}
                )
            kind = conditions.OPERATORS[operator]
            if kind in ("choice", "choices"):
                wrong = [p for p in picked if not p.startswith(f"{code}:")]
                if wrong or not picked:
                    raise forms.ValidationError(
                        {
                            f"condition_{n}_choices": gettext("Choose one or more choices of %(code)s.")
                            % {"code": code}
                        }
                    )
                codes = [p.split(":", 1)[1] for p in picked]
                if kind == "choice" and len(codes) > 1:
                    raise forms.ValidationError(
                        {f"condition_{n}_choices": gettext("Choose one choice, or use “is one of”.")}
                    )
                items.append({"question": code, operator: codes if kind == "choices" else codes[0]})
            else:
                if not value:
                    raise forms.ValidationError(
                        {f"condition_{n}_value": gettext("Give the value to compare with.")}
                    )
                items.append({"question": code, operator: value})
        if not items:
            return None
        data = items[0] if len(items) == 1 else {cleaned.get("condition_join") or "all": items}
        try:
            return conditions.parse(data, self.targets.get).to_data()
        except conditions.ConditionError as exc:
            raise forms.ValidationError({"condition_join": str(exc)}) from exc
