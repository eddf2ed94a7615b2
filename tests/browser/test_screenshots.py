"""`make screenshots`: every respondent page at phone and desktop sizes, and the dashboard, as
PNG files in screenshots/ (ignored by git), for a person to review the look in a minute."""

import os
from pathlib import Path

import pytest

from tests.analysis.conftest import participant
from tests.browser.conftest import Keyboard

TARGET = os.environ.get("SCREENSHOTS_DIR")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not TARGET, reason="writes files only for `make screenshots` (SCREENSHOTS_DIR)"),
]


def shoot(page, name: str) -> None:
    Path(TARGET).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(TARGET) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_respondent_pages(request, live_survey, size):
    page = request.getfixturevalue(size)
    keys = Keyboard(page)
    page.goto(live_survey.base_url)
    shoot(page, f"{size}-0-start")
    with page.expect_navigation():
        page.click("form.consent-form button[type=submit]")
    keys.submit()
    shoot(page, f"{size}-1-profile-errors")
    for name, index in {"Q1": 0, "Q2": 1, "Q3": 0, "Q4": 0, "Q5": 0, "Q6": 1, "Q7": 1, "Q8": 3}.items():
        keys.choose(name, index)
    shoot(page, f"{size}-1-profile")
    keys.submit()
    keys.choose("Q9", 1)
    keys.choose("Q10", 1)
    shoot(page, f"{size}-2-opinions")
    keys.submit()
    for n in range(11, 19):
        keys.choose(f"Q{n}", 8)
    shoot(page, f"{size}-3-statements")
    keys.submit()
    keys.choose("Q19", 0)
    keys.tick("Q20", "hospital_hotline")
    keys.tick("Q21", "speed_of_responses")
    keys.tick("Q22", "too_many_posts")
    shoot(page, f"{size}-4-platforms")
    keys.submit()
    for n in (23, 24, 25):
        keys.choose(f"Q{n}", 9)
    keys.tick("Q26", "read_on_group")
    shoot(page, f"{size}-5-cme")
    keys.submit()
    shoot(page, f"{size}-6-comments")
    keys.submit()
    shoot(page, f"{size}-7-thanks")
    page.goto(live_survey.base_url)
    shoot(page, f"{size}-8-already-completed")
    live_survey.status = live_survey.Status.CLOSED
    live_survey.save()
    page.context.clear_cookies()
    page.goto(live_survey.base_url)
    shoot(page, f"{size}-9-closed")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_dashboard_pages(request, live_server, live_survey, django_user_model, size):
    desktop = request.getfixturevalue(size)  # the page of that size
    for i in range(30):
        participant(
            live_survey,
            q3=("general_practice", "cardiology")[i % 2],
            q9=("rarely", "never")[i % 3 == 0],
            score=(9, 6, 8, 3)[i % 4],
            stop_after=(None, 2)[i % 5 == 0],
        )
    user = django_user_model.objects.create_user("shots", password="a-long-passphrase", is_staff=True)
    desktop.goto(f"{live_server.url}/admin/login/?next=/dashboard/{live_survey.slug}/")
    desktop.fill("#id_username", user.username)
    desktop.fill("#id_password", "a-long-passphrase")
    with desktop.expect_navigation():
        desktop.click("input[type=submit]")
    for name, path in (
        ("overview", ""),
        ("results", "results/"),
        ("subgroups", "subgroups/?rows=specialty&cols=Q5"),
        ("report", "report/"),
        ("report-en", "report/?lang=en&holm=1"),
        ("export", "export/"),
    ):
        desktop.goto(f"{live_server.url}/dashboard/{live_survey.slug}/{path}")
        desktop.wait_for_load_state("networkidle")
        shoot(desktop, f"{size}-dashboard-{name}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_investigator_pages(request, live_server, live_survey, django_user_model, size):
    """The pilot run, and the admin of a survey whose structure answers have frozen."""
    page = request.getfixturevalue(size)
    participant(live_survey, q3="general_practice", q9="rarely", score=9, stop_after=None)
    q12 = live_survey.questions.get(code="Q12")
    q12.text_en = "The responses provided were relevant."
    q12.save()
    user = django_user_model.objects.create_user(f"shots-{size}", password="a-long-passphrase", is_staff=True)
    user.is_superuser = True
    user.save()
    page.goto(f"{live_server.url}/admin/login/?next=/s/{live_survey.slug}/preview/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-passphrase")
    with page.expect_navigation():
        page.click("input[type=submit]")
    shoot(page, f"{size}-admin-1-preview")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shoot(page, f"{size}-admin-2-test-run-page")
    admin = f"{live_server.url}/admin/surveys"
    for name, path in (
        ("3-survey-frozen", f"survey/{live_survey.pk}/change/"),
        ("4-question-frozen", f"question/{q12.pk}/change/"),
        ("5-instrument-history", f"survey/{live_survey.pk}/instrument-history/"),
        ("6-responses", "response/?is_test__exact=0"),
    ):
        page.goto(f"{admin}/{path}")
        shoot(page, f"{size}-admin-{name}")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "delete_responses")
    with page.expect_navigation():
        page.click("button[name=index]")
    shoot(page, f"{size}-admin-7-delete-confirmation")
    page.goto(f"{admin}/survey/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "duplicate_as_new_version")
    with page.expect_navigation():
        page.click("button[name=index]")
    shoot(page, f"{size}-admin-8-duplicate")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_second_instrument_pages(request, live_server, size):
    """The XLSForm follow-up survey: a dropdown, a number, a note, a date, a grid, with errors."""
    from surveys.interchange import read_instrument_file
    from surveys.models import Survey
    from surveys.services import instrument_load

    xlsform = Path(__file__).resolve().parents[2] / "instruments" / "cme-needs-2027.xlsx"
    survey = instrument_load(spec=read_instrument_file(xlsform)).survey
    Survey.objects.filter(pk=survey.pk).update(opens_at=None, closes_at=None)
    page = request.getfixturevalue(size)
    keys = Keyboard(page)
    page.goto(f"{live_server.url}/s/{survey.slug}/")
    with page.expect_navigation():
        page.click("form.consent-form button[type=submit]")
    page.select_option('select[name="specialty"]', "other")
    page.fill('input[name="years_practice"]', "25")
    shoot(page, f"{size}-needs-1-practice")
    page.fill('input[name="years_practice"]', "2,5")
    keys.submit()
    shoot(page, f"{size}-needs-1-practice-errors")
    page.fill('input[name="years_practice"]', "25")
    page.fill('input[name="specialty__other_text"]', "Médecine du sport")
    page.check('input[name="practice_setting"][value="mixed"]')
    page.check('input[name="mentoring"][value="yes"]')
    keys.submit()
    page.check('input[name="cme_2026"][value="yes"]')
    page.fill('input[name="last_cme_date"]', "2026-03-15")
    page.click('label[for="id_cme_satisfaction_8"]')
    page.check('input[name="preferred_formats"][value="webinar"]')
    shoot(page, f"{size}-needs-2-education")
    page.check('input[name="online_only"][value="maybe"]')
    keys.submit()
    shoot(page, f"{size}-needs-3-grid")
    keys.submit()
    shoot(page, f"{size}-needs-3-grid-errors")


def test_builder_pages(browser, desktop, live_server):
    """A survey built from nothing in the admin by keyboard (tests/browser/test_builder.py), at
    each step: the survey and its pages, its questions, a question's choices, the condition
    menus and their sentence, the share page, a page previewed, the survey opened, the dashboard."""
    from tests.browser import test_builder as builder

    page, keys = desktop, builder.Investigator(desktop)
    builder.sign_in(page, live_server, keys)
    builder.build_survey(page, keys, lambda name: shoot(page, name))
    link = builder.preview_and_open(page, keys, lambda name: shoot(page, name))
    builder.answer(browser, link, yes=True)
    builder.answer(browser, link, yes=False)
    builder.read_dashboard(page, keys)
    page.wait_for_load_state("networkidle")
    shoot(page, "builder-9-dashboard")
