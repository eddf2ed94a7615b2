from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from surveys.instrument import parse_instrument
from surveys.models import Choice, Page, Question, Survey
from surveys.services import InstrumentConflict, instrument_load
from tests.conftest import partial_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def load(source: str):
    return instrument_load(spec=parse_instrument(source))


def test_it_creates_the_survey_its_pages_questions_and_choices(survey):
    assert survey.pages.count() == 6
    assert survey.questions.count() == 27
    assert Choice.objects.filter(question__code="Q3").count() == 21
    assert survey.status == Survey.Status.OPEN


def test_it_stores_the_conditions_as_data(survey):
    q11 = survey.questions.get(code="Q11")
    assert q11.condition == {"question": "Q9", "is_not": "never"}


def test_it_changes_nothing_when_the_same_file_is_loaded_twice(survey, instrument_source):
    before = list(Question.objects.order_by("id").values())
    result = load(instrument_source)
    assert (result.created, result.changed) == (False, 0)
    assert list(Question.objects.order_by("id").values()) == before


def test_it_updates_changed_wording_in_place(survey, instrument_source):
    q1_id = survey.questions.get(code="Q1").id
    result = load(instrument_source.replace("fr: Une femme", "fr: Femme"))
    assert result.changed == 1
    assert Choice.objects.get(question_id=q1_id, code="female").label_fr == "Femme"


def test_it_updates_wording_of_a_survey_that_has_responses(survey, instrument_source):
    partial_response(survey, q9="never")
    load(instrument_source.replace("Votre âge", "Quel est votre âge ?"))
    assert survey.questions.get(code="Q2").text_fr == "Quel est votre âge ?"


def test_it_rebuilds_the_structure_of_a_survey_without_answers(survey, instrument_source):
    load(instrument_source.replace("code: ent,", "code: otorhinolaryngology,"))
    codes = set(
        Choice.objects.filter(question__survey=survey, question__code="Q3").values_list("code", flat=True)
    )
    assert "otorhinolaryngology" in codes and "ent" not in codes


def test_it_refuses_to_change_the_choices_of_a_survey_with_answers(survey, instrument_source):
    partial_response(survey, q9="never")
    with pytest.raises(InstrumentConflict, match="Publish a new version"):
        load(instrument_source.replace("code: ent,", "code: otorhinolaryngology,"))
    assert Choice.objects.filter(question__code="Q3", code="ent").exists()


def test_it_refuses_to_change_a_kind_once_there_are_answers(survey, instrument_source):
    partial_response(survey, q9="rarely")
    changed = instrument_source.replace(
        "  - code: Q27\n        kind: text", "  - code: Q27\n        kind: scale"
    )
    assert changed != instrument_source
    with pytest.raises(InstrumentConflict):
        load(changed)


def test_the_command_prints_what_it_did(db, instrument_source, tmp_path):
    path = tmp_path / "instrument.yaml"
    path.write_text(instrument_source, encoding="utf-8")
    out = StringIO()
    call_command("load_instrument", str(path), stdout=out)
    call_command("load_instrument", str(path), stdout=out)
    assert "Created survey 'cme-social-network-2022'" in out.getvalue()
    assert "already up to date: nothing changed" in out.getvalue()


def test_the_command_loads_nothing_from_a_malformed_file(db, instrument_source, tmp_path):
    path = tmp_path / "broken.yaml"
    # The last question is broken: the 26 before it must not be loaded either.
    path.write_text(instrument_source.replace("kind: text", "kind: essay"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"question Q27: unknown kind 'essay'.*Nothing was loaded"):
        call_command("load_instrument", str(path))
    assert not Survey.objects.exists()
    assert not Page.objects.exists()


def test_the_command_names_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("load_instrument", str(tmp_path / "missing.yaml"))
