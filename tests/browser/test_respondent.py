"""A physician answering in a real browser: on a phone, by keyboard, with a screen reader's needs."""

import pytest

from surveys.models import Response
from surveys.selectors import response_answers
from tests.browser.conftest import Keyboard, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_1 = {"Q1": 0, "Q2": 1, "Q3": 0, "Q4": 0, "Q5": 0, "Q6": 1, "Q7": 1, "Q8": 3}


def consent(page, survey, keys: Keyboard | None = None):
    page.goto(survey.base_url)
    if keys:
        keys.tab_to("form.consent-form button[name=consent]")
        keys.press_and_wait("Enter")
    else:
        page.click("form.consent-form button[type=submit]")


def answer_page_1(keys: Keyboard):
    for name, index in PAGE_1.items():
        keys.choose(name, index)
    keys.submit()


def heading(page) -> str:
    return page.locator("main h1").inner_text()


def test_a_physician_completes_the_questionnaire_on_a_phone_by_keyboard(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey, keys)
    assert heading(phone) == "Votre profil et votre utilisation du groupe"
    answer_page_1(keys)
    keys.choose("Q9", 1)  # occasionally
    keys.choose("Q10", 2)  # rarely
    keys.type("Q9__comment", "Pour des avis de dermatologie")
    keys.submit()
    assert heading(phone) == "Les réponses obtenues sur le groupe"
    for code, score in zip(range(11, 19), (9, 8, 10, 0, 7, 8, 10, 9), strict=True):
        keys.choose(f"Q{code}", score)
    keys.submit()
    keys.choose("Q19", 1)  # no: Q20 stays hidden
    assert not phone.locator('[data-question="Q20"]').is_visible()
    keys.tick("Q21", "speed_of_responses")
    keys.tick("Q21", "available_anytime")
    keys.tick("Q22", "too_many_posts")
    keys.submit()
    for code, score in (("Q23", 9), ("Q24", 6), ("Q25", 8)):
        keys.choose(code, score)
    keys.tick("Q26", "read_on_group")
    keys.submit()
    keys.type("Q27", "Merci")
    keys.submit()
    assert heading(phone) == "Merci !"

    response = Response.objects.get()
    answers = response_answers(response)
    assert response.status == Response.Status.COMPLETE
    assert (answers["Q2"].choice, answers["Q6"].choice, answers["Q8"].choice) == ("30_40", "no", "gt_3y")
    assert (answers["Q11"].score, answers["Q14"].score, answers["Q16"].score) == (9, 0, 8)
    assert answers["Q9"].comment == "Pour des avis de dermatologie"
    assert answers["Q21"].choices == ("speed_of_responses", "available_anytime")
    assert "Q20" not in answers and answers["Q27"].text == "Merci"


def test_the_scale_grid_fits_a_phone_and_sits_beside_the_statement_on_a_desktop(phone, desktop, live_survey):
    for page in (phone, desktop):
        keys = Keyboard(page)
        consent(page, live_survey)
        answer_page_1(keys)
        keys.choose("Q9", 1)
        keys.choose("Q10", 1)
        keys.submit()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing wider than the phone
    legend = phone.locator("#div_id_Q11 legend").bounding_box()
    options = phone.locator("#div_id_Q11 .scale-options").bounding_box()
    assert options["y"] >= legend["y"] + legend["height"] - 1  # stacked under the statement
    legend = desktop.locator("#div_id_Q11 legend").bounding_box()
    options = desktop.locator("#div_id_Q11 .scale-options").bounding_box()
    assert options["x"] >= legend["x"] + legend["width"] - 1  # beside it: a grid
    assert abs(options["y"] - legend["y"]) < 30


def test_a_physician_comes_back_later_and_continues(browser, live_survey):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    keys = Keyboard(page)
    consent(page, live_survey)
    answer_page_1(keys)
    keys.choose("Q9", 3)  # never
    keys.choose("Q10", 0)
    keys.submit()
    state = context.storage_state()
    context.close()  # the browser is closed

    context = browser.new_context(viewport={"width": 375, "height": 812}, storage_state=state)
    page = context.new_page()
    page.goto(live_survey.base_url)
    page.get_by_role("link", name="Reprendre là où je m’étais arrêté").click()
    assert heading(page) == "Autres plateformes, points forts et points faibles du groupe"
    keys = Keyboard(page)
    keys.choose("Q19", 1)
    keys.tick("Q21", "free_of_charge")
    keys.tick("Q22", "too_many_posts")
    keys.submit()
    for code in ("Q23", "Q24", "Q25"):
        keys.choose(code, 5)
    keys.tick("Q26", "do_not_use")
    keys.submit()
    keys.submit()
    assert heading(page) == "Merci !"
    page.goto(live_survey.base_url)
    assert heading(page) == "Questionnaire déjà rempli"
    context.close()


def test_never_skips_the_statements_and_changing_it_brings_them_back(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey)
    answer_page_1(keys)
    keys.choose("Q9", 3)  # never
    keys.choose("Q10", 0)
    keys.submit()
    assert heading(phone) == "Autres plateformes, points forts et points faibles du groupe"
    assert "Page 3 sur 5" in phone.locator("#progress-label").inner_text()
    keys.submit("back")
    assert heading(phone) == "Les avis médicaux demandés sur le groupe"
    keys.tab_to('input[name="Q9"]:checked')
    phone.keyboard.press("ArrowUp")  # never -> rarely
    keys.submit()
    assert heading(phone) == "Les réponses obtenues sur le groupe"


def test_switching_to_english_keeps_the_answers(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey)
    answer_page_1(keys)
    phone.get_by_role("button", name="English").click()
    assert heading(phone) == "Medical opinions sought on the group"
    assert phone.locator("html").get_attribute("lang") == "en"
    keys = Keyboard(phone)
    keys.choose("Q9", 2)
    keys.choose("Q10", 2)
    keys.submit()
    keys.submit("back")
    keys.submit("back")
    assert heading(phone) == "Your profile and your use of the group"
    assert phone.locator('select[name="Q3"]').input_value() == "general_practice"
    assert phone.locator('input[name="Q8"]:checked').get_attribute("value") == "gt_3y"


def test_a_missing_answer_is_shown_announced_and_focused(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey)
    for name, index in PAGE_1.items():
        if name != "Q5":
            keys.choose(name, index)
    keys.submit()
    summary = phone.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    error = phone.locator("#div_id_Q5").get_by_text("Merci de répondre à cette question.")
    assert error.is_visible()
    described = phone.locator('input[name="Q5"]').first.get_attribute("aria-describedby") or ""
    fieldset = phone.locator("#div_id_Q5 fieldset").get_attribute("aria-describedby") or ""
    assert "error" in described + fieldset
    summary.get_by_role("link").click()
    assert phone.locator('select[name="Q3"]').input_value() == "general_practice"


def test_focus_is_always_visible(desktop, live_survey):
    consent(desktop, live_survey)
    keys = Keyboard(desktop)
    keys.tab_to('input[name="Q11"], input[name="Q1"]')
    outline = desktop.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


PAGES = ["start", 1, 2, 3, 4, 5, 6, "thanks", "completed"]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_no_serious_accessibility_violation_on_any_respondent_page(request, live_survey, size):
    page = request.getfixturevalue(size)
    keys = Keyboard(page)
    found = {}
    page.goto(live_survey.base_url)
    found["start"] = serious_violations(page)
    consent(page, live_survey)
    steps = {
        1: lambda: answer_page_1(keys),
        2: lambda: (keys.choose("Q9", 1), keys.choose("Q10", 1), keys.submit()),
        3: lambda: ([keys.choose(f"Q{n}", 8) for n in range(11, 19)], keys.submit()),
        4: lambda: (
            keys.choose("Q19", 0),
            keys.tick("Q20", "hospital_hotline"),
            keys.tick("Q21", "free_of_charge"),
            keys.tick("Q22", "too_many_posts"),
            keys.submit(),
        ),
        5: lambda: (
            [keys.choose(f"Q{n}", 7) for n in (23, 24, 25)],
            keys.tick("Q26", "read_on_group"),
            keys.submit(),
        ),
        6: lambda: keys.submit(),
    }
    for position, step in steps.items():
        found[position] = serious_violations(page)
        if position == 1:  # the page with errors too
            keys.submit()
            found["errors"] = serious_violations(page)
        step()
    found["thanks"] = serious_violations(page)
    page.goto(live_survey.base_url)
    found["completed"] = serious_violations(page)
    assert {where: v for where, v in found.items() if v} == {}


def test_the_accessibility_scan_can_fail(phone):
    phone.set_content('<html lang="fr"><body><main><input type="text"><img src="x.png"></main></body></html>')
    problems = serious_violations(phone)
    assert any(p.startswith(("label", "image-alt")) for p in problems)


def test_switching_language_keeps_what_was_ticked_on_the_page(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey)
    keys.choose("Q1", 1)
    keys.choose("Q3", 4)  # cardiology, in the list
    keys.tab_to('.language-switch button[value="en"]')
    keys.press_and_wait("Enter")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator('input[name="Q1"]:checked').get_attribute("value") == "male"
    assert phone.locator('select[name="Q3"]').input_value() == "cardiology"
    assert phone.locator("#error-summary").count() == 0  # nothing said missing: not submitted


def test_other_please_specify_shows_when_other_is_chosen_and_takes_the_focus(phone, live_survey):
    consent(phone, live_survey)
    box = phone.locator("#div_id_Q3__other_text")
    assert not box.is_visible()
    phone.select_option('select[name="Q3"]', "other")
    assert box.is_visible()
    assert phone.evaluate("document.activeElement.name") == "Q3__other_text"


def test_an_exclusive_choice_unticks_the_others(phone, live_survey):
    keys = Keyboard(phone)
    consent(phone, live_survey)
    answer_page_1(keys)
    keys.choose("Q9", 3)  # never: pages 3 skipped
    keys.choose("Q10", 1)
    keys.submit()
    keys.choose("Q19", 1)
    keys.tick("Q21", "speed_of_responses")
    keys.tick("Q22", "too_many_posts")
    keys.submit()
    keys.tick("Q26", "save_for_later")
    keys.tick("Q26", "do_not_use")  # "I do not use them"
    ticked = phone.locator('input[name="Q26"]:checked')
    assert [ticked.nth(i).get_attribute("value") for i in range(ticked.count())] == ["do_not_use"]
    keys.tick("Q26", "read_on_group")
    assert [ticked.nth(i).get_attribute("value") for i in range(ticked.count())] == ["read_on_group"]
