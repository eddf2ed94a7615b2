"""Benchmark: the full analysis (`analyze`) and the dashboard pages at 1,000, 10,000 and 100,000
participants, on PostgreSQL. Prints the median time of 3 runs and the number of SQL queries.

    .venv/bin/python bench/dashboard.py [--sizes 1000,10000,100000]

Uses BENCH_DATABASE_URL (default: postgres://medsurvey:medsurvey@127.0.0.1:5432/medsurvey_bench,
which .ci/run's role can create). Aim: the full analysis of 100,000 responses in under 2 s, with a
query count that does not change with N.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import django_setup, survey_with_participants


def measure(fn, runs: int = 3) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    url = django_setup()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from analysis import report, serialize

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    client = Client()
    client.force_login(user)
    print(f"database: {url.rsplit('@', 1)[-1]}")
    header = f"{'participants':>12} {'what':<34} {'median s':>9} {'queries':>8}"
    print(header)
    print("-" * len(header))
    for n in [int(x) for x in args.sizes.split(",")]:
        survey = survey_with_participants(n)
        base = f"/dashboard/{survey.slug}/"
        pages = {
            "dashboard overview page": base,
            "dashboard results page": base + "results/",
            "dashboard subgroups + crosstab page": base + "subgroups/?rows=specialty&cols=Q5",
            "one chart (Q3, SVG)": base + "charts/question-Q3.svg",
            "scale chart (Q11-Q18, PNG)": base + "charts/scales-page-3.png",
        }
        cases = {
            "analyze (full report, JSON data)": lambda s=survey: serialize.full_report(report.Context.load(s))
        }
        cases.update({what: (lambda path=path: client.get(path)) for what, path in pages.items()})
        for what, fn in cases.items():
            seconds, queries = measure(fn)
            print(f"{n:>12} {what:<34} {seconds:>9.3f} {queries:>8}", flush=True)


if __name__ == "__main__":
    main()
