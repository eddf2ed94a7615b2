"""The respondent's phone, measured in Chromium: a 0-10 scale on one row from 320 px wide up,
choice labels wrapping beside their control, controls that meet 3:1 against their background,
hints above the options, and an error as one message above the options with one mark for the
question (the GOV.UK Design System's pattern), with JavaScript and without."""

from pathlib import Path

import pytest

from surveys.interchange import read_instrument_file
from surveys.models import Question, Survey
from surveys.services import instrument_load
from tests.browser.conftest import DESKTOP, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

XLSFORM = Path(__file__).resolve().parents[2] / "instruments" / "cme-needs-2027.xlsx"
WIDTHS = (320, 375, 414)
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8
MIN_CONTRAST = 3.0  # WCAG 2.2 SC 1.4.11

# The paper's survey, page by page: what a physician answers (Q19 "yes" shows Q20).
PAPER = [
    {
        "Q1": "female",
        "Q2": "30_40",
        "Q3": "general_practice",
        "Q4": "salaried_other",
        "Q5": "urban",
        "Q6": "no",
        "Q7": "daily",
        "Q8": "gt_3y",
    },
    {"Q9": "occasionally", "Q10": "rarely"},
    {f"Q{n}": "7" for n in range(11, 19)},
    {"Q19": "yes", "Q20": "hospital_hotline", "Q21": "speed_of_responses", "Q22": "too_many_posts"},
    {"Q23": "9", "Q24": "6", "Q25": "8", "Q26": "read_on_group"},
    {"Q27": "Merci"},
]
# The second survey (an XLSForm): a dropdown and a number, a scale on page 2, a grid on page 3.
NEEDS = [
    {"specialty": "psychiatry", "years_practice": "25", "practice_setting": "salaried", "mentoring": "yes"},
    {"cme_2026": "yes", "cme_satisfaction": "7", "preferred_formats": "podcast"},
    {f"course_opinion__{s}": "4" for s in ("useful", "practice", "organised", "recommend")},
]


@pytest.fixture
def needs(live_server):
    survey = instrument_load(spec=read_instrument_file(XLSFORM)).survey
    Survey.objects.filter(pk=survey.pk).update(opens_at=None, closes_at=None)
    survey.base_url = f"{live_server.url}/s/{survey.slug}/"
    return survey


@pytest.fixture
def open_phone(browser):
    """A phone of a given width (French, touch), JavaScript on or off; closed after the test."""
    contexts = []

    def open_(width: int = 375, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 800},
            is_mobile=True,
            has_touch=True,
            locale="fr-FR",
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


# -- walking through a survey ---------------------------------------------------------------


def begin(page, survey) -> None:
    """From the survey's first page to its first questions, whichever way consent is asked."""
    page.goto(survey.base_url)
    if page.locator("#id_consent").count():
        page.check("#id_consent")
    with page.expect_navigation():
        page.click("form.consent-form button[type=submit]")


def submit(page) -> None:
    with page.expect_navigation():
        page.click('button[name="nav"][value="next"]')


def answer(page, answers: dict[str, str]) -> None:
    """Each answer as a finger gives it: a tap on the option's label, typing, a choice in a list."""
    for name, value in answers.items():
        control = page.locator(f'[name="{name}"]').first
        kind = control.evaluate("e => e.type")
        if kind in ("radio", "checkbox"):
            option = page.locator(f'input[name="{name}"][value="{value}"]').get_attribute("id")
            page.click(f'label[for="{option}"]')
        elif kind.startswith("select"):
            control.select_option(value)
        else:
            control.fill(value)


def asks(page) -> bool:
    """Whether the page has a question that must be answered (submitted empty, it shows errors)."""
    return page.locator("form.survey-page .asteriskField").count() > 0


def go_to(page, survey, pages: list[dict], position: int) -> None:
    """Page ``position`` (1-based) of ``survey``, the pages before it answered."""
    begin(page, survey)
    for answers in pages[: position - 1]:
        answer(page, answers)
        submit(page)


# -- measuring ------------------------------------------------------------------------------

SCALES = """() => Array.from(document.querySelectorAll('.scale-question'))
  .filter(q => q.getClientRects().length)
  .map(q => {
    const box = e => { const r = e.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              width: r.width, height: r.height}; };
    const anchors = Array.from(q.querySelectorAll('.scale-anchors > *')).map(a => {
      const range = document.createRange(); range.selectNodeContents(a);
      const lines = Array.from(range.getClientRects());
      return {left: Math.min(...lines.map(r => r.left)), right: Math.max(...lines.map(r => r.right)),
              top: Math.min(...lines.map(r => r.top))}; });
    return {id: q.id, row: box(q.querySelector('.scale-options')),
            options: Array.from(q.querySelectorAll('.scale-option')).map(box), anchors,
            viewport: document.documentElement.clientWidth};
  })"""

CHOICES = """() => Array.from(document.querySelectorAll('.form-check')).filter(c => c.getClientRects().length)
  .map(c => {
    const input = c.querySelector('input').getBoundingClientRect();
    const label = c.querySelector('label');
    const range = document.createRange(); range.selectNodeContents(label);
    const lines = Array.from(range.getClientRects());
    const text = label.getBoundingClientRect();
    return {id: c.querySelector('input').id, inputTop: input.top, inputRight: input.right,
            inputWidth: input.width, inputHeight: input.height,
            lineTop: lines[0].top, textLeft: Math.min(...lines.map(r => r.left)),
            labelWidth: text.width, labelHeight: text.height};
  })"""

# The lowest contrast, per kind of control in its empty state, of its border against the colour
# behind it (WCAG's relative luminance; translucent colours laid over what is under them).
CONTRASTS = """() => {
  const rgba = c => { const n = c.match(/[\\d.]+/g).map(Number);
    return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const behind = e => {
    const layers = [];
    for (let a = e.parentElement; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const luminance = c => c.slice(0, 3).map(v => v / 255)
    .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05); };
  const kinds = {
    radio: 'input[type=radio].form-check-input:not(:checked)',
    checkbox: 'input[type=checkbox].form-check-input:not(:checked)',
    scale: '.btn-check:not(:checked) + .scale-option',
    text: 'input.form-control, textarea.form-control, select.form-select',
  };
  const lowest = {};
  for (const [kind, selector] of Object.entries(kinds)) {
    for (const e of document.querySelectorAll(selector)) {
      if (!e.getClientRects().length || (e.value && kind === 'text' && e.tagName !== 'SELECT')) continue;
      const style = getComputedStyle(e);
      const back = behind(e);
      const border = over(rgba(style.borderTopColor), back);
      const found = parseFloat(style.borderTopWidth) ? ratio(border, back) : 1;
      if (!(kind in lowest) || found < lowest[kind].ratio) {
        lowest[kind] = {ratio: found, id: e.id || e.htmlFor};
      }
    }
  }
  return lowest;
}"""


def scales(page) -> list[dict]:
    return page.evaluate(SCALES)


def scale_problems(page) -> list[str]:
    """What keeps each 0-10 scale of the page from being one row of eleven targets, left to
    right, inside the viewport, as wide as the row allows, with its anchors under its ends."""
    problems = []
    for scale in scales(page):
        name, options, row, anchors = scale["id"], scale["options"], scale["row"], scale["anchors"]
        if len(options) != 11:
            problems.append(f"{name}: {len(options)} options")
            continue
        if max(o["top"] for o in options) - min(o["top"] for o in options) > 1:
            problems.append(f"{name}: the options do not share one top")
        if any(b["left"] < a["right"] - 0.5 for a, b in zip(options, options[1:], strict=False)):
            problems.append(f"{name}: the options do not go left to right")
        if options[0]["left"] < 0 or options[-1]["right"] > scale["viewport"] + 0.5:
            problems.append(f"{name}: outside the viewport")
        if any(o["width"] < MIN_TARGET or o["height"] < MIN_TARGET for o in options):
            problems.append(f"{name}: an option smaller than 24x24 ({options[0]['width']:.1f} wide)")
        if options[0]["left"] - row["left"] > 1 or row["right"] - options[-1]["right"] > 1:
            problems.append(f"{name}: the options do not fill their row")
        low, high = anchors
        if abs(low["left"] - options[0]["left"]) > 2 or abs(high["right"] - options[-1]["right"]) > 2:
            problems.append(f"{name}: the anchors are not under the scale's ends")
        if min(low["top"], high["top"]) < options[0]["bottom"]:
            problems.append(f"{name}: the anchors are not under the options")
    return problems


def choice_problems(page) -> list[str]:
    """Choices whose control does not share the first line of its label (the label wrapping
    beside it), or whose target (its label, or the control itself) is under 24x24."""
    problems = []
    for c in page.evaluate(CHOICES):
        if abs(c["inputTop"] - c["lineTop"]) > 4:
            problems.append(
                f"{c['id']}: control at {c['inputTop']:.0f}, label's first line at {c['lineTop']:.0f}"
            )
        if c["textLeft"] < c["inputRight"]:
            problems.append(f"{c['id']}: the label wraps under its control")
        label_big = c["labelWidth"] >= MIN_TARGET and c["labelHeight"] >= MIN_TARGET
        control_big = c["inputWidth"] >= MIN_TARGET and c["inputHeight"] >= MIN_TARGET
        if not (label_big or control_big):
            problems.append(f"{c['id']}: a target under 24x24")
    return problems


def contrasts(page) -> dict[str, dict]:
    return page.evaluate(CONTRASTS)


def errors_shown(page) -> list[dict]:
    """Each question in error: its mark, its messages, and where they sit."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.has-error')).map(q => {
          // A question of options has its fieldset; one answered in a box (a list, a number…)
          // has the box, which names the message.
          const box = 'select, textarea, input:not([type=radio]):not([type=checkbox])';
          const group = q.matches('fieldset') ? q : (q.querySelector('fieldset') || q.querySelector(box));
          const top = e => e.getBoundingClientRect().top;
          const inputs = Array.from(q.querySelectorAll('input[type=radio], input[type=checkbox]'));
          const firstOption = q.querySelector('.form-check, .scale-options');
          const legend = q.querySelector('legend, .grid-label, label.form-label');
          const messages = Array.from(q.querySelectorAll('.error-message'));
          const style = getComputedStyle(q);
          return {
            id: q.id,
            mark: parseFloat(style.borderLeftWidth), markColour: style.borderLeftColor,
            messages: messages.map(m => ({id: m.id, text: m.innerText, top: top(m),
              hidden: (m.querySelector('.visually-hidden') || {}).textContent || '',
              describes: !!(m.closest('fieldset') || group).getAttribute('aria-describedby')
                ?.split(/\\s+/).includes(m.id)})),
            legendBottom: legend.getBoundingClientRect().bottom,
            firstOptionTop: firstOption ? top(firstOption) : null,
            boxTop: group && !group.matches('fieldset') ? top(group) : null,
            invalidOptions: inputs.filter(i => i.classList.contains('is-invalid')).length,
            optionBorders: [...new Set(inputs.filter(i => !i.classList.contains('btn-check'))
              .map(i => getComputedStyle(i).borderTopColor))],
            labelColours: [...new Set(Array.from(q.querySelectorAll('.form-check-label, .scale-option'))
              .map(l => getComputedStyle(l).color))],
          };
        })"""
    )


# -- 1. a 0-10 scale is one row ---------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_a_scale_is_one_row_of_eleven_targets_at_phone_widths(open_phone, live_survey, width):
    page = open_phone(width)
    go_to(page, live_survey, PAPER, 3)
    assert len(scales(page)) == 8
    assert scale_problems(page) == []
    submit(page)  # nothing answered: every scale in error, marked, still one row
    assert page.locator(".scale-question.has-error").count() == 8
    assert scale_problems(page) == []
    answer(page, PAPER[2])
    submit(page)
    answer(page, PAPER[3])
    submit(page)  # page 5: three more scales
    assert len(scales(page)) == 3
    assert scale_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_second_surveys_scale_is_one_row_at_phone_widths(open_phone, needs):
    for width in WIDTHS:
        page = open_phone(width)
        go_to(page, needs, NEEDS, 2)
        assert len(scales(page)) == 1
        assert scale_problems(page) == [], width
        submit(page)
        assert page.locator("#div_id_cme_satisfaction.has-error").count() == 1
        assert scale_problems(page) == [], width


# -- 2. a choice's control on the first line of its label ---------------------------------------


def test_every_choice_sits_on_the_first_line_of_its_label_on_every_page(open_phone, live_survey, needs):
    for survey, pages in ((live_survey, PAPER), (needs, NEEDS)):
        page = open_phone(320)
        begin(page, survey)
        for number, answers in enumerate(pages, 1):
            if asks(page):  # first with its errors
                submit(page)
                assert choice_problems(page) == [], (survey.slug, number, "errors")
            answer(page, answers)  # Q19 "yes" shows Q20 and its long options
            assert choice_problems(page) == [], (survey.slug, number)
            submit(page)
        assert page.locator("main h1").inner_text() == "Merci !"


# -- 3. controls meet 3:1 against their background ----------------------------------------------


def test_every_control_meets_3_to_1_against_its_background(open_phone, live_survey, needs):
    lowest = {}
    for survey, pages in ((live_survey, PAPER), (needs, NEEDS)):
        page = open_phone(375)
        begin(page, survey)
        for answers in pages:
            for kind, found in contrasts(page).items():
                if kind not in lowest or found["ratio"] < lowest[kind]["ratio"]:
                    lowest[kind] = found
            answer(page, answers)
            submit(page)
    assert set(lowest) == {"radio", "checkbox", "scale", "text"}
    assert {kind: found for kind, found in lowest.items() if found["ratio"] < MIN_CONTRAST} == {}


# -- 4. hints between the question and its options -----------------------------------------------


def hint_problems(page, code: str) -> list[str]:
    """A question's hint: visible, under its question, above its options, describing its group."""
    group = page.locator(f"#div_id_{code} fieldset")
    hint = page.locator(f"#id_{code}_helptext")
    if not hint.is_visible():
        return [f"{code}: no hint shown"]
    problems = []
    if f"id_{code}_helptext" not in (group.get_attribute("aria-describedby") or "").split():
        problems.append(f"{code}: the hint does not describe the group")
    legend = group.locator("legend").bounding_box()
    first = group.locator(".form-check, .scale-options").first.bounding_box()
    box = hint.bounding_box()
    if box["y"] < legend["y"] + legend["height"] - 1:
        problems.append(f"{code}: the hint is above the question")
    if box["y"] + box["height"] > first["y"] + 1:
        problems.append(f"{code}: the hint is under the options")
    return problems


def test_a_hint_sits_between_the_question_and_its_options_and_describes_them(open_phone, live_survey):
    question = Question.objects.get(survey=live_survey, code="Q11")
    question.help_fr = "Votre impression d'ensemble."
    question.save()
    page = open_phone(375)
    go_to(page, live_survey, PAPER, 3)
    assert hint_problems(page, "Q11") == []  # a scale's
    answer(page, PAPER[2])
    submit(page)
    answer(page, {"Q19": "yes"})  # shows Q20, a multiple choice with a hint
    assert [p for code in ("Q20", "Q21", "Q22") for p in hint_problems(page, code)] == []
    submit(page)  # with errors too
    assert page.locator("#div_id_Q21.has-error").count() == 1
    assert [p for code in ("Q20", "Q21", "Q22") for p in hint_problems(page, code)] == []


# -- 5. an error: one message above the options, one mark for the question ----------------------


def check_errors(shown: list[dict], expected: int) -> None:
    assert len(shown) == expected
    for question in shown:
        name = question["id"]
        assert question["mark"] >= 3, name  # one mark: the question's left border, in red
        red, green, blue = (int(v) for v in question["markColour"][4:-1].split(",")[:3])
        assert red > 2 * green and red > 2 * blue, name
        assert question["invalidOptions"] == 0, name  # not every option in red
        assert len(question["optionBorders"]) <= 1 and len(question["labelColours"]) <= 1, name
        for message in question["messages"]:
            assert message["hidden"].replace("\xa0", " ").strip() in ("Erreur :", "Error:"), name
            assert message["describes"], name
        first = question["messages"][0]
        assert question["legendBottom"] <= first["top"] + 1, name
        if question["firstOptionTop"] is not None:
            assert first["top"] < question["firstOptionTop"], name
        if question["boxTop"] is not None:  # a list, a number, a text: the message above the box
            assert first["top"] < question["boxTop"], name


def test_an_error_is_one_message_above_the_options_and_one_mark_for_the_question(open_phone, live_survey):
    page = open_phone(375)
    begin(page, live_survey)
    fresh = page.evaluate(
        "() => [getComputedStyle(document.querySelector('#id_Q1_0')).borderTopColor, "
        "getComputedStyle(document.querySelector('label[for=id_Q1_0]')).color]"
    )
    submit(page)
    shown = errors_shown(page)
    check_errors(shown, 8)  # the choices, and Q3, a list: its message above it too
    assert page.locator("#div_id_Q3").evaluate("e => parseFloat(getComputedStyle(e).borderLeftWidth)") >= 3
    for question in shown:
        assert len(question["messages"]) == 1
        if question["boxTop"] is None:  # options keep their normal look
            assert question["optionBorders"] == [fresh[0]] and question["labelColours"] == [fresh[1]]
    # The summary's links lead to the questions, which hold their message.
    for link in page.locator("#error-summary a").all():
        target = page.locator(link.get_attribute("href"))
        assert target.locator(".error-message, .invalid-feedback").count() == 1
    answer(page, PAPER[0])
    submit(page)
    answer(page, PAPER[1])
    submit(page)
    submit(page)  # the scales
    check_errors(errors_shown(page), 8)
    assert scale_problems(page) == []


def test_a_grid_in_error_has_one_mark_and_a_message_above_each_statements_options(open_phone, needs):
    page = open_phone(375)
    go_to(page, needs, NEEDS, 3)
    submit(page)
    shown = errors_shown(page)
    check_errors(shown, 1)
    assert [m["id"] for m in shown[0]["messages"]] == [
        f"id_course_opinion__{s}_error" for s in ("useful", "practice", "organised", "recommend")
    ]
    for statement in ("useful", "practice", "organised", "recommend"):
        row = page.locator(f"#div_id_course_opinion__{statement}")
        message = row.locator(".error-message").bounding_box()
        assert message["y"] < row.locator(".form-check").first.bounding_box()["y"]
    assert choice_problems(page) == []
    assert serious_violations(page) == []


# -- keep: focus visible, axe clean with errors, no JavaScript needed --------------------------------


def test_focus_is_visible_on_a_radio_a_checkbox_and_a_scale_button(open_phone, live_survey):
    page = open_phone(375)
    go_to(page, live_survey, PAPER, 3)
    page.focus("#id_Q11_0")
    page.keyboard.press("ArrowRight")  # keyboard focus: the button shows it
    outline = page.evaluate("getComputedStyle(document.querySelector('label[for=id_Q11_1]')).outlineStyle")
    assert outline != "none"
    answer(page, PAPER[2])
    submit(page)
    for control in ("#id_Q19_0", "#id_Q21_0"):
        page.focus(control)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", control


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_no_serious_accessibility_violation_on_any_page_with_its_errors(
    open_phone, browser, live_survey, size
):
    if size == "phone":
        page = open_phone(375)
    else:
        context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
        page = context.new_page()
    found = {}
    begin(page, live_survey)
    for number, answers in enumerate(PAPER, 1):
        found[number] = serious_violations(page)
        if asks(page):
            submit(page)
            found[f"{number} with errors"] = serious_violations(page)
        answer(page, answers)
        submit(page)
    if size == "desktop":
        page.context.close()
    assert found == {key: [] for key in found}


def test_without_javascript_the_layout_and_the_errors_are_the_same(open_phone, live_survey):
    page = open_phone(320, javascript=False)
    begin(page, live_survey)
    submit(page)
    check_errors(errors_shown(page), 8)
    assert choice_problems(page) == []
    answer(page, PAPER[0])
    submit(page)
    answer(page, PAPER[1])
    submit(page)
    assert scale_problems(page) == []
    answer(page, PAPER[2])  # a tap on each scale's label checks its radio, no script needed
    submit(page)
    assert (
        page.locator("main h1").inner_text() == "Autres plateformes, points forts et points faibles du groupe"
    )
