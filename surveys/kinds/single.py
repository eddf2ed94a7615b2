"""A single choice shown as radio buttons (Q1 "Vous êtes"): one choice code per answer."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column

from ..values import AnswerValue
from .base import ONE_BOX, ChoiceFamily, choice_chart, choice_values, choices_of, required_error

# More choices than this and a single choice is shown as a select.
LONG_LIST = 12


class Single(ChoiceFamily):
    name = "single"
    label = _("Single choice")
    analysis_role = "category"
    operators = ("is", "is_not", "in", "not_in")
    template = "surveys/fields/choices.html"

    def as_list(self, question) -> bool:
        """Shown as a select: a long list (Q3's 21 specialties fill five phone screens as
        radios; a select opens the phone's own picker and takes one line)."""
        return len(choices_of(question)) > LONG_LIST

    def fields(self, question, label):
        choices = [(c.code, c.label) for c in choices_of(question)]
        if self.as_list(question):
            field = forms.ChoiceField(
                choices=[("", _("Choose…")), *choices],
                label=label,
                widget=forms.Select(),
            )
            field.box_class = "form-select"
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, label=label)
        return {question.code: required_error(field)}

    def layout(self, question):
        if self.as_list(question):
            return [Field(question.code, template=ONE_BOX)]
        return [Field(question.code, template=self.template)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(choice=cleaned.get(question.code) or None)

    def initial(self, question, answer):
        return {question.code: answer.choice}

    def stored_rows(self, question, value):
        return [{"row": "", "choice": value.choice}]

    def from_stored(self, question, rows):
        return AnswerValue(choice=rows[0].choice)

    # The analyses: a column of choice codes, % of those who answered, a bar per choice.

    def export_columns(self, info):
        return [Column(info.code, info.code, "value", source="choice")]

    def export_cells(self, info, value, cells):
        return [cells.choice(info.code, value.choice)]

    def codebook(self, info):
        return [CodebookEntry(self.name, choice_values(info), info.text)]

    def value_fields(self, info):
        return ("choice",)

    def summarize(self, info, counted):
        return distributions.single_choice(info.choice_codes, counted.values, counted.other_texts)

    def chart_name(self, info):
        return f"question-{info.code}"

    def chart(self, results, language, page_title):
        return choice_chart(results[0], language)

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/choice.html"


KIND = Single()
