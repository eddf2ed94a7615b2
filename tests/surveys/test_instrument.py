import pytest

from surveys.instrument import InstrumentError, parse_instrument
from tests.conftest import INSTRUMENT

MINIMAL = """\
slug: mini
version: "1"
title: {fr: Mini, en: Mini}
pages:
  - title: {fr: Page, en: Page}
    questions:
      - code: Q1
        kind: single
        text: {fr: "Q1 ?", en: "Q1?"}
        choices:
          - {code: a, fr: A, en: A}
          - {code: b, fr: B, en: B}
      - code: Q2
        kind: scale
        text: {fr: "Q2 ?", en: "Q2?"}
        show_if: {question: Q1, is_not: b}
"""


def test_it_reads_the_study_instrument(instrument_source):
    spec = parse_instrument(instrument_source)
    codes = [q.code for q in spec.questions]
    assert codes == [f"Q{n}" for n in range(1, 28)]
    assert len(spec.pages) == 6
    assert spec.questions[1].choices[1].code == "30_40"


def test_it_reads_the_skip_logic_of_the_study(instrument_source):
    by_code = {q.code: q for q in parse_instrument(instrument_source).questions}
    for code in [f"Q{n}" for n in range(11, 19)]:
        assert (by_code[code].condition.question, by_code[code].condition.operator) == ("Q9", "is_not")
        assert by_code[code].condition.value == "never"
    assert (by_code["Q20"].condition.operator, by_code["Q20"].condition.value) == ("is", "yes")


def test_it_reads_labels_in_both_languages(instrument_source):
    q6 = parse_instrument(instrument_source).questions[5]
    assert q6.text.fr.startswith("Exercez-vous")
    assert q6.text.en == "Do you practise in a medically underserved area?"
    assert [(c.label.fr, c.label.en) for c in q6.choices] == [("Oui", "Yes"), ("Non", "No")]


def test_it_marks_only_q27_as_optional(instrument_source):
    optional = [q.code for q in parse_instrument(instrument_source).questions if not q.required]
    assert optional == ["Q27"]


def test_it_defaults_a_scale_to_0_10():
    spec = parse_instrument(MINIMAL)
    assert (spec.questions[1].scale.min, spec.questions[1].scale.max) == (0, 10)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: scale", "kind: slider", "line 13, question Q2: unknown kind 'slider'"),
        ("code: Q2", "code: Q1", "line 13, question Q1: duplicate code"),
        ("{code: b, fr: B", "{code: a, fr: B", "question Q1: choice code 'a' is used twice"),
        ("question: Q1, is_not", "question: Q9, is_not", "question Q2: the condition refers to 'Q9'"),
        ("is_not: b", "is_not: z", "question Q2: Q1 has no choice 'z'"),
        ("{code: a,", "{code: 10,", "question Q1: 'code' must be text (quote it"),
        ('version: "1"', "version: ''", "'version' is missing"),
    ],
)
def test_it_refuses_a_malformed_file_naming_the_line_and_question(old, new, message):
    assert old in MINIMAL
    with pytest.raises(InstrumentError) as error:
        parse_instrument(MINIMAL.replace(old, new))
    assert message in str(error.value)


def test_it_refuses_a_condition_on_a_later_question():
    later = MINIMAL.replace("{question: Q1, is_not: b}", "{question: Q3, is: a}") + (
        "      - code: Q3\n        kind: single\n        text: {fr: Q3, en: Q3}\n"
        "        choices: [{code: a, fr: A}, {code: b, fr: B}]\n"
    )
    with pytest.raises(
        InstrumentError, match="question Q2: the condition refers to 'Q3', which is not an earlier"
    ):
        parse_instrument(later)


def test_it_refuses_a_condition_on_a_question_that_has_no_choices():
    spec = MINIMAL + (
        "      - code: Q3\n        kind: text\n        text: {fr: Q3, en: Q3}\n"
        "        show_if: {question: Q2, is: a}\n"
    )
    with pytest.raises(
        InstrumentError,
        match="Q2 is a scale question: a condition on it may use eq, ne, gt, ge, lt, le, not 'is'",
    ):
        parse_instrument(spec)


def test_it_reports_the_line_of_a_yaml_syntax_error():
    with pytest.raises(InstrumentError, match=r"^line \d+: not valid YAML"):
        parse_instrument('slug: mini\nversion: "1"\ntitle: [unclosed\n')


def test_it_refuses_a_file_that_is_not_a_mapping():
    with pytest.raises(InstrumentError, match="an instrument is a mapping"):
        parse_instrument("- just\n- a list\n")


def test_it_refuses_scale_bounds_outside_0_10():
    with pytest.raises(InstrumentError, match="question Q2: scale bounds"):
        parse_instrument(MINIMAL.replace("kind: scale", "kind: scale\n        scale: {min: 0, max: 11}"))


def test_a_choice_with_an_unknown_key_is_refused_with_its_line():
    # YAML reads an unquoted "en: Ear, nose and throat (ENT)" in a flow mapping as two keys.
    source = INSTRUMENT.read_text(encoding="utf-8").replace(
        'en: "Ear, nose and throat (ENT)"}', "en: Ear, nose and throat (ENT)}"
    )
    with pytest.raises(InstrumentError, match="a choice holds code, fr, en, other and exclusive; not 'nose"):
        parse_instrument(source)
