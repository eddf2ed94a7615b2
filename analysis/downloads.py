"""The export and the codebook, wired to the database (used by the dashboard and the command)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from surveys.models import Survey

from . import export, queries
from .queries import Filters
from .report import Context
from .variables import pick


def export_questions(ctx: Context) -> list[export.ExportQuestion]:
    sections = {p.id: {"fr": p.title_fr, "en": p.title_en or p.title_fr} for p in ctx.layout.pages}
    result = []
    for q in ctx.layout.questions:
        condition = ""
        if q.condition_choice_id:
            sign = "=" if q.condition_operator == "is" else "!="
            condition = f"{q.condition_choice.question.code} {sign} {q.condition_choice.code}"
        result.append(
            export.ExportQuestion(
                info=ctx.questions[q.code],
                section=sections[q.page_id],
                has_other=any(c.is_other for c in q.choices.all()),
                has_comment=q.has_comment,
                condition=condition,
            )
        )
    return result


def responses_csv(survey: Survey, options: export.Options, filters: Filters | None = None) -> Iterator[bytes]:
    """The wide CSV, line by line: the first bytes leave before the database is read through."""
    ctx = Context.load(survey, filters)
    cols = export.columns(export_questions(ctx))
    labels = {}
    if options.labels:
        labels = {
            (q.code, code): pick(label, options.labels)
            for q in ctx.questions.values()
            for code, label in q.choices
        }
    builder = export.RowBuilder(cols, labels, options)
    rows = (builder.build(row) for row in queries.export_rows(ctx.survey, ctx.layout, ctx.filters))
    return export.csv_lines([c.name for c in cols], rows, options)


def codebook(survey: Survey, filters: Filters | None = None) -> list[list[str]]:
    ctx = Context.load(survey, filters)
    questions = export_questions(ctx)
    cols = export.columns(questions)
    return export.codebook_rows(cols, questions, queries.export_counts(ctx.survey, ctx.layout, ctx.filters))


def codebook_csv(survey: Survey, options: export.Options, filters: Filters | None = None) -> Iterator[bytes]:
    return export.csv_lines(export.CODEBOOK_HEADER, codebook(survey, filters), options)


def filename(survey: Survey, what: str, options: export.Options, filters: Filters | None) -> str:
    parts = [survey.slug, what]
    if filters and filters.complete_only:
        parts.append("complete")
    if options.labels:
        parts.append(f"labels-{options.labels}")
    if options.excel_fr:
        parts.append("excel-fr")
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + ".csv"
