import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SLUG = "cme-social-network-2022"
PAGES = ["index", "overview", "results", "subgroups"]


def url(view, **kwargs):
    if view != "index":
        kwargs.setdefault("slug", SLUG)
    return reverse(f"analysis:{view}", kwargs=kwargs)


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("inv", password="pw", is_staff=True))
    return client


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_go_to_the_login_page(client, dataset, name):
    reply = client.get(url(name))
    assert reply.status_code == 302 and reply["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("name", PAGES)
def test_signed_in_non_staff_get_403(client, django_user_model, dataset, name):
    client.force_login(django_user_model.objects.create_user("physician", password="pw"))
    assert client.get(url(name)).status_code == 403


def test_non_staff_cannot_download_a_chart(client, django_user_model, dataset):
    client.force_login(django_user_model.objects.create_user("physician", password="pw"))
    assert client.get(url("chart", name="funnel", fmt="svg")).status_code == 403


def test_respondents_see_no_link_to_the_dashboard(client, dataset):
    page = client.get(reverse("surveys:start", kwargs={"slug": SLUG})).content.decode()
    assert "/dashboard/" not in page and "/admin/" not in page


def test_the_index_lists_surveys_with_their_participation(staff, dataset):
    page = staff.get(url("index")).content.decode()
    assert SLUG in page and "60,0\u00a0%" in page


def test_the_overview_shows_participants_complete_and_the_funnel(staff, dataset):
    page = staff.get(url("overview")).content.decode()
    assert 'data-kpi="participants">5<' in page
    assert 'data-kpi="complete">3<' in page
    assert 'data-kpi="rate">60,0\u00a0%<' in page
    assert "Les réponses obtenues sur le groupe" in page


def test_the_results_show_every_question_in_order_with_tables(staff, dataset):
    page = staff.get(url("results")).content.decode()
    positions = [page.index(f'id="Q{n}"') for n in range(1, 28)]
    assert positions == sorted(positions)
    assert "Médecine générale" in page and "charts/question-Q3.svg" in page
    assert "charts/scales-page-3.svg" in page and "charts/scales-page-5.svg" in page


def test_a_pages_statements_rated_0_to_10_share_one_aligned_table(staff, dataset):
    page = staff.get(url("results")).content.decode()
    tables = re.findall(r'<table class="table table-sm scale-statistics">.*?</table>', page, re.S)
    assert len(tables) == 2  # Q11-Q18 and Q23-Q25
    rows = re.findall(r'<tr id="(Q\d+)">', tables[0])
    assert rows == [f"Q{n}" for n in range(11, 19)]
    # Every row has as many cells as the header has columns: n, mean, SD, median, Q1-Q3, 3 bins, >= 8.
    cells = [len(re.findall(r"<t[dh][ >]", row)) for row in re.findall(r"<tr id=.*?</tr>", tables[0], re.S)]
    assert set(cells) == {10} and tables[0].count('<th scope="col"') == 10


def test_choice_codes_show_only_on_request(staff, dataset):
    plain = staff.get(url("results")).content.decode()
    assert '<code class="small">general_practice</code>' not in plain
    assert "codes=1" in plain
    with_codes = staff.get(url("results"), {"codes": "1"}).content.decode()
    assert '<code class="small">general_practice</code>' in with_codes


def test_the_subgroup_table_shows_shares_and_p_values(staff, dataset):
    page = staff.get(url("subgroups")).content.decode()
    assert "66,7\u00a0%" in page  # GPs who sought an opinion: 2 / 3
    assert "2/3" in page
    assert "Fisher" in page


def test_publication_safe_mode_hides_small_counts(staff, dataset):
    page = staff.get(url("subgroups"), {"safe": "on"}).content.decode()
    assert "2/3" not in page and "&lt;5/&lt;5" in page


def test_the_crosstab_tool_shows_the_table_and_the_test(staff, dataset):
    page = staff.get(url("subgroups"), {"rows": "specialty", "cols": "Q6"}).content.decode()
    assert "Spécialité × Exercez-vous dans une zone sous-dotée" in page
    assert "χ² =" in page


def test_the_crosstab_tool_opens_on_two_different_variables_with_totals(staff, dataset):
    page = staff.get(url("subgroups")).content.decode()
    assert "Choisissez deux variables différentes" not in page
    # The first two variables of the plan.
    assert 'Spécialité × Zone sous-dotée en médecins <span class="text-nowrap">(n = 5)</span>' in page
    table = page[page.index('class="table table-sm w-auto crosstab"') :]
    assert "<tfoot>" in table and ">Total<" in table
    assert "χ² =" in page and "p = &lt;" not in page


def test_a_p_value_reads_p_under_0_001_not_p_equals_under(staff, survey):
    from tests.analysis.conftest import participant

    for _ in range(12):
        participant(survey, q3="general_practice", q9="never")
        participant(survey, q3="cardiology", q9="frequently")
    page = staff.get(url("subgroups"), {"rows": "specialty", "cols": "sought_opinion"}).content.decode()
    assert "p &lt; 0,001" in page and "p = &lt;" not in page


def test_the_crosstab_downloads_as_csv_with_totals_and_the_test(staff, dataset):
    import csv
    import io

    reply = staff.get(url("crosstab_csv"), {"rows": "specialty", "cols": "sought_opinion"})
    assert reply["Content-Disposition"].startswith(f'attachment; filename="{SLUG}-crosstab-specialty-')
    lines = list(csv.reader(io.StringIO(reply.content.decode())))
    assert lines[0] == ["Spécialité \\ A déjà demandé un avis sur le groupe", "Oui", "Non", "Total"]
    assert lines[1] == ["Médecine générale", "2", "1", "3"]  # A and E sought, B never
    assert lines[2] == ["Autres spécialités", "1", "1", "2"]
    assert lines[3] == ["Total", "3", "2", "5"]
    assert lines[5] == ["chi2", "df", "p", "yates", "fisher_p"] and lines[6][3] == "1"
    assert staff.get(url("crosstab_csv"), {"rows": "Q6", "cols": "Q6"}).status_code == 400


def test_the_crosstab_tool_refuses_the_same_variable_twice(staff, dataset):
    reply = staff.get(url("subgroups"), {"rows": "Q6", "cols": "Q6"})
    assert reply.status_code == 200 and "Choisissez deux variables différentes" in reply.content.decode()


def test_the_complete_only_filter_changes_the_numbers(staff, dataset):
    page = staff.get(url("overview"), {"complete_only": "on"}).content.decode()
    assert 'data-kpi="participants">3<' in page


def test_a_bad_date_range_is_explained_not_an_error(staff, dataset):
    reply = staff.get(url("overview"), {"start": "2022-07-01", "end": "2022-06-01"})
    assert reply.status_code == 200
    assert "ne doit pas précéder" in reply.content.decode()
    assert staff.get(url("overview"), {"start": "not-a-date"}).status_code == 200


@pytest.mark.parametrize(
    "name", ["funnel", "participants-per-day", "question-Q3", "question-Q21", "scales-page-3"]
)
def test_every_chart_renders_as_svg(staff, dataset, name):
    reply = staff.get(url("chart", name=name, fmt="svg"))
    assert reply.status_code == 200 and reply["Content-Type"] == "image/svg+xml"
    assert reply.content.startswith(b"<?xml")


def test_a_chart_downloads_as_png_with_english_labels(staff, dataset):
    reply = staff.get(url("chart", name="question-Q6", fmt="png"), {"lang": "en", "download": "1"})
    assert reply["Content-Type"] == "image/png" and reply.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert f'filename="{SLUG}-question-Q6-en-' in reply["Content-Disposition"]
    svg = staff.get(url("chart", name="question-Q6", fmt="svg"), {"lang": "en"}).content.decode()
    assert "underserved" in svg and "Yes" in svg
    assert (
        "sous-dotée"
        in staff.get(url("chart", name="question-Q6", fmt="svg"), {"lang": "fr"}).content.decode()
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("question-Q99", "svg"),
        ("question-Q27", "svg"),
        ("funnel", "gif"),
        ("scales-page-1", "svg"),
        ("scales-page-x", "png"),
    ],
)
def test_an_unknown_chart_is_not_found(staff, dataset, name, fmt):
    assert staff.get(url("chart", name=name, fmt=fmt)).status_code == 404


def test_an_unknown_survey_is_not_found(staff, dataset):
    assert staff.get(reverse("analysis:overview", kwargs={"slug": "nope"})).status_code == 404


def note(page: str) -> str | None:
    """The note about test responses above the figures: its kind and its text."""
    found = re.search(r'data-tests="([a-z-]+)">([^<]*)<', page)
    return found and f"{found.group(1)}: {found.group(2)}"


def test_a_pilot_run_is_not_counted_on_the_dashboard(staff, pilots):
    page = staff.get(url("overview")).content.decode()
    assert 'data-kpi="participants">5<' in page and 'data-kpi="started">6<' in page


def test_the_dashboard_says_how_many_pilot_runs_are_not_counted(staff, pilots):
    for name in ("overview", "results", "subgroups"):
        assert note(staff.get(url(name)).content.decode()).startswith("left-out: 2 ")


def test_the_include_tests_checkbox_counts_pilot_runs(staff, pilots):
    page = staff.get(url("overview"), {"include_tests": "on"}).content.decode()
    assert 'data-kpi="participants">7<' in page
    assert 'name="include_tests" id="id_include_tests" checked' in page
    assert note(page).startswith("included: 2 ")


def test_the_include_tests_checkbox_is_off_by_default(staff, dataset):
    page = staff.get(url("overview")).content.decode()
    assert 'id="id_include_tests">' in page


def test_a_survey_without_pilot_runs_has_no_note(staff, dataset):
    assert note(staff.get(url("overview")).content.decode()) is None


def test_the_charts_leave_pilot_runs_out(staff, pilots):
    svg = staff.get(url("chart", name="participants-per-day", fmt="svg")).content.decode()
    assert "06-03" not in svg
    svg = staff.get(url("chart", name="participants-per-day", fmt="svg"), {"include_tests": "on"}).content
    assert b"06-03" in svg


def test_the_index_leaves_pilot_runs_out(staff, pilots):
    page = staff.get(url("index")).content.decode()
    assert ">5</td>" in page and "60,0\u00a0%" in page


def test_a_chart_downloads_for_a_journal_as_pdf_and_tiff_at_one_column_and_600_dpi(staff, dataset):
    import io

    from PIL import Image

    pdf = staff.get(url("chart", name="question-Q3", fmt="pdf"), {"download": "1", "lang": "en"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"/FontFile2" in pdf.content  # TrueType fonts embedded
    tiff = staff.get(
        url("chart", name="question-Q3", fmt="tiff"), {"width": "one", "dpi": "600", "download": "1"}
    )
    image = Image.open(io.BytesIO(tiff.content))
    assert image.format == "TIFF" and round(image.info["dpi"][0]) == 600
    assert abs(image.size[0] - round(88 / 25.4 * 600)) <= 2  # 88 mm at 600 dpi
    assert "-one-column-600dpi-" in tiff["Content-Disposition"]
    assert staff.get(url("chart", name="question-Q3", fmt="png"), {"dpi": "72"}).status_code == 400
    assert staff.get(url("chart", name="question-Q3", fmt="png"), {"width": "three"}).status_code == 400


def test_the_results_page_offers_every_journal_download(staff, dataset):
    page = staff.get(url("results")).content.decode()
    assert "charts/question-Q3.tiff?" in page and "width=one&amp;dpi=600" in page
    assert "charts/question-Q3.pdf?" in page


def test_publication_safe_charts_write_small_counts_as_under_5(staff, dataset):
    plain = staff.get(url("chart", name="question-Q3", fmt="svg")).content.decode()
    safe = staff.get(url("chart", name="question-Q3", fmt="svg"), {"safe": "on"}).content.decode()
    # Three general practitioners of five: "60,0 % (3)" becomes "60,0 % (<5)".
    assert "(3)" in plain and "(3)" not in safe and "(&lt;5)" in safe


def test_the_crosstab_download_link_repeats_the_table_asked_for(staff, dataset):
    import html

    asked = {"rows": "Q6", "cols": "sought_opinion", "safe": "on"}
    page = staff.get(url("subgroups"), asked).content.decode()
    link = html.unescape(re.search(r'href="([^"]*crosstab\.csv\?[^"]*)"', page).group(1))
    assert "rows=Q6" in link and "cols=sought_opinion" in link and "safe=on" in link
    reply = staff.get(link)
    assert reply.status_code == 200 and reply.content.decode().startswith("Exercez-vous")


def test_the_crosstab_and_table_1_csvs_cannot_run_a_label_as_a_formula(staff, dataset):
    dataset.analysis["groupings"][0]["label"]["fr"] = "=1+1 Spécialité"
    dataset.save()
    crosstab = staff.get(url("crosstab_csv"), {"rows": "specialty", "cols": "sought_opinion", "safe": "on"})
    lines = crosstab.content.decode().splitlines()
    assert lines[0].startswith("'=1+1 Spécialité")
    assert lines[3] == "Total,<5,<5,5"  # 3 and 2 masked; the grand total, 5, is not small
    table1 = staff.get(reverse("analysis:table1", kwargs={"slug": SLUG, "fmt": "csv"})).content.decode()
    assert "'=1+1 Spécialité" in table1 and ";=1+1" not in table1


@pytest.mark.parametrize("bounds", [{"start": "0001-01-01"}, {"end": "9999-12-31"}])
def test_the_first_and_last_days_a_calendar_holds_are_filters_like_any_other(staff, dataset, bounds):
    assert 'data-kpi="participants">5<' in staff.get(url("overview"), bounds).content.decode()
    reply = staff.get(url("export_responses"), {"format": "sav", **bounds})
    assert reply.status_code == 200
    assert staff.get(url("chart", name="question-Q3", fmt="png"), bounds).status_code == 200


def test_a_pdf_chart_does_not_fill_the_log(staff, dataset, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        assert staff.get(url("chart", name="question-Q3", fmt="pdf")).status_code == 200
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
