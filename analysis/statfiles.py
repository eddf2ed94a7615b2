"""The responses as an SPSS (.sav) or a Stata (.dta, format 118: Stata 14 and later, Unicode) file
(pure: an ``export.Table`` in, a file out, written with pyreadstat).

The same variables as the wide CSV, in the same order, with what the CSV cannot say:

- **Variable labels**: the question's text in ``table.language`` ("question — option" for a
  multiple choice's option, "question — statement" for a grid's statement, "question — comment").
  Stata takes 80 characters: the question's text is cut at a word and ends with "…", what the
  column is of (the option, the statement) is kept. SPSS takes 256 bytes, cut the same way.
- **Values**: a single choice, a dropdown or a grid's statement is the position of the choice in
  the questionnaire (1..k), labelled with the choice's label, so that R's ``as_factor`` and SPSS
  list them in questionnaire order; a multiple choice's option is 0 / 1 (not ticked / ticked);
  ``status`` is 1 in progress / 2 complete; ``language`` 1 Français / 2 English; ``is_test`` 0 / 1.
  Scores, numbers, durations and page numbers are numbers; days are dates (SPSS ``SDATE10``,
  Stata ``%tdCCYY-NN-DD``); texts are strings.
- **Why an answer is missing** (``export.MISSING``), in every numeric variable of a question:
  SPSS: the code of ``export.MISSING_CODES`` (-97 not reached, -98 not shown, -99 left blank),
  declared user-missing and labelled; Stata: the extended missing values .a / .b / .c, labelled.
  Where a code cannot be told from an answer the cell is left system-missing instead: in SPSS,
  a number question whose allowed range reaches -99..-97 (or has no lower bound), and the days of
  a date question (a code there would read as a day in 1582). Texts, and the "other" and comment
  columns, are empty strings whatever the reason (the CSV's rule tells the reasons apart).
- **Measurement levels** (SPSS): nominal for choices, ticks, ``status``, ``language`` and texts;
  scale for scores (the analyses report their mean, SD and quartiles), numbers, durations and days.
- **Names**: the CSV's, unless the format refuses it (``variable_names``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import pandas as pd
import pyreadstat

from . import export
from .export import MISSING, MISSING_CODES, MISSING_LABELS, STATA_MISSING
from .variables import QuestionInfo, pick

# Stata allows 32 characters, but pyreadstat names each variable's value labels after it followed
# by its rank among the labelled variables, and that name must fit in 32 too: 29 leaves room for
# 1,000 of them (``_stata_name_max`` takes one character less per digit beyond).
STATA_NAME_MAX = 29
SPSS_NAME_MAX = 64
STATA_LABEL_MAX = 80  # characters (variable and file labels)
SPSS_LABEL_BYTES = 256  # variable labels; readstat cuts longer ones without a word
SPSS_VALUE_LABEL_BYTES = 120
SPSS_FILE_LABEL_BYTES = 64
SPSS_NOTE_BYTES = 80  # one line of the file's documents
STATA_RELEASE = 14  # pyreadstat's ``version``: Stata 14 writes format 118
STATA_RESERVED = frozenset(
    {"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N"}
    | {"_pi", "_pred", "_rc", "_skip", "strL", "using", "with"}
)
SPSS_RESERVED = frozenset({"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"})
CHUNK = 10_000  # rows turned into columns at a time

SPSS_EPOCH = dt.date(1582, 10, 14).toordinal()  # SPSS counts seconds from there
STATA_EPOCH = dt.date(1960, 1, 1).toordinal()  # Stata counts days from there
REASON_NUMBER = {reason: number for number, reason in enumerate(MISSING, start=1)}  # 0: not missing

TICKS = {0: {"fr": "Non cochée", "en": "Not ticked"}, 1: {"fr": "Cochée", "en": "Ticked"}}
# status and language numbered in the order of their labels (export.FIXED_LABELS: the same words as
# a labelled CSV): 1 in progress / 2 complete, 1 French / 2 English.
STATUS = {code: (n, label) for n, (code, label) in enumerate(export.FIXED_LABELS["status"].items(), 1)}
LANGUAGE = {code: (n, label) for n, (code, label) in enumerate(export.FIXED_LABELS["language"].items(), 1)}
IS_TEST = {0: {"fr": "Participant", "en": "Participant"}, 1: {"fr": "Réponse de test", "en": "Test response"}}
FIXED_TEXT = {
    "response_id": {"fr": "Identifiant de la réponse (aléatoire)", "en": "Response identifier (random)"},
    "status": {"fr": "Statut de la réponse", "en": "Response status"},
    "language": {"fr": "Langue de réponse", "en": "Language answered in"},
    "started_on": {"fr": "Jour du début", "en": "Day started"},
    "completed_on": {"fr": "Jour de la dernière page envoyée", "en": "Day the last page was submitted"},
    "duration_minutes": {
        "fr": "Durée en minutes (du début à la dernière page enregistrée)",
        "en": "Duration in minutes (from the start to the last page saved)",
    },
    "last_page": {"fr": "Dernière page envoyée (0 : aucune)", "en": "Last page submitted (0: none)"},
    export.TEST_COLUMN: {"fr": "Réponse de test (essai pilote)", "en": "Test response (pilot run)"},
}
PART_TEXT = {
    "other_text": {"fr": "« autre » précisé", "en": "'other' specified"},
    "comment": {"fr": "commentaire", "en": "comment"},
}


@dataclass
class Variable:
    """What one column of the export is in the typed files."""

    name: str  # the CSV's
    text: str  # the label: the question's text (in the table's language)…
    of: str = ""  # …and what the column is of, kept whole when the label is shortened: " — Rapidité"
    type: str = "text"  # category (cells coded as 1..k), integer, decimal, date, text
    codes: dict = field(default_factory=dict)  # a category's cell -> its number
    value_labels: dict[int, str] = field(default_factory=dict)
    measure: str = "nominal"  # SPSS's measurement level
    decimals: int = 0
    reasons: bool = False  # a question's value: its empty cells say why (export.MISSING)
    codes_collide: bool = False  # SPSS's -97..-99 could be answers: left system-missing there

    @property
    def numeric(self) -> bool:
        return self.type != "text"


def describe(table: export.Table) -> list[Variable]:
    """A ``Variable`` per column of ``table``, in column order."""
    language = table.language
    infos = {q.info.code: q.info for q in table.questions}
    return [
        _fixed(col.name, language) if col.question is None else _answer(col, infos[col.question], table)
        for col in table.columns
    ]


def _fixed(name: str, language: str) -> Variable:
    text = pick(FIXED_TEXT[name], language)
    if name in ("status", "language"):
        table = STATUS if name == "status" else LANGUAGE
        codes = {key: number for key, (number, _label) in table.items()}
        labels = {number: pick(label, language) for number, label in table.values()}
        return Variable(name, text, type="category", codes=codes, value_labels=labels)
    if name == export.TEST_COLUMN:
        labels = {number: pick(label, language) for number, label in IS_TEST.items()}
        return Variable(name, text, type="category", codes={0: 0, 1: 1}, value_labels=labels)
    if name in ("started_on", "completed_on"):
        return Variable(name, text, type="date", measure="scale")
    if name in ("duration_minutes", "last_page"):
        return Variable(name, text, type="integer", measure="scale")
    return Variable(name, text)  # response_id


def _answer(col: export.Column, info: QuestionInfo, table: export.Table) -> Variable:
    language = table.language
    text = pick(info.text, language)
    if col.part in PART_TEXT:
        return Variable(col.name, text, " — " + pick(PART_TEXT[col.part], language))
    of = ""
    if col.key is not None:
        what = dict(info.statements) if col.row else info.choice_labels
        of = " — " + pick(what[col.key], language)
    base = Variable(col.name, text, of, reasons=True)
    if col.source == "choice":
        codes, labels = {}, {}
        for number, (code, label) in enumerate(info.choices, start=1):
            codes[code] = number
            if table.labels:  # the cells hold the labels in the table's language
                codes[pick(label, language)] = number
            labels[number] = pick(label, language)
        base.type, base.codes, base.value_labels = "category", codes, labels
    elif col.source == "ticked":
        labels = {number: pick(label, language) for number, label in TICKS.items()}
        base.type, base.codes, base.value_labels = "category", {0: 0, 1: 1}, labels
    elif col.source == "score":
        base.type, base.measure, base.value_labels = "integer", "scale", _anchors(info, language)
    elif col.source == "number":
        base.type = "decimal" if info.decimals else "integer"
        base.measure, base.decimals = "scale", info.decimals
        base.codes_collide = export.spss_codes_collide(info)
    elif col.source == "date":
        base.type, base.measure = "date", "scale"
    elif col.source != "text":
        raise ValueError(f"{col.name}: no SPSS or Stata type for a column of source {col.source!r}")
    return base


def _anchors(info: QuestionInfo, language: str) -> dict[int, str]:
    """A scale's ends labelled with its anchors ("Pas du tout utiles" … "Très utiles"), when what
    the analyses know of the question has them (``scale_min_label`` / ``scale_max_label``)."""
    labels = {}
    for score, anchor in ((info.scale_min, "scale_min_label"), (info.scale_max, "scale_max_label")):
        text = pick(getattr(info, anchor), language)
        if score is not None and text:
            labels[score] = text
    return labels


# -- the names --------------------------------------------------------------------------------


def variable_names(names: list[str], limit: int, reserved: frozenset[str], fold=str) -> list[str]:
    """The names a format takes for the CSV's ``names``, in the same order.

    A name that starts with a letter, is not a word the format reserves and has at most ``limit``
    characters is kept. Otherwise it takes ``v_`` in front if it starts with something else than a
    letter or is reserved, and if it is then too long, it is cut to ``limit - 7`` characters
    followed by ``_`` and the first 6 hexadecimal digits of the SHA-256 of the CSV name (so the
    name depends on that column only, not on the others). A name the format would confuse with
    one already given (``fold``: ``str.lower`` for SPSS, whose names ignore case) takes that
    ending too. The CSV name is kept in the label (Stata) or the file's notes (SPSS).
    """

    def proper(name: str) -> bool:
        return name[:1].isascii() and name[:1].isalpha() and fold(name) not in {fold(r) for r in reserved}

    result: list[str | None] = [name if proper(name) and len(name) <= limit else None for name in names]
    taken: set[str] = set()
    for index, name in enumerate(result):
        if name is not None:
            if fold(name) in taken:  # SPSS: Q1 and q1
                result[index] = None
            taken.add(fold(name))
    for index, name in enumerate(names):
        if result[index] is not None:
            continue
        base = name if proper(name) else "v_" + name
        if len(base) > limit or fold(base) in taken:
            digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
            base = f"{base[: limit - 7].rstrip('_')}_{digest}"
        if fold(base) in taken:
            raise ValueError(f"no unique name for column {name!r} ({base!r} is taken)")
        taken.add(fold(base))
        result[index] = base
    return result


# -- the labels -------------------------------------------------------------------------------


def shorten(text: str, of: str, fits: Callable[[str], bool]) -> str:
    """``text + of`` as it is when it ``fits``; otherwise ``text`` cut at a word (where one is
    near) and ended with "…", so that what the column is of (``of``) stays whole."""
    if fits(text + of):
        return text + of
    for end in range(len(text), -1, -1):
        cut = text[:end]
        space = cut.rfind(" ")
        if space > end * 2 // 3:
            cut = cut[:space]
        candidate = cut.rstrip(" ,;:.-—") + "…" + of
        if fits(candidate):
            return candidate
    whole = text + of
    return next(whole[:end] + "…" for end in range(len(whole), -1, -1) if fits(whole[:end] + "…"))


def _chars(limit: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= limit


def _bytes(limit: int) -> Callable[[str], bool]:
    return lambda text: len(text.encode("utf-8")) <= limit


# -- the data ---------------------------------------------------------------------------------


@dataclass
class Data:
    """The table's cells, column by column: numbers as float64 (NaN where empty; a category as
    its numbers, a date as its day's ordinal), texts as objects; and why each empty value cell
    is empty (``reasons[j]``: 0, or ``REASON_NUMBER``)."""

    values: list[np.ndarray]
    reasons: list[np.ndarray]


def read(table: export.Table, variables: list[Variable]) -> Data:
    """The rows of ``table`` (read once), turned into columns ``CHUNK`` rows at a time."""
    width = len(variables)
    parts: list[list[np.ndarray]] = [[] for _ in variables]
    reason_parts: list[np.ndarray] = []
    rows = iter(table.rows)
    while block := list(islice(rows, CHUNK)):
        columns = zip(*(cells for cells, _missing in block), strict=True)
        for variable, part, column in zip(variables, parts, columns, strict=True):
            part.append(_column(variable, column))
        at_row, at_column, why = [], [], []
        for index, (_cells, missing) in enumerate(block):
            for column_index, reason in missing.items():
                at_row.append(index)
                at_column.append(column_index)
                why.append(REASON_NUMBER[reason])
        reasons = np.zeros((width, len(block)), dtype=np.int8)
        reasons[at_column, at_row] = why
        reason_parts.append(reasons)
    if not reason_parts:
        empty = [np.empty(0, dtype=float if v.numeric else object) for v in variables]
        return Data(empty, [np.zeros(0, dtype=np.int8) for _ in variables])
    reasons = np.concatenate(reason_parts, axis=1)
    return Data([np.concatenate(p) for p in parts], list(reasons))


def _column(variable: Variable, cells: tuple) -> np.ndarray:
    if variable.type == "category":
        codes = variable.codes
        try:
            numbers = [math.nan if cell is None else codes[cell] for cell in cells]
        except KeyError as error:
            raise ValueError(f"{variable.name}: {error.args[0]!r} is not one of its choices") from None
        return np.array(numbers, dtype=np.float64)
    if variable.type in ("integer", "decimal"):
        return np.array(cells, dtype=np.float64)  # None -> NaN, Decimal -> float
    if variable.type == "date":
        return np.array([math.nan if day is None else day.toordinal() for day in cells], dtype=np.float64)
    return np.array(cells, dtype=object)


# -- the files --------------------------------------------------------------------------------


def _file_label(table: export.Table, title: str, fits) -> str:
    version = f"instrument {table.instrument_version}" if table.instrument_version else ""
    if not title:
        return shorten(version, "", fits) if version else ""
    return shorten(title, f" ({version})" if version else "", fits)


def sav(table: export.Table, path, *, title: str = "") -> None:
    """Write ``table`` to ``path`` as an SPSS file (``title``: the survey's, for the file label)."""
    variables = describe(table)
    data = read(table, variables)
    names = variable_names([v.name for v in variables], SPSS_NAME_MAX, SPSS_RESERVED, fold=str.lower)
    language = table.language
    code_labels = {MISSING_CODES[r]: _value_label(pick(MISSING_LABELS[r], language)) for r in MISSING}
    frame, labels, value_labels, missing, measure, formats = {}, [], {}, {}, {}, {}
    for name, variable, values, reasons in zip(names, variables, data.values, data.reasons, strict=True):
        labels.append(shorten(variable.text, variable.of, _bytes(SPSS_LABEL_BYTES)))
        measure[name] = variable.measure
        own = {number: _value_label(text) for number, text in variable.value_labels.items()}
        if not variable.numeric:
            frame[name] = values
            continue
        if variable.type == "date":
            frame[name] = (values - SPSS_EPOCH) * 86400.0
            formats[name] = "SDATE10"
        else:
            coded = variable.reasons and not variable.codes_collide
            frame[name] = _with_codes(values, reasons) if coded else values
            if coded:
                own |= code_labels
                missing[name] = sorted(MISSING_CODES.values(), reverse=True)
            formats[name] = _spss_format(variable, frame[name])
        if own:
            value_labels[name] = own
    pyreadstat.write_sav(
        pd.DataFrame(frame, copy=False),
        path,
        file_label=_file_label(table, title, _bytes(SPSS_FILE_LABEL_BYTES)),
        column_labels=labels,
        note=_notes(table, title, names, variables),
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure=measure,
        variable_format=formats,
    )


def _value_label(text: str) -> str:
    return shorten(text, "", _bytes(SPSS_VALUE_LABEL_BYTES))


def _with_codes(values: np.ndarray, reasons: np.ndarray) -> np.ndarray:
    result = values.copy()
    for reason, number in REASON_NUMBER.items():
        result[reasons == number] = MISSING_CODES[reason]
    return result


def _spss_format(variable: Variable, values: np.ndarray) -> str:
    """F3.0 for a choice's number or a score (-97 fits), wider for larger numbers."""
    finite = values[np.isfinite(values)]
    largest = int(np.abs(finite).max()) if finite.size else 0
    width = max(3, len(str(largest)) + 1 + (variable.decimals + 1 if variable.decimals else 0))
    return f"F{width}.{variable.decimals}"


def _notes(table: export.Table, title: str, names: list[str], variables: list[Variable]) -> list[str]:
    """The file's documents (SPSS's DISPLAY DOCUMENTS; haven's ``attr(x, "notes")``)."""
    language = table.language
    lines = [title, f"Instrument {table.instrument_version}" if table.instrument_version else ""]
    lines += [f"{MISSING_CODES[r]} = {pick(MISSING_LABELS[r], language)}" for r in MISSING]
    lines += [f"{name} = {v.name}" for name, v in zip(names, variables, strict=True) if name != v.name]
    return [shorten(line, "", _bytes(SPSS_NOTE_BYTES)) for line in lines if line]


def dta(table: export.Table, path, *, title: str = "") -> None:
    """Write ``table`` to ``path`` as a Stata file, format 118 (``title``: for the file label)."""
    variables = describe(table)
    data = read(table, variables)
    names = variable_names([v.name for v in variables], _stata_name_max(len(variables)), STATA_RESERVED)
    language = table.language
    letters = [STATA_MISSING[r].lstrip(".") for r in MISSING]
    tag_labels = {STATA_MISSING[r].lstrip("."): pick(MISSING_LABELS[r], language) for r in MISSING}
    frame, labels, value_labels, missing, formats = {}, [], {}, {}, {}
    for name, variable, values, reasons in zip(names, variables, data.values, data.reasons, strict=True):
        head = f"{variable.name}: " if name != variable.name else ""
        labels.append(shorten(head + variable.text, variable.of, _chars(STATA_LABEL_MAX)))
        if not variable.numeric:
            frame[name] = values
            continue
        if variable.type == "date":
            values = values - STATA_EPOCH
            formats[name] = "%tdCCYY-NN-DD"
        tagged = variable.reasons and bool(reasons.any())
        frame[name] = _tagged(values, reasons, variable.type != "decimal") if tagged else values
        own = dict(variable.value_labels)
        if tagged:
            own |= tag_labels
            missing[name] = letters
        if own:
            value_labels[name] = own
    pyreadstat.write_dta(
        pd.DataFrame(frame, copy=False),
        path,
        file_label=_file_label(table, title, _chars(STATA_LABEL_MAX)),
        column_labels=labels,
        version=STATA_RELEASE,
        variable_value_labels=value_labels,
        missing_user_values=missing,
        variable_format=formats,
    )


def _stata_name_max(width: int) -> int:
    return min(STATA_NAME_MAX, 32 - len(str(width - 1)))


def _tagged(values: np.ndarray, reasons: np.ndarray, whole: bool) -> np.ndarray:
    """The column as pyreadstat takes extended missing values: objects, the numbers (Python ints
    for whole numbers, small ones shared) with a letter a / b / c where the reason is known."""
    result = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    numbers = values[present]
    result[present] = (numbers.astype(np.int64) if whole else numbers).tolist()
    for reason, number in REASON_NUMBER.items():
        result[reasons == number] = STATA_MISSING[reason].lstrip(".")
    return result
