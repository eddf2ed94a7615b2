"""The wide CSV's columns and cells (pure)."""

import csv
import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

from analysis.export import (
    LEFT_BLANK,
    NOT_REACHED,
    NOT_SHOWN,
    ExportQuestion,
    Options,
    ResponseRow,
    columns,
    csv_lines,
    missing_reasons,
    neutralise,
)
from analysis.variables import QuestionInfo
from surveys.conditions import Comparison
from surveys.skip_logic import Rule
from surveys.values import AnswerValue as A

YES_NO = (("yes", {"fr": "Oui", "en": "Yes"}), ("no", {"fr": "Non", "en": "No"}))
QUESTIONS = [
    ExportQuestion(
        QuestionInfo("Q6", "single", {"fr": "Sous-doté ?", "en": "Underserved?"}, YES_NO),
        {"fr": "Profil", "en": "Profile"},
        has_other=False,
        has_comment=True,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo("Q11", "scale", {"fr": "Utile", "en": "Useful"}, scale_min=0, scale_max=10),
        {"fr": "Avis", "en": "Opinions"},
        has_other=False,
        has_comment=False,
        condition="Q9 != never",
    ),
    ExportQuestion(
        QuestionInfo(
            "Q21",
            "multiple",
            {"fr": "Forces", "en": "Strengths"},
            (("speed", {"fr": "Rapidité", "en": "Speed"}), ("other", {"fr": "Autre", "en": "Other"})),
        ),
        {"fr": "Forces", "en": "Strengths"},
        has_other=True,
        has_comment=False,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo("Q27", "text", {"fr": "Commentaires", "en": "Comments"}),
        {"fr": "Fin", "en": "End"},
        has_other=False,
        has_comment=False,
        condition="",
    ),
]
COLUMNS = columns(QUESTIONS)
LABELS = {("Q6", "yes"): "Oui", ("Q6", "no"): "Non"}


def row(answers=None):
    return ResponseRow(
        "0b9c…",
        "complete",
        "fr",
        dt.date(2022, 6, 1),
        dt.date(2022, 6, 2),
        answers or {},
        last_page=3,
        duration_minutes=14,
    )


def row_values(row, cols, labels, options):
    from analysis.export import row_values

    return row_values(row, cols, labels, options, QUESTIONS)


def test_the_columns_follow_the_questionnaire():
    assert [c.name for c in COLUMNS] == [
        "response_id",
        "status",
        "language",
        "started_on",
        "completed_on",
        "duration_minutes",
        "last_page",
        "Q6",
        "Q6__comment",
        "Q11",
        "Q21__speed",
        "Q21__other",
        "Q21__other_text",
        "Q27",
    ]


def test_a_complete_row_holds_codes_scores_ticks_and_texts():
    answers = {
        "Q6": A(choice="yes", comment="rural"),
        "Q11": A(score=9),
        "Q21": A(choices=("other",), other_text="Entraide"),
        "Q27": A(text="Merci"),
    }
    cells = row_values(row(answers), COLUMNS, LABELS, Options())
    assert cells == [
        "0b9c…",
        "complete",
        "fr",
        "2022-06-01",
        "2022-06-02",
        "14",
        "3",
        "yes",
        "rural",
        "9",
        "0",
        "1",
        "Entraide",
        "Merci",
    ]


def test_unanswered_and_hidden_questions_are_empty_not_zero():
    cells = row_values(row({"Q6": A(choice="no")}), COLUMNS, LABELS, Options())
    assert cells[7:] == ["no", "", "", "", "", "", ""]


def test_labels_replace_choice_codes():
    cells = row_values(row({"Q6": A(choice="yes")}), COLUMNS, LABELS, Options(labels="fr"))
    assert cells[7] == "Oui"


def test_an_in_progress_response_has_no_completion_date():
    partial = ResponseRow("id", "in_progress", "en", dt.date(2022, 6, 1), None, {})
    assert row_values(partial, COLUMNS, LABELS, Options())[:7] == [
        "id",
        "in_progress",
        "en",
        "2022-06-01",
        "",
        "",
        "0",
    ]


def test_hostile_cells_are_neutralised():
    for hostile in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "\ncmd"):
        assert neutralise(hostile) == "'" + hostile
    assert neutralise("Très bien = parfait") == "Très bien = parfait"
    answers = {"Q27": A(text="=cmd|' /C calc'!A0"), "Q6": A(choice="yes", comment="@evil")}
    cells = row_values(row(answers), COLUMNS, LABELS, Options(excel_fr=True))
    assert cells[-1] == "'=cmd|' /C calc'!A0" and cells[8] == "'@evil"
    plain = row_values(row(answers), COLUMNS, LABELS, Options())  # for R and pandas: as typed
    assert plain[-1] == "=cmd|' /C calc'!A0" and plain[8] == "@evil"


def parse(lines, delimiter=","):
    text = b"".join(lines).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_the_csv_is_rfc_4180():
    lines = list(csv_lines(["a", "b"], [["x, y", 'say "hi"\nbye']], Options()))
    assert lines[0] == b"a,b\r\n"
    assert b"".join(lines[1:]) == b'"x, y","say ""hi""\nbye"\r\n'
    assert parse(lines) == [["a", "b"], ["x, y", 'say "hi"\nbye']]


def test_the_french_excel_variant_has_a_bom_and_semicolons():
    lines = list(csv_lines(["a", "b"], [["1", "Médecine; générale"]], Options(excel_fr=True)))
    assert lines[0].startswith(b"\xef\xbb\xbfa;b")
    assert parse(lines, ";") == [["a", "b"], ["1", "Médecine; générale"]]


def test_a_multiple_choice_answered_without_an_option_has_zeros_not_empty_cells():
    cells = row_values(row({"Q21": A(choices=("speed",))}), COLUMNS, LABELS, Options())
    assert cells[10:13] == ["1", "0", ""]


def test_an_export_with_test_responses_has_an_is_test_column_after_the_dates():
    cols = columns(QUESTIONS, with_tests=True)
    assert [c.name for c in cols][4:9] == ["completed_on", "duration_minutes", "last_page", "is_test", "Q6"]
    day = dt.date(2022, 6, 1)
    pilot = ResponseRow("id", "complete", "fr", day, day, {}, is_test=True)
    assert row_values(pilot, cols, LABELS, Options())[7] == "1"
    assert row_values(row(), cols, LABELS, Options())[7] == "0"


def test_an_export_without_test_responses_has_no_is_test_column():
    assert "is_test" not in [c.name for c in COLUMNS]


# --- numbers, dates, grids and dropdowns, each written by its kind ----------------------------

NEW_KINDS = [
    ExportQuestion(
        QuestionInfo(
            "hours",
            "number",
            {"fr": "Heures", "en": "Hours"},
            number_min=Decimal(0),
            number_max=Decimal("200.5"),
            decimals=1,
            unit={"fr": "h", "en": "h"},
        ),
        {"fr": "Vous", "en": "You"},
        has_other=False,
        has_comment=False,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo("last", "date", {"fr": "Dernière", "en": "Last"}, date_max=dt.date(2027, 12, 31)),
        {"fr": "Vous", "en": "You"},
        has_other=False,
        has_comment=False,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo(
            "G1",
            "grid",
            {"fr": "Avis", "en": "Opinion"},
            YES_NO,
            statements=(("useful", {"fr": "Utile", "en": "Useful"}), ("long", {"fr": "Long", "en": "Long"})),
        ),
        {"fr": "Vous", "en": "You"},
        has_other=False,
        has_comment=True,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo("spec", "dropdown", {"fr": "Spécialité", "en": "Specialty"}, YES_NO),
        {"fr": "Vous", "en": "You"},
        has_other=False,
        has_comment=False,
        condition="",
    ),
    ExportQuestion(
        QuestionInfo("intro", "note", {"fr": "Bonjour", "en": "Hello"}),
        {"fr": "Vous", "en": "You"},
        has_other=False,
        has_comment=False,
        condition="",
    ),
]
NEW_COLUMNS = columns(NEW_KINDS)


def new_row(answers, **options):
    from analysis.export import row_values

    labels = {("G1", "yes"): "Oui", ("G1", "no"): "Non", ("spec", "yes"): "Oui", ("spec", "no"): "Non"}
    return row_values(row(answers), NEW_COLUMNS, labels, Options(**options), NEW_KINDS)[7:]


def test_each_new_kind_has_its_columns_and_a_note_none():
    assert [c.name for c in NEW_COLUMNS][7:] == [
        "hours",
        "last",
        "G1__useful",
        "G1__long",
        "G1__comment",
        "spec",
    ]
    grid = [c for c in NEW_COLUMNS if c.question == "G1" and c.part == "value"]
    assert [(c.key, c.row, c.source) for c in grid] == [
        ("useful", "useful", "choice"),
        ("long", "long", "choice"),
    ]


def test_numbers_days_statements_and_dropdowns_are_written_by_their_kind():
    answers = {
        "hours": A(number=Decimal("2.50")),
        "last": A(date=dt.date(2027, 1, 5)),
        "G1": A(rows={"long": "no"}, comment="=bof"),
        "spec": A(choice="yes"),
    }
    assert new_row(answers) == ["2.5", "2027-01-05", "", "no", "=bof", "yes"]
    assert new_row(answers, labels="fr", excel_fr=True) == ["2,5", "2027-01-05", "", "Non", "'=bof", "Oui"]


def test_a_number_is_written_exactly_whatever_its_size():
    from analysis.export import Cells

    cells, french = Cells(Options()), Cells(Options(excel_fr=True))
    assert cells.number(Decimal("1E+2")) == "100"  # a normalized 100
    assert cells.number(Decimal("12.000000")) == "12"  # as SQLite gives it back
    assert cells.number(Decimal("-0.25")) == "-0.25"  # a number, not a formula to neutralise
    assert cells.number(Decimal("123456789.123456")) == "123456789.123456"
    assert french.number(Decimal("-0.25")) == "-0,25" and french.number(7) == "7"
    assert cells.number(None) == ""


# --- the three kinds of missing ----------------------------------------------------------------

RULES = [
    Rule("Q6", page=1, required=True),
    Rule("Q9", page=1, required=False),
    Rule("Q10", page=2, required=False, condition=Comparison("Q9", "is_not", "never")),
    Rule("N1", page=2, required=False, answerable=False),
    Rule("Q27", page=3, required=False),
]


def reasons(answers, last_page):
    return missing_reasons(RULES, replace(row(answers), last_page=last_page))


def test_a_question_on_a_page_after_the_last_one_submitted_was_not_reached():
    assert reasons({"Q6": A(choice="yes"), "Q9": A(choice="rarely")}, last_page=1) == {
        "Q10": NOT_REACHED,
        "Q27": NOT_REACHED,
    }


def test_a_question_hidden_by_skip_logic_was_not_shown_and_one_shown_unanswered_left_blank():
    assert reasons({"Q6": A(choice="yes"), "Q9": A(choice="never")}, last_page=3) == {
        "Q10": NOT_SHOWN,
        "Q27": LEFT_BLANK,
    }
    # Q9 left blank: Q10's condition cannot hold, so Q10 was not shown either; a note is never missing.
    assert reasons({"Q6": A(choice="yes")}, last_page=2) == {
        "Q9": LEFT_BLANK,
        "Q10": NOT_SHOWN,
        "Q27": NOT_REACHED,
    }


def test_typed_rows_hold_values_and_say_why_each_empty_cell_is_empty():
    from analysis.export import RowBuilder

    builder = RowBuilder(COLUMNS, {}, Options(), QUESTIONS, typed=True, rules=RULES)
    answered = replace(row({"Q6": A(choice="yes"), "Q21": A(choices=("speed",))}), last_page=1)
    cells = builder.build(answered)
    names = [c.name for c in COLUMNS]
    by_name = dict(zip(names, cells, strict=True))
    assert by_name["started_on"] == dt.date(2022, 6, 1) and by_name["duration_minutes"] == 14
    assert by_name["Q6"] == "yes" and by_name["Q6__comment"] is None
    assert (by_name["Q21__speed"], by_name["Q21__other"]) == (1, 0)
    missing = {names[i]: why for i, why in builder.missing(answered, cells).items()}
    assert missing == {"Q27": NOT_REACHED}
