"""load_instrument reads an XLSForm or a REDCap data dictionary; export_instrument writes them."""

from io import StringIO

import openpyxl
import pytest
import yaml
from django.core.management import CommandError, call_command

from surveys.instrument import parse_instrument
from surveys.instrument_data import spec_to_data
from surveys.interchange import read_instrument_file, redcap, write_instrument_file, xlsform
from surveys.models import Survey
from surveys.selectors import survey_spec
from tests.conftest import INSTRUMENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CME_NEEDS = INSTRUMENT.parent / "cme-needs-2027.xlsx"


def load(path) -> str:
    out = StringIO()
    call_command("load_instrument", str(path), stdout=out)
    return out.getvalue()


def export(slug: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_instrument", slug, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- load_instrument ----------------------------------------------------------------------------


def test_loading_the_cme_needs_xlsform_creates_the_survey(db):
    assert "Created survey 'cme-needs-2027' (version 2027.1)" in load(CME_NEEDS)
    survey = Survey.objects.get(slug="cme-needs-2027")
    assert survey.status == Survey.Status.OPEN
    assert survey.pages.count() == 3
    assert survey.questions.count() == 13
    assert survey.questions.get(code="specialty").kind == "dropdown"
    assert survey_spec(survey) == read_instrument_file(CME_NEEDS)


def test_loading_the_same_xlsform_twice_changes_nothing(db):
    load(CME_NEEDS)
    assert "already up to date" in load(CME_NEEDS)


def test_loading_a_redcap_dictionary_creates_the_survey_named_after_the_file(db, tmp_path):
    path = tmp_path / "cme-redcap.csv"
    path.write_bytes(redcap.write(spec_to_data(parse_instrument(INSTRUMENT.read_text(encoding="utf-8")))))
    assert "Created survey 'cme-redcap' (version 1)" in load(path)
    survey = Survey.objects.get(slug="cme-redcap")
    assert survey.questions.count() == 27
    assert survey.title_fr == "cme_social_network_2022"
    assert (
        survey.questions.get(code="Q11").text_en == "Were the responses provided by your colleagues useful?"
    )


def test_a_refused_xlsform_loads_nothing_and_says_where_and_why(db, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(xlsform.write(spec_to_data(read_instrument_file(CME_NEEDS))))
    book = openpyxl.load_workbook(path)
    book["survey"].cell(row=3, column=1, value="calculate")  # the first question, computed
    book.save(path)
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}: sheet survey, row 3 (specialty): 'calculate' is not supported: the platform computes "
        "nothing at answer time. Nothing was loaded."
    )
    assert not Survey.objects.exists()


def test_a_missing_workbook_cannot_be_read(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        load(tmp_path / "missing.xlsx")


# -- export_instrument --------------------------------------------------------------------------


def test_the_export_as_xlsform_reads_back_as_the_live_survey(survey, tmp_path):
    path = tmp_path / "live.xlsx"
    _, err = export(survey.slug, "-o", str(path))
    assert err.strip() == f"Wrote {path} (xlsform, 27 questions)."
    assert read_instrument_file(path) == survey_spec(survey)


def test_the_exported_xlsform_loads_back_without_a_change(survey, tmp_path):
    path = tmp_path / "cme-social-network-2022.xlsx"
    export(survey.slug, "-o", str(path))
    assert "already up to date" in load(path)


def test_the_export_as_redcap_writes_the_dictionary(survey, tmp_path):
    path = tmp_path / "dictionary.csv"
    export(survey.slug, "-o", str(path))
    back = redcap.read(path.read_bytes(), slug=survey.slug, version="2022.1")
    assert back["pages"] == spec_to_data(survey_spec(survey))["pages"]


def test_the_format_option_wins_over_the_suffix_and_redcap_goes_to_standard_output(survey):
    out, _ = export(survey.slug, "--format", "redcap")
    assert out.startswith("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,")


def test_an_xlsform_needs_an_output_file(survey):
    with pytest.raises(CommandError, match="give the file to write with -o FILE.xlsx"):
        export(survey.slug, "--format", "xlsform")


def test_the_export_is_still_yaml_by_default(survey, tmp_path):
    out, _ = export(survey.slug)
    assert yaml.safe_load(out)["slug"] == "cme-social-network-2022"
    path = tmp_path / "exported.txt"
    _, err = export(survey.slug, "-o", str(path))
    assert err.strip() == f"Wrote {path} (27 questions)."
    assert path.read_text(encoding="utf-8").startswith("# Survey 'cme-social-network-2022'")


def test_write_instrument_file_writes_each_format_by_the_files_suffix(tmp_path):
    spec = read_instrument_file(CME_NEEDS)
    for name in ("needs.yaml", "needs.xlsx", "needs.csv"):
        content = write_instrument_file(spec, tmp_path / name)
        assert (tmp_path / name).read_bytes() == content
    assert read_instrument_file(tmp_path / "needs.yaml") == spec
    assert read_instrument_file(tmp_path / "needs.xlsx") == spec
    assert write_instrument_file(spec, "redcap") == (tmp_path / "needs.csv").read_bytes()
