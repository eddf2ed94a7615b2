"""A single choice shown as a select, for long lists (a specialty among forty)."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from .base import choices_of, required_error
from .single import Single


class Dropdown(Single):
    """A single choice to the analyses too: its column, statistics and chart are a single
    choice's (only its codebook's kind says "dropdown")."""

    name = "dropdown"
    label = _("Single choice in a list")

    def fields(self, question, label):
        choices = [("", _("Choose…")), *((c.code, c.label) for c in choices_of(question))]
        field = forms.ChoiceField(
            choices=choices, label=label, widget=forms.Select(attrs={"class": "form-select"})
        )
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code)]


KIND = Dropdown()
