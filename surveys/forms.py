"""Forms: cleaning only. A page's form has one field per question, named by its code
(``Q9``), plus ``Q3__other_text`` and ``Q9__comment`` where the question has them."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question
from .skip_logic import Rule, visible_codes
from .values import AnswerValue

OTHER = "__other_text"
COMMENT = "__comment"
TEXT_MAX = 5000


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read the information above and agree to take part."),
        error_messages={"required": _("Please tick the box to confirm that you agree to take part.")},
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    id: str
    checked: bool


class OptionsBoundField(forms.BoundField):
    """A choice list or a scale with its options as plain strings: our templates loop over them
    once, where Django's widgets would render a sub-template per option (on a page of eight
    0-10 scales, most of the page's rendering time)."""

    @property
    def options(self) -> list[Option]:
        current = self.value()
        current = current if isinstance(current, (list, tuple)) else [current]
        selected = {str(v) for v in current if v not in (None, "")}
        return [
            Option(
                value=str(value),
                label=str(label),
                id=f"{self.auto_id}_{index}",
                checked=str(value) in selected,
            )
            for index, (value, label) in enumerate(self.field.choices)
        ]


class PageForm(forms.Form):
    """The questions of one page that the respondent may see.

    ``strict`` (moving forward) enforces required questions; the back button saves without.
    Questions whose condition depends on another question of the same page (Q20 on Q19) are
    shown and decided on the submitted data; the others were decided by earlier pages.
    """

    bound_field_class = OptionsBoundField

    def __init__(
        self,
        *args,
        questions: list[Question],
        rules: list[Rule],
        earlier_choices: dict[str, tuple[str, ...]],
        strict: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.rules = rules
        self.earlier_choices = earlier_choices
        self.strict = strict
        self.visible: set[str] = set()
        for question in questions:
            self._add_fields(question)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*(self._layout_for(q) for q in questions))

    @property
    def fragment_vary(self) -> str | None:
        """What the HTML of this form depends on besides the survey's layout and the language,
        when it is a fresh form (nothing typed, nothing saved): the page template then caches
        it. None for a form holding answers or errors, rendered each time."""
        if self.is_bound or any(value not in (None, "", []) for value in self.initial.values()):
            return None
        return f"{'strict' if self.strict else 'lenient'}:{','.join(q.code for q in self.questions)}"

    def _add_fields(self, q: Question) -> None:
        label = f"{q.position}. {q.text}"
        # Required-ness is checked in clean(): it depends on skip logic and on the direction.
        if q.kind == Question.Kind.SINGLE:
            field = forms.ChoiceField(
                choices=[(c.code, c.label) for c in q.choices.all()], widget=forms.RadioSelect
            )
        elif q.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=[(c.code, c.label) for c in q.choices.all()],
                widget=forms.CheckboxSelectMultiple,
            )
        elif q.kind == Question.Kind.SCALE:
            field = forms.TypedChoiceField(
                choices=[(i, str(i)) for i in range(q.scale_min, q.scale_max + 1)],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            field.min_label, field.max_label = q.scale_min_label, q.scale_max_label
        else:
            field = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
        field.label, field.help_text = label, q.help
        field.error_messages["required"] = _("Please answer this question.")
        # A question decided by another question of this page is checked in clean().
        field.required = self.strict and q.required and not self._decided_on_this_page(q)
        self.fields[q.code] = field
        if any(c.is_other for c in q.choices.all()):
            self.fields[q.code + OTHER] = forms.CharField(
                label=_("Please specify"), required=False, max_length=500
            )
        if q.has_comment:
            self.fields[q.code + COMMENT] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _decided_on_this_page(self, q: Question) -> bool:
        choice = q.condition_choice
        return choice is not None and any(other.id == choice.question_id for other in self.questions)

    def _layout_for(self, q: Question):
        rule = next(r for r in self.rules if r.code == q.code)
        attrs = {"css_class": f"question question-{q.kind}", "data_question": q.code}
        if rule.condition and self._decided_on_this_page(q):  # for the browser to toggle
            attrs.update(
                data_show_if=rule.condition.question,
                data_show_operator=rule.condition.operator,
                data_show_choice=rule.condition.choice,
            )
        # Choice lists and scales have templates of their own: one loop over the options, where
        # crispy renders a sub-template per option (most of a page's rendering time).
        if q.kind == Question.Kind.SCALE:
            main = Field(q.code, template="surveys/fields/scale.html")
        elif q.is_choice:
            main = Field(q.code, template="surveys/fields/choices.html")
        else:
            main = Field(q.code)
        extra = [
            Field(name, wrapper_class="follow-up")
            for name in (q.code + OTHER, q.code + COMMENT)
            if name in self.fields
        ]
        return Div(main, *extra, **attrs)

    def clean(self):
        cleaned = super().clean()
        chosen = dict(self.earlier_choices)
        for q in self.questions:
            chosen.pop(q.code, None)
            value = cleaned.get(q.code)
            if value:
                chosen[q.code] = tuple(value) if isinstance(value, list) else (value,)
        self.visible = visible_codes(self.rules, chosen)
        for q in self.questions:
            if q.code not in self.visible or q.code in self.errors:
                continue
            value = cleaned.get(q.code)
            empty = value in (None, "", []) or (isinstance(value, str) and not value.strip())
            if empty and self.strict and q.required:
                self.add_error(q.code, _("Please answer this question."))
            other = next((c for c in q.choices.all() if c.is_other), None)
            picked = value if isinstance(value, list) else [value]
            if other and other.code in picked and not cleaned.get(q.code + OTHER, "").strip():
                self.add_error(
                    q.code + OTHER, _("Please specify your answer “%(label)s”.") % {"label": other.label}
                )
        return cleaned

    def answers(self) -> dict[str, AnswerValue]:
        """What the respondent gave for the questions shown (call after is_valid())."""
        result = {}
        for q in self.questions:
            if q.code not in self.visible:
                continue
            value = self.cleaned_data.get(q.code)
            extras = {
                "other_text": self.cleaned_data.get(q.code + OTHER, ""),
                "comment": self.cleaned_data.get(q.code + COMMENT, ""),
            }
            if q.kind == Question.Kind.SINGLE:
                result[q.code] = AnswerValue(choice=value or None, **extras)
            elif q.kind == Question.Kind.MULTIPLE:
                result[q.code] = AnswerValue(choices=tuple(value or ()), **extras)
            elif q.kind == Question.Kind.SCALE:
                result[q.code] = AnswerValue(score=value, **extras)
            else:
                result[q.code] = AnswerValue(text=value or "", **extras)
        return result


def initial_from_answers(questions: list[Question], saved: dict[str, AnswerValue]) -> dict:
    initial = {}
    for q in questions:
        answer = saved.get(q.code)
        if answer is None:
            continue
        initial[q.code] = {
            Question.Kind.SINGLE: answer.choice,
            Question.Kind.MULTIPLE: list(answer.choices),
            Question.Kind.SCALE: answer.score,
            Question.Kind.TEXT: answer.text,
        }[q.kind]
        initial[q.code + OTHER] = answer.other_text
        initial[q.code + COMMENT] = answer.comment
    return initial
