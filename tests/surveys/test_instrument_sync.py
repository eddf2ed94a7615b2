"""The file and the database: the database holds the live instrument; loading a file never undoes
an edit made in the admin without saying so, and export_instrument writes the live one back."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from surveys.instrument import parse_instrument
from surveys.instrument_data import spec_to_data, spec_to_yaml
from surveys.models import Question, Survey
from surveys.selectors import survey_spec
from surveys.services import InstrumentConflict, instrument_load
from tests.conftest import INSTRUMENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def load(source: str, **options):
    return instrument_load(spec=parse_instrument(source), **options)


def admin_edit(survey, code="Q12", text="Formulation corrigée dans l'admin"):
    question = survey.questions.get(code=code)
    question.text_fr = text
    question.save()


def text_of(survey, code="Q12"):
    return Survey.objects.get(pk=survey.pk).questions.get(code=code).text_fr


Q13_FR = "Les réponses apportées m'ont rassuré(e) dans ma prise en charge."


@pytest.fixture
def edited_file(instrument_source):
    """The repository's file with Q13's French wording changed."""
    assert Q13_FR in instrument_source
    return instrument_source.replace(Q13_FR, "Q13 reformulée dans le fichier")


# --- the rule -------------------------------------------------------------------------------


def test_loading_the_unchanged_file_after_an_admin_edit_keeps_the_edit(survey, instrument_source):
    admin_edit(survey)
    result = load(instrument_source)
    assert text_of(survey) == "Formulation corrigée dans l'admin"
    assert result.changed == 0
    assert [d.where for d in result.kept_edits] == ["Q12, text (fr)"]


def test_the_summary_lists_the_kept_edits_and_how_to_write_them_back(survey, instrument_source):
    admin_edit(survey)
    summary = load(instrument_source).summary()
    assert "nothing was loaded" in summary
    assert "Q12, text (fr)" in summary and "Formulation corrigée dans l'admin" in summary
    assert "export_instrument cme-social-network-2022 -o FILE" in summary


def test_a_file_changed_alone_is_applied(survey, edited_file):
    result = load(edited_file)
    assert result.changed == 1
    assert text_of(survey, "Q13") == "Q13 reformulée dans le fichier"


def test_the_summary_of_an_applied_file_names_each_change(survey, edited_file):
    summary = load(edited_file).summary()
    assert "Q13, text (fr)" in summary and "Q13 reformulée dans le fichier" in summary


def test_a_file_changed_after_an_admin_edit_is_refused_naming_both_sides(survey, edited_file):
    admin_edit(survey)
    with pytest.raises(InstrumentConflict) as refused:
        load(edited_file)
    message = str(refused.value)
    assert "Changed in the admin:" in message and "Changed in the file:" in message
    assert [d.where for d in refused.value.admin_changes] == ["Q12, text (fr)"]
    assert [d.where for d in refused.value.file_changes] == ["Q13, text (fr)"]
    assert "export_instrument cme-social-network-2022 -o FILE" in message
    assert "--overwrite-edits" in message
    assert text_of(survey) == "Formulation corrigée dans l'admin"
    assert text_of(survey, "Q13").startswith(Q13_FR)


def test_overwrite_edits_lets_the_file_win(survey, edited_file):
    admin_edit(survey)
    load(edited_file, overwrite_edits=True)
    assert text_of(survey, "Q13") == "Q13 reformulée dans le fichier"
    assert text_of(survey) != "Formulation corrigée dans l'admin"


def test_a_survey_with_no_record_of_the_file_is_not_overwritten(survey, edited_file):
    Survey.objects.filter(pk=survey.pk).update(loaded_instrument=None)
    with pytest.raises(InstrumentConflict, match="no record of being loaded from this file"):
        load(edited_file)
    assert text_of(survey, "Q13").startswith(Q13_FR)


def test_a_survey_with_no_record_takes_the_file_when_they_agree(survey, instrument_source):
    Survey.objects.filter(pk=survey.pk).update(loaded_instrument=None)
    assert load(instrument_source).changed == 0
    assert Survey.objects.get(pk=survey.pk).loaded_instrument["slug"] == survey.slug


def test_the_same_edit_made_on_both_sides_is_no_conflict(survey, edited_file):
    admin_edit(survey, "Q13", "Q13 reformulée dans le fichier")
    assert load(edited_file).changed == 0
    # and the file is now the common ancestor: the next change to it applies
    assert load(edited_file.replace("Votre âge", "Votre âge (ans)")).changed == 1


def test_the_survey_status_set_in_the_admin_is_not_an_edit_of_the_instrument(survey, instrument_source):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    result = load(instrument_source)
    assert (result.changed, result.kept_edits) == (0, ())
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.CLOSED


# --- the command ----------------------------------------------------------------------------


def write(tmp_path, text, name="instrument.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_exits_non_zero_with_both_sides_named(survey, edited_file, tmp_path):
    admin_edit(survey)
    with pytest.raises(CommandError) as refused:
        call_command("load_instrument", str(write(tmp_path, edited_file)), stdout=StringIO())
    assert "Q12, text (fr)" in str(refused.value) and "Q13, text (fr)" in str(refused.value)


def test_the_command_prints_the_kept_edits(survey, instrument_source, tmp_path):
    admin_edit(survey)
    out = StringIO()
    call_command("load_instrument", str(write(tmp_path, instrument_source)), stdout=out)
    assert "Q12, text (fr)" in out.getvalue()


def test_the_command_takes_overwrite_edits(survey, edited_file, tmp_path):
    admin_edit(survey)
    call_command("load_instrument", str(write(tmp_path, edited_file)), "--overwrite-edits", stdout=StringIO())
    assert text_of(survey, "Q13") == "Q13 reformulée dans le fichier"


# --- export_instrument ----------------------------------------------------------------------


def test_the_spec_written_back_parses_to_the_same_spec(instrument_source):
    spec = parse_instrument(instrument_source)
    assert parse_instrument(spec_to_yaml(spec)) == spec


def test_the_live_survey_exports_as_the_file_loaded(survey, instrument_source):
    assert survey_spec(survey) == parse_instrument(instrument_source)


def test_load_export_load_changes_nothing(survey, tmp_path):
    path = tmp_path / "exported.yaml"
    call_command("export_instrument", survey.slug, "-o", str(path), stderr=StringIO())
    before = list(Question.objects.order_by("id").values())
    out = StringIO()
    call_command("load_instrument", str(path), stdout=out)
    assert "already up to date" in out.getvalue()
    assert list(Question.objects.order_by("id").values()) == before


def test_an_admin_edit_goes_back_into_the_file_through_the_export(survey, tmp_path):
    admin_edit(survey)
    path = tmp_path / "exported.yaml"
    call_command("export_instrument", survey.slug, "-o", str(path), stderr=StringIO())
    exported = path.read_text(encoding="utf-8")
    assert "Formulation corrigée dans l'admin" in exported
    assert load(exported).changed == 0
    # the exported file is now the one last loaded: a change to it applies, the edit stays
    load(exported.replace("Votre âge", "Votre âge (ans)"))
    assert text_of(survey, "Q2") == "Votre âge (ans)"
    assert text_of(survey) == "Formulation corrigée dans l'admin"


def test_the_export_holds_both_languages_conditions_and_the_analysis_plan(survey):
    out = StringIO()
    call_command("export_instrument", survey.slug, stdout=out)
    data = yaml.safe_load(out.getvalue())
    q11 = data["pages"][2]["questions"][0]
    assert q11["code"] == "Q11" and q11["show_if"] == {"question": "Q9", "is_not": "never"}
    assert set(q11["text"]) == {"fr", "en"}
    assert q11["scale"]["min_label"]["en"]
    assert (
        data["analysis"] == spec_to_data(parse_instrument(INSTRUMENT.read_text(encoding="utf-8")))["analysis"]
    )
    assert out.getvalue().startswith("# Survey 'cme-social-network-2022', instrument version 2022.1")


def test_the_export_names_the_known_surveys_when_the_slug_is_wrong(survey):
    with pytest.raises(CommandError, match="cme-social-network-2022"):
        call_command("export_instrument", "nope", stdout=StringIO())


def test_saving_the_survey_in_a_browser_is_no_edit_of_its_texts(investigator, survey, instrument_source):
    from django.urls import reverse

    from tests.surveys.admin_forms import change_form_data

    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    data = change_form_data(investigator.get(url))
    for name in ("introduction_fr", "introduction_en", "consent_fr", "consent_en"):
        data[name] = data[name].replace("\n", "\r\n")  # as a browser sends a textarea
    data["status"] = "closed"
    assert investigator.post(url, data).status_code == 302
    result = load(instrument_source)
    assert (result.changed, result.kept_edits) == (0, ())
    assert "\r" not in Survey.objects.get(pk=survey.pk).introduction_fr


def test_a_rebuild_keeps_the_responses_started_without_an_answer(survey, instrument_source):
    started = survey.responses.create(token_hash="t" * 64, furthest_page=1)
    load(instrument_source.replace("code: ent,", "code: otorhinolaryngology,"))
    started.refresh_from_db()
    assert started.furthest_page == 0


def test_an_incomplete_survey_built_in_the_admin_is_not_exported(db):
    from tests.factories import PageFactory

    page = PageFactory(survey__slug="unfinished")
    with pytest.raises(CommandError, match="not a complete instrument yet"):
        call_command("export_instrument", page.survey.slug, stdout=StringIO())


def test_a_value_too_long_for_the_database_is_refused_by_the_command(db, instrument_source, tmp_path):
    long_title = instrument_source.replace(
        "  fr: Les réseaux sociaux dans la pratique médicale", "  fr: " + "Très long titre " * 20, 1
    )
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_instrument", str(write(tmp_path, long_title)), stdout=StringIO())
    assert not Survey.objects.exists()
