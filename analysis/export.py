"""The wide CSV for statisticians and its codebook (pure: no database).

One row per participant; columns ``response_id``, ``status``, ``language``, ``started_on``,
``completed_on`` (dates only: times could match a response to a person's activity),
``duration_minutes`` (whole minutes from the start to the last page saved), ``last_page`` (the
furthest page submitted: 0 when none was, the number of pages when complete), then the
questions in questionnaire order, each with the columns its kind gives (surveys/kinds/):
``Q1`` (a choice code), ``Q21__speed_of_responses`` (1 chosen / 0 not chosen / empty when the
question was not answered or hidden), ``Q11`` (a score), ``years`` (a number, written exactly:
``2.5``), ``last`` (a day, ``2026-11-25``), ``opinion__useful`` (a grid's statement: a choice
code), ``Q27`` (a text), then ``Q3__other_text`` and ``Q9__comment``. When test responses (pilot
runs) are included, ``is_test`` (1 / 0) follows ``completed_on``; otherwise they are left out and
so is the column.

An empty answer cell is one of three kinds of missing (``missing_reasons``): the question was
**not reached** (its page comes after ``last_page``), **not shown** (skip logic hid it, given the
answers) or **left blank** (shown on a page submitted, not answered). The CSV leaves all three
empty (the rule above tells them apart); the typed files (SPSS, Stata) give each its own code.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from surveys.values import AnswerValue

from .variables import Label, QuestionInfo

FIXED = ("response_id", "status", "language", "started_on", "completed_on", "duration_minutes", "last_page")
TEST_COLUMN = "is_test"

# The three kinds of missing answer, in the order the rule tells them apart.
NOT_REACHED = "not_reached"  # the respondent stopped before the question's page
NOT_SHOWN = "not_shown"  # skip logic hid the question, given the respondent's answers
LEFT_BLANK = "left_blank"  # shown on a page the respondent submitted, and not answered
MISSING = (NOT_REACHED, NOT_SHOWN, LEFT_BLANK)
# How the typed files say which: SPSS user-missing values (numeric variables) and Stata's
# extended missing values; labelled in both languages. The CSV and Excel files leave the three
# empty, told apart by the rule (``last_page``, the codebook's page and condition).
MISSING_CODES = {NOT_REACHED: -97, NOT_SHOWN: -98, LEFT_BLANK: -99}
STATA_MISSING = {NOT_REACHED: ".a", NOT_SHOWN: ".b", LEFT_BLANK: ".c"}


def spss_codes_collide(info: QuestionInfo) -> bool:
    """Whether an answer to a number question could be -99..-97, SPSS's missing codes: then
    its empty cells stay system-missing in SPSS (Stata's .a/.b/.c cannot collide)."""
    low, high = min(MISSING_CODES.values()), max(MISSING_CODES.values())
    return (info.number_min is None or info.number_min <= high) and (
        info.number_max is None or info.number_max >= low
    )


MISSING_LABELS = {
    NOT_REACHED: {
        "fr": "Non atteinte (arrêt avant cette page)",
        "en": "Not reached (stopped before this page)",
    },
    NOT_SHOWN: {"fr": "Non posée (logique de saut)", "en": "Not shown (skip logic)"},
    LEFT_BLANK: {"fr": "Sans réponse (laissée vide)", "en": "Left blank"},
}
# OWASP, CSV injection (CWE-1236): a cell starting with one of these can run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# A labelled export (choice labels instead of codes) labels the response's own codes too.
FIXED_LABELS = {
    "status": {
        "in_progress": {"fr": "En cours", "en": "In progress"},
        "complete": {"fr": "Complète", "en": "Complete"},
    },
    "language": {"fr": {"fr": "Français", "en": "French"}, "en": {"fr": "Anglais", "en": "English"}},
}


def fixed_label(column: str, code: str, language: str | None) -> str:
    """``code`` of ``status`` or ``language`` in words in ``language``; the code itself when
    ``language`` is None (an export of codes) or the code has no label."""
    if not language:
        return code
    label = FIXED_LABELS[column].get(code)
    return label[language] if label else code


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


class TypedCells:
    """``Cells`` for the typed files (Excel, SPSS, Stata, pandas): each cell as a value, not as
    text: a choice's code (or label), an int or a Decimal, a date, a text, 1 / 0 for a ticked
    option; None where there is no value. Nothing to guard: a typed cell never runs."""

    def __init__(self, options: Options, labels: dict | None = None) -> None:
        self.labels = labels if options.labels else None

    def choice(self, question: str, code: str | None) -> str | None:
        if code is None:
            return None
        return self.labels[(question, code)] if self.labels else code

    @staticmethod
    def number(value):
        return value

    @staticmethod
    def day(value: dt.date | None) -> dt.date | None:
        return value

    @staticmethod
    def text(value: str) -> str | None:
        return value or None

    @staticmethod
    def flag(on: bool) -> int:
        return 1 if on else 0


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
    last_page: int = 0  # the furthest page submitted (0: none; the last page when complete)
    duration_minutes: int | None = None  # whole minutes from the start to the last page saved


def duration_minutes(started: dt.datetime, last_saved: dt.datetime | None) -> int | None:
    """Whole minutes (rounded down) from the start to the last page saved; None when no page
    was saved."""
    if last_saved is None:
        return None
    return max(0, int((last_saved - started).total_seconds() // 60))


def missing_reasons(rules, row: ResponseRow) -> dict[str, str]:
    """Why each answerable question without an answer in ``row`` has none: ``NOT_REACHED``,
    ``NOT_SHOWN`` or ``LEFT_BLANK`` (``rules``: the survey's ``skip_logic.Rule`` list). A grid
    answered in part is not missing: its statements left empty were left blank."""
    from surveys.skip_logic import visible_codes

    visible = None
    reasons = {}
    for rule in rules:
        if not rule.answerable or rule.code in row.answers:
            continue
        if rule.page > row.last_page:
            reasons[rule.code] = NOT_REACHED
            continue
        if visible is None:  # only when a question on a submitted page has no answer
            visible = visible_codes(rules, row.answers)
        reasons[rule.code] = LEFT_BLANK if rule.code in visible else NOT_SHOWN
    return reasons


class RowBuilder:
    """Turns participants into rows of cells, in column order, neutralised where they hold text.

    Built once per export: each answer is written by its kind straight to its cells, so a row
    costs what its answers cost, not what the number of columns does.
    """

    def __init__(
        self,
        cols: list[Column],
        labels: dict,
        options: Options,
        questions: list[ExportQuestion],
        typed: bool = False,
        rules: list | None = None,
    ) -> None:
        self.width = len(cols)
        self.typed = typed
        self.fixed_language = options.labels  # status and language in words in a labelled export
        self.cells = TypedCells(options, labels) if typed else Cells(options, labels)
        self.rules = rules or []
        self.columns_of: dict[str, list[int]] = {}  # a question's value columns, for the missing
        self.other: dict[str, int] = {}
        self.comment: dict[str, int] = {}
        self.with_tests = any(col.name == TEST_COLUMN and col.part == "fixed" for col in cols)
        positions: dict[str, list[int]] = {}
        for index, col in enumerate(cols):
            if col.part == "value":
                positions.setdefault(col.question, []).append(index)
                self.columns_of.setdefault(col.question, []).append(index)
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

    def build(self, row: ResponseRow) -> list:
        """The row's cells: texts for a CSV; values (None where empty) when ``typed``."""
        if self.typed:
            cells = [None] * self.width
            cells[: len(FIXED)] = [
                row.id,
                fixed_label("status", row.status, self.fixed_language),
                fixed_label("language", row.language, self.fixed_language),
                row.started_on,
                row.completed_on,
                row.duration_minutes,
                row.last_page,
            ]
            if self.with_tests:
                cells[len(FIXED)] = 1 if row.is_test else 0
            self._answers(row, cells)
            return cells
        cells = [""] * self.width
        cells[: len(FIXED)] = [
            row.id,
            fixed_label("status", row.status, self.fixed_language),
            fixed_label("language", row.language, self.fixed_language),
            row.started_on.isoformat(),
            row.completed_on.isoformat() if row.completed_on else "",
            "" if row.duration_minutes is None else str(row.duration_minutes),
            str(row.last_page),
        ]
        if self.with_tests:  # right after the fixed columns, see ``columns``
            cells[len(FIXED)] = "1" if row.is_test else "0"
        self._answers(row, cells)
        return cells

    def missing(self, row: ResponseRow, cells: list) -> dict[int, str]:
        """Why each empty value cell of ``row`` (its typed ``cells``) is empty, by column index:
        ``NOT_REACHED``, ``NOT_SHOWN`` or ``LEFT_BLANK`` (a statement of a grid answered in part
        was left blank). The "other" and comment columns are not in it: empty when there is no
        such text, whatever the reason (the codebook gives their condition)."""
        result = {}
        for code, reason in missing_reasons(self.rules, row).items():
            for index in self.columns_of.get(code, ()):
                result[index] = reason
        for code in row.answers:
            for index in self.columns_of.get(code, ()):
                if cells[index] is None:
                    result[index] = LEFT_BLANK
        return result

    def _answers(self, row: ResponseRow, cells: list) -> None:
        for code, value in row.answers.items():
            slot = self.slots.get(code)
            if slot is not None:
                start, end, kind, info = slot
                cells[start:end] = kind.export_cells(info, value, self.cells)
            if code in self.other:
                cells[self.other[code]] = self.cells.text(value.other_text)
            if code in self.comment:
                cells[self.comment[code]] = self.cells.text(value.comment)


def row_values(
    row: ResponseRow, cols: list[Column], labels: dict, options: Options, questions: list[ExportQuestion]
) -> list[str]:
    """One participant's row (see RowBuilder, which an export builds once)."""
    return RowBuilder(cols, labels, options, questions).build(row)


@dataclass
class Table:
    """An export as values, for the typed files (Excel, SPSS, Stata): the columns, the questions
    they are of, and the rows, each a list of typed cells (``TypedCells``: None where empty) with
    why each empty value cell is empty (``RowBuilder.missing``: column index -> one of
    ``MISSING``). ``rows`` is read once, as the database gives it."""

    columns: list[Column]
    questions: list[ExportQuestion]
    rows: Iterable[tuple[list, dict[int, str]]]
    language: str  # the language of the variable and value labels: "fr" or "en"
    instrument_version: str
    labels: bool = False  # the choice cells hold labels (in ``language``), not codes


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
