"""Every respondent GET and POST makes a small number of SQL queries, however many questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        reply = call()
    assert reply.status_code in (200, 302)
    return len(ctx.captured_queries)


def test_showing_a_page_costs_the_same_with_2_or_8_questions(started):
    started.submit(1)
    started.submit(2)
    started.submit(3)
    two = queries(lambda: started.client.get(started.url("page", position=2)))  # Q9, Q10
    eight = queries(lambda: started.client.get(started.url("page", position=3)))  # Q11-Q18
    # the response with its survey, then its answers: the layout is in the process's memory
    assert two == eight <= 2, (two, eight)


def test_saving_a_page_costs_the_same_with_2_or_8_questions(started):
    started.submit(1)
    two = queries(lambda: started.submit(2))
    eight = queries(lambda: started.submit(3))
    # the response locked with its survey, its answers, the upsert, the update of the response
    # (and a delete when answers become stale); the savepoint and its release are the view's
    # transaction, nested in the test's
    assert two == eight <= 6, (two, eight)


def test_the_start_page_and_consent_are_cheap(respondent):
    assert queries(lambda: respondent.client.get(respondent.url("start"))) <= 3
    assert queries(lambda: respondent.consent()) <= 6


def test_saving_the_first_page_of_eight_questions_stays_in_budget(started):
    assert queries(lambda: started.submit(1, FULL_ANSWERS[1])) <= 6
