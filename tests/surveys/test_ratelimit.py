import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from surveys.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def start(survey, address="203.0.113.7", **headers):
    client = Client(REMOTE_ADDR=address, **headers)  # a new browser each time: no resume cookie
    return client.post(reverse("surveys:start", kwargs={"slug": survey.slug}), {"consent": "on"})


@override_settings(RESPONSE_START_LIMIT=2)
def test_one_client_cannot_start_responses_faster_than_the_limit(survey):
    assert [start(survey).status_code for _ in range(3)] == [302, 302, 429]
    assert Response.objects.count() == 2
    assert "Trop de questionnaires" in start(survey).content.decode()


@override_settings(RESPONSE_START_LIMIT=1)
def test_other_clients_are_not_limited(survey):
    assert start(survey, "203.0.113.7").status_code == 302
    assert start(survey, "198.51.100.4").status_code == 302


@override_settings(RESPONSE_START_LIMIT=1, RATE_LIMIT_CLIENT_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_a_proxy_it_counts_the_address_the_proxy_appended(survey):
    assert start(survey, "10.0.0.1", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7").status_code == 302
    assert start(survey, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302
    assert start(survey, "10.0.0.1", HTTP_X_FORWARDED_FOR="other, 203.0.113.7").status_code == 429


@override_settings(RESPONSE_START_LIMIT=5)
def test_the_cache_entry_does_not_hold_the_address(survey):
    start(survey, "203.0.113.7")
    keys = list(cache._cache.keys())  # LocMemCache, the default
    assert keys and not any("203.0.113.7" in key for key in keys)
