"""The Excel workbook of the responses: typed cells, texts that never run, three sheets."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from analysis import codebook, downloads, export, report, spreadsheet
from analysis.export import LEFT_BLANK, NOT_REACHED, Column
from surveys.seeding import seed_responses
from tests.conftest import FULL_ANSWERS

HOSTILE = ["=1+1", "+33 6 12 34 56 78", "-5 mg/kg", "@SUM(A1)", '=HYPERLINK("http://evil","x")', "#N/A"]
BOOK_HEADER = ["variable", "question", "condition"]
BOOK_ROWS = [["response_id", "", ""], ["Q9", "Q9", ""], ["Q11", "Q11", "Q9 != never"]]


def table(rows, labels=False, language="fr"):
    columns = [
        Column("response_id", None, "fixed"),
        Column("started_on", None, "fixed"),
        Column("duration_minutes", None, "fixed"),
        Column("Q9", "Q9", "value", source="choice"),
        Column("Q11", "Q11", "value", source="score"),
        Column("years", "years", "value", source="number"),
        Column("Q27", "Q27", "value", source="text"),
    ]
    return export.Table(columns, [], iter(rows), language, "2022.1", labels)


def row(years=None, text=None):
    cells = ["r1", dt.date(2022, 6, 1), 12, "rarely", 9, years, text]
    return cells, {}


def write(tmp_path, rows, **options) -> str:
    path = str(tmp_path / "responses.xlsx")
    spreadsheet.xlsx(
        table(rows, **options), BOOK_HEADER, BOOK_ROWS, path, title="CME", made_on=dt.date(2026, 11, 25)
    )
    return path


def responses(path):
    return openpyxl.load_workbook(path)["responses"]


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


# --- typed cells ---------------------------------------------------------------------------


def test_it_writes_whole_numbers_as_integers(tmp_path):
    sheet = responses(write(tmp_path, [row(years=Decimal("3.00"))]))
    assert [(sheet[ref].value, type(sheet[ref].value)) for ref in ("C2", "E2", "F2")] == [
        (12, int),
        (9, int),
        (3, int),
    ]


def test_it_writes_decimal_numbers_as_the_same_number(tmp_path):
    path = write(tmp_path, [row(years=Decimal("2.5")), row(years=Decimal("0.07"))])
    assert [responses(path)[ref].value for ref in ("F2", "F3")] == [2.5, 0.07]
    assert '<c r="F2" t="n"><v>2.5</v></c>' in sheet_xml(path)


def test_it_writes_days_as_dates_shown_in_iso(tmp_path):
    cell = responses(write(tmp_path, [row()]))["B2"]
    assert (cell.value, cell.is_date, cell.number_format) == (dt.datetime(2022, 6, 1), True, "yyyy-mm-dd")


def test_it_writes_choice_codes_and_texts_as_strings(tmp_path):
    sheet = responses(write(tmp_path, [row(text="Merci pour ce groupe.")]))
    assert [(sheet[ref].value, sheet[ref].data_type) for ref in ("A2", "D2", "G2")] == [
        ("r1", "s"),
        ("rarely", "s"),
        ("Merci pour ce groupe.", "s"),
    ]


def test_it_leaves_empty_cells_empty_whatever_the_missing(tmp_path):
    cells = ["r1", dt.date(2022, 6, 1), None, None, None, None, None]
    sheet = responses(write(tmp_path, [(cells, {3: NOT_REACHED, 4: NOT_REACHED, 6: LEFT_BLANK})]))
    assert [cell.value for cell in sheet[2]][2:] == [None] * 5


# --- texts ---------------------------------------------------------------------------------


def test_hostile_texts_stay_the_strings_typed(tmp_path):
    sheet = responses(write(tmp_path, [row(text=text) for text in HOSTILE]))
    assert [(sheet.cell(r, 7).value, sheet.cell(r, 7).data_type) for r in range(2, 8)] == [
        (text, "s") for text in HOSTILE
    ]


def test_no_cell_of_the_sheet_is_a_formula(tmp_path):
    xml = sheet_xml(write(tmp_path, [row(text=text) for text in HOSTILE]))
    assert "<f>" not in xml and 't="e"' not in xml
    assert '<c r="G2" t="inlineStr"><is><t>=1+1</t></is></c>' in xml


def test_no_apostrophe_is_added(tmp_path):
    sheet = responses(write(tmp_path, [row(text="-5 mg/kg")]))
    assert (sheet["G2"].value, sheet["G2"].quotePrefix) == ("-5 mg/kg", False)


def test_characters_a_sheet_cannot_hold_are_replaced_not_fatal(tmp_path):
    sheet = responses(write(tmp_path, [row(text="a\x00b\x0bc\x1fd\tok\nnext")]))
    assert sheet["G2"].value == "a\ufffdb\ufffdc\ufffdd\tok\nnext"


def test_a_text_over_excels_limit_is_cut_with_a_marker(tmp_path):
    sheet = responses(write(tmp_path, [row(text="x" * 40_000)], language="en"))
    value = sheet["G2"].value
    assert len(value) == 32_767
    assert value.endswith(" [… text truncated: 40000 characters in all, whole in the CSV]")


def test_the_limit_counts_utf16_units_as_excel_does():
    kept = spreadsheet.fit("😀" * 20_000)  # 40,000 UTF-16 units
    assert len(kept.encode("utf-16-le")) // 2 <= 32_767
    assert kept.endswith("[… texte tronqué : 20000 caractères en tout, entier dans le CSV]")


def test_a_text_within_the_limit_is_kept_whole():
    assert spreadsheet.fit("é" * 32_767) == "é" * 32_767


# --- the sheets ----------------------------------------------------------------------------


def test_the_header_is_bold_frozen_and_filtered(tmp_path):
    sheet = responses(write(tmp_path, [row(), row()]))
    assert [cell.value for cell in sheet[1]] == [
        "response_id",
        "started_on",
        "duration_minutes",
        "Q9",
        "Q11",
        "years",
        "Q27",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:G3")


def test_columns_are_wide_enough_for_what_they_hold(tmp_path):
    widths = responses(write(tmp_path, [row()])).column_dimensions
    assert (widths["A"].width, widths["B"].width, widths["E"].width, widths["G"].width) == (38, 13, 8, 40)


def test_the_sheets_are_responses_codebook_and_read_me(tmp_path):
    assert openpyxl.load_workbook(write(tmp_path, [])).sheetnames == ["responses", "codebook", "read me"]


def test_the_codebook_sheet_holds_the_rows_given(tmp_path):
    sheet = openpyxl.load_workbook(write(tmp_path, [row()]))["codebook"]
    assert [[cell.value or "" for cell in line] for line in sheet.iter_rows()] == [BOOK_HEADER, *BOOK_ROWS]


def readme(path) -> dict:
    sheet = openpyxl.load_workbook(path)["read me"]
    return {a: b for a, b in sheet.iter_rows(values_only=True) if a}


def test_the_read_me_says_what_the_file_is(tmp_path):
    lines = readme(write(tmp_path, [row(), row(), row()], language="en"))
    assert (lines["Survey"], lines["Instrument version"], lines["Made on"], lines["Participants"]) == (
        "CME",
        "2022.1",
        dt.datetime(2026, 11, 25),
        3,
    )
    assert lines["Choice cells"].startswith("codes")


def test_the_read_me_leaves_out_the_survey_when_no_title_is_given(tmp_path):
    path = str(tmp_path / "untitled.xlsx")
    spreadsheet.xlsx(table([row()], language="en"), BOOK_HEADER, BOOK_ROWS, path)
    lines = readme(path)
    assert "Survey" not in lines and lines["Participants"] == 1


def test_the_read_me_gives_the_rule_of_the_three_missing(tmp_path):
    sheet = openpyxl.load_workbook(write(tmp_path, [], language="en"))["read me"]
    rule = [b for a, b in sheet.iter_rows(values_only=True) if not a]
    assert rule[:3] == [
        "not reached: the question's page (the position of its section) comes after last_page",
        'not shown: the question\'s condition (codebook column "condition") did not hold',
        "left blank: otherwise (shown on a page that was submitted, and not answered)",
    ]


def test_the_read_me_is_in_french_for_a_french_table_with_labels(tmp_path):
    lines = readme(write(tmp_path, [row()], labels=True))
    assert lines["Participants"] == 1
    assert lines["Cellules de choix"].startswith("libellés en français")


def test_it_reads_the_rows_once_as_they_come(tmp_path):
    def rows():
        yield row(text="first")
        yield row(text="second")

    path = str(tmp_path / "once.xlsx")
    data = export.Table(table([]).columns, [], rows(), "fr", "2022.1")
    spreadsheet.xlsx(data, BOOK_HEADER, BOOK_ROWS, path)
    assert [responses(path).cell(r, 7).value for r in (2, 3)] == ["first", "second"]


# --- a seeded survey: the workbook holds what the CSV holds ---------------------------------


def as_values(frame: pd.DataFrame) -> list[list]:
    """Cells comparable across the two files: days as ISO text, whole floats as ints, NaN as None."""

    def value(cell):
        if pd.isna(cell):
            return None
        if isinstance(cell, pd.Timestamp):
            return cell.date().isoformat()
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        return cell

    return [[value(cell) for cell in line] for line in frame.itertuples(index=False)]


@pytest.mark.django_db
def test_the_workbook_of_a_seeded_survey_holds_the_csvs_values(survey, tmp_path):
    seed_responses(survey, 60, seed=7)
    data = b"".join(downloads.responses_csv(survey, export.Options()))
    csv = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])
    path = tmp_path / "responses.xlsx"
    book = downloads.codebook_of(report.Context.load(survey))
    spreadsheet.xlsx(downloads.responses_table(survey), codebook.HEADER, book, path)
    excel = pd.read_excel(path, sheet_name="responses", keep_default_na=False, na_values=[""])
    assert list(excel.columns) == list(csv.columns)
    assert len(excel) == 60
    assert as_values(excel) == as_values(csv)
    assert excel["started_on"].dtype.kind == "M" and excel["Q11"].dtype.kind in "if"
    assert excel["Q27"].notna().any()  # texts too


@pytest.mark.django_db
def test_an_answer_typed_as_a_formula_arrives_as_typed(survey, started, tmp_path):
    started.submit(1, {**FULL_ANSWERS[1], "Q3": "other", "Q3__other_text": "=1+1"})
    started.submit(2, {"Q9": "never", "Q9__comment": "@SUM(A1)", "Q10": "rarely"})
    path = tmp_path / "responses.xlsx"
    spreadsheet.xlsx(downloads.responses_table(survey), codebook.HEADER, [], path)
    sheet = responses(path)
    cells = {name.value: cell for name, cell in zip(sheet[1], sheet[2], strict=True)}
    assert [(cells[name].value, cells[name].data_type) for name in ("Q3__other_text", "Q9__comment")] == [
        ("=1+1", "s"),
        ("@SUM(A1)", "s"),
    ]


def test_an_export_that_fails_leaves_no_buffered_answers_on_the_disk(tmp_path, monkeypatch):
    import glob
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where openpyxl buffers its sheets

    def rows():
        for index in range(600):
            if index == 500:
                raise RuntimeError("the database went away")
            yield ["id", "complete", "fr"], {}

    columns = [export.Column(name, None, "fixed") for name in ("response_id", "status", "language")]
    table = export.Table(columns, [], rows(), "fr", "1")
    with pytest.raises(RuntimeError, match="went away"):
        spreadsheet.xlsx(table, ["variable"], [], str(tmp_path / "out.xlsx"))
    assert glob.glob(str(tmp_path / "openpyxl.*")) == []
