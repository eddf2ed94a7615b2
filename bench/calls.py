"""Python function calls per request, respondents against the single-INSERT ceiling: a measure of
a request's work that does not move with the machine's speed, unlike CPU time (this project's
machines drift by a third between runs). Same requests as bench/load.py: a start page, the
consent, then each page viewed and submitted with the answers the test suite gives, each request
through the WSGI handler in-process (the production settings, no socket, no gunicorn).

    .venv/bin/python bench/calls.py [--respondents 10] [--database postgresql|sqlite]

Prints, per kind of request, the calls (Python functions and C functions called from Python)
and the CPU time in this process; then the ratio ceiling / respondents of each. The CPU time
includes SQLite's work on SQLite, not PostgreSQL's.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections import Counter

from _setup import ROOT, django_setup


class Recorder:
    """Counts the calls and the CPU time of each request, by kind of request."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.requests: Counter = Counter()
        self._count = 0

    def _profile(self, frame, event, arg) -> None:
        if event in ("call", "c_call"):
            self._count += 1

    def measure(self, kind: str, call, *args):
        """The calls of one request (CPU time is measured apart: counting slows the calls)."""
        self._count = 0
        sys.setprofile(self._profile)
        try:
            return call(*args)
        finally:
            sys.setprofile(None)
            self.calls[kind] += self._count
            self.requests[kind] += 1


class Timer:
    """The CPU time of each request, by kind of request."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()

    def measure(self, kind: str, call, *args):
        began = time.process_time()
        try:
            return call(*args)
        finally:
            self.seconds[kind] += time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--respondents", type=int, default=10)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "SECRET_KEY": "calls-bench-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "BEHIND_HTTPS_PROXY": "0",
            "RESPONSE_START_LIMIT": "0",
        }
    )
    # The production settings serve hashed static names: collected first, as bench/load.py does.
    static_root = os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="medsurvey-static-")
    sqlite_dir = None
    if args.database == "sqlite":
        from load import sqlite_setup

        url, sqlite_dir = sqlite_setup()
        django_setup(url)
    else:
        django_setup()
    try:
        from django.core.management import call_command

        call_command("collectstatic", "--no-input", verbosity=0)
        run(args.respondents)
    finally:
        shutil.rmtree(static_root)
        if sqlite_dir:
            shutil.rmtree(sqlite_dir)


def run(respondents: int) -> None:
    import dataclasses

    from django.core.wsgi import get_wsgi_application

    from surveys.instrument import parse_instrument
    from surveys.models import Response
    from surveys.services import instrument_load
    from tests.conftest import FULL_ANSWERS

    source = (ROOT / "instruments" / "cme-social-network-2022.yaml").read_text(encoding="utf-8")
    survey = instrument_load(
        spec=dataclasses.replace(parse_instrument(source), slug="calls-bench", status="open")
    ).survey
    Response.objects.filter(survey=survey).delete()
    application = get_wsgi_application()
    # As config/wsgi.py does before gunicorn forks: every view's module imported once.
    from django.urls import get_resolver

    assert get_resolver().url_patterns

    def request(method: str, path: str, cookies: dict, fields=None) -> tuple[int, str, str]:
        path, _, query = path.partition("?")
        body = urllib.parse.urlencode(fields or {}, doseq=True).encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
        }
        if fields is not None:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        reply = {}

        def start_response(status, headers):
            reply["status"], reply["headers"] = int(status[:3]), headers

        text = b"".join(application(environ, start_response)).decode()
        location = ""
        for name, value in reply["headers"]:
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";", 1)[0].partition("=")
                cookies[key] = rest
            elif name.lower() == "location":
                location = value
        return reply["status"], location, text

    def respondent(recorder: Recorder | Timer | None) -> None:
        cookies: dict = {}
        measure = recorder.measure if recorder else (lambda kind, call, *args: call(*args))
        start = f"/s/{survey.slug}/"
        _, _, page = measure("start page (GET)", request, "GET", start, cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        consent = {"consent": "on", "csrfmiddlewaretoken": token}
        status, location, _ = measure("consent (POST)", request, "POST", start, cookies, consent)
        if status != 302 or "/page/" not in location:
            raise SystemExit(f"consent: {status} {location}")
        position = int(location.rstrip("/").rsplit("/", 1)[1])
        while location and "/page/" in location:
            here = location
            status, _, _ = measure("page view (GET)", request, "GET", here, cookies)
            if status != 200:
                raise SystemExit(f"{here}: {status}")
            data = {**FULL_ANSWERS[position], "nav": "next", "csrfmiddlewaretoken": token}
            status, location, _ = measure("page submission (POST)", request, "POST", here, cookies, data)
            if status != 302:
                raise SystemExit(f"{here}: {status}")
            position = int(location.rstrip("/").rsplit("/", 1)[1]) if "/page/" in location else position

    ceiling = f"/bench/insert?survey={survey.id}"
    for _ in range(3):  # warm: the layout, the fields and the shared pages in this process's memory
        respondent(None)
        request("GET", ceiling, {})
    recorder, timer = Recorder(), Timer()
    name = "single INSERT (ceiling)"
    for measurer in (recorder, timer):
        for _ in range(respondents):
            respondent(measurer)
        for _ in range(sum(n for k, n in recorder.requests.items() if k != name)):
            measurer.measure(name, request, "GET", ceiling, {})
    Response.objects.filter(survey=survey).delete()
    kinds = [k for k in recorder.requests if k != name]
    served = sum(recorder.requests[k] for k in kinds)

    def line(name: str, requests: int, calls: int, seconds: float) -> str:
        return f"{name:<28} {requests:>8} {calls / requests:>10,.0f} {seconds / requests * 1000:>9.2f}"

    print(f"{'':<28} {'requests':>8} {'calls/req':>10} {'CPU ms':>9}")
    for kind in kinds:
        print(line(kind, recorder.requests[kind], recorder.calls[kind], timer.seconds[kind]))
    calls = sum(recorder.calls[k] for k in kinds)
    seconds = sum(timer.seconds[k] for k in kinds)
    print(line("respondents' requests", served, calls, seconds))
    print(line(name, recorder.requests[name], recorder.calls[name], timer.seconds[name]))
    print(
        f"ceiling / respondents: calls {recorder.calls[name] / calls:.3f}, "
        f"CPU {timer.seconds[name] / seconds:.2f} (in-process, this machine)"
    )


if __name__ == "__main__":
    main()
