"""The responses as an Excel workbook with typed cells (pure: no database).

Three sheets: ``responses`` (one row per participant, the columns of the CSV), ``codebook`` (its
rows as given) and ``read me`` (what the file is, in the table's language). Numbers are numbers,
days are dates shown ``yyyy-mm-dd``, and every text is a string cell: nothing a respondent typed
("=1+1", "+33 6…", "@SUM(A1)", "#N/A") can become a formula or an error value, and no apostrophe
is added. The workbook is written in openpyxl's write-only mode, row by row as the table gives
them: memory stays flat whatever the number of participants.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import export

DATE_FORMAT = "yyyy-mm-dd"
# Excel's limit for one cell, in UTF-16 code units (an emoji counts two).
CELL_LIMIT = 32_767
TRUNCATED = {
    "fr": " [… texte tronqué : {n} caractères en tout, entier dans le CSV]",
    "en": " [… text truncated: {n} characters in all, whole in the CSV]",
}
# What XML 1.0 cannot hold (control characters other than tab, line feed and carriage return;
# lone surrogates; U+FFFE, U+FFFF): each is replaced by U+FFFD, the replacement character, so a
# reader sees where one was.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
BOLD = Font(bold=True)

# Column widths (in characters) by what a column holds: enough for the usual value, the header
# widens it.
WIDTHS = {"choice": 14, "ticked": 6, "score": 8, "number": 10, "date": 12, "text": 40}
FIXED_WIDTHS = {"response_id": 38, "started_on": 12, "completed_on": 12}
LABEL_WIDTH = 28  # a choice column holding labels
MAX_WIDTH = 60


def xlsx(
    table: export.Table,
    codebook_header: list[str],
    codebook_rows: list[list[str]],
    path,
    *,
    title: str = "",
    made_on: dt.date | None = None,
) -> None:
    """Write ``table`` to ``path`` as an .xlsx workbook: its rows in ``responses``, the codebook
    in ``codebook`` and a ``read me`` sheet naming the survey (``title``), the instrument
    version, the day it was made (``made_on``, today by default) and the number of participants.
    ``table.rows`` is read once, each row written as it comes."""
    language = "en" if table.language.startswith("en") else "fr"
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "medsurvey"
    workbook.properties.title = title or "responses"
    responses = workbook.create_sheet("responses")
    book = workbook.create_sheet("codebook")
    readme = workbook.create_sheet("read me")

    try:
        count = _write_responses(responses, table, language)
        _write_codebook(book, codebook_header, codebook_rows, language)
        _write_readme(readme, table, codebook_header, title, made_on or dt.date.today(), count, language)
        workbook.save(path)
    except BaseException:
        _remove_buffers(workbook)
        raise


def _remove_buffers(workbook: Workbook) -> None:
    """Remove the files where a write-only workbook buffers its sheets (openpyxl deletes them
    when it saves, or when the process ends): an export that fails leaves no participant's
    answers on the disk."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)  # openpyxl's; None until a row is written
        if writer is not None and isinstance(writer.out, str) and os.path.exists(writer.out):
            with contextlib.suppress(Exception):
                if getattr(sheet, "_rows", None) is not None:
                    sheet._rows.close()  # ends the sheet's XML as a save would
                writer.close()
            writer.cleanup()


def _write_responses(sheet, table: export.Table, language: str) -> int:
    """The header and the rows; returns how many rows were written."""
    columns = table.columns
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column, table.labels)
    sheet.freeze_panes = "A2"  # before the first row: openpyxl writes the view at the top
    sheet.append([_header(sheet, column.name, language) for column in columns])
    count = 0
    for cells, _missing in table.rows:  # the three kinds of missing stay empty, see the read me
        sheet.append([_cell(sheet, value, language) for value in cells])
        count += 1
    # Written after the rows (at the end of the sheet's XML): it can cover all of them.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _write_codebook(sheet, header: list[str], rows: list[list[str]], language: str) -> None:
    for index, name in enumerate(header, 1):
        longest = max((len(str(row[index - 1])) for row in rows if len(row) >= index), default=0)
        width = min(max(len(name), longest) + 2, MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"  # the header and the variable's name stay in view
    sheet.append([_header(sheet, name, language) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value, language) for value in row])
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


def _write_readme(
    sheet,
    table: export.Table,
    codebook_header: list[str],
    title: str,
    made_on: dt.date,
    count: int,
    language: str,
) -> None:
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 110
    for label, value in readme_lines(table, codebook_header, title, made_on, count, language):
        key = _header(sheet, label, language) if label else None
        sheet.append([key, _cell(sheet, value, language)])


README = {
    "en": {
        "file": ("File", 'The responses to a survey: one row per participant (sheet "responses")'),
        "survey": "Survey",
        "version": "Instrument version",
        "made": "Made on",
        "participants": "Participants",
        "sheets": (
            "Sheets",
            '"responses": the data; "codebook": what each column holds; "read me": this page',
        ),
        "choices": "Choice cells",
        "codes": 'codes (their labels are in the codebook, columns "values_fr" and "values_en")',
        "labels": (
            'labels in {language} (their codes are in the codebook, columns "values_fr" and "values_en")'
        ),
        "cells": ("Cells", "numbers are numbers, days are dates (yyyy-mm-dd), texts are texts, as typed"),
        "multiple": (
            "Multiple choice",
            "one column per option: 1 chosen, 0 not chosen, empty when not answered",
        ),
        "missing": ("Empty answer cells", "three kinds of missing, told apart by this rule:"),
        "reached": "not reached: the question's page {page} comes after last_page",
        "page": '(codebook column "page")',
        "no_page": "(the position of its section)",
        "shown": 'not shown: the question\'s condition (codebook column "condition") did not hold',
        "blank": "left blank: otherwise (shown on a page that was submitted, and not answered)",
        "texts_missing": (
            "The 'other' and comment columns are empty when there is no such text, whatever the reason."
        ),
        "texts": (
            "Texts",
            "characters a spreadsheet cannot hold (control characters) are replaced by {replacement}; "
            'a text longer than {limit} characters is cut and ends with "{marker}"',
        ),
        "languages": {"fr": "French", "en": "English"},
        "thousands": ",",
    },
    "fr": {
        "file": (
            "Fichier",
            "Les réponses à un questionnaire : une ligne par participant (feuille « responses »)",
        ),
        "survey": "Questionnaire",
        "version": "Version de l'instrument",
        "made": "Fait le",
        "participants": "Participants",
        "sheets": (
            "Feuilles",
            "« responses » : les données ; « codebook » : le dictionnaire des variables ; "
            "« read me » : cette page",
        ),
        "choices": "Cellules de choix",
        "codes": "codes (leurs libellés sont dans le dictionnaire, colonnes « values_fr » et « values_en »)",
        "labels": (
            "libellés en {language} (leurs codes sont dans le dictionnaire, "
            "colonnes « values_fr » et « values_en »)"
        ),
        "cells": (
            "Cellules",
            "nombres en nombres, jours en dates (aaaa-mm-jj), textes en textes, tels que saisis",
        ),
        "multiple": ("Choix multiples", "une colonne par option : 1 cochée, 0 non cochée, vide sans réponse"),
        "missing": ("Cellules de réponse vides", "trois sortes de données manquantes, selon cette règle :"),
        "reached": "non atteinte : la page de la question {page} vient après last_page",
        "page": "(colonne « page » du dictionnaire)",
        "no_page": "(le rang de sa section)",
        "shown": (
            "non posée : la condition de la question (colonne « condition » du dictionnaire) "
            "n'était pas remplie"
        ),
        "blank": "sans réponse : sinon (posée sur une page validée, et laissée vide)",
        "texts_missing": (
            "Les colonnes « autre » et commentaire sont vides quand il n'y a pas de tel texte, "
            "quelle qu'en soit la raison."
        ),
        "texts": (
            "Textes",
            "les caractères qu'un tableur ne peut pas contenir (caractères de contrôle) sont remplacés par "
            "{replacement} ; un texte de plus de {limit} caractères est coupé et finit par « {marker} »",
        ),
        "languages": {"fr": "français", "en": "anglais"},
        "thousands": "\u202f",
    },
}


def readme_lines(
    table: export.Table,
    codebook_header: list[str],
    title: str,
    made_on: dt.date,
    count: int,
    language: str,
) -> list[tuple[str, object]]:
    """The read me sheet's lines, (what, value), in ``language`` ("fr" or "en")."""
    words = README[language]
    if table.labels:
        choices = words["labels"].format(language=words["languages"].get(table.language[:2], table.language))
    else:
        choices = words["codes"]
    page = words["page"] if "page" in codebook_header else words["no_page"]
    texts_what, texts = words["texts"]
    lines = [
        words["file"],
        (words["version"], table.instrument_version),
        (words["made"], made_on),
        (words["participants"], count),
        words["sheets"],
        (words["choices"], choices),
        words["cells"],
        words["multiple"],
        words["missing"],
        ("", words["reached"].format(page=page)),
        ("", words["shown"]),
        ("", words["blank"]),
        ("", words["texts_missing"]),
        (
            texts_what,
            texts.format(
                replacement=REPLACEMENT,
                limit=f"{CELL_LIMIT:,}".replace(",", words["thousands"]),
                marker=TRUNCATED[language].format(n="N").strip(),
            ),
        ),
    ]
    if title:
        lines.insert(1, (words["survey"], title))
    return lines


def _width(column: export.Column, labels: bool) -> float:
    if column.part == "fixed":
        base = FIXED_WIDTHS.get(column.name, 0)
    elif column.part in ("other_text", "comment"):
        base = WIDTHS["text"]
    elif column.source == "choice" and labels:
        base = LABEL_WIDTH
    else:
        base = WIDTHS.get(column.source, 12)
    return min(max(base, len(column.name) + 3), MAX_WIDTH)  # +3: room for the filter's button


def _cell(sheet, value, language: str):
    """What to append for ``value``: a string cell for a text (nothing for ""), an int for a
    whole number, a float for a decimal one (the double nearest the Decimal, as Excel keeps it),
    a date cell for a day (a datetime keeps openpyxl's date-and-time format)."""
    if isinstance(value, str):
        return text_cell(sheet, value, language) if value else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _header(sheet, name: str, language: str):
    cell = text_cell(sheet, name, language)
    cell.font = BOLD
    return cell


def text_cell(sheet, text: str, language: str = "fr"):
    """A string cell holding ``text``: openpyxl would make a formula of a text starting with
    "=" and an error value of "#N/A"; its type is forced back to a string."""
    cell = WriteOnlyCell(sheet, fit(text, language))
    cell.data_type = "s"
    return cell


def fit(text: str, language: str = "fr") -> str:
    """``text`` as a cell can hold it: the characters XML cannot hold replaced by U+FFFD, and cut
    to Excel's 32,767 characters with a marker saying so."""
    text = ILLEGAL.sub(REPLACEMENT, text)
    if len(text) <= CELL_LIMIT // 2:  # cannot be over the limit, even in UTF-16
        return text
    units = text.encode("utf-16-le")
    if len(units) // 2 <= CELL_LIMIT:
        return text
    marker = TRUNCATED[language].format(n=len(text))
    # Cut in UTF-16 units; "ignore" drops the half of a surrogate pair the cut may split.
    kept = units[: 2 * (CELL_LIMIT - len(marker))].decode("utf-16-le", errors="ignore")
    return kept + marker
