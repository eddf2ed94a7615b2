from surveys.skip_logic import Condition, Navigator, Rule, visible_codes

RULES = [
    Rule("Q1", page=1, required=True),
    Rule("Q9", page=2, required=True),
    Rule("Q11", page=3, required=True, condition=Condition("Q9", "is_not", "never")),
    Rule("Q19", page=4, required=True),
    Rule("Q20", page=4, required=True, condition=Condition("Q19", "is", "yes")),
    Rule("Q21", page=4, required=True, condition=Condition("Q20", "is", "other")),
    Rule("Q27", page=5, required=False),
]


def test_it_hides_a_question_until_its_controlling_question_is_answered():
    assert "Q11" not in visible_codes(RULES, {})


def test_it_shows_a_question_whose_is_not_condition_holds():
    assert "Q11" in visible_codes(RULES, {"Q9": ["rarely"]})
    assert "Q11" not in visible_codes(RULES, {"Q9": ["never"]})


def test_it_checks_is_conditions_against_multiple_choices():
    assert {"Q20", "Q21"} <= visible_codes(RULES, {"Q19": ["yes"], "Q20": ["paid", "other"]})


def test_it_hides_a_question_whose_controlling_question_is_hidden():
    # Q20 is hidden (Q19 = no), so its stale answer cannot show Q21.
    assert "Q21" not in visible_codes(RULES, {"Q19": ["no"], "Q20": ["other"]})


def navigator(chosen, furthest, answered=None):
    return Navigator(RULES, chosen, set(chosen) if answered is None else answered, furthest)


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
