"""The wide CSV for statisticians and its codebook (pure: no database).

One row per participant; columns ``response_id``, ``status``, ``language``, ``started_on``,
``completed_on`` (dates only: times could match a response to a person's activity), then the
questions in questionnaire order: ``Q1`` (a choice code), ``Q21__speed_of_responses`` (1 chosen /
0 not chosen / empty when the question was not answered or hidden), ``Q11`` (a score), ``Q27``
(a text), ``Q3__other_text`` and ``Q9__comment``. When test responses (pilot runs) are included,
``is_test`` (1 / 0) follows ``completed_on``; otherwise they are left out and so is the column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .variables import QuestionInfo, pick

FIXED = ("response_id", "status", "language", "started_on", "completed_on")
TEST_COLUMN = "is_test"
# OWASP, CSV injection (CWE-1236): a cell starting with one of these can run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Column:
    name: str
    question: str | None  # question code; None for the response's own columns
    part: str  # fixed, value, option, other_text, comment
    choice: str | None = None  # the option of a multiple-choice column


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
        if q.info.kind == "multiple":
            result += [Column(f"{code}__{choice}", code, "option", choice) for choice in q.info.choice_codes]
        else:
            result.append(Column(code, code, "value"))
        if q.has_other:
            result.append(Column(f"{code}__other_text", code, "other_text"))
        if q.has_comment:
            result.append(Column(f"{code}__comment", code, "comment"))
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


def _number(value, options: Options) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if options.excel_fr else text
    return str(value)


@dataclass(frozen=True)
class ResponseRow:
    """What one participant gave, as read from the database."""

    id: str
    status: str
    language: str
    started_on: dt.date
    completed_on: dt.date | None
    answers: dict  # question code -> (choice code | None, score | None, text, other_text, comment)
    chosen: dict  # question code -> set of choice codes (multiple choice)
    is_test: bool = False  # a pilot run of the staff preview


class RowBuilder:
    """Turns participants into rows of cells, in column order, neutralised where they hold text.

    Built once per export: each answer is written straight to its cells, so a row costs what
    its answers cost, not what the number of columns does.
    """

    def __init__(self, cols: list[Column], labels: dict, options: Options) -> None:
        self.width = len(cols)
        self.labels = labels if options.labels else None
        self.options = options
        self.value: dict[str, int] = {}
        self.other: dict[str, int] = {}
        self.comment: dict[str, int] = {}
        self.options_of: dict[str, dict[str, int]] = {}
        self.with_tests = any(col.name == TEST_COLUMN and col.part == "fixed" for col in cols)
        for index, col in enumerate(cols):
            if col.part == "value":
                self.value[col.question] = index
            elif col.part == "option":
                self.options_of.setdefault(col.question, {})[col.choice] = index
            elif col.part == "other_text":
                self.other[col.question] = index
            elif col.part == "comment":
                self.comment[col.question] = index

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
        for code, (choice, score, text, other_text, comment) in row.answers.items():
            index = self.value.get(code)
            if index is not None:
                if choice is not None:
                    cells[index] = neutralise(self.labels[(code, choice)]) if self.labels else choice
                elif score is not None:
                    cells[index] = _number(score, self.options)
                else:
                    cells[index] = neutralise(text)
            ticked = self.options_of.get(code)
            if ticked is not None:
                chosen = row.chosen.get(code, ())
                for option, position in ticked.items():
                    cells[position] = "1" if option in chosen else "0"
            if code in self.other:
                cells[self.other[code]] = neutralise(other_text)
            if code in self.comment:
                cells[self.comment[code]] = neutralise(comment)
        return cells


def row_values(row: ResponseRow, cols: list[Column], labels: dict, options: Options) -> list[str]:
    """One participant's row (see RowBuilder, which an export builds once)."""
    return RowBuilder(cols, labels, options).build(row)


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
        kind = info.kind
        values = ""
        text_fr, text_en = pick(info.text, "fr"), pick(info.text, "en")
        if col.part == "option":
            label = dict(info.choices)[col.choice]
            text_fr, text_en = f"{text_fr} — {pick(label, 'fr')}", f"{text_en} — {pick(label, 'en')}"
            values, kind = "1 = chosen | 0 = not chosen | empty = not answered", "multiple (one option)"
        elif col.part in ("other_text", "comment"):
            kind = "text"
            suffix = {
                "other_text": ("« autre » précisé", "'other' specified"),
                "comment": ("commentaire", "comment"),
            }
            text_fr, text_en = f"{text_fr} — {suffix[col.part][0]}", f"{text_en} — {suffix[col.part][1]}"
        elif info.kind == "single":
            values = " | ".join(f"{code} = {pick(label, 'fr')}" for code, label in info.choices)
        elif info.kind == "scale":
            values = f"{info.scale_min}-{info.scale_max} (integer)"
        rows.append(
            [
                col.name,
                info.code,
                pick(q.section, "fr"),
                pick(q.section, "en"),
                text_fr,
                text_en,
                kind,
                values,
                q.condition,
                str(counts.get(col.name, 0)),
                instrument_version,
            ]
        )
    return [[neutralise(cell) for cell in row] for row in rows]
