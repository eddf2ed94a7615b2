"""Reference margins in the instrument file, and the sample set beside them (goodness of fit).

The R values were computed with R 4.2:
    chisq.test(c(172, 28), p = c(0.46, 0.54))  -> X-squared = 128.8244766506, p < 2.2e-16
    chisq.test(c(3, 197), p = c(0.3, 0.7))     -> X-squared = 77.3571428571429, p = 1.42677794272855e-18
    chisq.test(c(2, 8), p = c(0.3, 0.7))       -> X-squared = 0.476190476190476, p = 0.490152960415825
    binom.test(2, 10, 0.3)$p.value             -> 0.733172068
    binom.test(3, 200, 0.3)$p.value            -> 1.59248071522662e-26
"""

import pytest

from analysis import report, representativeness, results_section
from analysis.variables import Margin, Reference
from surveys.instrument import InstrumentError, parse_instrument
from surveys.models import Survey
from surveys.services import instrument_load
from tests.analysis.conftest import participant

WOMEN = Margin("Q1", ("female",), 0.46, {"fr": "Femmes", "en": "Women"})
OVER_60 = Margin("Q2", ("over_60",), 0.30, {"fr": "60 ans ou plus", "en": "Aged 60 or over"})


def test_it_matches_r_chisq_test_for_given_probabilities():
    result = representativeness.compare(OVER_60, {"over_60": 3, "30_40": 197})
    assert result.statistic == pytest.approx(77.3571428571429, rel=1e-12)
    assert result.p_value == pytest.approx(1.42677794272855e-18, rel=1e-9)
    assert result.binomial_p_value == pytest.approx(1.59248071522662e-26, rel=1e-9)
    assert (result.count, result.n, result.df) == (3, 200, 1)


def test_it_counts_the_margin_s_choices_among_all_who_answered():
    result = representativeness.compare(WOMEN, {"female": 172, "male": 27, "other": 1})
    assert result.statistic == pytest.approx(128.8244766506, rel=1e-10)
    assert result.percent == pytest.approx(86.0)
    assert result.reference_percent == pytest.approx(46.0)
    assert result.p_value < 2.2e-16 and result.significant()


def test_it_gives_the_binomial_test_where_an_expected_count_is_under_5():
    result = representativeness.compare(OVER_60, {"over_60": 2, "51_60": 8})
    assert result.low_expected
    assert result.p_value == pytest.approx(0.490152960415825, rel=1e-12)
    assert result.binomial_p_value == pytest.approx(0.733172068, rel=1e-8)


def test_it_tests_nothing_without_answers():
    result = representativeness.compare(WOMEN, {})
    assert not result.testable and result.percent is None


def test_it_compares_every_margin_of_a_reference():
    reference = Reference("drees", {"fr": "DREES", "en": "DREES"}, (WOMEN, OVER_60))
    comparison = representativeness.compare_reference(reference, {"Q1": {"female": 5, "male": 5}})
    assert [m.n for m in comparison.margins] == [10, 0]


# -- the instrument file -------------------------------------------------------------------


def test_it_reads_the_shipped_references(instrument_source):
    references = parse_instrument(instrument_source).analysis["references"]
    (drees,) = references
    shares = {m["question"]: (m["choices"], m["share"]) for m in drees["margins"]}
    assert shares == {"Q1": (["female"], 0.46), "Q3": (["general_practice"], 0.45), "Q2": (["over_60"], 0.30)}
    assert "DREES" in drees["source"]["en"] and drees["margins"][2]["note"]["en"]


def _with_margin(source: str, margin: str) -> str:
    marker = "  references:\n"
    head, _tail = source.split(marker)
    return (
        head
        + marker
        + (
            "    - code: national\n"
            "      source: {fr: Source, en: Source}\n"
            "      margins:\n"
            f"        - {margin}\n"
        )
    )


@pytest.mark.parametrize(
    ("margin", "message"),
    [
        ("{question: Q1, choices: [female], share: 46, label: {fr: F}}", "proportion between 0 and 1"),
        ("{question: Q1, choices: [women], share: 0.46, label: {fr: F}}", "choice codes of Q1"),
        ("{question: Q11, choices: [female], share: 0.46, label: {fr: F}}", "Q11 is a scale question"),
        ("{question: Q1, choices: [female, male, other], share: 0.46, label: {fr: F}}", "leave some"),
        ("{question: Q1, choices: [female], share: 0.46}", "'label' is missing"),
        ("{question: Q1, choices: [female], share: 0.46, label: {fr: F}, mean: 51}", "holds question"),
    ],
)
def test_it_refuses_a_margin_it_cannot_compare(instrument_source, margin, message):
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(_with_margin(instrument_source, margin))


def test_a_plan_without_references_stays_as_it_was(instrument_source):
    head, _tail = instrument_source.split("  # National figures")
    assert set(parse_instrument(head).analysis) == {"groupings", "outcomes"}


@pytest.mark.django_db
def test_it_adds_references_to_a_survey_that_has_answers(instrument_source):
    """A reference margin is analysis, not structure: no new version needed."""
    head, _tail = instrument_source.split("  # National figures")
    survey = instrument_load(spec=parse_instrument(head)).survey
    participant(survey)
    instrument_load(spec=parse_instrument(instrument_source))
    survey = Survey.objects.get(pk=survey.pk)
    assert survey.analysis["references"][0]["code"] == "drees_2018"
    assert survey.responses.count() == 1


# -- from the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sets_the_live_sample_beside_the_reference(dataset):
    (comparison,) = results_section.references(report.Context.load(dataset))
    women, gps, over_60 = comparison.margins
    assert (women.count, women.n) == (5, 5)  # the dataset's five who answered page 1 are women
    assert (gps.count, gps.n) == (3, 5)
    assert (over_60.count, over_60.n) == (0, 5)
    assert women.low_expected  # 5 x 0.54 < 5


@pytest.mark.django_db
def test_a_survey_without_references_has_no_comparison(dataset):
    Survey.objects.filter(pk=dataset.pk).update(
        analysis={k: v for k, v in dataset.analysis.items() if k != "references"}
    )
    assert results_section.references(report.Context.load(Survey.objects.get(pk=dataset.pk))) == []
