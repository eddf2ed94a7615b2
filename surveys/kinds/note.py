"""A note: a paragraph between questions (an XLSForm ``note``, a REDCap ``descriptive``
field). Nothing is asked, nothing is stored."""

from __future__ import annotations

from crispy_forms.layout import HTML
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..values import AnswerValue
from .base import Kind


class Note(Kind):
    name = "note"
    label = _("Note (no answer)")
    answerable = False

    def parse(self, p, node, code):
        if node.get("required") is True or node.get("comment"):
            p.fail(node, "a note asks nothing: it has no 'required' or 'comment'", code)
        return {}

    def fields(self, question, label):
        return {}

    def layout(self, question):
        text = mark_safe(linebreaks(question.text, autoescape=True))  # noqa: S308 - escaped by linebreaks
        help_text = format_html('<p class="form-text">{}</p>', question.help) if question.help else ""
        html = format_html('<div class="survey-note">{}{}</div>', text, help_text)
        # crispy renders an HTML() as a template: braces typed in the instrument stay text.
        return [HTML(html.replace("{", "&#123;").replace("}", "&#125;"))]

    def cleaned_value(self, question, cleaned):
        return AnswerValue()

    def initial(self, question, answer):
        return {}

    def missing(self, question, value):
        return []

    def stored_rows(self, question, value):
        return []

    def from_stored(self, question, rows):
        return AnswerValue()

    # The analyses: nothing to export, count or draw; the results leave notes out.

    def export_columns(self, info):
        return []

    def export_cells(self, info, value, cells):
        return []

    def codebook(self, info):
        return []

    def value_fields(self, info):
        return ()

    def summarize(self, info, counted):
        return None

    def chart_name(self, info):
        return None

    def chart(self, results, language, page_title):
        return None

    def summary_data(self, info, summary):
        return {}

    def results_template(self, info):
        return ""


KIND = Note()
