from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from surveys.instrument import parse_instrument
from surveys.services import instrument_load, page_save, response_start
from surveys.values import AnswerValue

INSTRUMENT = Path(__file__).resolve().parent.parent / "instruments" / "cme-social-network-2022.yaml"

# A complete, valid set of answers to the study's instrument, page by page.
FULL_ANSWERS = {
    1: {
        "Q1": "female",
        "Q2": "30_40",
        "Q3": "general_practice",
        "Q4": "independent",
        "Q5": "urban",
        "Q6": "no",
        "Q7": "daily",
        "Q8": "gt_3y",
    },
    2: {"Q9": "occasionally", "Q9__comment": "Surtout en pédiatrie", "Q10": "rarely"},
    3: {f"Q{n}": str(score) for n, score in zip(range(11, 19), (9, 8, 10, 5, 7, 8, 10, 9), strict=True)},
    4: {
        "Q19": "yes",
        "Q20": ["free_teleexpertise", "other"],
        "Q20__other_text": "Omnidoc",
        "Q21": ["speed_of_responses", "available_anytime"],
        "Q22": ["contradictory_responses"],
    },
    5: {"Q23": "9", "Q24": "6", "Q25": "8", "Q26": ["read_on_group", "save_for_later"]},
    6: {"Q27": "Merci pour ce groupe."},
}


@pytest.fixture
def instrument_source() -> str:
    return INSTRUMENT.read_text(encoding="utf-8")


@pytest.fixture
def survey(db, instrument_source):
    """The study's survey, loaded from the repository's instrument file, open."""
    return instrument_load(spec=parse_instrument(instrument_source)).survey


def partial_response(survey, q9: str = "rarely", is_test: bool = False):
    """A response that has answered Q9 only (a participant who stopped early; with ``is_test``,
    an investigator's pilot run)."""
    response, _ = response_start(survey=survey, language="fr", is_test=is_test)
    values = {"Q9": AnswerValue(choice=q9)}
    page_save(response=response, page_position=2, values=values, language="fr", advance=False)
    return response


class Respondent:
    """A browser answering the survey through the test client."""

    def __init__(self, client: Client, survey) -> None:
        self.client = client
        self.survey = survey

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"surveys:{name}", kwargs={"slug": self.survey.slug, **kwargs})

    def consent(self):
        return self.client.post(self.url("start"), {"consent": "on"})

    def submit(self, position: int, data: dict | None = None, nav: str = "next"):
        payload = dict(FULL_ANSWERS[position] if data is None else data)
        payload["nav"] = nav
        return self.client.post(self.url("page", position=position), payload)

    def switch_language(self, language: str, next_url: str = "/"):
        return self.client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.fixture
def respondent(client, survey) -> Respondent:
    return Respondent(client, survey)


@pytest.fixture
def started(respondent) -> Respondent:
    respondent.consent()
    return respondent


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"
