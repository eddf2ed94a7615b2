"""The instrument as a REDCap data dictionary (surveys/interchange/redcap.py): written, read back,
read as REDCap writes it, and what the platform cannot honour refused with the row and the reason."""

import csv
import io

import pytest

from surveys.instrument import InstrumentError, parse_data, parse_instrument
from surveys.instrument_data import spec_to_data
from surveys.interchange import read_instrument_file, redcap, xlsform
from tests.conftest import INSTRUMENT

CME_NEEDS = INSTRUMENT.parent / "cme-needs-2027.xlsx"
HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
    '"Matrix Ranking?","Field Annotation"'
)
RECORD_ID = "record_id,cme_followup,,text,Record ID,,,,,,,,,,,,,"

# The fields of a hand-written dictionary, one list of the 18 cells each.
ROWS = [
    ["sex", "cme_followup", "Votre profil", "radio", "Vous êtes", "0, Une femme | 1, Un homme"]
    + [""] * 6
    + ["y", "LH", "", "", "", ""],
    ["years", "cme_followup", "", "text", "Années d'exercice", "", "En années", "integer", "0", "60"]
    + ["", "", "y", "", "", "", "", ""],
    ["channels", "cme_followup", "", "checkbox", "Canaux utilisés"]
    + ["1, Revues | 2, Réseaux sociaux | 3, Webinaires | 99, Aucun"]
    + [""] * 6
    + ["y", "", "", "", "", "@NONEOFTHEABOVE='99'"],
    ["social_use", "cme_followup", "", "yesno", "Y apprenez-vous quelque chose ?"]
    + [""] * 6
    + ["[channels(2)] = '1'", "y", "", "", "", "", ""],
    ["no_social", "cme_followup", "", "notes", "Pourquoi pas ?"]
    + [""] * 6
    + ['[channels(2)] = "0" and [years] >= 10', "", "", "", "", "", ""],
    ["satisfaction", "cme_followup", "Votre avis", "slider", "Satisfaction", "Pas du tout | | Tout à fait"]
    + ["", "number", "0", "10", "", "", "y", "RH", "", "", "", ""],
    ["last_course", "cme_followup", "", "text", "Dernière formation", "", "", "date_ymd"]
    + ["2000-01-01", "2027-12-31", "", "[sex] = '0' or ([years] > 5 and [sex] <> '1')"]
    + [""] * 6,
    ["agree_useful", "cme_followup", "Quel est votre avis sur les formations suivies ?", "radio", "Utiles"]
    + ["1, Pas d'accord | 2, Neutre | 3, D'accord", "", "", "", "", "", "", "y", "", "", "agree", "", ""],
    ["agree_practice", "cme_followup", "", "radio", "Ont changé ma pratique"]
    + ["1, Pas d'accord | 2, Neutre | 3, D'accord", "", "", "", "", "", "", "y", "", "", "agree", "", ""],
    ["thanks", "cme_followup", "", "descriptive", "Merci !"] + [""] * 13,
]


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue()


# A dictionary in the shape REDCap downloads it (OuhscBbmc/REDCapR, inst/test-data): a byte order
# mark, REDCap's quoted header, the record identifier first, branching logic in double quotes.
HAND_WRITTEN = "\n".join([HEADER, RECORD_ID, as_csv(ROWS)]).encode("utf-8-sig")


def dictionary(*rows: str) -> bytes:
    return "\n".join([HEADER, RECORD_ID, *rows]).encode("utf-8")


def refusal(content: bytes) -> str:
    with pytest.raises(InstrumentError) as caught:
        redcap.parse(content, slug="s", version="1")
    return str(caught.value)


def paper_data() -> dict:
    return spec_to_data(parse_instrument(INSTRUMENT.read_text(encoding="utf-8")))


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# -- round trips ----------------------------------------------------------------------------


def test_the_papers_questions_come_back_unchanged_from_a_redcap_dictionary():
    """What REDCap holds: the pages (titles, lead-ins, conditions), every question's code, kind,
    wording in French and English (English and what REDCap has no column for in @MEDSURVEY action
    tags), choices, 'other' choices and comment boxes, scale bounds and anchors, conditions and
    required. What it does not: the survey around them (slug, version and title come from the
    caller; status, dates, introduction, consent, ethics approval, contact, analysis plan)."""
    data = paper_data()
    back = redcap.read(redcap.write(data), slug=data["slug"], version=data["version"])
    assert back["pages"] == data["pages"]
    assert (back["slug"], back["version"], back["title"]) == (
        data["slug"],
        "2022.1",
        {"fr": "cme_social_network_2022"},
    )
    assert "analysis" not in back and "introduction" not in back


def test_the_cme_needs_questions_come_back_unchanged_from_a_redcap_dictionary():
    """Dropdown, number with a unit, date bounds, exclusive choice, grid, note, a page condition
    and all/any conditions too."""
    data = spec_to_data(xlsform.parse(CME_NEEDS.read_bytes()))
    back = redcap.read(redcap.write(data), slug="cme-needs-2027", version="2027.1")
    assert back["pages"] == data["pages"]


def test_a_one_choice_in_reads_back_as_is_and_an_any_of_is_as_in():
    """REDCap has no 'one of': ``in`` is written as ``or`` of equalities, which reads as ``in``
    when there are several; one choice reads as ``is``."""
    data = spec_to_data(
        parse_data(
            {
                "slug": "s",
                "version": "1",
                "title": "T",
                "pages": [
                    {
                        "title": "P",
                        "questions": [
                            {
                                "code": "a",
                                "kind": "single",
                                "text": "A",
                                "choices": [{"code": "1", "fr": "Un"}, {"code": "2", "fr": "Deux"}],
                            },
                            {
                                "code": "b",
                                "kind": "text",
                                "text": "B",
                                "show_if": {"question": "a", "in": ["1"]},
                            },
                            {
                                "code": "c",
                                "kind": "text",
                                "text": "C",
                                "show_if": {"question": "a", "not_in": ["1", "2"]},
                            },
                            {
                                "code": "d",
                                "kind": "text",
                                "text": "D",
                                "show_if": {
                                    "any": [{"question": "a", "is": "1"}, {"question": "a", "is": "2"}]
                                },
                            },
                        ],
                    }
                ],
            }
        )
    )
    questions = redcap.read(redcap.write(data), slug="s", version="1")["pages"][0]["questions"]
    assert [q["show_if"] for q in questions[1:]] == [
        {"question": "a", "is": "1"},
        {"question": "a", "not_in": ["1", "2"]},
        {"question": "a", "in": ["1", "2"]},
    ]


# -- writing ---------------------------------------------------------------------------------


def test_the_dictionary_has_the_eighteen_columns_of_redcap_in_order():
    content = redcap.write(paper_data())
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel opens with its accents
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(header) == 18
    assert header[0] == "Variable / Field Name" and header[-1] == "Field Annotation"
    assert header[11] == "Branching Logic (Show field only if...)"


def test_the_first_field_is_the_record_identifier_and_variables_are_lowercase():
    rows = rows_of(redcap.write(paper_data()))
    assert (rows[0]["Variable / Field Name"], rows[0]["Field Type"]) == ("record_id", "text")
    q1 = rows[1]
    assert q1["Variable / Field Name"] == "q1"
    assert '@MEDSURVEY-CODE="Q1"' in q1["Field Annotation"]


def test_french_goes_in_the_labels_and_english_in_action_tags():
    q7 = next(r for r in rows_of(redcap.write(paper_data())) if r["Variable / Field Name"] == "q7")
    assert q7["Field Label"] == "À quelle fréquence vous connectez-vous au groupe ?"
    assert q7["Choices, Calculations, OR Slider Labels"].startswith(
        "several_daily, Plusieurs fois par jour | "
    )
    assert '@MEDSURVEY-EN="How often do you log on to the group?"' in q7["Field Annotation"]
    assert '@MEDSURVEY-EN-CHOICES="several_daily, Several times a day | ' in q7["Field Annotation"]


def test_a_page_starts_with_a_section_header_and_kinds_map_to_redcap_field_types():
    rows = {r["Variable / Field Name"]: r for r in rows_of(redcap.write(paper_data()))}
    assert rows["q9"]["Section Header"] == "Les avis médicaux demandés sur le groupe"
    assert [rows[n]["Field Type"] for n in ("q1", "q20", "q11", "q27")] == [
        "radio",
        "checkbox",
        "slider",
        "notes",
    ]
    assert (rows["q11"]["Text Validation Min"], rows["q11"]["Text Validation Max"]) == ("0", "10")
    assert rows["q11"]["Choices, Calculations, OR Slider Labels"] == "Pas du tout utiles | | Très utiles"
    assert rows["q11"]["Branching Logic (Show field only if...)"] == "[q9] <> 'never'"


def test_other_and_comment_become_fields_after_their_question():
    rows = {r["Variable / Field Name"]: r for r in rows_of(redcap.write(paper_data()))}
    assert rows["q3_other"]["Branching Logic (Show field only if...)"] == "[q3] = 'other'"
    assert rows["q20_other"]["Branching Logic (Show field only if...)"] == "[q20(other)] = '1'"
    assert (rows["q9_comment"]["Field Type"], rows["q9_comment"]["Required Field?"]) == ("notes", "")


def test_a_page_condition_is_written_on_every_field_of_the_page_and_tagged_on_its_first():
    rows = rows_of(redcap.write(spec_to_data(xlsform.parse(CME_NEEDS.read_bytes()))))
    page3 = [r for r in rows if r["Variable / Field Name"].startswith(("course_opinion", "suggestions"))]
    assert {r["Branching Logic (Show field only if...)"] for r in page3} == {"[cme_2026] = 'yes'"}
    assert "@MEDSURVEY-PAGE-IF=\"[cme_2026] = 'yes'\"" in page3[0]["Field Annotation"]
    assert [r["Matrix Group Name"] for r in page3] == ["course_opinion"] * 4 + [""]
    formats = next(r for r in rows if r["Variable / Field Name"] == "preferred_formats")
    assert "@NONEOFTHEABOVE='none'" in formats["Field Annotation"]


# -- reading a dictionary as REDCap writes it ---------------------------------------------------


@pytest.fixture(scope="module")
def hand_written():
    return redcap.read(HAND_WRITTEN, slug="cme-followup", version="1")


def test_a_section_header_starts_a_page_and_the_record_identifier_is_skipped(hand_written):
    assert [p["title"] for p in hand_written["pages"]] == [
        {"fr": "Votre profil"},
        {"fr": "Votre avis"},
        {"fr": "Quel est votre avis sur les formations suivies ?"},
    ]
    assert hand_written["pages"][0]["questions"][0]["code"] == "sex"
    parse_data(hand_written)


def test_radio_checkbox_yesno_and_text_with_validation_become_the_platforms_kinds(hand_written):
    sex, years, channels, social_use, no_social = hand_written["pages"][0]["questions"]
    assert (sex["kind"], [c["code"] for c in sex["choices"]]) == ("single", ["0", "1"])
    assert years["number"] == {"min": 0, "max": 60} and years["help"] == {"fr": "En années"}
    assert channels["choices"][-1] == {"code": "99", "fr": "Aucun", "exclusive": True}
    assert social_use["choices"] == [
        {"code": "1", "fr": "Oui", "en": "Yes"},
        {"code": "0", "fr": "Non", "en": "No"},
    ]
    assert (no_social["kind"], no_social["required"]) == ("text", False)


def test_branching_logic_becomes_conditions(hand_written):
    first, second, _ = hand_written["pages"]
    assert first["questions"][3]["show_if"] == {"question": "channels", "contains": "2"}
    assert first["questions"][4]["show_if"] == {
        "all": [{"question": "channels", "not_contains": "2"}, {"question": "years", "ge": 10}]
    }
    assert second["questions"][1]["show_if"] == {
        "any": [
            {"question": "sex", "is": "0"},
            {"all": [{"question": "years", "gt": 5}, {"question": "sex", "is_not": "1"}]},
        ]
    }


def test_a_slider_from_0_to_10_becomes_a_scale_and_a_date_keeps_its_bounds(hand_written):
    satisfaction, last_course = hand_written["pages"][1]["questions"]
    assert satisfaction["scale"] == {
        "min": 0,
        "max": 10,
        "min_label": {"fr": "Pas du tout"},
        "max_label": {"fr": "Tout à fait"},
    }
    assert last_course["date"] == {"min": "2000-01-01", "max": "2027-12-31"}


def test_a_matrix_becomes_a_grid_titled_by_its_section_header(hand_written):
    grid, note = hand_written["pages"][2]["questions"]
    assert grid["code"] == "agree" and grid["kind"] == "grid"
    assert grid["text"] == {"fr": "Quel est votre avis sur les formations suivies ?"}
    assert [s["code"] for s in grid["statements"]] == ["useful", "practice"]
    assert note == {"code": "thanks", "kind": "note", "text": {"fr": "Merci !"}}


def test_the_file_name_gives_the_slug_the_version_is_1_and_the_title_the_first_form(tmp_path):
    path = tmp_path / "cme-followup.csv"
    path.write_bytes(HAND_WRITTEN)
    spec = read_instrument_file(path)
    assert (spec.slug, spec.version, spec.title.fr, spec.status) == (
        "cme-followup",
        "1",
        "cme_followup",
        "draft",
    )


def test_the_snake_case_columns_of_the_api_are_read_too():
    api = HAND_WRITTEN.decode("utf-8-sig").splitlines()
    api[0] = (
        "field_name,form_name,section_header,field_type,field_label,select_choices_or_calculations,field_note,"
        "text_validation_type_or_show_slider_number,text_validation_min,text_validation_max,identifier,"
        "branching_logic,required_field,custom_alignment,question_number,matrix_group_name,matrix_ranking,"
        "field_annotation"
    )
    assert redcap.read("\n".join(api).encode(), slug="s", version="1") == redcap.read(
        HAND_WRITTEN, slug="s", version="1"
    )


def test_a_truefalse_field_becomes_a_single_choice_of_1_and_0():
    content = dictionary('ok,f,P,truefalse,"Vrai ?",,,,,,,,y,,,,,')
    (question,) = redcap.read(content, slug="s", version="1")["pages"][0]["questions"]
    assert [(c["code"], c["fr"], c["en"]) for c in question["choices"]] == [
        ("1", "Vrai", "True"),
        ("0", "Faux", "False"),
    ]


# -- refusals: the row and the reason ---------------------------------------------------------


def test_a_calculated_field_is_refused():
    content = dictionary('bmi,f,P,calc,BMI,"round([weight]/([height]^2),1)",,,,,,,,,,,,')
    assert (
        refusal(content)
        == "row 3 (bmi): 'calc' is not supported: the platform computes nothing at answer time"
    )


def test_a_slider_from_0_to_100_is_refused():
    content = dictionary('mood,f,P,slider,Humeur,"Triste | Indifférent | Heureux",,,,,,,,RH,,,,')
    assert refusal(content) == (
        "row 3 (mood): a slider from 0 to 100 cannot be a scale: "
        "the platform's scales go from 0 to 10 at most (set Text Validation Min and Max)"
    )


def test_a_middle_slider_label_is_refused():
    content = dictionary('mood,f,P,slider,Humeur,"Triste | Indifférent | Heureux",,,0,10,,,,RH,,,,')
    assert refusal(content) == (
        "row 3 (mood): the middle label 'Indifférent' has no place: a scale is labelled at its ends"
    )


def test_an_identifier_field_is_refused_because_the_platform_is_anonymous():
    content = dictionary("email,f,P,text,E-mail,,,email,,,y,,,,,,,")
    assert (
        refusal(content) == "row 3 (email): an identifier field is not supported: the platform is anonymous"
    )


def test_a_text_validation_the_platform_cannot_check_is_refused():
    content = dictionary("phone,f,P,text,Téléphone,,,phone,,,,,,,,,,")
    assert (
        refusal(content)
        == "row 3 (phone): the validation 'phone' is not supported: the platform cannot check it"
    )


def test_a_file_upload_is_refused():
    content = dictionary("scan,f,P,file,Scan,,,,,,,,,,,,,")
    assert refusal(content) == "row 3 (scan): 'file' is not supported: the platform takes no uploads"


def test_branching_logic_with_a_function_is_refused():
    content = dictionary(
        "dob,f,P,text,Naissance,,,date_ymd,,,,,,,,,,",
        "adult,f,,yesno,Majeur ?,,,,,,,\"datediff([dob], 'today', 'y') >= 18\",,,,,,",
    )
    assert refusal(content) == (
        "row 4 (adult): branching logic \"datediff([dob], 'today', 'y') >= 18\": "
        "the function 'datediff()' is not supported"
    )


def test_a_matrix_of_checkboxes_is_refused():
    content = dictionary(
        'm_a,f,"Grille",checkbox,A,"1, Un | 2, Deux",,,,,,,,,,m,,',
        'm_b,f,,checkbox,B,"1, Un | 2, Deux",,,,,,,,,,m,,',
    )
    assert refusal(content) == "row 3 (m_a): a matrix is read as a grid: its fields are radio buttons"


def test_an_unknown_column_is_refused():
    content = b"Variable / Field Name,Form Name,Field Type,Field Label,Comment\nrecord_id,f,text,ID,\n"
    assert refusal(content) == "row 1: column 'Comment' is not a column of a REDCap data dictionary"


def test_the_parsers_refusal_names_the_row_of_the_question():
    content = dictionary('q1,f,P,radio,Q,"a b, A | c, C",,,,,,,,,,,,')
    assert refusal(content) == "row 3 (q1): choice code 'a b' may only hold letters, digits and single '_'"


def test_a_medsurvey_tag_out_of_place_is_refused():
    content = dictionary('q1,f,P,radio,Q,"1, Un | 2, Deux",,,,,,,,,,,,"@MEDSURVEY-UNIT=""ans"""')
    assert refusal(content) == "row 3 (q1): @MEDSURVEY-UNIT has no meaning on this field (single)"
