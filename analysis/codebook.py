"""The codebook: one row per column of the export, saying what it holds (pure, but for
``rows_of``, which reads the counts of non-empty cells from the database)."""

from __future__ import annotations

from .export import TEST_COLUMN, CodebookEntry, Column, ExportQuestion, neutralise
from .variables import pick

HEADER = [
    "variable",
    "question",
    "section_fr",
    "section_en",
    "text_fr",
    "text_en",
    "kind",
    "values",
    "condition",
    "non_empty",
    "instrument_version",  # the instrument as loaded when the files were made, on every row
]


def codebook_rows(
    cols: list[Column], questions: list[ExportQuestion], counts: dict[str, int], instrument_version: str
) -> list[list[str]]:
    """One row per column of the export: what it holds, how many cells are not empty, and the
    version of the instrument that the texts, codes and conditions are those of."""
    by_code = {q.info.code: q for q in questions}
    # Each question's own columns, described by its kind, by column name.
    entries = {
        q.info.code: {
            col.name: entry
            for col, entry in zip(
                q.info.kind_module.export_columns(q.info), q.info.kind_module.codebook(q.info), strict=True
            )
        }
        for q in questions
    }
    fixed = {
        "response_id": ("", "random identifier of the response (UUID)"),
        "status": ("in_progress | complete", "complete when the last page was submitted"),
        "language": ("fr | en", "the language the respondent answered in"),
        "started_on": ("YYYY-MM-DD", "day the respondent started"),
        "completed_on": ("YYYY-MM-DD", "day the respondent submitted the last page"),
        "duration_minutes": (
            "integer (minutes)",
            "whole minutes from the start to the last page saved (rounded down)",
        ),
        "last_page": (
            "integer (page number)",
            "the furthest page submitted (0: none); a question on a later page was not reached",
        ),
        TEST_COLUMN: (
            "1 = test response | 0 = participant",
            "1 for a test response (a pilot run of the staff preview), not data from a participant",
        ),
    }
    rows = []
    for col in cols:
        if col.part == "fixed":
            values, meaning = fixed[col.name]
            rows.append(
                [
                    col.name,
                    "",
                    "",
                    "",
                    meaning,
                    meaning,
                    "metadata",
                    values,
                    "",
                    str(counts.get(col.name, 0)),
                    instrument_version,
                ]
            )
            continue
        q = by_code[col.question]
        info = q.info
        if col.part in ("other_text", "comment"):
            suffix = {
                "other_text": ("« autre » précisé", "'other' specified"),
                "comment": ("commentaire", "comment"),
            }[col.part]
            text = {
                "fr": f"{pick(info.text, 'fr')} — {suffix[0]}",
                "en": f"{pick(info.text, 'en')} — {suffix[1]}",
            }
            entry = CodebookEntry("text", "", text)
        else:
            entry = entries[col.question][col.name]
        rows.append(
            [
                col.name,
                info.code,
                pick(q.section, "fr"),
                pick(q.section, "en"),
                pick(entry.text, "fr"),
                pick(entry.text, "en"),
                entry.kind,
                entry.values,
                q.condition,
                str(counts.get(col.name, 0)),
                instrument_version,
            ]
        )
    return [[neutralise(cell) for cell in row] for row in rows]


def rows_of(ctx) -> list[list[str]]:
    """The codebook of ``ctx`` (a ``report.Context``): its export's columns, with the counts of
    its filters."""
    from . import downloads, export, queries

    questions = downloads.export_questions(ctx)
    cols = export.columns(questions, with_tests=ctx.filters.include_tests)
    counts = queries.export_counts(ctx.survey, ctx.layout, ctx.filters, cols)
    return codebook_rows(cols, questions, counts, ctx.survey.instrument_version)
