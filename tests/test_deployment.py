"""The production settings pass Django's deployment checks, and send the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_with_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789-abcdef",
        "ALLOWED_HOSTS": "survey.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": ""}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "SECRET_KEY must be set" in run.stderr


@pytest.mark.django_db
def test_pages_send_the_security_headers(client, survey):
    reply = client.get(reverse("surveys:start", kwargs={"slug": survey.slug}))
    policy = reply["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert reply["X-Frame-Options"] == "DENY"
    assert reply["Referrer-Policy"] == "same-origin"
    assert reply["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_health_check_answers_ok(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.content == b"ok"


def test_the_access_log_leaves_out_the_client_address_and_user_agent():
    namespace: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config
    log_format = namespace["access_log_format"]
    assert "%(r)s" in log_format and "%(s)s" in log_format
    for identifying in ("%(h)s", "%(a)s", "%(u)s", "%(f)s", "{x-forwarded-for}i"):
        assert identifying not in log_format


@pytest.mark.django_db
def test_the_investigator_login_locks_out_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_user("investigator", password="the-right-passphrase", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "investigator", "password": "wrong"})
    reply = client.post(
        "/admin/login/?next=/dashboard/", {"username": "investigator", "password": "the-right-passphrase"}
    )
    assert reply.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_is_not_logged_with_the_address(client, django_user_model):
    from axes.models import AccessLog

    django_user_model.objects.create_user("investigator", password="the-right-passphrase", is_staff=True)
    reply = client.post("/admin/login/", {"username": "investigator", "password": "the-right-passphrase"})
    assert reply.status_code == 302
    assert not AccessLog.objects.exists()


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """The image runs it at build time; WhiteNoise's manifest storage refuses a missing file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "localhost",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert list((tmp_path / "static" / "css").glob("site.*.css"))
