from decimal import Decimal

from surveys.conditions import Combination, Comparison
from surveys.skip_logic import Navigator, Rule, visible_codes
from surveys.values import AnswerValue


def Condition(question, operator, value):  # noqa: N802 - reads as the rule it builds
    return Comparison(question, operator, value)


def answers(chosen: dict) -> dict:
    """Answers from choice codes: one code is a single choice, several a multiple choice."""
    return {
        code: AnswerValue(choice=codes[0])
        if len(codes) == 1 and code != "Q20"
        else AnswerValue(choices=tuple(codes))
        for code, codes in chosen.items()
    }


RULES = [
    Rule("Q1", page=1, required=True),
    Rule("Q9", page=2, required=True),
    Rule("Q11", page=3, required=True, condition=Condition("Q9", "is_not", "never")),
    Rule("Q19", page=4, required=True),
    Rule("Q20", page=4, required=True, condition=Condition("Q19", "is", "yes")),
    Rule("Q21", page=4, required=True, condition=Condition("Q20", "contains", "other")),
    Rule("Q27", page=5, required=False),
]


def test_it_hides_a_question_until_its_controlling_question_is_answered():
    assert "Q11" not in visible_codes(RULES, {})


def test_it_shows_a_question_whose_is_not_condition_holds():
    assert "Q11" in visible_codes(RULES, answers({"Q9": ["rarely"]}))
    assert "Q11" not in visible_codes(RULES, answers({"Q9": ["never"]}))


def test_it_checks_contains_conditions_against_multiple_choices():
    assert {"Q20", "Q21"} <= visible_codes(RULES, answers({"Q19": ["yes"], "Q20": ["paid", "other"]}))


def test_it_hides_a_question_whose_controlling_question_is_hidden():
    # Q20 is hidden (Q19 = no), so its stale answer cannot show Q21.
    assert "Q21" not in visible_codes(RULES, answers({"Q19": ["no"], "Q20": ["other"]}))


def navigator(chosen, furthest):
    return Navigator(RULES, answers(chosen), furthest)


def test_it_resumes_at_the_first_page_not_submitted():
    assert navigator({"Q1": ["a"]}, furthest=1).resume_page == 2


def test_it_skips_the_hidden_page_when_moving_on():
    assert navigator({"Q1": ["a"], "Q9": ["never"]}, furthest=2).next_page(2) == 4


def test_it_sends_back_to_a_page_revealed_by_a_changed_answer():
    # Q9 changed from never to rarely after page 4 was done: page 3 must be answered.
    nav = navigator({"Q1": ["a"], "Q9": ["rarely"], "Q19": ["no"]}, furthest=4)
    assert nav.next_page(2) == 3
    assert nav.next_page(4) == 3
    assert not nav.can_open(5)


def test_it_refuses_a_page_beyond_the_resume_page():
    nav = navigator({"Q1": ["a"]}, furthest=1)
    assert nav.can_open(2)
    assert not nav.can_open(4)


def test_it_has_no_next_page_after_the_last_one():
    chosen = {"Q1": ["a"], "Q9": ["never"], "Q19": ["no"]}
    assert navigator(chosen, furthest=5).next_page(5) is None


def test_it_counts_undecided_pages_in_the_progress():
    assert navigator({}, furthest=0).progress(1) == (1, 5)
    assert navigator({"Q1": ["a"], "Q9": ["never"]}, furthest=2).progress(4) == (3, 4)


SCORE_RULES = [
    Rule("Q3", page=1, required=True),
    Rule("Q11", page=1, required=True),
    Rule("Q12", page=2, required=True, condition=Condition("Q11", "ge", Decimal(8))),
    Rule("Q13", page=2, required=True, condition=Condition("Q3", "in", ("cardiology", "surgery"))),
    Rule(
        "Q14",
        page=2,
        required=True,
        condition=Combination("any", (Condition("Q3", "is", "surgery"), Condition("Q11", "lt", Decimal(3)))),
    ),
    Rule(
        "Q15",
        page=2,
        required=True,
        condition=Combination(
            "all", (Condition("Q3", "not_in", ("surgery",)), Condition("Q11", "ge", Decimal(5)))
        ),
    ),
]


def shown(**given) -> set[str]:
    return visible_codes(SCORE_RULES, given)


def test_a_score_compared_with_a_value_shows_a_question_from_that_score_on():
    assert "Q12" in shown(Q11=AnswerValue(score=8))
    assert "Q12" not in shown(Q11=AnswerValue(score=7))


def test_any_of_several_choices_shows_a_question():
    assert "Q13" in shown(Q3=AnswerValue(choice="surgery"))
    assert "Q13" not in shown(Q3=AnswerValue(choice="psychiatry"))


def test_an_any_of_combination_holds_when_one_part_does():
    assert "Q14" in shown(Q3=AnswerValue(choice="psychiatry"), Q11=AnswerValue(score=2))
    assert "Q14" not in shown(Q3=AnswerValue(choice="psychiatry"), Q11=AnswerValue(score=3))


def test_an_all_of_combination_needs_every_part_and_an_answer_to_each():
    assert "Q15" in shown(Q3=AnswerValue(choice="psychiatry"), Q11=AnswerValue(score=5))
    assert "Q15" not in shown(Q3=AnswerValue(choice="surgery"), Q11=AnswerValue(score=5))
    assert "Q15" not in shown(Q11=AnswerValue(score=9))  # not_in needs an answer to Q3


def test_a_note_is_never_what_keeps_a_page_unfinished():
    rules = [Rule("N", page=1, required=True, answerable=False), Rule("Q1", page=1, required=True)]
    assert Navigator(rules, {"Q1": AnswerValue(choice="a")}, furthest_page=1).resume_page is None


def test_a_page_is_not_the_last_while_a_later_page_may_still_be_shown():
    assert not navigator({"Q1": ["a"]}, furthest=1).is_last(2)  # Q9 unanswered: page 3 may come
    assert navigator({"Q1": ["a"], "Q9": ["never"], "Q19": ["no"]}, furthest=4).is_last(5)
