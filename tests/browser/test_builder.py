"""An investigator builds a survey from nothing in the admin, by keyboard only, in Chromium: the
survey and its two pages, five questions with their choices in French and English, a display
condition picked from menus; then previews it, opens it, two respondents answer both branches,
and the dashboard counts them. Nothing typed is an id or a position (menus, links and order
buttons choose them)."""

import io
import re

import pytest
from django.core.management import call_command

from surveys.models import Choice, Page, Question, Response, Survey
from surveys.selectors import response_answers
from tests.browser.conftest import Keyboard, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "besoins-formation-2027"
PAGES = [("Votre exercice", "Your practice"), ("Votre formation", "Your training")]
# code, page (its menu's label), kind, French and English wording.
QUESTIONS = [
    (
        "specialite",
        "1. Votre exercice",
        "single",
        "Quelle est votre spécialité ?",
        "What is your specialty?",
    ),
    (
        "formats",
        "1. Votre exercice",
        "multiple",
        "Quels formats de formation préférez-vous ?",
        "Which training formats do you prefer?",
    ),
    (
        "interet",
        "2. Votre formation",
        "scale",
        "Quel est votre intérêt pour une formation en 2027 ?",
        "How interested are you in a course in 2027?",
    ),
    (
        "formation_2026",
        "2. Votre formation",
        "single",
        "Avez-vous suivi une formation continue en 2026 ?",
        "Did you follow a continuing education course in 2026?",
    ),
    (
        "formation_2026_sujet",
        "2. Votre formation",
        "text",
        "Sur quel sujet portait-elle ?",
        "What was it about?",
    ),
]
# code, French label, English label, is the "other, please specify" choice.
CHOICES = {
    "specialite": [
        ("medecine_generale", "Médecine générale", "General practice", False),
        ("cardiologie", "Cardiologie", "Cardiology", False),
        ("pediatrie", "Pédiatrie", "Paediatrics", False),
        ("autre", "Autre", "Other", True),
    ],
    "formats": [
        ("presentiel", "Présentiel", "In person", False),
        ("webinaire", "Webinaire", "Webinar", False),
        ("elearning", "E-learning en autonomie", "Self-paced e-learning", False),
    ],
    "formation_2026": [
        ("yes", "Oui", "Yes", False),
        ("no", "Non", "No", False),
    ],
}
SCALE_ANCHORS = {
    "scale_min_label_fr": "Aucun intérêt",
    "scale_min_label_en": "No interest",
    "scale_max_label_fr": "Très grand intérêt",
    "scale_max_label_en": "Very high interest",
}


class Investigator(Keyboard):
    """Keyboard with a record of what was typed and how many keys were pressed."""

    def __init__(self, page) -> None:
        super().__init__(page)
        self.typed: list[str] = []
        self.tabs = self.chars = self.other_keys = 0
        self.steps = 0  # pages loaded by a key (a link followed, a form sent)
        keyboard = page.keyboard
        press, type_ = keyboard.press, keyboard.type

        def counted_press(key, **kwargs):
            if key == "Tab":
                self.tabs += 1
            else:
                self.other_keys += 1
            return press(key, **kwargs)

        def counted_type(text, **kwargs):
            self.chars += len(text)
            self.typed.append(text)
            return type_(text, **kwargs)

        keyboard.press, keyboard.type = counted_press, counted_type

    def press_and_wait(self, key: str) -> None:
        self.steps += 1
        super().press_and_wait(key)

    def summary(self) -> str:
        return (
            f"{self.tabs + self.chars + self.other_keys} keystrokes: {self.tabs} Tab, {self.chars} "
            f"characters in {len(self.typed)} fields, {self.other_keys} other keys (Enter, Space, "
            f"arrows); {self.steps} pages loaded by a key"
        )

    def write(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def pick(self, selector: str, *, label: str = "", value: str = "", limit: int = 40) -> None:
        """A menu's option, reached with the arrow keys (in a list box, that option alone):
        the one showing ``label``, or, where the admin's wording may change, the one whose
        value is ``value`` (a kind, an operator, a question's or a choice's code, never an id)."""
        self.tab_to(selector)
        for _ in range(limit):
            picked = self.page.evaluate(
                "() => [...document.activeElement.selectedOptions].map(o => [o.text, o.value])"
            )
            if len(picked) == 1 and (picked[0][0] == label if label else picked[0][1] == value):
                return
            self.page.keyboard.press("ArrowDown")
        options = self.page.evaluate("() => [...document.activeElement.options].map(o => o.text)")
        raise AssertionError(f"{selector} never showed {label or value!r}: {options}")

    def follow(self, selector: str) -> None:
        self.tab_to(selector)
        self.press_and_wait("Enter")

    def follow_text(self, selector: str, text: str, limit: int = 300) -> None:
        """The link matching ``selector`` whose text is ``text``."""
        for _ in range(limit):
            if (
                self.focused_matches(selector)
                and self.page.evaluate("() => document.activeElement.innerText.trim()") == text
            ):
                self.press_and_wait("Enter")
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {selector} saying {text!r}")

    def add_rows(self, group: str, n: int) -> None:
        """The inline's "add another" link, n times (focus stays on it)."""
        self.tab_to(f"#{group}-group .add-row a")
        for _ in range(n):
            self.page.keyboard.press("Enter")

    def save_and_continue(self) -> None:
        self.follow("input[name=_continue]")
        errors = self.page.locator(".errornote, .errorlist").all_inner_texts()
        assert not errors, errors


def sign_in(page, live_server, keys: Investigator) -> None:
    call_command("ensure_demo_investigator", stdout=io.StringIO())  # investigator / demo-investigator
    page.goto(f"{live_server.url}/admin/login/")
    keys.write("#id_username", "investigator")
    keys.write("#id_password", "demo-investigator")
    keys.press_and_wait("Enter")
    assert page.url == f"{live_server.url}/admin/"


def build_survey(page, keys: Investigator, shots=None) -> None:
    """Everything from the admin's home page to a complete draft survey."""
    shoot = shots or (lambda name: None)
    keys.follow('a.addlink[href$="/survey/add/"]')
    assert keys.focused_matches("#id_slug")  # the first field has the focus
    page.keyboard.type(SLUG)
    keys.write("#id_instrument_version", "2027.1")
    keys.write("#id_title_fr", "Besoins de formation 2027")
    keys.write("#id_title_en", "Training needs 2027")
    keys.add_rows("pages", len(PAGES))
    for n, (french, english) in enumerate(PAGES):
        keys.write(f"#id_pages-{n}-title_fr", french)
        keys.write(f"#id_pages-{n}-title_en", english)
    keys.save_and_continue()
    shoot("builder-1-survey-and-pages")

    keys.add_rows("questions", len(QUESTIONS))
    for n, (code, page_label, kind, text_fr, _text_en) in enumerate(QUESTIONS):
        keys.write(f"#id_questions-{n}-code", code)
        keys.pick(f"#id_questions-{n}-page", label=page_label)
        keys.pick(f"#id_questions-{n}-kind", value=kind)
        keys.write(f"#id_questions-{n}-text_fr", text_fr)
    keys.save_and_continue()
    shoot("builder-2-questions")

    # Each question's own page: its English text, its choices or its scale's anchors, reached
    # from the survey's question rows (saving a question leads back there).
    keys.follow(f'#questions-group tr:has(input[value="{QUESTIONS[0][0]}"]) a.inlinechangelink')
    for index, (code, _page, _kind, _fr, text_en) in enumerate(QUESTIONS[:4]):
        assert page.locator("#id_code").input_value() == code
        keys.write("#id_text_en", text_en)
        choices = CHOICES.get(code, [])
        if choices:
            keys.add_rows("choices", len(choices))
        for n, (choice, french, english, other) in enumerate(choices):
            keys.write(f"#id_choices-{n}-code", choice)
            keys.write(f"#id_choices-{n}-label_fr", french)
            keys.write(f"#id_choices-{n}-label_en", english)
            if other:
                keys.tab_to(f"#id_choices-{n}-is_other")
                page.keyboard.press("Space")
        for name, text in SCALE_ANCHORS.items() if code == "interet" else ():
            keys.write(f"#id_{name}", text)
        if code == "specialite":
            shoot("builder-3-question-with-choices")
        keys.follow("input[name=_save]")  # back to the survey's page
        assert page.locator(".messagelist .success").count() == 1
        keys.follow(f'#questions-group tr:has(input[value="{QUESTIONS[index + 1][0]}"]) a.inlinechangelink')

    # The free text: its English wording, and its condition picked in the menus.
    keys.write("#id_text_en", QUESTIONS[4][4])
    # The condition's section is folded while there is none: opened with the keyboard.
    keys.tab_to("fieldset.collapse summary")
    page.keyboard.press("Enter")
    keys.pick("#id_condition_1_question", value="formation_2026")
    keys.pick("#id_condition_1_operator", value="is")
    # The list box offers the chosen question's choices only (static/js/admin-condition.js).
    assert page.locator('#id_condition_1_choices option[value="specialite:other"]').is_visible() is False
    keys.pick("#id_condition_1_choices", value="formation_2026:yes")
    shoot("builder-4-condition-menus")
    keys.save_and_continue()
    shoot("builder-5-condition-saved")


def check_built() -> Survey:
    survey = Survey.objects.get(slug=SLUG)
    assert (survey.title_fr, survey.title_en, survey.instrument_version) == (
        "Besoins de formation 2027",
        "Training needs 2027",
        "2027.1",
    )
    assert survey.status == Survey.Status.DRAFT
    assert list(Page.objects.filter(survey=survey).values_list("position", "title_fr", "title_en")) == [
        (1, *PAGES[0]),
        (2, *PAGES[1]),
    ]
    questions = list(survey.questions.select_related("page").order_by("position"))
    assert [(q.position, q.code, q.page.position, q.text_fr, q.text_en) for q in questions] == [
        (n, code, int(page_label[0]), fr, en)
        for n, (code, page_label, _kind, fr, en) in enumerate(QUESTIONS, start=1)
    ]
    assert [q.kind for q in questions] == ["single", "multiple", "scale", "single", "text"]
    for code, choices in CHOICES.items():
        saved = Choice.objects.filter(question__survey=survey, question__code=code).order_by("position")
        assert [(c.position, c.code, c.label_fr, c.label_en, c.is_other) for c in saved] == [
            (n, *choice) for n, choice in enumerate(choices, start=1)
        ]
    scale = questions[2]
    assert (scale.scale_min, scale.scale_max) == (0, 10)
    assert {name: getattr(scale, name) for name in SCALE_ANCHORS} == SCALE_ANCHORS
    assert questions[4].condition == {"question": "formation_2026", "is": "yes"}
    assert all(q.condition is None for q in questions[:4])
    return survey


# What axe finds on the question editor comes from Django's own admin markup: its breadcrumbs
# are links told apart by colour only. Reported, not failed on; anything else fails the test.
DJANGO_ADMIN_AXE = ("link-in-text-block",)


def preview_and_open(page, keys: Investigator, shots=None) -> str:
    """From a question's page to its survey's share page: page 2 as respondents will see it,
    then the survey opened; the respondents' link."""
    shoot = shots or (lambda name: None)
    keys.follow("#question_form .field-survey_link a")  # the question's survey
    keys.follow('a[href$="/share/"]')
    shoot("builder-6-share-page")
    keys.follow(".share-pages li:nth-child(2) a[href*='/preview/page/']")
    assert page.locator("main h1").inner_text() == "Votre formation"
    assert "Avez-vous suivi une formation continue en 2026 ?" in page.locator("main").inner_text()
    assert page.locator(".look-only-note").count() == 1
    assert page.locator("main form button[type=submit]").count() == 0  # nothing can be sent from it
    shoot("builder-7-preview")
    keys.follow(".look-only-note a[href$='/share/']")  # back to sharing and opening
    keys.follow("button[name=status][value=open]")
    assert page.locator(".messagelist .success").count() == 1
    shoot("builder-8-opened")
    return page.locator("#respondent-link").input_value()


def read_dashboard(page, keys: Investigator) -> None:
    keys.follow(".breadcrumbs a[href$='/change/']")  # the survey's page
    keys.follow(f'a[href$="/dashboard/{SLUG}/"]')


def test_an_investigator_builds_previews_opens_and_reads_a_survey_by_keyboard(browser, desktop, live_server):
    page, keys = desktop, Investigator(desktop)
    sign_in(page, live_server, keys)
    build_survey(page, keys)
    survey = check_built()

    # Nothing typed was an id or a position: menus, links and the order of the rows chose them.
    ids = {
        str(pk)
        for model in (Survey, Page, Question, Choice)
        for pk in model.objects.values_list("pk", flat=True)
    }
    assert not [text for text in keys.typed if text.strip() in ids or re.fullmatch(r"\d+", text.strip())]

    # The question editor, its condition in words.
    in_words = page.locator("#id_condition_join_helptext").inner_text()
    assert "formation_2026" in in_words and "Oui" in in_words
    violations = serious_violations(page)
    assert [v for v in violations if not v.startswith(DJANGO_ADMIN_AXE)] == []

    link = preview_and_open(page, keys)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN

    # Two respondents, each in a fresh browser: "yes" (the free text shows), then "no" in English.
    answer(browser, link, yes=True)
    answer(browser, link, yes=False)
    responses = Response.objects.filter(survey=survey, is_test=False)
    assert [r.status for r in responses] == [Response.Status.COMPLETE] * 2
    assert sorted(r.language for r in responses) == ["en", "fr"]
    no, yes = sorted((response_answers(r) for r in responses), key=lambda a: a["formation_2026"].choice)
    assert (yes["specialite"].choice, yes["specialite"].other_text) == ("autre", "Médecine du sport")
    assert yes["formats"].choices == ("presentiel", "webinaire")
    assert (yes["interet"].score, yes["formation_2026"].choice) == (8, "yes")
    assert yes["formation_2026_sujet"].text == "Insuffisance cardiaque"
    assert (no["specialite"].choice, no["formats"].choices) == ("cardiologie", ("elearning",))
    assert (no["interet"].score, no["formation_2026"].choice) == (3, "no")
    assert "formation_2026_sujet" not in no

    read_dashboard(page, keys)
    assert page.locator('[data-kpi="participants"]').inner_text() == "2"
    assert page.locator('[data-kpi="complete"]').inner_text() == "2"
    print(f"\n{keys.summary()}; axe on the question editor:", *violations, sep="\n  ")


def test_the_share_page_frames_a_page_as_a_desktop_shows_it(desktop, live_server, live_survey):
    page, keys = desktop, Investigator(desktop)
    sign_in(page, live_server, keys)
    keys.follow('a[href$="/survey/"]')  # the list of surveys
    keys.follow(f'#result_list a[href$="/{live_survey.pk}/change/"]')
    keys.follow('a[href$="/share/"]')
    keys.follow(".share-pages li:nth-child(2) a[href*='as=desktop']")
    assert page.locator(".share-frame iframe").count() == 1
    heading = page.frame_locator(".share-frame iframe").locator("main h1").inner_text()
    assert heading == "Les avis médicaux demandés sur le groupe"


def answer(browser, link: str, *, yes: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    keys = Keyboard(page)
    page.goto(link)
    keys.tab_to("form.consent-form button[name=consent]")
    keys.press_and_wait("Enter")
    if not yes:
        keys.tab_to(".language-switch button[value=en]")
        keys.press_and_wait("Enter")
        assert "What is your specialty?" in page.locator("main").inner_text()
    assert page.locator('[data-question="formation_2026_sujet"]').count() == 0  # page 2 only
    if yes:
        keys.choose("specialite", 3)  # Autre
        keys.type("specialite__other_text", "Médecine du sport")
        keys.tick("formats", "presentiel")
        keys.tick("formats", "webinaire")
    else:
        keys.choose("specialite", 1)
        keys.tick("formats", "elearning")
    keys.submit()
    assert not page.locator('[data-question="formation_2026_sujet"]').is_visible()
    keys.choose("interet", 8 if yes else 3)
    keys.choose("formation_2026", 0 if yes else 1)
    if yes:
        assert page.locator('[data-question="formation_2026_sujet"]').is_visible()
        keys.type("formation_2026_sujet", "Insuffisance cardiaque")
    else:
        assert not page.locator('[data-question="formation_2026_sujet"]').is_visible()
    keys.submit()
    assert page.locator("main h1").inner_text() in ("Merci !", "Thank you!")
    context.close()
