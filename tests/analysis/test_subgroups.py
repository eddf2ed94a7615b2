import pandas as pd
import pytest

from analysis.subgroups import compare, contingency, crosstab, mask_small
from analysis.variables import QuestionInfo, analysis_plan, question_variable

Q3 = QuestionInfo(
    "Q3",
    "single",
    {"fr": "Spécialité", "en": "Specialty"},
    (
        ("general_practice", {"fr": "MG", "en": "GP"}),
        ("cardiology", {"fr": "Cardio", "en": "Cardio"}),
        ("surgery", {"fr": "Chir", "en": "Surgery"}),
    ),
)
Q9 = QuestionInfo(
    "Q9",
    "single",
    {"fr": "Avis", "en": "Opinion"},
    tuple((c, {"fr": c, "en": c}) for c in ("frequently", "rarely", "never")),
)
Q11 = QuestionInfo("Q11", "scale", {"fr": "Utile", "en": "Useful"}, scale_min=0, scale_max=10)
QUESTIONS = {q.code: q for q in (Q3, Q9, Q11)}
SPEC = {
    "groupings": [
        {
            "code": "specialty",
            "label": {"fr": "Spécialité", "en": "Specialty"},
            "question": "Q3",
            "groups": [
                {"code": "gp", "label": {"fr": "MG", "en": "GP"}, "choices": ["general_practice"]},
                {"code": "others", "label": {"fr": "Autres", "en": "Others"}, "otherwise": True},
            ],
        }
    ],
    "outcomes": [
        {
            "code": "sought",
            "label": {"fr": "A demandé", "en": "Sought"},
            "question": "Q9",
            "positive": {"not_choices": ["never"]},
        },
        {
            "code": "high",
            "label": {"fr": "≥ 8", "en": "≥ 8"},
            "questions": ["Q11"],
            "positive": {"min_score": 8},
        },
    ],
}
PLAN = analysis_plan(SPEC, QUESTIONS)


def pairs(rows):
    return pd.DataFrame(rows, columns=["row_value", "col_value", "n"])


def test_a_grouping_puts_every_other_choice_in_the_otherwise_group():
    specialty = PLAN.groupings[0]
    assert [specialty.categorize(c) for c in ("general_practice", "cardiology", "surgery")] == [
        "gp",
        "others",
        "others",
    ]


def test_an_outcome_can_be_a_choice_other_than_some():
    sought = PLAN.outcomes[0]
    assert [sought.categorize(c) for c in ("frequently", "rarely", "never")] == ["yes", "yes", "no"]


def test_an_outcome_can_be_a_minimum_score():
    high = PLAN.outcomes[1]
    assert (high.categorize("7"), high.categorize("8"), high.categorize("10")) == ("no", "yes", "yes")
    assert high.code == "high"  # one question: no suffix


def test_contingency_maps_raw_values_to_categories():
    table = contingency(
        pairs([("general_practice", "never", 3), ("cardiology", "rarely", 2), ("surgery", "rarely", 1)]),
        PLAN.groupings[0],
        PLAN.outcomes[0],
    )
    assert table.loc["gp"].tolist() == [0, 3]
    assert table.loc["others"].tolist() == [3, 0]


def test_compare_gives_the_share_in_each_group_and_the_test():
    # GPs 70 / 100 sought an opinion, others 52 / 100.
    data = pairs(
        [
            ("general_practice", "rarely", 70),
            ("general_practice", "never", 30),
            ("cardiology", "frequently", 52),
            ("surgery", "never", 48),
        ]
    )
    comparison = compare(data, PLAN.groupings[0], PLAN.outcomes[0])
    assert [(c.group, c.n, c.positive, c.percent) for c in comparison.cells] == [
        ("gp", 100, 70, 70.0),
        ("others", 100, 52, 52.0),
    ]
    # By hand: E = 61 / 39 in each row, |O - E| = 9, Yates: 8.5^2 * (2/61 + 2/39) = 6.07398...
    assert comparison.test.statistic == pytest.approx(72.25 * (2 / 61 + 2 / 39))
    assert comparison.test.yates and comparison.test.significant()


def test_a_crosstab_gives_row_and_column_percentages():
    data = pairs(
        [("general_practice", "rarely", 6), ("general_practice", "never", 2), ("cardiology", "never", 2)]
    )
    table = crosstab(data, question_variable(Q3), PLAN.outcomes[0])
    assert table.n == 10
    assert table.row_percent().loc["general_practice", "yes"] == 75.0
    assert table.col_percent().loc["general_practice", "no"] == 50.0
    assert table.counts.loc["surgery"].tolist() == [0, 0]


def test_publication_safe_mode_hides_counts_from_1_to_4():
    assert [mask_small(n, True) for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
    assert mask_small(3, False) == "3"
