"""Load test: the real stack (gunicorn on loopback, PostgreSQL) under simulated respondents, each
completing the questionnaire page by page (about a third abandoning part-way), bounded in count
and time; then checks in the database that every answer every respondent submitted is there.
In the same run, the same figures for a minimal view doing a single INSERT (the ceiling).

    .venv/bin/python bench/load.py [--respondents 200] [--concurrency 20] [--workers 3] [--threads 1]

Aims: no error, no lost answer, page submissions at half the ceiling or better, p95 under
100 ms with 20 concurrent respondents on a 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _setup import ROOT, django_setup

DEADLINE = 300  # seconds: the load stops by itself


class Browser:
    """One respondent: a keep-alive connection, cookies, timings of page submissions."""

    def __init__(self, port: int, timings: dict, errors: list) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.timings, self.errors = timings, errors

    def request(self, method: str, path: str, fields=None, kind: str = "get") -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields or {}, doseq=True) if fields is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        reply = self.conn.getresponse()
        text = reply.read().decode("utf-8", "replace")
        self.timings.setdefault(kind, []).append(time.perf_counter() - began)
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        if reply.status >= 400:
            self.errors.append(f"{method} {path}: {reply.status}")
        return reply.status, reply.headers.get("Location", ""), text


def respondent(
    port: int, slug: str, pages: dict, stop_after: int | None, timings: dict, errors: list
) -> dict | None:
    """Complete (or abandon) the questionnaire; return what was submitted, keyed by token hash."""
    browser = Browser(port, timings, errors)
    status, _, page = browser.request("GET", f"/s/{slug}/")
    if status != 200:
        raise RuntimeError(f"start page: {status} {page[:300]}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, location, _ = browser.request(
        "POST", f"/s/{slug}/", {"consent": "on", "csrfmiddlewaretoken": token}
    )
    if status != 302:
        return None
    submitted = {}
    position = 1
    while location and "/page/" in location:
        browser.request("GET", location)
        data = {**pages[position], "nav": "next", "csrfmiddlewaretoken": token}
        status, location, _ = browser.request("POST", location, data, kind="submit")
        if status != 302:
            break
        submitted.update(pages[position])
        if stop_after is not None and position >= stop_after:
            break
        position = int(location.rstrip("/").rsplit("/", 1)[1]) if "/page/" in location else position
    cookie = browser.cookies.get(f"response-{slug}", "")
    return {"token_hash": hashlib.sha256(cookie.encode()).hexdigest(), "answers": submitted}


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds (user and system) used so far by each gunicorn worker and each PostgreSQL
    backend of this database (Linux /proc; the backends only when PostgreSQL runs here)."""
    from django.db import connection

    pids = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [-row[0] for row in cursor.fetchall()]  # negative: told apart from workers
    used = {}
    for pid in pids + backends:
        try:
            fields = Path(f"/proc/{abs(pid)}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def cpu_per_request(before: dict, after: dict, requests: int) -> str:
    spent = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    workers = sum(v for pid, v in spent.items() if pid > 0)
    database = sum(v for pid, v in spent.items() if pid < 0)
    return f"{workers / requests * 1000:.2f} ms gunicorn + {database / requests * 1000:.2f} ms PostgreSQL"


def warm_up(port: int, slug: str) -> None:
    browser = Browser(port, {}, [])
    for _ in range(5):
        browser.request("GET", f"/s/{slug}/")


def summary(name: str, latencies: list[float], seconds: float) -> tuple[float, str]:
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    rps = len(ordered) / seconds
    return rps, (
        f"{name:<28} {len(ordered):>7} {rps:>8.1f} {pick(0.5):>8.1f} {pick(0.95):>8.1f} {pick(0.99):>8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    url = django_setup()

    import dataclasses

    from surveys.instrument import parse_instrument
    from surveys.models import Response
    from surveys.selectors import response_answers
    from surveys.services import instrument_load
    from tests.conftest import FULL_ANSWERS  # the answers the test suite submits, page by page

    source = (ROOT / "instruments" / "cme-social-network-2022.yaml").read_text(encoding="utf-8")
    survey = instrument_load(
        spec=dataclasses.replace(parse_instrument(source), slug="load-test", status="open")
    ).survey
    Response.objects.filter(survey=survey).delete()  # an interrupted run's leftovers
    # Planner statistics and no dead rows from earlier runs, as autovacuum keeps a production
    # database (some machines here run PostgreSQL without it).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveys_response, surveys_answer, surveys_answer_choices")
    static_root = tempfile.mkdtemp(prefix="medsurvey-static-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "BEHIND_HTTPS_PROXY": "0",
        "RESPONSE_START_LIMIT": "0",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--config",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        # A running site is warm: each worker has served pages before the measure begins.
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(lambda _: warm_up(args.port, survey.slug), range(args.workers * 2)))
        rng = random.Random(1)
        plans = [
            rng.choice([1, 2, 3, 4, 5]) if rng.random() < 0.32 else None for _ in range(args.respondents)
        ]
        timings: dict = {}
        errors: list = []
        cpu_before = server_cpu(server.pid)
        began = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [
                pool.submit(respondent, args.port, survey.slug, FULL_ANSWERS, plan, timings, errors)
                for plan in plans
            ]
            done = [f.result(timeout=DEADLINE) for f in futures]
        seconds = time.perf_counter() - began
        cpu_respondents = cpu_before, server_cpu(server.pid)

        lost = 0
        for item in done:
            if item is None:
                errors.append("a respondent could not start")
                continue
            response = Response.objects.get(token_hash=item["token_hash"])
            saved = response_answers(response)
            for code, value in item["answers"].items():
                if code.startswith("Q") and "__" not in code:
                    answer = saved.get(code)
                    got = (
                        None
                        if answer is None
                        else (
                            list(answer.choices)
                            if isinstance(value, list)
                            else answer.choice
                            or (str(answer.score) if answer.score is not None else answer.text)
                        )
                    )
                    if got != value:
                        lost += 1

        ceiling_times: dict = {}
        ceiling_errors: list = []
        submissions = len(timings.get("submit", []))
        cpu_before = server_cpu(server.pid)
        started = time.perf_counter()

        def insert_worker(count: int) -> None:
            browser = Browser(args.port, ceiling_times, ceiling_errors)
            for _ in range(count):
                browser.request("GET", f"/bench/insert?survey={survey.id}", kind="insert")

        per_thread = max(1, submissions // args.concurrency)
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(insert_worker, [per_thread] * args.concurrency))
        ceiling_seconds = time.perf_counter() - started
        cpu_ceiling = cpu_before, server_cpu(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Response.objects.filter(survey=survey).delete()

    print(
        f"database: {url.rsplit('@', 1)[-1]}; gunicorn {args.workers} workers on loopback; "
        f"{args.respondents} respondents, {args.concurrency} at a time"
    )
    print(f"{'':<28} {'requests':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    submit_rps, line = summary("page submissions (POST)", timings["submit"], seconds)
    print(line)
    print(summary("page views (GET)", timings.get("get", []), seconds)[1])
    ceiling_rps, line = summary("single INSERT view (ceiling)", ceiling_times["insert"], ceiling_seconds)
    print(line)
    print(
        f"submissions / ceiling: {submit_rps / ceiling_rps:.2f}; "
        f"errors: {len(errors) + len(ceiling_errors)}; "
        f"answers lost: {lost}; complete: {sum(1 for p in plans if p is None)} of {len(plans)}"
    )
    respondent_requests = sum(len(t) for t in timings.values())
    print(f"server CPU per request, respondents: {cpu_per_request(*cpu_respondents, respondent_requests)}")
    print(
        f"server CPU per request, ceiling:     {cpu_per_request(*cpu_ceiling, len(ceiling_times['insert']))}"
    )
    if errors:
        print("first errors:", errors[:5])


if __name__ == "__main__":
    main()
