"""The production settings pass Django's deployment checks, and send the security headers."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
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


def test_a_development_checkout_runs_the_readme_commands_as_printed():
    """``make install`` writes .env (DEBUG=1), which manage.py reads when the environment says
    nothing: no DEBUG=1 in front of the README's commands."""
    if not (ROOT / ".env").exists():
        pytest.skip("no .env: `make install` writes it")
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0 and "no issues" in run.stdout, run.stderr


@pytest.mark.django_db
def test_the_wsgi_module_imports_every_view_before_gunicorn_forks_its_workers(tmp_path):
    """gunicorn preloads config.wsgi: what it imports, the workers share and never import on a
    first request (the URLconf and its views, the dashboard's scipy among them)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    probe = "import sys, config.wsgi; print('analysis.views' in sys.modules, 'scipy.stats' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    assert run.stdout.split() == ["True", "True"], run.stderr


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
    assert reply["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["survey.example.org"], SECURE_SSL_REDIRECT=True)
def test_the_health_check_answers_the_containers_own_address_over_plain_http(client):
    """docker-compose asks http://127.0.0.1:8000/healthz: neither an allowed host nor HTTPS."""
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # any other page
    reply = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert reply.status_code == 200 and reply.content == b"ok"


@pytest.mark.django_db
def test_the_health_check_reports_a_database_that_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.content == b"database unavailable"


@pytest.mark.django_db
def test_only_a_get_of_the_health_check_is_answered_there(client):
    assert client.post("/healthz").status_code == 404


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


def env_example() -> dict[str, str]:
    """The settings of .env.example, as docker compose passes them (inline comments dropped)."""
    settings = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key] = value
    return settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_container_start_sequence_serves_the_survey_and_its_health_check(tmp_path):
    """What `docker compose up` runs in the web container, without Docker: collectstatic (the
    image's build step), the entrypoint (migrate, load the instrument), gunicorn with
    .env.example's settings; then the compose file's own health check command."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        **env_example(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    build = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(build, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603 - ours
    command = [
        "deploy/entrypoint.sh",
        "gunicorn",
        "config.wsgi:application",
        "--config",
        "deploy/gunicorn.conf.py",
    ]
    log = tmp_path / "web.log"  # a file, not a pipe: a full pipe would stall the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: S603
    compose = (ROOT / "docker-compose.yml").read_text()
    health_check = compose.split('"python", "-c", "', 1)[1].split('"]', 1)[0].replace("8000", str(port))
    try:
        deadline = time.monotonic() + 60  # migrations and the instrument come first
        while True:
            probe = subprocess.run([sys.executable, "-c", health_check], capture_output=True, text=True)  # noqa: S603
            if probe.returncode == 0 or server.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert probe.returncode == 0, probe.stderr[-2000:]
        site = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        site.request("GET", "/", headers={"Host": "survey.example.org", "X-Forwarded-Proto": "https"})
        reply = site.getresponse()
        assert reply.status == 302
        assert reply.headers["Location"] == "/s/cme-social-network-2022/"
        assert "Strict-Transport-Security" in reply.headers
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    # The commands speak the investigators' language, the site's default: French.
    assert "Enquête « cme-social-network-2022 » créée" in output, output[-2000:]


def test_env_example_names_every_setting_the_platform_reads():
    read = set()
    for source in ("config/settings.py", "deploy/gunicorn.conf.py"):
        text = (ROOT / source).read_text()
        read |= set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', text))
    read |= set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "deploy" / "entrypoint.sh").read_text()))
    named = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    assert len(read) > 20
    assert read - named == set()


def test_the_container_starts_with_the_live_survey_when_the_file_is_refused(tmp_path):
    """A refused load (here a malformed file) is logged, and the web process starts anyway:
    a study in the field stays up with the instrument the database holds."""
    bad = tmp_path / "instrument.yaml"
    bad.write_text("slug: broken\npages: []\n", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        **env_example(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "INSTRUMENT": str(bad),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    started = subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "deploy" / "entrypoint.sh"), "echo", "web process started"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip().endswith("web process started")
    assert f"WARNING: {bad} was not loaded" in started.stderr
