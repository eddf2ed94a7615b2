import datetime as dt

import pytest

from surveys.services import page_save, response_start
from surveys.values import AnswerValue


def answers(q3="general_practice", q6="no", q9="rarely", score=8, q2="30_40", q27="Merci"):
    """A whole questionnaire's answers, page by page, varying what the analyses compare."""
    choice = AnswerValue
    return {
        1: {
            "Q1": choice(choice="female"),
            "Q2": choice(choice=q2),
            "Q3": choice(choice=q3),
            "Q4": choice(choice="independent"),
            "Q5": choice(choice="urban"),
            "Q6": choice(choice=q6),
            "Q7": choice(choice="daily"),
            "Q8": choice(choice="gt_3y"),
        },
        2: {"Q9": choice(choice=q9), "Q10": choice(choice="rarely")},
        3: {f"Q{n}": choice(score=score) for n in range(11, 19)},
        4: {
            "Q19": choice(choice="no"),
            "Q21": choice(choices=("speed_of_responses", "free_of_charge")),
            "Q22": choice(choices=("too_many_posts",)),
        },
        5: {
            "Q23": choice(score=score),
            "Q24": choice(score=score),
            "Q25": choice(score=score),
            "Q26": choice(choices=("read_on_group",)),
        },
        6: {"Q27": choice(text=q27)},
    }


def participant(
    survey, stop_after: int | None = None, day: dt.date = dt.date(2022, 6, 1), is_test=False, **kwargs
):
    """A participant answering through the services, stopping after page ``stop_after``;
    ``is_test``: an investigator's pilot run (the staff preview) instead."""
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
    response, _ = response_start(survey=survey, language="fr", now=moment, is_test=is_test)
    pages = answers(**kwargs)
    position = 1
    while position is not None:
        result = page_save(
            response=response, page_position=position, values=pages[position], language="fr", now=moment
        )
        if stop_after is not None and position >= stop_after:
            break
        position = result.next_page
    return response


@pytest.fixture
def dataset(survey):
    """Six who consented: three complete, two stopped after page 2, one answered nothing."""
    participant(survey, q3="general_practice", q6="yes", q9="rarely", score=9)  # A
    participant(survey, q3="general_practice", q6="no", q9="never", day=dt.date(2022, 6, 2))  # B
    participant(survey, q3="cardiology", q6="no", q9="frequently", score=5, q2="51_60")  # C
    participant(survey, q3="surgery", q6="yes", q9="never", stop_after=2)  # D: dropped at page 4
    participant(survey, q3="general_practice", q6="no", q9="rarely", stop_after=2)  # E: dropped at page 3
    response_start(survey=survey, language="fr")  # F: consented, answered nothing
    return survey


PILOT_DAY = dt.date(2022, 6, 3)


@pytest.fixture
def pilots(dataset):
    """The dataset and two pilot runs on a day of their own, answering what no participant did:
    one complete (a dermatologist who seeks opinions frequently, scores 2, writes "Essai"), one
    stopped after page 1."""
    for stop_after in (None, 1):
        participant(
            dataset,
            stop_after=stop_after,
            day=PILOT_DAY,
            is_test=True,
            q3="dermatology",
            q6="yes",
            q9="frequently",
            score=2,
            q27="Essai",
        )
    return dataset
