"""Load test: the real stack (gunicorn on loopback, PostgreSQL) under simulated respondents, each
completing the questionnaire page by page (about a third abandoning part-way), bounded in count
and time; then checks in the database that every answer every respondent submitted is there.
In the same run, the same figures for a minimal view doing a single INSERT (the ceiling).

    .venv/bin/python bench/load.py [--respondents 200] [--concurrency 20] [--workers 3] [--threads 1]
        [--database postgresql|sqlite] [--server gunicorn|runserver]

`--database sqlite` runs on the embedded default instead, a fresh SQLite file with the site's
settings (write-ahead log, immediate transactions, busy timeout); `--server runserver` serves
with Django's development server (`make run`: DEBUG on, a thread per request) instead of gunicorn.

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
import shutil
import sqlite3
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
    """CPU seconds (user and system) used so far by the web server and its workers and by each
    PostgreSQL backend of this database (Linux /proc; the backends only when PostgreSQL runs
    here). SQLite works inside the web server's own processes."""
    from django.db import connection

    pids = [master, *(int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split())]
    backends = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
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


def cpu_spent(before: dict, after: dict) -> tuple[float, float, bool]:
    """CPU seconds spent between two readings: (web server, PostgreSQL, whether PostgreSQL ran here)."""
    spent = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    workers = sum(v for pid, v in spent.items() if pid > 0)
    database = sum(v for pid, v in spent.items() if pid < 0)
    return workers, database, any(pid < 0 for pid in spent)


def cpu_per_request(spent: list[float], has_database: bool, requests: int, server: str) -> str:
    workers, database = spent
    if not has_database:
        return f"{workers / requests * 1000:.2f} ms {server} (SQLite included)"
    return f"{workers / requests * 1000:.2f} ms {server} + {database / requests * 1000:.2f} ms PostgreSQL"


def sqlite_setup() -> tuple[str, str]:
    """A fresh SQLite file in a directory of its own: (its URL, the directory)."""
    directory = tempfile.mkdtemp(prefix="medsurvey-load-")
    return f"sqlite:///{directory}/db.sqlite3", directory


def database_description(url: str) -> str:
    from django.db import connection

    if connection.vendor != "sqlite":
        return url.rsplit("@", 1)[-1]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    options = connection.settings_dict.get("OPTIONS", {})
    return (
        f"SQLite {sqlite3.sqlite_version}, a fresh file (journal {journal}, "
        f"transactions {options.get('transaction_mode', 'DEFERRED')}, "
        f"busy timeout {options.get('timeout', 5)} s)"
    )


def server_command(server: str, port: int) -> list[str]:
    if server == "runserver":
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--config",
        "deploy/gunicorn.conf.py",
        "--access-logfile",
        "/dev/null",
    ]


def server_exceptions(log: str) -> list[str]:
    """The exceptions behind the 500s in the server's log (the last of each logged chain)."""
    causes = set()
    for record in log.split("Internal Server Error: ")[1:]:
        chain = re.findall(r"^\w+(?:\.\w+)*(?:Error|Exception): .*$", record, flags=re.MULTILINE)
        causes.add(chain[-1] if chain else "(no exception logged)")
    return sorted(causes)


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
    parser.add_argument("--rounds", type=int, default=4, help="turns taken by respondents and the ceiling")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    args = parser.parse_args()
    sqlite_dir = None
    if args.database == "sqlite":
        sqlite_url, sqlite_dir = sqlite_setup()
        url = django_setup(sqlite_url)
    else:
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
        # make run's development server runs with DEBUG on
        "DEBUG": "1" if args.server == "runserver" else "0",
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
    # The server's own messages (runserver logs every request) go to a file, read on errors.
    log_fd, server_log = tempfile.mkstemp(prefix="medsurvey-load-", suffix=".log")
    server = subprocess.Popen(
        server_command(args.server, args.port), cwd=ROOT, env=env, stdout=log_fd, stderr=log_fd
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
        ceiling_times: dict = {}
        ceiling_errors: list = []
        # Respondents and the ceiling take turns, a round each at a time: a machine whose speed
        # drifts during the run (one shared with other work) slows both alike.
        cpu_respondents, cpu_ceiling, has_database = [0.0, 0.0], [0.0, 0.0], False
        seconds = ceiling_seconds = 0.0
        done = []

        def insert_worker(count: int) -> None:
            browser = Browser(args.port, ceiling_times, ceiling_errors)
            for _ in range(count):
                browser.request("GET", f"/bench/insert?survey={survey.id}", kind="insert")

        for turn in range(args.rounds):
            batch = plans[turn :: args.rounds]
            requests_before = sum(len(t) for t in timings.values())
            cpu_before = server_cpu(server.pid)
            began = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                futures = [
                    pool.submit(respondent, args.port, survey.slug, FULL_ANSWERS, plan, timings, errors)
                    for plan in batch
                ]
                done += [f.result(timeout=DEADLINE) for f in futures]
            seconds += time.perf_counter() - began
            workers, database, has_database = cpu_spent(cpu_before, server_cpu(server.pid))
            cpu_respondents = [cpu_respondents[0] + workers, cpu_respondents[1] + database]

            # As many single INSERTs as this round's respondents made requests.
            served = sum(len(t) for t in timings.values()) - requests_before
            cpu_before = server_cpu(server.pid)
            started = time.perf_counter()
            each, more = divmod(served, args.concurrency)
            with ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(insert_worker, [each + (i < more) for i in range(args.concurrency)]))
            ceiling_seconds += time.perf_counter() - started
            workers, database, _ = cpu_spent(cpu_before, server_cpu(server.pid))
            cpu_ceiling = [cpu_ceiling[0] + workers, cpu_ceiling[1] + database]

        lost = complete = 0
        for item in done:
            if item is None:
                errors.append("a respondent could not start")
                continue
            response = Response.objects.get(token_hash=item["token_hash"])
            complete += response.is_complete
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
        database = database_description(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.close(log_fd)
        Response.objects.filter(survey=survey).delete()
        if sqlite_dir:
            shutil.rmtree(sqlite_dir)

    served = (
        "runserver (DEBUG, a thread per request)"
        if args.server == "runserver"
        else f"gunicorn {args.workers} workers" + (f" x {args.threads} threads" if args.threads > 1 else "")
    )
    print(
        f"database: {database}; {served} on loopback; "
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
        f"answers lost: {lost}; complete: {complete} of {len(plans)} "
        f"(planned {sum(1 for p in plans if p is None)})"
    )
    respondent_requests = sum(len(t) for t in timings.values())
    print(
        "server CPU per request, respondents: "
        f"{cpu_per_request(cpu_respondents, has_database, respondent_requests, args.server)}"
    )
    print(
        "server CPU per request, ceiling:     "
        f"{cpu_per_request(cpu_ceiling, has_database, len(ceiling_times['insert']), args.server)}"
    )
    # Issue 14's aim: the web server's CPU per respondent's request at most 2.5 times the
    # ceiling's (a ratio of 0.4 or better), whatever the machine's own speed.
    per_respondent = cpu_respondents[0] / respondent_requests
    per_insert = cpu_ceiling[0] / len(ceiling_times["insert"])
    if per_respondent > 0:  # CPU time comes in clock ticks: a tiny run may read none
        print(
            f"web server CPU, ceiling / respondents: {per_insert / per_respondent:.2f} "
            f"({per_insert * 1000:.2f} / {per_respondent * 1000:.2f} ms; aim 0.4 or more)"
        )
    if errors or ceiling_errors:
        print("first errors:", (errors + ceiling_errors)[:5])
        log = Path(server_log).read_text(encoding="utf-8", errors="replace")
        print(f"server log: {server_log}; exceptions behind the 500s: {server_exceptions(log)}")
    else:
        os.unlink(server_log)


if __name__ == "__main__":
    main()
