"""A grid: statements sharing one set of choices (a five-point agreement scale), one answer per
statement. Laid out as a table on a desktop, each statement with its options under it on a
phone. Each statement is a variable of its own, ``<code>__<statement>``."""

from __future__ import annotations

from crispy_forms.layout import LayoutObject
from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column
from analysis.variables import pick

from ..specs import StatementSpec, Text
from ..values import AnswerValue
from .base import (
    ChoiceFamily,
    chart_title,
    choice_values,
    choices_of,
    required_error,
    share_axis,
    with_suffix,
)

SEPARATOR = "__"


def statements_of(question) -> list:
    return list(question.statements.all())


def field_name(question, statement_code: str) -> str:
    return f"{question.code}{SEPARATOR}{statement_code}"


class GridLayout(LayoutObject):
    """The grid's statements rendered together, as one group with one legend."""

    template = "surveys/fields/grid.html"

    def __init__(self, question) -> None:
        self.question = question
        self.fields = [field_name(question, s.code) for s in statements_of(question)]

    def render(self, form, context, template_pack=None, **kwargs):
        question = self.question
        rows = [form[name] for name in self.fields]
        if not rows:  # a grid still without statements (being built): nothing to answer yet
            return ""
        first = rows[0]
        return render_to_string(
            self.template,
            {
                "question": question,
                "label": first.field.grid_label,
                "help_text": first.field.help_text,
                "required": first.field.grid_required,
                "choices": [c.label for c in choices_of(question)],
                "rows": rows,
                "errors": any(row.errors for row in rows),
                "group_id": f"grid_{question.code}",
            },
        )


class Grid(ChoiceFamily):
    name = "grid"
    label = _("Grid of statements")
    has_other = False
    file_keys = ("statements", "choices")
    has_statements = True

    def parse(self, p, node, code):
        result = super().parse(p, node, code)
        raw = node.get("statements")
        if not isinstance(raw, list) or len(raw) < 2:
            p.fail(node, "a grid needs a list of at least two 'statements'", code)
        statements, codes = [], set()
        for item in raw:
            item = p.mapping(item, "a statement", node)
            statement_code = p.string(item, "code", code=code)
            p.check_code(item, statement_code, "statement code", code)
            if statement_code in codes:
                p.fail(item, f"statement code '{statement_code}' is used twice", code)
            codes.add(statement_code)
            text = Text(p.string(item, "fr", code=code), p.string(item, "en", False, code))
            statements.append(StatementSpec(statement_code, text))
        return result | {"statements": tuple(statements)}

    def to_data(self, q):
        statements = [
            {"code": s.code, "fr": s.text.fr, **({"en": s.text.en} if s.text.en else {})}
            for s in q.statements
        ]
        return {"statements": statements} | super().to_data(q)

    def structure(self, q):
        return super().structure(q) | {"statements": [s.code for s in q.statements]}

    def wording(self, q):
        return super().wording(q) | {f"statement {s.code}, text": s.text for s in q.statements}

    def spec_values(self, question):
        statements = tuple(StatementSpec(s.code, Text(s.text_fr, s.text_en)) for s in statements_of(question))
        return super().spec_values(question) | {"statements": statements}

    def fields(self, question, label):
        choices = [(c.code, c.label) for c in choices_of(question)]
        result = {}
        for statement in statements_of(question):
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, label=statement.text)
            field.grid_label, field.grid_required = label, question.required
            field.help_text = question.help
            result[field_name(question, statement.code)] = required_error(field)
        return result

    def layout(self, question):
        return [GridLayout(question)]

    def cleaned_value(self, question, cleaned):
        rows = {}
        for statement in statements_of(question):
            value = cleaned.get(field_name(question, statement.code))
            if value:
                rows[statement.code] = value
        return AnswerValue(rows=rows)

    def initial(self, question, answer):
        return {field_name(question, code): choice for code, choice in answer.rows.items()}

    def missing(self, question, value):
        return [field_name(question, s.code) for s in statements_of(question) if s.code not in value.rows]

    def check(self, question, value):
        return {}

    def stored_rows(self, question, value):
        return [{"row": code, "choice": choice} for code, choice in value.rows.items()]

    def from_stored(self, question, rows):
        return AnswerValue(rows={r.row: r.choice for r in rows if r.choice})

    # The analyses: each statement a variable of its own, ``<code>__<statement>``, holding a
    # choice code; per statement the % of those who answered it that chose each choice, drawn
    # as a bar per statement split into its choices.

    def export_columns(self, info):
        return [
            Column(field_name(info, code), info.code, "value", key=code, row=code, source="choice")
            for code in info.statement_codes
        ]

    def export_cells(self, info, value, cells):
        rows = value.rows
        return [cells.choice(info.code, rows.get(code)) for code in info.statement_codes]

    def codebook(self, info):
        values = choice_values(info)
        return [
            CodebookEntry("grid (one statement)", values, with_suffix(info.text, text))
            for _code, text in info.statements
        ]

    def value_fields(self, info):
        return ("row", "choice")

    def summarize(self, info, counted):
        return distributions.grid(info.statement_codes, info.choice_codes, counted.rows, counted.respondents)

    def chart_name(self, info):
        return f"question-{info.code}"

    def chart(self, results, language, page_title):
        from analysis import charts

        (result,) = results
        info, texts = result.info, dict(result.info.statements)
        bars = [
            charts.Shares(
                pick(texts[s.code], language), [r.percent or 0 for r in s.summary.rows], s.summary.n
            )
            for s in result.summary.statements
        ]
        labels = [pick(label, language) for _code, label in info.choices]
        return charts.stacked_shares(
            chart_title(info, language), bars, labels, share_axis([bar.n for bar in bars])
        )

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/grid.html"


KIND = Grid()
