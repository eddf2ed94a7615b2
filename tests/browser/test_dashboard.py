"""An investigator in a real browser: signs in, reads the overview and charts, downloads the CSV."""

import csv
import io

import pytest

from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def investigator(django_user_model):
    return django_user_model.objects.create_user("investigator", password="a-long-passphrase", is_staff=True)


def sign_in(page, live_server, next_path):
    page.goto(f"{live_server.url}{next_path}")
    assert "/admin/login/" in page.url  # anonymous visitors are sent to sign in
    page.fill("#id_username", "investigator")
    page.fill("#id_password", "a-long-passphrase")
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_an_investigator_signs_in_reads_the_overview_and_downloads_the_csv(
    desktop, live_server, live_survey, investigator
):
    participant(live_survey, q9="rarely", score=9)
    participant(live_survey, q9="never")
    participant(live_survey, q9="rarely", stop_after=2)
    sign_in(desktop, live_server, f"/dashboard/{live_survey.slug}/")
    assert desktop.locator('[data-kpi="participants"]').inner_text() == "3"
    assert desktop.locator('[data-kpi="complete"]').inner_text() == "2"
    assert desktop.locator('[data-kpi="rate"]').inner_text() == "66,7\u00a0%"
    charts = desktop.locator("figure.chart img")
    assert charts.count() == 2
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        desktop.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=charts.nth(index).element_handle()
        )

    with desktop.expect_navigation():  # the click only starts the navigation: wait for the page to load
        desktop.get_by_role("link", name="Résultats", exact=True).click()
    assert desktop.locator("#Q21 table").is_visible()
    with desktop.expect_navigation():
        desktop.get_by_role("link", name="Export", exact=True).click()
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="Télécharger les réponses").click()
    assert download.value.suggested_filename.startswith(f"{live_survey.slug}-responses-")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == 3 and {r["Q9"] for r in rows} == {"rarely", "never"}
