"""The second shipped instrument (an XLSForm: a dropdown, a number, a date, a grid, a note,
conditions on the same page and a page condition), completed on a phone by keyboard."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from surveys.interchange import read_instrument_file
from surveys.models import Response, Survey
from surveys.selectors import response_answers
from surveys.services import instrument_load
from tests.browser.conftest import PHONE, Keyboard, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

XLSFORM = Path(__file__).resolve().parents[2] / "instruments" / "cme-needs-2027.xlsx"


@pytest.fixture
def needs(live_server):
    survey = instrument_load(spec=read_instrument_file(XLSFORM)).survey
    # The file opens the survey on 2027-01-15: open it now.
    Survey.objects.filter(pk=survey.pk).update(opens_at=None, closes_at=None)
    survey.base_url = f"{live_server.url}/s/{survey.slug}/"
    return survey


@pytest.fixture
def french_phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shown(page, code: str) -> bool:
    return page.locator(f'[data-question="{code}"]').is_visible()


def test_a_physician_completes_the_follow_up_survey_on_a_phone_by_keyboard(french_phone, needs):
    page, keys = french_phone, Keyboard(french_phone)
    page.goto(needs.base_url)
    keys.tab_to("form.consent-form button[name=consent]")
    keys.press_and_wait("Enter")

    # Page 1: a dropdown, a number with its unit, and a question shown from 10 years on.
    keys.tab_to('select[name="specialty"]')
    for _ in range(5):  # general practice, paediatrics, ... cardiology
        page.keyboard.press("ArrowDown")
    assert page.locator('select[name="specialty"]').input_value() == "cardiology"
    assert not shown(page, "mentoring")
    keys.type("years_practice", "25")
    assert shown(page, "mentoring")  # decided in the browser, on this page
    keys.choose("practice_setting", 1)  # hospital
    keys.choose("mentoring", 0)  # yes
    assert serious_violations(page) == []
    keys.submit()

    # Page 2: a note, a yes/no that reveals a text, a date, a scale, formats and a combination.
    assert "formation médicale continue (FMC)" in page.locator("main").inner_text()
    assert not shown(page, "cme_2026_topics")
    keys.choose("cme_2026", 0)  # yes
    assert shown(page, "cme_2026_topics")
    keys.type("cme_2026_topics", "Insuffisance cardiaque")
    # The date field's order is the browser's language (Chromium here: US English, month first).
    keys.type("last_cme_date", "03152026")
    keys.choose("cme_satisfaction", 8)
    assert not shown(page, "online_only")
    keys.tick("preferred_formats", "webinar")
    assert shown(page, "online_only")  # 25 years (page 1) and webinars (this page)
    keys.choose("online_only", 2)  # maybe
    assert serious_violations(page) == []
    keys.submit()

    # Page 3, shown because a course was followed in 2026: a grid of four statements.
    assert page.locator("main h1").inner_text() == "Votre formation de 2026"
    for statement, index in (("useful", 4), ("practice", 3), ("organised", 2), ("recommend", 4)):
        keys.choose(f"course_opinion__{statement}", index)
    assert serious_violations(page) == []
    keys.submit()
    assert page.locator("main h1").inner_text() == "Merci !"

    answers = response_answers(Response.objects.get(survey=needs))
    assert answers["specialty"].choice == "cardiology"
    assert answers["years_practice"].number == Decimal(25)
    assert answers["mentoring"].choice == "yes"
    assert answers["cme_2026_topics"].text == "Insuffisance cardiaque"
    assert answers["last_cme_date"].date == dt.date(2026, 3, 15)
    assert answers["cme_satisfaction"].score == 8
    assert answers["preferred_formats"].choices == ("webinar",)
    assert answers["online_only"].choice == "maybe"
    assert answers["course_opinion"].rows == {
        "useful": "5",
        "practice": "4",
        "organised": "3",
        "recommend": "5",
    }


def test_the_grid_is_a_table_on_a_desktop_and_a_list_on_a_phone(desktop, french_phone, needs):
    widths = {}
    for page in (desktop, french_phone):
        keys = Keyboard(page)
        page.goto(needs.base_url)
        page.click("form.consent-form button[type=submit]")
        page.select_option('select[name="specialty"]', "psychiatry")
        page.fill('input[name="years_practice"]', "4")
        page.check('input[name="practice_setting"][value="mixed"]')
        keys.submit()
        page.check('input[name="cme_2026"][value="yes"]')
        page.click('label[for="id_cme_satisfaction_7"]')  # a scale's button
        page.check('input[name="preferred_formats"][value="podcast"]')
        keys.submit()
        radios = page.locator('input[name="course_opinion__useful"]')
        tops = {round(radios.nth(i).bounding_box()["y"]) for i in range(radios.count())}
        widths[page.viewport_size["width"]] = len(tops)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0
    # One row of five radios beside the statement on a desktop; one radio per line on a phone.
    assert widths == {1280: 1, 375: 5}
