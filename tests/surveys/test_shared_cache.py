"""Several web copies share the response-start limit through Redis (REDIS_URL).

Each copy is what one web process builds from the CACHES that config/settings.py makes with
REDIS_URL set: a RedisCache with a client and connections of its own. The tests that need a Redis
server use TEST_REDIS_URL (CI starts one: .ci/run), else redis://127.0.0.1:6379/15, and skip when
nothing answers there; when TEST_REDIS_URL is set, a server that does not answer is a failure.
"""

import functools
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from surveys.models import Response

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
LIMIT = 3
WINDOW = 24 * 3600  # a day: a test never straddles two windows
ADDRESS = "203.0.113.7"


@functools.cache
def settings_caches(redis_url: str | None) -> dict:
    """CACHES as config/settings.py builds it in a fresh process, with or without REDIS_URL."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["SECRET_KEY"] = "settings-under-test"
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    code = "import json, config.settings as s; print(json.dumps(s.CACHES))"
    run = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def redis_url() -> str:
    named = os.environ.get("TEST_REDIS_URL", "")
    url = named or DEFAULT_TEST_REDIS_URL
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5) as server:
            server.ping()
    except redis.RedisError as error:
        if named:
            pytest.fail(f"TEST_REDIS_URL={url} does not answer: {error}")
        pytest.skip(f"no Redis server answers at {url} ({error}): start one, or set TEST_REDIS_URL")
    return url


@pytest.fixture
def prefix(redis_url):
    """The settings' Redis cache, under a key prefix of this test's own (other runs may share the
    server); its keys are deleted afterwards, and only they."""
    built = settings_caches(redis_url)
    own = f"{built['default']['KEY_PREFIX']}-test-{uuid.uuid4().hex[:12]}"
    built = {**built, "default": {**built["default"], "KEY_PREFIX": own}}
    with override_settings(CACHES=built, RESPONSE_START_LIMIT=LIMIT, RESPONSE_START_WINDOW=WINDOW):
        yield own
    with redis.Redis.from_url(redis_url) as server:
        for key in server.scan_iter(f"{own}:*"):
            server.delete(key)


def web_copy():
    """The default cache as one more web process builds it: a client and connections of its own."""
    copy = caches.create_connection("default")
    assert type(copy).__name__ == "RedisCache"
    return copy


def start(copy, survey, address=ADDRESS) -> int:
    """A new browser starts a response through a web copy; the status code it gets."""
    caches["default"] = copy  # the copy's own cache is what `cache` means in its process
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("surveys:start", kwargs={"slug": survey.slug}), {"consent": "on"}).status_code


def stored_keys(redis_url, prefix) -> dict[str, int]:
    with redis.Redis.from_url(redis_url, decode_responses=True) as server:
        return {key: int(server.get(key)) for key in server.scan_iter(f"{prefix}:*")}


def test_it_counts_one_clients_starts_across_two_copies(prefix, survey):
    copy_a, copy_b = web_copy(), web_copy()
    statuses = [start(copy_a, survey), start(copy_a, survey), start(copy_b, survey)]
    statuses += [start(copy_a, survey), start(copy_b, survey)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Response.objects.count() == LIMIT


def test_it_still_lets_another_client_start_through_either_copy(prefix, survey):
    copy_a, copy_b = web_copy(), web_copy()
    for _ in range(LIMIT):
        start(copy_a, survey)
    assert start(copy_b, survey, "198.51.100.4") == 302


def test_it_keeps_a_hash_of_the_client_not_its_address(redis_url, prefix, survey):
    start(web_copy(), survey)
    stored = stored_keys(redis_url, prefix)
    assert len(stored) == 1 and list(stored.values()) == [1]
    (key,) = stored
    assert re.fullmatch(rf"{re.escape(prefix)}:1:start-rate:[0-9a-f]{{32}}", key), key
    assert ADDRESS not in key


def test_it_lets_redis_forget_the_counter_with_the_window(redis_url, prefix, survey):
    start(web_copy(), survey)
    with redis.Redis.from_url(redis_url) as server:
        (key,) = server.scan_iter(f"{prefix}:*")
        assert 0 < server.ttl(key) <= WINDOW


def test_it_lets_respondents_start_when_redis_does_not_answer(survey):
    """The limit guards against scripts; a shared cache that is down must not turn people away."""
    nobody = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    with override_settings(CACHES={"default": nobody}, RESPONSE_START_LIMIT=1):
        assert start(caches["default"], survey) == 302
        assert start(caches["default"], survey) == 302


def test_it_builds_the_redis_cache_when_redis_url_is_set():
    default = settings_caches("redis://cache.example:6379/0")["default"]
    assert default == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example:6379/0",
        "KEY_PREFIX": "medsurvey",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def test_it_keeps_the_per_process_cache_without_redis_url():
    assert settings_caches(None)["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_it_keeps_the_rendered_questions_in_each_process_even_with_redis():
    fragments = settings_caches("redis://cache.example:6379/0")["template_fragments"]
    assert fragments["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_it_keeps_sign_in_lockouts_where_every_copy_sees_them(client, django_user_model):
    """django-axes counts failures in the database, not in a per-process cache."""
    django_user_model.objects.create_user("investigator", password="the-right-passphrase", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "investigator", "password": "wrong"})
    for cache in caches.all():
        cache.clear()  # another copy: nothing of this one's memory
    reply = Client().post("/admin/login/", {"username": "investigator", "password": "the-right-passphrase"})
    assert reply.status_code == 429
