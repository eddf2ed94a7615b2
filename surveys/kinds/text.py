"""A free text (Q27's comments): kept as typed, without surrounding spaces."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column

from ..values import AnswerValue
from .base import ONE_BOX, Kind, required_error

TEXT_MAX = 5000


class FreeText(Kind):
    name = "text"
    label = _("Free text")

    def fields(self, question, label):
        field = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}), label=label)
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code, template=ONE_BOX)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(text=(cleaned.get(question.code) or "").strip())

    def initial(self, question, answer):
        return {question.code: answer.text}

    def stored_rows(self, question, value):
        return [{"row": "", "text": value.text.strip()}]

    def from_stored(self, question, rows):
        return AnswerValue(text=rows[0].text)

    # The analyses: a column of texts (made inert in a spreadsheet), how many, the latest ones.

    def export_columns(self, info):
        return [Column(info.code, info.code, "value", source="text")]

    def export_cells(self, info, value, cells):
        return [cells.text(value.text)]

    def codebook(self, info):
        return [CodebookEntry(self.name, "", info.text)]

    def value_fields(self, info):
        return ("text",)

    def summarize(self, info, counted):
        return counted.texts or distributions.free_text(0, [])

    def chart_name(self, info):
        return None

    def chart(self, results, language, page_title):
        return None

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/text.html"


KIND = FreeText()
