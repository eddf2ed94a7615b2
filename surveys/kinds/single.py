"""A single choice shown as radio buttons (Q1 "Vous êtes"): one choice code per answer."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from ..values import AnswerValue
from .base import ChoiceFamily, choices_of, required_error


class Single(ChoiceFamily):
    name = "single"
    label = _("Single choice")
    analysis_role = "category"
    operators = ("is", "is_not", "in", "not_in")
    template = "surveys/fields/choices.html"

    def widget(self):
        return forms.RadioSelect

    def fields(self, question, label):
        choices = [(c.code, c.label) for c in choices_of(question)]
        return {
            question.code: required_error(
                forms.ChoiceField(choices=choices, widget=self.widget(), label=label)
            )
        }

    def layout(self, question):
        return [Field(question.code, template=self.template)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(choice=cleaned.get(question.code) or None)

    def initial(self, question, answer):
        return {question.code: answer.choice}

    def stored_rows(self, question, value):
        return [{"row": "", "choice": value.choice}]

    def from_stored(self, question, rows):
        return AnswerValue(choice=rows[0].choice)


KIND = Single()
