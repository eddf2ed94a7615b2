"""Specs written back as data, and the differences between two specs (pure: no database)."""

import dataclasses

import pytest

from surveys.instrument import parse_data, parse_instrument
from surveys.instrument_data import same_instrument, spec_differences, spec_to_data
from tests.conftest import INSTRUMENT


@pytest.fixture(scope="module")
def spec():
    return parse_instrument(INSTRUMENT.read_text(encoding="utf-8"))


def with_question(spec, code, **changes):
    pages = tuple(
        dataclasses.replace(
            page,
            questions=tuple(
                dataclasses.replace(q, **changes) if q.code == code else q for q in page.questions
            ),
        )
        for page in spec.pages
    )
    return dataclasses.replace(spec, pages=pages)


def test_the_data_parses_back_to_the_same_spec(spec):
    assert parse_data(spec_to_data(spec)) == spec


def test_a_spec_has_no_difference_with_itself(spec):
    assert spec_differences(spec, spec) == []
    assert same_instrument(spec, spec)


def test_the_status_and_dates_are_not_part_of_the_instrument(spec):
    assert same_instrument(spec, dataclasses.replace(spec, status="closed", opens_at=None))


def test_a_wording_change_is_named_and_not_structural(spec):
    q12 = next(q for q in spec.questions if q.code == "Q12")
    changed = with_question(spec, "Q12", text=dataclasses.replace(q12.text, en="Reworded"))
    (difference,) = spec_differences(spec, changed)
    assert (difference.where, difference.new, difference.structural) == (
        "Q12, text (en)",
        "'Reworded'",
        False,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "text"},
        {"has_comment": True},
        {"condition": None},
    ],
)
def test_what_answers_depend_on_is_structural(spec, change):
    differences = spec_differences(spec, with_question(spec, "Q12", **change))
    assert differences and all(d.structural for d in differences)


def test_scale_bounds_are_structural(spec):
    q12 = next(q for q in spec.questions if q.code == "Q12")
    changed = with_question(spec, "Q12", scale=dataclasses.replace(q12.scale, max=5))
    (difference,) = spec_differences(spec, changed)
    assert (difference.where, difference.old, difference.new, difference.structural) == (
        "Q12, scale bounds",
        "'0-10'",
        "'0-5'",
        True,
    )


def test_a_recoded_choice_reads_as_removed_and_added(spec):
    q1 = next(q for q in spec.questions if q.code == "Q1")
    recoded = tuple(dataclasses.replace(c, code="woman") if c.code == "female" else c for c in q1.choices)
    (difference,) = [
        d for d in spec_differences(spec, with_question(spec, "Q1", choices=recoded)) if d.structural
    ]
    assert (difference.where, difference.old, difference.new) == (
        "Q1, choices",
        "removed female",
        "added woman",
    )


def test_reordering_choices_is_not_structural(spec):
    q1 = next(q for q in spec.questions if q.code == "Q1")
    (difference,) = spec_differences(spec, with_question(spec, "Q1", choices=tuple(reversed(q1.choices))))
    assert (difference.where, difference.structural) == ("Q1, order of choices", False)


def test_moving_a_question_to_another_page_is_structural(spec):
    first, second, *rest = spec.pages
    moved = dataclasses.replace(
        spec,
        pages=(
            dataclasses.replace(first, questions=first.questions[:-1]),
            dataclasses.replace(second, questions=(first.questions[-1], *second.questions)),
            *rest,
        ),
    )
    (difference,) = spec_differences(spec, moved)
    assert difference.where == "questions" and difference.structural
    assert (difference.old, difference.new) == ("removed Q8 (page 1)", "added Q8 (page 2)")


def test_line_breaks_sent_by_a_browser_are_no_difference(spec):
    crlf = dataclasses.replace(
        spec,
        introduction=dataclasses.replace(spec.introduction, fr=spec.introduction.fr.replace("\n", "\r\n")),
    )
    assert "\r\n" in crlf.introduction.fr
    assert same_instrument(spec, crlf)


def test_a_difference_deep_in_a_long_text_is_shown_where_it_starts(spec):
    text = spec.introduction.fr
    changed = dataclasses.replace(
        spec, introduction=dataclasses.replace(spec.introduction, fr=text + " Merci.")
    )
    (difference,) = spec_differences(spec, changed)
    assert difference.old != difference.new
    assert "Merci." in difference.new
