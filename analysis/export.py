"""The wide CSV for statisticians and its codebook (pure: no database).

One row per participant; columns ``response_id``, ``status``, ``language``, ``started_on``,
``completed_on`` (dates only: times could match a response to a person's activity), then the
questions in questionnaire order, each with the columns its kind gives (surveys/kinds/):
``Q1`` (a choice code), ``Q21__speed_of_responses`` (1 chosen / 0 not chosen / empty when the
question was not answered or hidden), ``Q11`` (a score), ``years`` (a number, written exactly:
``2.5``), ``last`` (a day, ``2026-11-25``), ``opinion__useful`` (a grid's statement: a choice
code), ``Q27`` (a text), then ``Q3__other_text`` and ``Q9__comment``. When test responses (pilot
runs) are included, ``is_test`` (1 / 0) follows ``completed_on``; otherwise they are left out and
so is the column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from surveys.values import AnswerValue

from .variables import Label, QuestionInfo, pick

FIXED = ("response_id", "status", "language", "started_on", "completed_on")
TEST_COLUMN = "is_test"
# OWASP, CSV injection (CWE-1236): a cell starting with one of these can run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Column:
    name: str
    question: str | None  # question code; None for the response's own columns
    part: str  # fixed, value (the answer's own, its kind's), other_text, comment
    key: str | None = None  # what a column of several is of: an option's code, a statement's
    row: str = ""  # the answer row it reads: a grid's statement, "" for every other kind
    source: str = ""  # the answer's field it shows: choice, ticked, score, number, date, text


@dataclass(frozen=True)
class CodebookEntry:
    """What the codebook says of one of a question's columns (its kind's words)."""

    kind: str  # the kind's name, or what part of it the column is: "multiple (one option)"…
    values: str  # "code = label | …", "0-10 (integer)", "integer from 0 to 60; unit: ans | years"…
    text: Label  # the question's text, with the option or the statement the column is of


@dataclass(frozen=True)
class ExportQuestion:
    info: QuestionInfo
    section: dict  # the page title, {"fr": ..., "en": ...}
    has_other: bool
    has_comment: bool
    condition: str  # e.g. "Q9 != never", empty when always shown


def columns(questions: list[ExportQuestion], with_tests: bool = False) -> list[Column]:
    """The export's columns; ``with_tests`` adds ``is_test`` for an export that includes them."""
    result = [Column(name, None, "fixed") for name in FIXED]
    if with_tests:
        result.append(Column(TEST_COLUMN, None, "fixed"))
    for q in questions:
        code = q.info.code
        result += q.info.kind_module.export_columns(q.info)
        if q.has_other:
            result.append(Column(f"{code}__other_text", code, "other_text", source="other_text"))
        if q.has_comment:
            result.append(Column(f"{code}__comment", code, "comment", source="comment"))
    return result


@dataclass(frozen=True)
class Options:
    labels: str | None = None  # "fr" or "en": choice labels instead of codes
    excel_fr: bool = False  # UTF-8 with BOM, ";" separator, decimal comma

    @property
    def delimiter(self) -> str:
        return ";" if self.excel_fr else ","


def neutralise(text: str) -> str:
    """Make a text cell inert in a spreadsheet (OWASP): prefix a formula start with a quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Cells:
    """How a kind writes its cells (``Kind.export_cells``): choice codes or labels, numbers
    exactly with a point or a decimal comma, days in ISO, texts made inert."""

    def __init__(self, options: Options, labels: dict | None = None) -> None:
        self.labels = labels if options.labels else None  # (question, choice) -> label
        self.decimal_comma = options.excel_fr
        # The formula guard is for the file a spreadsheet opens (French Excel): the plain CSV,
        # read by R and pandas, keeps every text exactly as typed ("-5 mg/kg", "+33 6…").
        self.guard = options.excel_fr

    def _inert(self, text: str) -> str:
        return neutralise(text) if self.guard else text

    def choice(self, question: str, code: str | None) -> str:
        if code is None:
            return ""
        return self._inert(self.labels[(question, code)]) if self.labels else code

    def number(self, value) -> str:
        """A score or a number, exactly: 12, 2.5 (never 1E+1, 2.500000 or 2.4999999)."""
        if value is None:
            return ""
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
        elif isinstance(value, float):
            text = repr(value)
        else:
            return str(value)
        return text.replace(".", ",") if self.decimal_comma else text

    @staticmethod
    def day(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    def text(self, value: str) -> str:
        return self._inert(value)

    @staticmethod
    def flag(on: bool) -> str:
        return "1" if on else "0"


@dataclass(frozen=True)
class ResponseRow:
    """What one participant gave, as read from the database."""

    id: str
    status: str
    language: str
    started_on: dt.date
    completed_on: dt.date | None
    answers: dict[str, AnswerValue]  # by question code
    is_test: bool = False  # a pilot run of the staff preview


class RowBuilder:
    """Turns participants into rows of cells, in column order, neutralised where they hold text.

    Built once per export: each answer is written by its kind straight to its cells, so a row
    costs what its answers cost, not what the number of columns does.
    """

    def __init__(
        self, cols: list[Column], labels: dict, options: Options, questions: list[ExportQuestion]
    ) -> None:
        self.width = len(cols)
        self.cells = Cells(options, labels)
        self.other: dict[str, int] = {}
        self.comment: dict[str, int] = {}
        self.with_tests = any(col.name == TEST_COLUMN and col.part == "fixed" for col in cols)
        positions: dict[str, list[int]] = {}
        for index, col in enumerate(cols):
            if col.part == "value":
                positions.setdefault(col.question, []).append(index)
            elif col.part == "other_text":
                self.other[col.question] = index
            elif col.part == "comment":
                self.comment[col.question] = index
        # Per question: where its kind's cells start and end (a question's columns are side by
        # side), its kind and what the kind knows of it.
        self.slots: dict[str, tuple[int, int, object, QuestionInfo]] = {
            q.info.code: (
                positions[q.info.code][0],
                positions[q.info.code][-1] + 1,
                q.info.kind_module,
                q.info,
            )
            for q in questions
            if q.info.code in positions
        }

    def build(self, row: ResponseRow) -> list[str]:
        cells = [""] * self.width
        cells[:5] = [
            row.id,
            row.status,
            row.language,
            row.started_on.isoformat(),
            row.completed_on.isoformat() if row.completed_on else "",
        ]
        if self.with_tests:  # right after the fixed columns, see ``columns``
            cells[len(FIXED)] = "1" if row.is_test else "0"
        for code, value in row.answers.items():
            slot = self.slots.get(code)
            if slot is not None:
                start, end, kind, info = slot
                cells[start:end] = kind.export_cells(info, value, self.cells)
            if code in self.other:
                cells[self.other[code]] = self.cells.text(value.other_text)
            if code in self.comment:
                cells[self.comment[code]] = self.cells.text(value.comment)
        return cells


def row_values(
    row: ResponseRow, cols: list[Column], labels: dict, options: Options, questions: list[ExportQuestion]
) -> list[str]:
    """One participant's row (see RowBuilder, which an export builds once)."""
    return RowBuilder(cols, labels, options, questions).build(row)


class _Echo:
    """A file-like object whose write() returns what it is given (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[str]], options: Options) -> Iterator[bytes]:
    """The encoded lines of an RFC 4180 CSV (CRLF line ends, quotes where needed)."""
    writer = csv.writer(
        _Echo(), delimiter=options.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    first = writer.writerow(header)
    yield (("\ufeff" if options.excel_fr else "") + first).encode("utf-8")
    for row in rows:
        yield writer.writerow(row).encode("utf-8")


CODEBOOK_HEADER = [
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
