"""The instrument as an XLSForm (surveys/interchange/xlsform.py): written, read back, converted by
pyxform, and what the platform cannot honour refused with the sheet, the row and the reason."""

import importlib.util
import io
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from surveys.instrument import InstrumentError, parse_data, parse_instrument
from surveys.instrument_data import spec_to_data
from surveys.interchange import read_instrument_file, xlsform
from tests.conftest import INSTRUMENT

INSTRUMENTS = INSTRUMENT.parent
CME_NEEDS = INSTRUMENTS / "cme-needs-2027.xlsx"
FR, EN = "label::French (fr)", "label::English (en)"


def paper_data() -> dict:
    return spec_to_data(parse_instrument(INSTRUMENT.read_text(encoding="utf-8")))


def workbook(
    survey: list[list], choices: list[list] | None = None, settings: dict | None = None, **sheets
) -> bytes:
    """An XLSForm as a person or a tool writes it: each sheet a header row and its rows."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for values in survey:
        book.active.append(values)
    if choices is not None:
        sheet = book.create_sheet("choices")
        for values in choices:
            sheet.append(values)
    settings = (
        {"form_title": "Enquête", "form_id": "enquete", "version": "1"} if settings is None else settings
    )
    sheet = book.create_sheet("settings")
    sheet.append(list(settings))
    sheet.append(list(settings.values()))
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SURVEY_HEADER = ["type", "name", FR, EN, "required", "relevant", "appearance", "constraint", "parameters"]
YES_NO = [["list_name", "name", FR, EN], ["yn", "yes", "Oui", "Yes"], ["yn", "no", "Non", "No"]]


def page(*rows: list) -> list[list]:
    """A page (a field-list group) holding ``rows`` (each as SURVEY_HEADER, padded)."""
    padded = [row + [""] * (len(SURVEY_HEADER) - len(row)) for row in rows]
    return [["begin group", "p1", "Page", "Page", "", "", "field-list"], *padded, ["end group"]]


def refusal(content: bytes) -> str:
    with pytest.raises(InstrumentError) as caught:
        xlsform.parse(content)
    return str(caught.value)


# -- round trips ----------------------------------------------------------------------------


def test_the_papers_instrument_comes_back_unchanged_from_an_xlsform():
    """Codes, wording in both languages, kinds, choices, conditions, required, comment and
    'other' choices, scale anchors, the analysis plan and the survey's metadata."""
    data = paper_data()
    assert xlsform.read(xlsform.write(data)) == data


def test_the_papers_xlsform_converts_with_pyxform_without_a_warning():
    warnings: list[str] = []
    result = convert(
        xlsform=xlsform.write(paper_data()), file_type=".xlsx", validate=False, warnings=warnings
    )
    assert warnings == []
    assert 'id="cme-social-network-2022"' in result.xform
    assert '<translation lang="English (en)">' in result.xform


def test_the_cme_needs_workbook_comes_back_unchanged_after_a_write():
    data = spec_to_data(xlsform.parse(CME_NEEDS.read_bytes()))
    assert xlsform.read(xlsform.write(data)) == data


def test_the_cme_needs_workbook_and_its_rewrite_convert_with_pyxform():
    for content in (
        CME_NEEDS.read_bytes(),
        xlsform.write(spec_to_data(xlsform.parse(CME_NEEDS.read_bytes()))),
    ):
        warnings: list[str] = []
        convert(xlsform=content, file_type=".xlsx", validate=False, warnings=warnings)
        assert warnings == []


def test_the_cme_needs_workbook_is_the_one_its_script_writes():
    spec = importlib.util.spec_from_file_location("build_cme_needs", INSTRUMENTS / "build_cme_needs_2027.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Compared cell by cell: the bytes depend on the XML library openpyxl finds (lxml or not).
    assert sheets_of(module.workbook_bytes()) == sheets_of(CME_NEEDS.read_bytes())


def sheets_of(content: bytes) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


# -- the second instrument, as an investigator wrote it ---------------------------------------


@pytest.fixture(scope="module")
def cme_needs():
    return read_instrument_file(CME_NEEDS)


def test_the_cme_needs_survey_has_its_slug_version_status_and_three_pages(cme_needs):
    assert (cme_needs.slug, cme_needs.version, cme_needs.status) == ("cme-needs-2027", "2027.1", "open")
    assert [p.title.en for p in cme_needs.pages] == [
        "Your practice",
        "Your continuing education",
        "Your 2026 course",
    ]
    assert len(cme_needs.questions) == 13
    assert cme_needs.title.en == "Your needs in continuing medical education"
    assert cme_needs.analysis["outcomes"][0]["positive"] == {"min_score": 8}


def test_a_minimal_select_one_with_an_other_text_becomes_a_dropdown_with_an_other_choice(cme_needs):
    specialty = cme_needs.questions[0]
    assert specialty.kind == "dropdown"
    assert [c.code for c in specialty.choices if c.is_other] == ["other"]
    assert "specialty_other" not in [q.code for q in cme_needs.questions]


def test_an_integer_with_bounds_and_a_unit_becomes_a_number_question(cme_needs):
    years = next(q for q in cme_needs.questions if q.code == "years_practice")
    assert (years.kind, years.number.min, years.number.max, years.number.decimals) == ("number", 0, 60, 0)
    assert (years.number.unit.fr, years.number.unit.en) == ("ans", "years")


def test_a_date_with_bounds_becomes_a_date_question(cme_needs):
    last = next(q for q in cme_needs.questions if q.code == "last_cme_date")
    assert (last.kind, last.date.min.isoformat(), last.date.max.isoformat()) == (
        "date",
        "2000-01-01",
        "2027-12-31",
    )
    assert not last.required


def test_a_range_with_a_tick_labelset_becomes_a_scale_with_its_anchors(cme_needs):
    scale = next(q for q in cme_needs.questions if q.code == "cme_satisfaction").scale
    assert (scale.min, scale.max, scale.min_label.en, scale.max_label.en) == (
        0,
        10,
        "Not at all satisfied",
        "Completely satisfied",
    )


def test_a_none_of_these_constraint_makes_that_choice_exclusive_and_a_comment_text_a_comment_box(cme_needs):
    formats = next(q for q in cme_needs.questions if q.code == "preferred_formats")
    assert [c.code for c in formats.choices if c.is_exclusive] == ["none"]
    assert formats.has_comment


def test_a_grid_becomes_a_table_list_group_whose_rows_are_its_statements(cme_needs):
    grid = next(q for q in cme_needs.questions if q.kind == "grid")
    assert grid.code == "course_opinion"
    assert grid.text.fr == "Quel est votre avis sur cette formation ?"
    assert [s.code for s in grid.statements] == ["useful", "practice", "organised", "recommend"]
    assert [c.code for c in grid.choices] == ["1", "2", "3", "4", "5"]


def test_the_conditions_of_the_cme_needs_survey_read_as_data(cme_needs):
    by_code = {q.code: q for q in cme_needs.questions}
    assert by_code["mentoring"].condition.to_data() == {"question": "years_practice", "ge": 10}
    assert by_code["cme_2026_topics"].condition.to_data() == {"question": "cme_2026", "is": "yes"}
    assert by_code["online_only"].condition.to_data() == {
        "all": [
            {"question": "years_practice", "ge": 20},
            {
                "any": [
                    {"question": "preferred_formats", "contains": "webinar"},
                    {"question": "preferred_formats", "contains": "e_learning"},
                ]
            },
        ]
    }
    assert cme_needs.pages[2].condition.to_data() == {"question": "cme_2026", "is": "yes"}


def test_a_note_becomes_a_note_question_named_as_its_row(cme_needs):
    note = next(q for q in cme_needs.questions if q.kind == "note")
    assert note.code == "education_note" and note.text.en.startswith("The following questions")


# -- writing: the conventions ----------------------------------------------------------------


def survey_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_an_other_choice_is_written_as_an_explicit_choice_and_a_text_question_after_the_select():
    rows = survey_rows(xlsform.write(paper_data()))
    names = [r["name"] for r in rows]
    q3 = names.index("Q3")
    assert rows[q3 + 1]["name"] == "Q3_other"
    assert rows[q3 + 1]["type"] == "text"
    assert rows[q3 + 1]["relevant"] == "selected(${Q3}, 'other')"


def test_a_comment_box_is_written_as_an_optional_text_question_shown_with_its_question():
    rows = {r["name"]: r for r in survey_rows(xlsform.write(paper_data()))}
    assert rows["Q9_comment"]["type"] == "text" and rows["Q9_comment"]["required"] == "no"
    assert rows["Q11"]["relevant"] == "${Q9} != 'never'"
    assert rows["Q20"]["relevant"] == "${Q19} = 'yes'"


def test_pages_are_field_list_groups_and_the_settings_ask_for_pages():
    content = xlsform.write(paper_data())
    groups = [r for r in survey_rows(content) if r["type"] == "begin group"]
    assert [g["appearance"] for g in groups] == ["field-list"] * 6
    assert groups[2]["label::English (en)"] == "The answers you received on the group"
    settings = list(openpyxl.load_workbook(io.BytesIO(content))["settings"].iter_rows(values_only=True))
    assert dict(zip(*settings, strict=True))["style"] == "pages"


def test_choice_codes_that_look_like_numbers_are_written_and_read_as_text():
    content = xlsform.write(paper_data())
    choices = openpyxl.load_workbook(io.BytesIO(content))["choices"]
    assert {row[1] for row in choices.iter_rows(values_only=True) if row[0] == "Q2"} >= {"30_40", "41_50"}
    q2 = xlsform.read(content)["pages"][0]["questions"][1]
    assert [c["code"] for c in q2["choices"]][1] == "30_40"


NEW_KINDS = {
    "slug": "kinds",
    "version": "1",
    "title": {"fr": "Genres", "en": "Kinds"},
    "pages": [
        {
            "title": {"fr": "Un", "en": "One"},
            "questions": [
                {
                    "code": "n",
                    "kind": "number",
                    "text": {"fr": "Poids", "en": "Weight"},
                    "number": {"min": 0.5, "max": 250, "decimals": 1, "unit": {"fr": "kg", "en": "kg"}},
                },
                {"code": "d", "kind": "date", "text": {"fr": "Date"}, "required": False},
                {
                    "code": "s",
                    "kind": "single",
                    "text": {"fr": "Choix"},
                    "choices": [
                        {"code": "1", "fr": "Un"},
                        {"code": "2", "fr": "Deux"},
                        {"code": "3", "fr": "Trois"},
                    ],
                },
                {
                    "code": "m",
                    "kind": "multiple",
                    "text": {"fr": "Plusieurs"},
                    "choices": [
                        {"code": "a", "fr": "A", "other": True},
                        {"code": "b", "fr": "B"},
                        {"code": "z", "fr": "Aucun", "exclusive": True},
                    ],
                },
            ],
        },
        {
            "title": {"fr": "Deux"},
            "show_if": {"any": [{"question": "s", "in": ["1", "2"]}, {"question": "d", "lt": "2020-01-01"}]},
            "questions": [
                {
                    "code": "t1",
                    "kind": "text",
                    "show_if": {"question": "s", "not_in": ["3"]},
                    "text": {"fr": "T1"},
                },
                {
                    "code": "t2",
                    "kind": "text",
                    "show_if": {"question": "s", "in": ["2"]},
                    "text": {"fr": "T2"},
                },
                {
                    "code": "t3",
                    "kind": "text",
                    "show_if": {"any": [{"question": "s", "in": ["1"]}, {"question": "s", "in": ["2"]}]},
                    "text": {"fr": "T3"},
                },
                {
                    "code": "t4",
                    "kind": "text",
                    "show_if": {
                        "all": [
                            {"question": "m", "not_contains": "b"},
                            {"all": [{"question": "n", "gt": 2.5}, {"question": "n", "ne": 10}]},
                            {"question": "s", "in": ["1", "3"]},
                            {"question": "s", "is_not": "2"},
                        ]
                    },
                    "text": {"fr": "T4"},
                },
                {
                    "code": "g",
                    "kind": "grid",
                    "comment": True,
                    "show_if": {"question": "d", "ge": "2021-06-30"},
                    "text": {"fr": "Grille", "en": "Grid"},
                    "help": {"fr": "Aide"},
                    "statements": [{"code": "x", "fr": "X", "en": "X"}, {"code": "y", "fr": "Y"}],
                    "choices": [{"code": "1", "fr": "Non"}, {"code": "2", "fr": "Oui"}],
                },
                {"code": "note", "kind": "note", "text": {"fr": "Merci", "en": "Thanks"}},
                {
                    "code": "dd",
                    "kind": "dropdown",
                    "text": {"fr": "Liste"},
                    "choices": [{"code": "a", "fr": "A"}, {"code": "b", "fr": "B"}],
                },
            ],
        },
    ],
}


def test_every_kind_and_condition_comes_back_unchanged_from_an_xlsform():
    """in, not_in, one-choice in, any of ins, nested all, number and date comparisons, page
    conditions, grids with a comment, notes, dropdowns, decimals and units."""
    data = spec_to_data(parse_data(NEW_KINDS))
    content = xlsform.write(data)
    assert xlsform.read(content) == data
    convert(xlsform=content, file_type=".xlsx", validate=False)


def test_conditions_are_written_as_relevant_expressions():
    rows = {r["name"]: r for r in survey_rows(xlsform.write(spec_to_data(parse_data(NEW_KINDS))))}
    assert rows["t1"]["relevant"] == "not(selected(${s}, '3'))"
    assert rows["t2"]["relevant"] == "selected(${s}, '2')"
    assert rows["t4"]["relevant"] == (
        "not(selected(${m}, 'b')) and (${n} > 2.5 and ${n} != 10) and "
        "(selected(${s}, '1') or selected(${s}, '3')) and ${s} != '2'"
    )
    assert rows["g"]["relevant"] == "${d} >= date('2021-06-30')"
    assert rows["n"]["constraint"] == ". >= 0.5 and . <= 250"
    assert (rows["n"]["type"], rows["n"]["medsurvey::decimals"]) == ("decimal", "1")
    assert rows["dd"]["appearance"] == "minimal"
    assert rows["m"]["constraint"] == "not(selected(., 'z') and count-selected(.) > 1)"


# -- reading files as tools write them ----------------------------------------------------------


def kobo_form() -> bytes:
    """A form as KoboToolbox exports it: its own $kuid and $autoname columns, start and end rows,
    'Français (fr)' labels, 'true' for required, codes typed as numbers, no medsurvey sheet."""
    fr, en = "label::Français (fr)", "label::English (en)"
    survey = [
        [
            "type",
            "name",
            fr,
            en,
            "hint::Français (fr)",
            "hint::English (en)",
            "required",
            "relevant",
            "appearance",
            "$kuid",
            "$autoname",
        ],
        ["start", "start", "", "", "", "", "", "", "", "k1", "start"],
        ["end", "end", "", "", "", "", "", "", "", "k2", "end"],
        ["begin_group", "profil", "Profil", "Profile", "", "", "", "", "field-list", "k3", "profil"],
        ["select_one sexe", "sexe", "Vous êtes", "You are", "", "", "true", "", "", "k4", "sexe"],
        ["integer", "age", "Âge", "Age", "En années", "In years", "true", "", "", "k5", "age"],
        [
            "select_multiple sujets",
            "sujets",
            "Sujets",
            "Topics",
            "",
            "",
            "false",
            "${age} >= 30",
            "",
            "k6",
            "sujets",
        ],
        [
            "text",
            "autre",
            "Précisez",
            "Specify",
            "",
            "",
            "false",
            "selected(${sujets}, 3) and ${sexe} = '1'",
            "",
            "k7",
            "autre",
        ],
        ["end_group", "", "", "", "", "", "", "", "", "k8", ""],
    ]
    choices = [
        ["list_name", "name", fr, en, "$kuid"],
        ["sexe", 1, "Femme", "Woman", "c1"],
        ["sexe", 2, "Homme", "Man", "c2"],
        ["sujets", 1, "Cardiologie", "Cardiology", "c3"],
        ["sujets", 2, "Pédiatrie", "Paediatrics", "c4"],
        ["sujets", 3, "Autre", "Other", "c5"],
    ]
    settings = {
        "form_title": "Enquête Kobo",
        "form_id": "kobo_form",
        "version": 2,
        "default_language": "Français (fr)",
    }
    return workbook(survey, choices, settings)


def test_a_kobotoolbox_form_reads_with_its_languages_codes_and_conditions():
    data = xlsform.read(kobo_form())
    assert (data["slug"], data["version"], data["title"]) == ("kobo_form", "2", {"fr": "Enquête Kobo"})
    sexe, age, sujets, autre = data["pages"][0]["questions"]
    assert sexe["choices"][0] == {"code": "1", "fr": "Femme", "en": "Woman"}
    assert age == {
        "code": "age",
        "kind": "number",
        "text": {"fr": "Âge", "en": "Age"},
        "help": {"fr": "En années", "en": "In years"},
    }
    assert sujets["show_if"] == {"question": "age", "ge": 30} and sujets["required"] is False
    assert autre["show_if"] == {
        "all": [{"question": "sujets", "contains": "3"}, {"question": "sexe", "is": "1"}]
    }
    parse_data(data)


def test_a_form_without_groups_is_one_page_titled_as_the_form():
    content = workbook([SURVEY_HEADER[:5], ["select_one yn", "q1", "Q ?", "Q?", "yes"]], YES_NO)
    data = xlsform.read(content)
    assert [p["title"] for p in data["pages"]] == [{"fr": "Enquête"}]


def test_a_plain_label_column_is_french():
    content = workbook([["type", "name", "label", EN], ["text", "q1", "Votre avis", "Your opinion"]])
    assert xlsform.read(content)["pages"][0]["questions"][0]["text"] == {
        "fr": "Votre avis",
        "en": "Your opinion",
    }


def test_an_other_text_question_after_a_select_one_becomes_its_other_choice():
    rows = page(
        ["select_one yn", "q1", "Q", "Q", "yes"],
        ["text", "q1_other", "Lequel ?", "Which?", "yes", "${q1} = 'no'"],
    )
    question = xlsform.read(workbook([SURVEY_HEADER, *rows], YES_NO))["pages"][0]["questions"][0]
    assert question["choices"][1] == {"code": "no", "fr": "Non", "en": "No", "other": True}


# -- refusals: the sheet, the row and the reason -------------------------------------------------


def test_a_calculate_row_is_refused_with_its_sheet_row_and_reason():
    rows = page(["integer", "q1", "Q", "Q", "yes"], ["calculate", "Q7", "", "", "", "", "", "", ""])
    message = refusal(workbook([SURVEY_HEADER, *rows]))
    assert message == (
        "sheet survey, row 4 (Q7): 'calculate' is not supported: the platform computes nothing at answer time"
    )


def test_a_repeat_is_refused():
    rows = [
        SURVEY_HEADER,
        ["begin repeat", "visits", "Visites", "Visits"],
        ["text", "q1", "Q", "Q"],
        ["end repeat"],
    ]
    assert (
        refusal(workbook(rows))
        == "sheet survey, row 2 (visits): 'repeat' is not supported: each question is asked once"
    )


def test_a_third_language_is_refused():
    content = workbook([["type", "name", FR, "label::Español (es)"], ["text", "q1", "Q", "P"]])
    assert refusal(content).startswith(
        "sheet survey, row 1: column 'label::Español (es)': "
        "the language 'Español (es)' is neither French nor English"
    )


def test_a_relevant_with_an_unknown_function_is_refused():
    rows = page(
        ["text", "q1", "Q", "Q", "yes"], ["text", "q2", "Q2", "Q2", "yes", "string-length(${q1}) > 3"]
    )
    assert refusal(workbook([SURVEY_HEADER, *rows])) == (
        'sheet survey, row 4 (q2): relevant "string-length(${q1}) > 3": '
        "the function 'string-length()' is not supported"
    )


def test_a_relevant_calling_an_unknown_function_says_which():
    rows = page(["text", "q1", "Q", "Q", "yes"], ["text", "q2", "Q2", "Q2", "yes", "regex(${q1}, '^a')"])
    assert refusal(workbook([SURVEY_HEADER, *rows])) == (
        "sheet survey, row 4 (q2): relevant \"regex(${q1}, '^a')\": the function 'regex()' is not supported"
    )


def test_a_relevant_on_a_later_question_is_refused():
    rows = page(["text", "q1", "Q", "Q", "yes", "${q2} = 'yes'"], ["select_one yn", "q2", "Q2", "Q2", "yes"])
    assert refusal(workbook([SURVEY_HEADER, *rows], YES_NO)) == (
        "sheet survey, row 3 (q1): relevant \"${q2} = 'yes'\": "
        "it refers to 'q2', which is not an earlier question"
    )


def test_a_range_from_0_to_100_is_refused():
    rows = page(["range", "pain", "Douleur", "Pain", "yes", "", "", "", "start=0 end=100 step=1"])
    assert refusal(workbook([SURVEY_HEADER, *rows])) == (
        "sheet survey, row 3 (pain): a range from 0 to 100 by 1 cannot be a scale: "
        "the platform's scales go from 0 to 10 at most, by 1"
    )


def test_a_constraint_beyond_bounds_is_refused():
    rows = page(["integer", "n", "N", "N", "yes", "", "", ". != 5"])
    assert refusal(workbook([SURVEY_HEADER, *rows])).startswith(
        'sheet survey, row 3 (n): constraint ". != 5" is not supported: only bounds are'
    )


def test_a_photo_question_is_refused():
    rows = page(["image", "photo", "Photo", "Photo"])
    assert (
        refusal(workbook([SURVEY_HEADER, *rows]))
        == "sheet survey, row 3 (photo): the type 'image' is not supported"
    )


def test_a_device_identifier_is_refused_because_the_platform_is_anonymous():
    rows = [SURVEY_HEADER, ["deviceid", "device"], *page(["text", "q1", "Q", "Q"])]
    assert "the platform is anonymous" in refusal(workbook(rows))


def test_or_other_is_refused_with_the_explicit_pattern_to_use():
    rows = page(["select_one yn or_other", "q1", "Q", "Q", "yes"])
    assert "write the 'other' choice and a text question 'q1_other'" in refusal(
        workbook([SURVEY_HEADER, *rows], YES_NO)
    )


def test_a_calculation_column_is_refused_on_its_row():
    rows = [
        SURVEY_HEADER + ["calculation"],
        *page(["integer", "q1", "Q", "Q", "yes", "", "", "", "", "1 + 1"]),
    ]
    assert refusal(workbook(rows)) == (
        "sheet survey, row 3 (q1): 'calculation' is not supported: "
        "the platform computes nothing at answer time"
    )


def test_the_parsers_refusal_names_the_row_of_the_question():
    rows = page(["select_one odd", "q1", "Q", "Q", "yes"])
    choices = [["list_name", "name", FR], ["odd", "a b", "A"], ["odd", "c", "C"]]
    assert refusal(workbook([SURVEY_HEADER, *rows], choices)) == (
        "sheet survey, row 3 (q1): choice code 'a b' may only hold letters, digits and single '_'"
    )


def test_an_unknown_key_of_the_medsurvey_sheet_is_refused():
    medsurvey = [["key", "value"], ["sponsor", "ACME"]]
    content = workbook([SURVEY_HEADER[:4], ["text", "q1", "Q", "Q"]], medsurvey=medsurvey)
    assert refusal(content).startswith("sheet medsurvey, row 2 (sponsor): unknown key 'sponsor'")


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"type,name\n")
    with pytest.raises(InstrumentError, match="not an XLSForm workbook"):
        read_instrument_file(Path(path))
