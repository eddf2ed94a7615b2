"""The export of a survey built through the services: values, files, access."""

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from django.urls import reverse

from analysis import downloads
from analysis.export import Options
from analysis.queries import Filters
from tests.analysis.conftest import participant
from tests.conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db
SLUG = "cme-social-network-2022"


def export(survey, **options) -> bytes:
    complete_only = options.pop("complete_only", False)
    return b"".join(downloads.responses_csv(survey, Options(**options), Filters(complete_only=complete_only)))


def rows(data: bytes, delimiter=",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_one_row_per_participant(dataset):
    assert len(rows(export(dataset))) == 5  # F consented but answered nothing


def test_a_complete_response_value_by_value(dataset):
    a = next(r for r in rows(export(dataset)) if r["Q9"] == "rarely" and r["status"] == "complete")
    assert (a["language"], a["started_on"], a["completed_on"]) == ("fr", "2022-06-01", "2022-06-01")
    assert (a["Q3"], a["Q6"], a["Q11"], a["Q18"], a["Q23"]) == ("general_practice", "yes", "9", "9", "9")
    assert (a["Q21__speed_of_responses"], a["Q21__free_of_charge"], a["Q21__available_anytime"]) == (
        "1",
        "1",
        "0",
    )
    assert a["Q20__free_teleexpertise"] == ""  # hidden: Q19 = no
    assert (a["Q27"], a["Q3__other_text"], a["Q9__comment"]) == ("Merci", "", "")


def test_skipped_and_partial_responses_leave_cells_empty(dataset):
    data = rows(export(dataset))
    b = next(r for r in data if r["Q9"] == "never" and r["status"] == "complete")
    assert b["Q11"] == "" and b["Q19"] == "no"
    e = next(r for r in data if r["Q9"] == "rarely" and r["status"] == "in_progress")
    assert (e["Q1"], e["Q11"], e["Q21__speed_of_responses"], e["completed_on"]) == ("female", "", "", "")


def test_response_ids_are_uuids_and_times_are_not_exported(dataset):
    data = export(dataset).decode()
    first = rows(export(dataset))[0]
    assert len(first["response_id"]) == 36 and first["response_id"].count("-") == 4
    assert "10:00" not in data and "T10" not in data


def test_it_round_trips_through_pandas(dataset):
    frame = pd.read_csv(io.BytesIO(export(dataset)), dtype_backend="numpy_nullable")
    assert frame.shape == (5, 66)
    assert str(frame["Q11"].dtype) == "Int64" and sorted(frame["Q11"].dropna().tolist()) == [5, 9]
    assert frame["Q21__speed_of_responses"].sum() == 3
    assert set(frame["Q9"]) == {"rarely", "never", "frequently"}
    assert frame["started_on"].str.match(r"\d{4}-\d{2}-\d{2}").all()


def test_complete_only(dataset):
    assert {r["status"] for r in rows(export(dataset, complete_only=True))} == {"complete"}


def test_labels_in_english(dataset):
    assert {r["Q9"] for r in rows(export(dataset, labels="en"))} == {"Rarely", "Never", "Frequently"}


def test_the_french_excel_variant(dataset):
    data = export(dataset, excel_fr=True)
    assert data.startswith(b"\xef\xbb\xbfresponse_id;status;")
    assert rows(data, ";")[0]["Q1"] == "female"


def test_hostile_answers_cannot_run_as_formulas_in_the_spreadsheet_file(survey, started):
    started.submit(1, {**FULL_ANSWERS[1], "Q3": "other", "Q3__other_text": '=HYPERLINK("http://evil","x")'})
    started.submit(2, {"Q9": "never", "Q9__comment": "@SUM(1+1)*cmd|' /C calc'!A0", "Q10": "rarely"})
    row = rows(export(survey, excel_fr=True), ";")[0]
    assert row["Q3__other_text"] == '\'=HYPERLINK("http://evil","x")'
    assert row["Q9__comment"].startswith("'@SUM")


def test_the_plain_csv_for_r_and_pandas_keeps_every_text_as_typed(survey, started):
    started.submit(1, {**FULL_ANSWERS[1], "Q3": "other", "Q3__other_text": "-5 mg/kg"})
    started.submit(2, {"Q9": "never", "Q9__comment": "+33 6 12 34 56 78", "Q10": "rarely"})
    row = rows(export(survey))[0]
    assert (row["Q3__other_text"], row["Q9__comment"]) == ("-5 mg/kg", "+33 6 12 34 56 78")


def codebook_of(survey, filters=None) -> dict[str, dict[str, str]]:
    """The codebook's rows by variable, each as {column of the header: cell}."""
    from analysis.codebook import HEADER

    return {row[0]: dict(zip(HEADER, row, strict=True)) for row in downloads.codebook(survey, filters)}


def test_the_codebook_counts_non_empty_cells(dataset):
    book = codebook_of(dataset)
    assert book["response_id"]["non_empty"] == "5" and book["completed_on"]["non_empty"] == "3"
    assert book["Q11"]["non_empty"] == "2" and book["Q21__speed_of_responses"]["non_empty"] == "3"
    assert book["Q11"]["condition"] == "Q9 != never"
    assert "never = Jamais" in book["Q9"]["values_fr"]


# --- the downloads and the command ---------------------------------------------------------


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("inv", password="pw", is_staff=True))
    return client


def url(name):
    return reverse(f"analysis:{name}", kwargs={"slug": SLUG})


@pytest.mark.parametrize("name", ["export", "export_responses", "export_codebook"])
def test_only_staff_can_download(client, django_user_model, dataset, name):
    assert client.get(url(name))["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("physician", password="pw"))
    assert client.get(url(name)).status_code == 403


def test_the_download_streams_the_csv_named_after_the_survey_its_version_and_the_date(staff, dataset):
    from django.utils import timezone

    reply = staff.get(url("export_responses"), {"format": "standard"})
    assert reply.streaming and reply["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert reply["Content-Disposition"] == f'attachment; filename="{SLUG}-responses-v2022.1-{today}.csv"'
    assert b"".join(reply.streaming_content) == export(dataset)


def test_unknown_export_options_are_a_bad_request(staff, dataset):
    assert staff.get(url("export_responses"), {"format": "xls"}).status_code == 400
    reply = staff.get(url("export_responses"), {"start": "2022-06-30", "end": "2022-06-01"})
    assert reply.status_code == 400 and "La date de fin ne doit pas précéder" in reply.content.decode()
    assert staff.get(url("export_responses"), {"start": "June"}).status_code == 400


def test_a_date_range_exports_the_responses_started_in_it_and_says_so_in_the_name(staff, dataset):
    reply = staff.get(url("export_responses"), {"start": "2022-06-02", "end": "2022-06-02"})
    data = rows(b"".join(reply.streaming_content))
    assert [r["started_on"] for r in data] == ["2022-06-02"]  # B only
    assert "-from-2022-06-02-to-2022-06-02-" in reply["Content-Disposition"]


def test_the_command_takes_the_same_date_range(dataset, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "range.csv"
    call_command("export_responses", SLUG, "--start", "2022-06-02", "-o", str(target))
    assert [r["started_on"] for r in rows(target.read_bytes())] == ["2022-06-02"]


def test_the_command_writes_the_same_bytes_as_the_download(staff, dataset, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "out.csv"
    call_command(
        "export_responses", SLUG, "--labels", "fr", "--excel-fr", "--complete-only", "-o", str(target)
    )
    reply = staff.get(url("export_responses"), {"labels": "fr", "format": "excel-fr", "complete_only": "on"})
    assert target.read_bytes() == b"".join(reply.streaming_content)


def test_the_codebook_page_lists_every_column(staff, dataset):
    page = staff.get(url("export")).content.decode()
    assert "<code>Q21__speed_of_responses</code>" in page and "Q9 != never" in page


# --- how far each participant went, how long it took, and why a cell is empty ----------------


def test_last_page_is_the_furthest_page_submitted(dataset):
    by_id = {r["response_id"]: r for r in rows(export(dataset))}
    assert sorted(r["last_page"] for r in by_id.values()) == ["2", "2", "6", "6", "6"]
    assert all(r["last_page"] == "6" for r in by_id.values() if r["status"] == "complete")


def test_the_duration_is_in_whole_minutes_from_the_start_to_the_last_page_saved(survey):
    from surveys.services import page_save, response_start
    from tests.analysis.conftest import answers

    start = dt.datetime(2022, 6, 1, 10, 0, tzinfo=dt.UTC)
    response, _ = response_start(survey=survey, language="fr", now=start)
    for position, later in ((1, 90), (2, 12 * 60 + 59)):
        page_save(
            response=response,
            page_position=position,
            values=answers()[position],
            language="fr",
            now=start + dt.timedelta(seconds=later),
        )
    (row,) = rows(export(survey))
    assert (row["duration_minutes"], row["last_page"], row["status"]) == ("12", "2", "in_progress")


def reasons_by_q9(survey) -> dict:
    """Why each empty answer cell is empty, by each participant's (Q9, status)."""
    table = downloads.responses_table(survey)
    names = [c.name for c in table.columns]
    result = {}
    for cells, missing in table.rows:
        row = dict(zip(names, cells, strict=True))
        result[(row["Q9"], row["status"])] = {names[i]: why for i, why in missing.items()}
    return result


def test_typed_rows_tell_not_reached_not_shown_and_left_blank_apart(dataset):
    from analysis.export import LEFT_BLANK, NOT_REACHED, NOT_SHOWN

    reasons = reasons_by_q9(dataset)
    b = reasons[("never", "complete")]  # B: Q9 = never hides Q11-Q18; Q19 = no hides Q20
    assert {b["Q11"], b["Q18"], b["Q20__free_teleexpertise"], b["Q20__other"]} == {NOT_SHOWN}
    assert "Q3" not in b and "Q10" not in b and "Q23" not in b  # answered
    e = reasons[("rarely", "in_progress")]  # E stopped after page 2: pages 3-6 not reached
    assert {e["Q11"], e["Q21__speed_of_responses"], e["Q27"]} == {NOT_REACHED}
    assert "Q10" not in e
    d = reasons[("never", "in_progress")]  # D: stopped after page 2; Q11 would have been hidden
    assert d["Q11"] == NOT_REACHED and "Q10" not in d
    assert LEFT_BLANK not in {*b.values(), *e.values(), *d.values()}


def test_an_optional_question_shown_and_not_answered_was_left_blank(survey):
    from analysis.export import LEFT_BLANK

    participant(survey, q27="")
    reasons = reasons_by_q9(survey)[("rarely", "complete")]
    assert reasons["Q27"] == LEFT_BLANK
    assert [code for code, why in reasons.items() if why == LEFT_BLANK] == ["Q27"]


# --- test responses and the instrument's version ----------------------------------------------


def export_with_tests(survey, **options) -> bytes:
    return b"".join(downloads.responses_csv(survey, Options(**options), Filters(include_tests=True)))


def test_a_pilot_run_is_not_exported(pilots):
    data = rows(export(pilots))
    assert len(data) == 5
    assert "is_test" not in data[0]
    assert "Essai" not in {r["Q27"] for r in data}


def test_pilot_runs_are_exported_with_an_is_test_column_when_asked_for(pilots):
    data = rows(export_with_tests(pilots))
    assert len(data) == 7
    assert sorted(r["is_test"] for r in data) == ["0"] * 5 + ["1"] * 2
    assert {r["Q3"] for r in data if r["is_test"] == "1"} == {"dermatology"}
    assert list(data[0])[:9] == [
        "response_id",
        "status",
        "language",
        "started_on",
        "completed_on",
        "duration_minutes",
        "last_page",
        "is_test",
        "Q1",
    ]


def test_the_codebook_does_not_count_pilot_runs(pilots):
    book = codebook_of(pilots)
    assert book["response_id"]["non_empty"] == "5" and book["Q3"]["non_empty"] == "5"
    assert "is_test" not in book


def test_the_codebook_of_an_export_with_pilot_runs_documents_is_test(pilots):
    book = codebook_of(pilots, Filters(include_tests=True))
    assert book["response_id"]["non_empty"] == "7"
    is_test = book["is_test"]
    assert (is_test["kind"], is_test["values_en"], is_test["condition"], is_test["non_empty"]) == (
        "metadata",
        "1 = test response | 0 = participant",
        "",
        "7",
    )


def test_the_codebook_carries_the_instrument_version_on_every_row(dataset):
    book = downloads.codebook(dataset)
    assert {row[-1] for row in book} == {"2022.1"}


def test_the_file_names_carry_the_version_and_say_when_tests_are_in(dataset):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    name = downloads.filename(dataset, "responses", Options(), Filters(include_tests=True))
    assert name == f"{SLUG}-responses-v2022.1-with-tests-{today}.csv"
    assert downloads.filename(dataset, "codebook", Options(), None) == f"{SLUG}-codebook-v2022.1-{today}.csv"


def test_a_version_is_made_safe_for_a_file_name(dataset):
    dataset.instrument_version = 'v2 "beta"/rc'
    name = downloads.filename(dataset, "responses", Options(), None)
    assert name.startswith(f"{SLUG}-responses-vv2-beta-rc-")


def test_the_export_form_includes_pilot_runs_when_ticked(staff, pilots):
    reply = staff.get(url("export_responses"), {"format": "standard", "include_tests": "on"})
    assert "-with-tests-" in reply["Content-Disposition"]
    assert b"".join(reply.streaming_content) == export_with_tests(pilots)


def test_the_command_includes_pilot_runs_when_asked_for(pilots, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "out.csv"
    call_command("export_responses", SLUG, "--include-tests", "-o", str(target))
    assert target.read_bytes() == export_with_tests(pilots)
    call_command("export_responses", SLUG, "--include-tests", "--codebook", "-o", str(target))
    assert b"\r\nis_test," in target.read_bytes()


def test_the_export_page_says_how_many_pilot_runs_are_left_out(staff, pilots):
    page = staff.get(url("export")).content.decode()
    assert 'data-tests="left-out">2 ' in page
    assert "include_tests=on" in page  # the codebook of an export with them


def test_the_export_page_names_the_instrument_version(staff, dataset):
    page = staff.get(url("export")).content.decode()
    assert "2022.1" in page and 'data-tests="left-out"' not in page


def export_queries(survey, filters) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    b"".join(downloads.responses_csv(survey, Options(), filters))  # the layout, now in memory
    with CaptureQueriesContext(connection) as ctx:
        b"".join(downloads.responses_csv(survey, Options(), filters))
    return len(ctx.captured_queries)


def test_the_export_reads_the_same_number_of_queries_with_or_without_pilot_runs(dataset):
    from tests.analysis.conftest import participant

    without = export_queries(dataset, Filters())
    assert without == 1 + 3 + 1  # the test lookup, one chunk of three, the empty chunk that ends it
    participant(dataset, is_test=True)
    assert export_queries(dataset, Filters()) == without
    assert export_queries(dataset, Filters(include_tests=True)) == without


def test_a_labelled_export_gives_status_and_language_in_words(dataset):
    data = rows(export(dataset, labels="fr"))
    assert {r["status"] for r in data} == {"Complète", "En cours"}
    assert {r["language"] for r in data} == {"Français"}
    assert {r["status"] for r in rows(export(dataset, labels="en"))} == {"Complete", "In progress"}
    assert {r["status"] for r in rows(export(dataset))} == {"complete", "in_progress"}


def test_the_spss_file_labels_a_scales_ends_with_its_anchors_and_the_missing_codes(dataset, tmp_path):
    import pyreadstat

    from analysis import report

    path = tmp_path / "responses.sav"
    downloads.write_typed(report.Context.load(dataset), "sav", "fr", False, str(path))
    _frame, meta = pyreadstat.read_sav(str(path))
    labels = meta.variable_value_labels["Q11"]
    assert (labels[0], labels[10]) == ("Pas du tout utiles", "Très utiles")
    assert labels[-98] == "Non posée (logique de saut)"
    assert meta.variable_value_labels["Q12"][10] == "Tout à fait d'accord"


SKIPPED_LAST_PAGE = """\
slug: last-page-hidden
version: "1"
status: open
title: {fr: Essai, en: Trial}
pages:
  - title: {fr: Un, en: One}
    questions:
      - code: P1
        kind: single
        text: {fr: "Suite ?", en: "More?"}
        choices: [{code: y, fr: Oui}, {code: n, fr: Non}]
  - title: {fr: Deux, en: Two}
    questions:
      - {code: P2, kind: text, text: {fr: "Pourquoi ?", en: "Why?"}, required: false}
  - title: {fr: Trois, en: Three}
    show_if: {question: P1, is: y}
    questions:
      - {code: P3, kind: text, text: {fr: "Et puis ?", en: "And then?"}, required: false}
"""


def test_a_complete_response_whose_last_page_was_hidden_reached_the_end(db):
    """Its last_page is the number of pages, and the hidden page's question was not shown (not
    "not reached")."""
    from analysis.export import LEFT_BLANK, NOT_SHOWN
    from surveys.instrument import parse_instrument
    from surveys.services import instrument_load, page_save, response_start
    from surveys.values import AnswerValue

    survey = instrument_load(spec=parse_instrument(SKIPPED_LAST_PAGE)).survey
    response, _ = response_start(survey=survey, language="fr")
    page_save(response=response, page_position=1, values={"P1": AnswerValue(choice="n")}, language="fr")
    page_save(response=response, page_position=2, values={}, language="fr")
    response.refresh_from_db()
    assert (response.status, response.furthest_page) == ("complete", 2)
    table = downloads.responses_table(survey)
    names = [c.name for c in table.columns]
    ((cells, missing),) = list(table.rows)
    assert dict(zip(names, cells, strict=True))["last_page"] == 3
    assert {names[i]: why for i, why in missing.items()} == {"P2": LEFT_BLANK, "P3": NOT_SHOWN}
