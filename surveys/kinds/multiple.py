"""A multiple choice shown as checkboxes: the options ticked, kept as links to the choices.

An option marked ``exclusive`` ("I do not use them") cannot be ticked with another.
"""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column

from ..values import AnswerValue
from .base import ChoiceFamily, choice_chart, choices_of, required_error, with_suffix

TICKS = "1 = chosen | 0 = not chosen | empty = not answered"


class Multiple(ChoiceFamily):
    name = "multiple"
    label = _("Multiple choice")
    operators = ("contains", "not_contains")
    has_exclusive = True
    template = "surveys/fields/choices.html"

    def fields(self, question, label):
        field = forms.MultipleChoiceField(
            choices=[(c.code, c.label) for c in choices_of(question)],
            widget=forms.CheckboxSelectMultiple,
            label=label,
        )
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code, template=self.template)]

    def cleaned_value(self, question, cleaned):
        picked = set(cleaned.get(question.code) or ())
        # In questionnaire order, whatever order the browser sent them in.
        return AnswerValue(choices=tuple(c.code for c in choices_of(question) if c.code in picked))

    def initial(self, question, answer):
        return {question.code: list(answer.choices)}

    def check(self, question, value):
        errors = super().check(question, value)
        exclusive = [c for c in choices_of(question) if c.is_exclusive and c.code in value.choices]
        if exclusive and len(value.choices) > 1:
            errors[question.code] = gettext("“%(label)s” cannot be ticked with another answer.") % {
                "label": exclusive[0].label
            }
        return errors

    def stored_rows(self, question, value):
        return [{"row": ""}]

    def ticked(self, question, value):
        return value.choices

    def from_stored(self, question, rows):
        return AnswerValue(choices=rows[0].ticked)

    # The analyses: a 0/1 column per option, % of the respondents who ticked each (these can sum
    # past 100), a bar per option.

    def export_columns(self, info):
        return [
            Column(f"{info.code}__{code}", info.code, "value", key=code, source="ticked")
            for code in info.choice_codes
        ]

    def export_cells(self, info, value, cells):
        ticked = value.choices
        return [cells.flag(code in ticked) for code in info.choice_codes]

    def codebook(self, info):
        return [
            CodebookEntry("multiple (one option)", TICKS, with_suffix(info.text, label))
            for _code, label in info.choices
        ]

    def value_fields(self, info):
        return ("ticked",)

    def summarize(self, info, counted):
        return distributions.multiple_choice(
            info.choice_codes, counted.values, counted.respondents, counted.other_texts
        )

    def chart_name(self, info):
        return f"question-{info.code}"

    def chart(self, results, language, page_title):
        return choice_chart(results[0], language)

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/choice.html"


KIND = Multiple()
