"""Forms: cleaning only. A page's form has the fields each question's kind gives it (``Q9``; one
per statement of a grid, ``G1__webinar``), plus ``Q3__other_text`` and ``Q9__comment`` where the
question has them. What is shown, kept and still missing is decided once, by
``services.page_outcome``, which the form asks in ``clean()``."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import conditions
from .kinds import COMMENT, OTHER
from .kinds.base import ONE_BOX, has_other
from .models import Page
from .selectors import Layout as SurveyLayout
from .services import PageOutcome, page_outcome
from .values import AnswerValue


class ConsentForm(forms.Form):
    """Consent in one step: the button "I agree to take part" sends ``consent=yes``."""

    consent = forms.BooleanField(
        label=_("I have read the information above and agree to take part."),
        error_messages={"required": _("Please press “I agree to take part” to start the questionnaire.")},
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

    ``visible`` are the questions shown given the answers saved so far; a question whose
    condition names a question of this same page (Q20 on Q19) is on the form too, decided on
    the submitted data (and hidden by the browser until it applies). ``strict`` (moving forward)
    enforces required questions; the back button saves without.
    """

    bound_field_class = OptionsBoundField

    def __init__(
        self,
        *args,
        layout: SurveyLayout,
        page: Page,
        saved: dict[str, AnswerValue],
        visible: set[str],
        strict: bool = True,
        look_only: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.layout, self.page, self.saved, self.strict = layout, page, saved, strict
        on_page = layout.questions_on(page)
        codes = {q.code for q in on_page}
        self.decided_here = {
            q.code
            for q in on_page
            if (condition := layout.rules_by_code[q.code].condition) and condition.questions() & codes
        }
        self.questions = [q for q in on_page if q.code in visible or q.code in self.decided_here]
        self.outcome: PageOutcome | None = None
        self.shown_required: set[str] = set()
        # Each question's own fields, as its kind names them (a grid's: one per statement).
        self.own_names: dict[str, tuple[str, ...]] = {}
        if not self.is_bound:
            for question in self.questions:
                if question.code in saved:
                    self.initial |= _initial(question, saved[question.code])
        # A preview shows every question of the page, those with a condition included.
        self.show_if = {} if look_only else self._browser_conditions(visible)

    # The fields and the crispy layout are built on first use: a page whose questions the
    # template takes from the fragment cache needs neither (they were a third of its view).
    @property
    def fields(self) -> dict[str, forms.Field]:
        if self._fields is None:
            self._fields = {}
            for question in self.questions:
                self._add_fields(question)
            if not self.is_bound:
                self._mark_required()
        return self._fields

    @fields.setter
    def fields(self, value: dict) -> None:
        # BaseForm.__init__ sets the declared fields (there are none): ours are built on first use.
        self._fields = value or None

    def __getitem__(self, name: str) -> forms.BoundField:
        # A template's {{ form.errors }} first tries form["errors"]: no field to build for that.
        if self._fields is None and name.split("__", 1)[0] not in {q.code for q in self.questions}:
            raise KeyError(name)
        return super().__getitem__(name)

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*(self._layout_for(q) for q in self.questions))
        return helper

    @property
    def fragment_vary(self) -> str | None:
        """What the HTML of this form depends on besides the survey's layout and the language,
        when it is a fresh form (nothing typed, nothing saved): the page template then caches
        it. None for a form holding answers or errors, rendered each time."""
        if self.is_bound or any(value not in (None, "", []) for value in self.initial.values()):
            return None
        shown = ",".join(q.code for q in self.questions)
        decided = json.dumps(self.show_if, sort_keys=True, separators=(",", ":"))
        return f"{'strict' if self.strict else 'lenient'}:{shown}:{decided}"

    def _add_fields(self, q) -> None:
        # Shown as required (the asterisk, the browser's hint) when it is, as far as can be known
        # before the page's answers are read. Whether an answer is missing is decided in one
        # place, page_outcome (see clean()): the fields themselves never require.
        fields, own = question_fields(self.layout, q)
        self.own_names[q.code] = own
        if self.strict and q.required and q.code not in self.decided_here:
            self.shown_required.update(own)
        self.fields.update(fields)

    def _browser_conditions(self, visible: set[str]) -> dict[str, dict]:
        """For each question decided on this page, its condition as the browser evaluates it:
        the parts on earlier pages already decided (true or false), the rest on the inputs."""
        codes = {q.code for q in self.layout.questions_on(self.page)}
        return {
            code: conditions.for_browser(
                self.layout.rules_by_code[code].condition, self.saved, visible, codes
            )
            for code in self.decided_here
        }

    def _layout_for(self, q):
        attrs = {"css_class": f"question question-{q.kind}", "data_question": q.code}
        if q.code in self.show_if:  # for the browser to toggle
            attrs["data_show_if"] = json.dumps(self.show_if[q.code], separators=(",", ":"))
        # For the browser: the "other" choice whose box it reveals, the choices that exclude the rest.
        choices = list(q.choices.all()) if q.kind_module.has_choices else []
        other = next((c.code for c in choices if c.is_other), None)
        if other and q.code + OTHER in self.fields:
            attrs["data_other_choice"] = other
        exclusive = [c.code for c in choices if c.is_exclusive]
        if exclusive:
            attrs["data_exclusive"] = " ".join(exclusive)
        extra = [
            Field(name, wrapper_class="follow-up", template=ONE_BOX)
            for name in (q.code + OTHER, q.code + COMMENT)
            if name in self.fields
        ]
        return Div(*q.kind_module.layout(q), *extra, **attrs)

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_required()  # for the page shown again with its errors

    def _mark_required(self) -> None:
        for name in self.shown_required:
            self.fields[name].required = True

    def answers(self) -> dict[str, AnswerValue]:
        """What the respondent gave for the questions shown (after is_valid())."""
        visible = self.outcome.visible if self.outcome else set()
        return {code: value for code, value in self.given().items() if code in visible}

    def given(self) -> dict[str, AnswerValue]:
        """What the form holds for each of its questions (fields in error left out)."""
        cleaned = self.cleaned_data
        result = {}
        for q in self.questions:
            if not q.kind_module.answerable:
                continue
            value = q.kind_module.cleaned_value(q, cleaned)
            result[q.code] = replace(
                value,
                other_text=(cleaned.get(q.code + OTHER) or "").strip(),
                comment=(cleaned.get(q.code + COMMENT) or "").strip(),
            )
        return result

    def _names_of(self, q) -> list[str]:
        """The fields of one question: its own, a grid's statements, "other" and comment."""
        return [name for name in self.fields if name == q.code or name.startswith(q.code + "__")]

    def clean(self):
        cleaned = super().clean()
        given = self.given()
        self.outcome = page_outcome(self.layout, self.page, self.saved, given, advance=self.strict)
        for q in self.questions:
            if q.code not in self.outcome.visible:
                # Hidden (the browser hid it): whatever it holds is not kept, nor checked.
                for name in self._names_of(q):
                    self._errors.pop(name, None)
                continue
            if not q.kind_module.answerable:
                continue
            if any(name in self.errors for name in (q.code, *self.own_names[q.code])):
                continue  # typed wrong: said so already, not also "missing"
            for name in self.outcome.missing.get(q.code, ()):
                self.add_error(name, _("Please answer this question."))
            for name, message in q.kind_module.check(q, given[q.code]).items():
                self.add_error(name, message)
        return cleaned


# A question's fields as its kind builds them, per process, by survey layout and language: a
# submission copies them (as Django's forms copy their declared fields) instead of building each
# label and choice list again. Bounded: cleared when it holds more than FIELD_CACHE entries.
FIELD_CACHE = 2000
_built_fields: dict[tuple, tuple[dict[str, forms.Field], tuple[str, ...]]] = {}


def question_fields(layout: SurveyLayout, q) -> tuple[dict[str, forms.Field], tuple[str, ...]]:
    """A fresh copy of ``q``'s fields (its kind's, then "please specify" and the comment), and
    the names of its kind's own fields (those shown as required when the question is)."""
    key = (layout.survey_id, layout.stamp, q.code, get_language())
    built = _built_fields.get(key)
    if built is None:
        built = _build_fields(layout, q)
        if len(_built_fields) >= FIELD_CACHE:
            _built_fields.clear()
        _built_fields[key] = built
    fields, own = built
    return {name: _copied(field) for name, field in fields.items()}, own


def _copied(field: forms.Field) -> forms.Field:
    """A copy of a cached field for one form, as Django's deepcopy of a form's declared fields
    makes it (the field, its widget and their attributes, error messages and validators), but
    sharing the list of choices, which nothing changes once built: deep-copying it was most of
    the copy's time. A field made of fields or widgets (none today) is deep-copied, as Django does."""
    if isinstance(field, forms.MultiValueField) or isinstance(field.widget, forms.MultiWidget):
        return copy.deepcopy(field)
    result = copy.copy(field)
    result.widget = copy.copy(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


def _build_fields(layout: SurveyLayout, q) -> tuple[dict[str, forms.Field], tuple[str, ...]]:
    kind = q.kind_module
    label = _label(layout, q)
    fields = kind.fields(q, label)
    own = tuple(fields)
    if q.code in fields:
        fields[q.code].help_text = q.help
    for name, field in fields.items():
        if name.startswith(q.code + "__"):  # a grid's statements: named with their question
            field.summary_label = f"{label} — {field.label}"
    if kind.has_choices and has_other(q):
        other = next(c for c in q.choices.all() if c.is_other)
        field = forms.CharField(
            label=_("Please specify"),
            required=False,
            max_length=500,
            # Shown only once "other" is chosen where scripts run; said in words where not.
            help_text=_("Only if you chose “%(label)s”.") % {"label": other.label},
        )
        field.summary_label = f"{label} — {_('Please specify')}"
        fields[q.code + OTHER] = field
    if q.has_comment:
        field = forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        field.summary_label = f"{label} — {_('Comment (optional)')}"
        fields[q.code + COMMENT] = field
    return fields, own


def _label(layout: SurveyLayout, q) -> str:
    number = layout.numbers.get(q.code)
    return f"{number}. {q.text}" if number else q.text


def _initial(q, answer: AnswerValue) -> dict:
    return q.kind_module.initial(q, answer) | {
        q.code + OTHER: answer.other_text,
        q.code + COMMENT: answer.comment,
    }
