"""The codebook as standard dictionaries: a Frictionless Data Package checked against a real
export by the ``frictionless`` library, and the REDCap data dictionary of the instrument."""

import csv
import io
import json

import frictionless
import pytest

from analysis import dictionaries, downloads, export
from analysis.export import Options
from analysis.queries import Filters
from analysis.report import Context
from surveys.instrument_data import spec_to_data
from surveys.interchange import redcap
from surveys.seeding import seed_responses
from surveys.selectors import survey_spec
from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(survey):
    """The paper's survey with 60 seeded participants, some stopped part way."""
    seed_responses(survey, 60, seed=7)
    return survey


def write_package(survey, folder, filters=None):
    """responses.csv (the plain variant) and the datapackage.json describing it, side by side."""
    ctx = Context.load(survey, filters)
    (folder / "responses.csv").write_bytes(b"".join(downloads.responses_csv_of(ctx, Options())))
    package = dictionaries.datapackage(ctx, resource_path="responses.csv")
    path = folder / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return path, package


def fields(package) -> dict:
    return {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}


# --- the data package ---------------------------------------------------------------------------


def test_frictionless_finds_a_seeded_export_valid_against_its_package(seeded, tmp_path):
    path, _package = write_package(seeded, tmp_path)
    report = frictionless.validate(str(path))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
    assert report.valid and report.stats["errors"] == 0
    assert report.tasks[0].stats["rows"] == 60


def test_frictionless_finds_an_export_with_pilot_runs_valid_too(survey, tmp_path):
    participant(survey, stop_after=2)
    participant(survey, is_test=True)
    path, package = write_package(survey, tmp_path, Filters(include_tests=True))
    assert frictionless.validate(str(path)).valid
    assert fields(package)["is_test"]["constraints"]["enum"] == [1, 0]


def test_frictionless_catches_a_value_the_codebook_does_not_allow(seeded, tmp_path):
    path, _package = write_package(seeded, tmp_path)
    data = (tmp_path / "responses.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    rows[0]["Q1"], rows[0]["Q11"] = "robot", "11"
    with (tmp_path / "responses.csv").open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    errors = frictionless.validate(str(path)).flatten(["fieldName", "type"])
    assert ["Q1", "constraint-error"] in errors
    assert ["Q11", "constraint-error"] in errors


def test_the_package_names_the_survey_its_version_and_the_missing_rule(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    assert (package["name"], package["version"]) == ("cme-social-network-2022", "2022.1")
    assert " / " in package["title"] and package["created"][:2] == "20"
    assert "-97 / .a" in package["description"] and "last_page" in package["description"]
    assert "Europe/Paris" in package["description"]
    resource = package["resources"][0]
    assert (resource["path"], resource["encoding"], resource["dialect"]["delimiter"]) == (
        "responses.csv",
        "utf-8",
        ",",
    )
    assert resource["schema"]["missingValues"] == [""] and resource["schema"]["primaryKey"] == ["response_id"]


def test_every_column_of_the_file_is_a_field_in_order(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    header = next(csv.reader(io.StringIO((tmp_path / "responses.csv").read_bytes().decode("utf-8"))))
    assert list(fields(package)) == header


def test_a_choice_column_has_labelled_categories_and_an_enum(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    q2 = fields(package)["Q2"]
    assert q2["type"] == "string" and q2["title"] == "Votre âge / Age"
    assert q2["categories"][0] == {"value": "under_30", "label": "Moins de 30 ans / Under 30"}
    assert q2["constraints"]["enum"] == [c["value"] for c in q2["categories"]]
    assert "Page 1 :" in q2["description"] and "Page 1:" in q2["description"]


def test_a_multiple_choice_option_is_a_0_1_integer_of_its_question(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    option = fields(package)["Q20__other"]
    assert option["type"] == "integer" and option["constraints"]["enum"] == [1, 0]
    assert option["categories"] == [
        {"value": 1, "label": "coché / chosen"},
        {"value": 0, "label": "non coché / not chosen"},
    ]
    assert "multiple-choice question Q20" in option["description"]
    assert "Shown only when: Q19 = yes." in option["description"]


def test_a_scale_is_bounded_and_its_anchors_described(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    q11, q12 = fields(package)["Q11"], fields(package)["Q12"]
    assert q11["type"] == "integer" and q11["constraints"] == {"minimum": 0, "maximum": 10}
    assert "categories" not in q11
    assert "Anchors: 0 = Not at all useful | 10 = Very useful." in q11["description"]
    assert "Ancres : 0 = Pas du tout d'accord | 10 = Tout à fait d'accord." in q12["description"]


def test_the_response_columns_are_typed_and_the_id_is_the_key(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    by_name = fields(package)
    assert by_name["response_id"]["format"] == "uuid"
    assert by_name["response_id"]["constraints"] == {"required": True, "unique": True}
    assert (by_name["started_on"]["type"], by_name["completed_on"]["type"]) == ("date", "date")
    assert "required" not in by_name["completed_on"].get("constraints", {})
    assert by_name["last_page"]["constraints"] == {"required": True, "minimum": 0, "maximum": 6}
    assert by_name["status"]["constraints"]["enum"] == ["in_progress", "complete"]


def test_the_plans_variables_are_described_apart_from_the_fields(seeded, tmp_path):
    _path, package = write_package(seeded, tmp_path)
    derived = {v["name"]: v for v in package["derivedVariables"]}
    assert "age" not in fields(package)
    assert derived["age"]["source"] == "Q2"
    assert derived["age"]["derivation"].endswith("over_40 when Q2 in (41_50, 51_60, over_60)")
    assert derived["score_8_plus__Q11"]["derivation"] == "yes when Q11 >= 8 | no when Q11 <= 7"


def test_the_package_is_json(seeded):
    package = dictionaries.datapackage(Context.load(seeded))
    assert json.loads(json.dumps(package)) == package


# --- the REDCap dictionary ----------------------------------------------------------------------


def test_the_redcap_dictionary_is_the_instrument_writers_and_reads_back_as_the_instrument(survey):
    content = dictionaries.redcap_dictionary(Context.load(survey))
    data = spec_to_data(survey_spec(survey))
    assert content == redcap.write(data)
    back = redcap.read(content, slug=data["slug"], version=data["version"])
    assert back["pages"] == data["pages"]


def test_the_redcap_dictionary_has_redcaps_eighteen_columns(survey):
    content = dictionaries.redcap_dictionary(Context.load(survey))
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(header) == 18 and header[0] == "Variable / Field Name" and header[-1] == "Field Annotation"


def test_every_question_column_has_its_name_in_a_redcap_export(survey):
    ctx = Context.load(survey, Filters(include_tests=True))
    content = dictionaries.redcap_dictionary(ctx)
    cols = export.columns(downloads.export_questions(ctx), with_tests=True)
    names = dictionaries.redcap_names(cols, content)
    assert list(names) == [c.name for c in cols]
    assert names["response_id"] == "record_id" and names["status"] is None and names["is_test"] is None
    assert (names["Q1"], names["Q20__free_teleexpertise"]) == ("q1", "q20___free_teleexpertise")
    assert (names["Q3__other_text"], names["Q9__comment"]) == ("q3_other", "q9_comment")
    rows = {r["Variable / Field Name"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    for col in cols:
        name = names[col.name]
        if name is None:
            continue
        field_name, _, option = name.partition("___")
        assert field_name in rows, col.name
        if option:  # a checkbox's column: the field is a checkbox with that choice
            assert rows[field_name]["Field Type"] == "checkbox"
            choices = rows[field_name]["Choices, Calculations, OR Slider Labels"]
            assert option in [c.split(",")[0].strip().lower() for c in choices.split("|")]


def test_a_redcap_checkbox_column_turns_other_characters_into_underscores():
    cols = [export.Column("Q5__A-1", "Q5", "value", key="A-1", source="ticked")]
    dictionary = (
        '\ufeffVariable / Field Name,Field Annotation\r\nrecord_id,\r\nq5,"@MEDSURVEY-CODE=""Q5"""\r\n'
    ).encode()
    assert dictionaries.redcap_names(cols, dictionary) == {"Q5__A-1": "q5___a_1"}
