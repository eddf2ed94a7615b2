"""The export and the codebook, wired to the database (used by the dashboard and the command)."""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils import timezone

from surveys.conditions import as_expression
from surveys.models import Survey

from . import export, queries
from .queries import Filters
from .report import Context
from .variables import pick


def export_questions(ctx: Context) -> list[export.ExportQuestion]:
    sections = {p.id: {"fr": p.title_fr, "en": p.title_en or p.title_fr} for p in ctx.layout.pages}
    result = []
    for q in ctx.layout.questions:
        rule = ctx.layout.rules_by_code[q.code].condition
        condition = as_expression(rule) if rule else ""
        info = ctx.questions[q.code]
        result.append(
            export.ExportQuestion(
                info=info,
                section=sections[q.page_id],
                has_other=info.has_other,
                has_comment=q.has_comment,
                condition=condition,
            )
        )
    return result


def _choice_labels(ctx: Context, language: str | None) -> dict:
    """(question, choice code) -> its label in ``language``; {} for codes."""
    if not language:
        return {}
    return {
        (q.code, code): pick(label, language) for q in ctx.questions.values() for code, label in q.choices
    }


def responses_csv(survey: Survey, options: export.Options, filters: Filters | None = None) -> Iterator[bytes]:
    """The wide CSV, line by line: the first bytes leave before the database is read through."""
    return responses_csv_of(Context.load(survey, filters), options)


def responses_csv_of(ctx: Context, options: export.Options) -> Iterator[bytes]:
    questions = export_questions(ctx)
    cols = export.columns(questions, with_tests=ctx.filters.include_tests)
    builder = export.RowBuilder(cols, _choice_labels(ctx, options.labels), options, questions)
    rows = (builder.build(row) for row in queries.export_rows(ctx.survey, ctx.layout, ctx.filters))
    return export.csv_lines([c.name for c in cols], rows, options)


def responses_table(
    survey: Survey, filters: Filters | None = None, language: str = "fr", labels: bool = False
) -> export.Table:
    """The export as typed values (``export.Table``) for the Excel, SPSS and Stata files: the
    rows are read from the database as they are consumed, a chunk at a time. ``labels``: the
    choice cells hold their labels in ``language`` instead of their codes."""
    return table_of(Context.load(survey, filters), language, labels)


def table_of(ctx: Context, language: str = "fr", labels: bool = False) -> export.Table:
    questions = export_questions(ctx)
    cols = export.columns(questions, with_tests=ctx.filters.include_tests)
    options = export.Options(labels=language if labels else None)
    builder = export.RowBuilder(
        cols, _choice_labels(ctx, options.labels), options, questions, typed=True, rules=ctx.layout.rules
    )

    def rows():
        for row in queries.export_rows(ctx.survey, ctx.layout, ctx.filters):
            cells = builder.build(row)
            yield cells, builder.missing(row, cells)

    return export.Table(cols, questions, rows(), language, ctx.survey.instrument_version, labels)


def codebook(survey: Survey, filters: Filters | None = None) -> list[list[str]]:
    return codebook_of(Context.load(survey, filters))


def codebook_of(ctx: Context) -> list[list[str]]:
    from . import codebook

    return codebook.rows_of(ctx)


def codebook_csv(survey: Survey, options: export.Options, filters: Filters | None = None) -> Iterator[bytes]:
    from . import codebook as book

    rows = codebook(survey, filters)
    return export.csv_lines(book.HEADER, book.guarded(rows) if options.excel_fr else rows, options)


def filename(
    survey: Survey, what: str, options: export.Options, filters: Filters | None, extension: str = "csv"
) -> str:
    """E.g. ``cme-social-network-2022-responses-v2022.1-complete-2026-11-23.csv``; a date range
    adds ``from-2022-06-01-to-2022-06-30``."""
    parts = [survey.slug, what]
    # The version goes in a header, a file name and a command line: only safe characters.
    version = re.sub(r"[^A-Za-z0-9._-]+", "-", survey.instrument_version).strip("-.")
    if version:
        parts.append(f"v{version}")
    if filters and filters.complete_only:
        parts.append("complete")
    if filters and filters.start:
        parts.append(f"from-{filters.start.isoformat()}")
    if filters and filters.end:
        parts.append(f"to-{filters.end.isoformat()}")
    if filters and filters.include_tests:
        parts.append("with-tests")
    if options.labels:
        parts.append(f"labels-{options.labels}")
    if options.excel_fr:
        parts.append("excel-fr")
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + extension


@dataclass(frozen=True)
class FileFormat:
    extension: str
    content_type: str
    typed: bool  # written from ``export.Table`` to a file (Excel, SPSS, Stata), not streamed as text


CSV_TYPE = "text/csv; charset=utf-8"
RESPONSE_FORMATS = {
    "standard": FileFormat("csv", CSV_TYPE, False),
    "excel-fr": FileFormat("csv", CSV_TYPE, False),
    "xlsx": FileFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
    "sav": FileFormat("sav", "application/x-spss-sav", True),
    "dta": FileFormat("dta", "application/x-stata-dta", True),
}


def write_typed(ctx: Context, fmt: str, language: str, labels: bool, path: str) -> None:
    """The responses of ``ctx`` in a typed format (``xlsx``, ``sav``, ``dta``), written to
    ``path``: Excel with its codebook sheet and choice labels when ``labels``; SPSS and Stata
    with their variable and value labels in ``language``."""
    from . import codebook, spreadsheet, statfiles

    if fmt == "xlsx":
        spreadsheet.xlsx(
            table_of(ctx, language, labels),
            codebook.HEADER,
            codebook_of(ctx),
            path,
            title=pick(survey_title(ctx), language),
        )
    elif fmt == "sav":
        statfiles.sav(table_of(ctx, language), path, title=pick(survey_title(ctx), language))
    elif fmt == "dta":
        statfiles.dta(table_of(ctx, language), path, title=pick(survey_title(ctx), language))
    else:
        raise ValueError(f"not a typed format: {fmt}")


def survey_title(ctx: Context) -> dict:
    return {"fr": ctx.survey.title_fr, "en": ctx.survey.title_en or ctx.survey.title_fr}


def temporary_file(write) -> IO[bytes]:
    """A file that ``write(path)`` fills, opened for reading and already unlinked: it goes when
    it is closed (after a download has been sent), whatever happens."""
    handle, path = tempfile.mkstemp(prefix="medsurvey-export-")
    os.close(handle)
    try:
        write(path)
        return open(path, "rb")  # noqa: SIM115 (closed by the response that sends it)
    finally:
        os.unlink(path)


def script(ctx: Context, which: str, language: str, data_file: str = "responses.csv") -> str:
    """The R (``r``) or pandas (``pandas``) script made for the survey: it reads the plain CSV
    (``data_file``, in the folder it is run in), labels it and reproduces the dashboard's tests."""
    from . import scripts

    make = {"r": scripts.r_script, "pandas": scripts.pandas_script}[which]
    return make(ctx, language=language, data_file=data_file)


SCRIPT_FILES = {"r": "analysis.R", "pandas": "analysis.py"}


def redcap_dictionary(ctx: Context) -> bytes:
    """The survey as a REDCap data dictionary (CSV bytes)."""
    from . import dictionaries

    return dictionaries.redcap_dictionary(ctx)


def bundle(ctx: Context, language: str, path: str) -> None:
    """Everything a statistician needs in one zip: ``responses.csv`` (plain, codes),
    ``codebook.csv``, ``datapackage.json`` (Frictionless), ``redcap-dictionary.csv``, and the R
    and pandas scripts. The responses are written as they are read: flat memory."""
    from . import codebook as book
    from . import dictionaries

    plain = export.Options()
    entry = zipfile.ZipInfo("responses.csv", date_time=timezone.localtime().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(entry, "w") as target:
            for line in responses_csv_of(ctx, plain):
                target.write(line)
        archive.writestr("codebook.csv", b"".join(export.csv_lines(book.HEADER, codebook_of(ctx), plain)))
        package = dictionaries.datapackage(ctx, resource_path="responses.csv")
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        archive.writestr("redcap-dictionary.csv", redcap_dictionary(ctx))
        for which, name in SCRIPT_FILES.items():
            archive.writestr(name, script(ctx, which, language))
