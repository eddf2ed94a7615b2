"""A free text (Q27's comments): kept as typed, without surrounding spaces."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from ..values import AnswerValue
from .base import Kind, required_error

TEXT_MAX = 5000


class FreeText(Kind):
    name = "text"
    label = _("Free text")

    def fields(self, question, label):
        field = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}), label=label)
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(text=(cleaned.get(question.code) or "").strip())

    def initial(self, question, answer):
        return {question.code: answer.text}

    def stored_rows(self, question, value):
        return [{"row": "", "text": value.text.strip()}]

    def from_stored(self, question, rows):
        return AnswerValue(text=rows[0].text)


KIND = FreeText()
