"""Benchmark: every export format at 10,000 and 100,000 participants, on PostgreSQL, next to
PostgreSQL's own COPY (query) TO STDOUT of the same wide rows in the same run.

    .venv/bin/python bench/export.py [--sizes 10000,100000] [--formats csv,excel-fr,xlsx,sav,dta,zip]

Each export runs in a fresh process, so that its peak memory (max RSS) is its own. Prints, per
format, rows per second, the time to the first byte (the CSVs stream: their first byte leaves
before the database is read through; the other files are written whole, then sent), the peak
memory and its growth over the process's memory before the export, the file's size, and COPY's
rows per second with the ratio. Aims: peak memory that does not grow with the number of
responses for the streamed formats (CSV, Excel, the zip), and at least a third of COPY's speed
for the CSV. SPSS and Stata are written by pyreadstat from one DataFrame: their memory grows
with the export (the figures say by how much).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from _setup import django_setup, survey_with_participants

HERE = Path(__file__).resolve().parent


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(slug: str, fmt: str) -> None:
    """Export one survey in ``fmt`` to /dev/null (the CSVs) or to a temporary file, and print
    the figures as JSON."""
    django_setup()
    from analysis import downloads, report
    from analysis.export import Options
    from surveys.models import Survey

    survey = Survey.objects.get(slug=slug)
    before = rss_mib()
    began = time.perf_counter()
    first_byte = None
    rows = size = 0
    if fmt in ("csv", "excel-fr"):
        with open("/dev/null", "wb") as sink:
            for line in downloads.responses_csv(survey, Options(excel_fr=fmt == "excel-fr")):
                if first_byte is None:
                    first_byte = time.perf_counter() - began
                rows += 1
                size += len(line)
                sink.write(line)
        rows -= 1  # the header
    else:
        ctx = report.Context.load(survey)
        if fmt == "zip":
            content = downloads.temporary_file(lambda path: downloads.bundle(ctx, "fr", path))
        else:
            content = downloads.temporary_file(
                lambda path: downloads.write_typed(ctx, fmt, "fr", False, path)
            )
        with content:
            first_byte = time.perf_counter() - began
            size = len(content.read())
        rows = None
    seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "first_byte": first_byte,
                "bytes": size,
                "rss_before": before,
                "rss_peak": rss_mib(),
            }
        )
    )


def copy_sql(survey) -> str:
    """The same wide rows as the export, pivoted in SQL, for COPY: a column per column of the
    export, read from the answer field its kind writes there (``Column.source``)."""
    from analysis import downloads, export, report

    ctx = report.Context.load(survey)
    ids = {q.code: q.id for q in ctx.layout.questions}
    choice_ids = {(q.code, c.code): c.id for q in ctx.layout.questions for c in q.choices.all()}
    columns = [
        "r.id",
        "r.status",
        "r.language",
        "(r.started_at AT TIME ZONE 'Europe/Paris')::date",
        "(r.completed_at AT TIME ZONE 'Europe/Paris')::date",
        "floor(extract(epoch FROM coalesce(r.completed_at, r.last_saved_at) - r.started_at) / 60)::int",
        "r.furthest_page",
    ]
    for col in export.columns(downloads.export_questions(ctx)):
        if col.part == "fixed":
            continue
        on = f"a.question_id = {ids[col.question]}"
        if col.row:  # a grid's statement: letters, digits and "_" only
            on += f" AND a.row = '{col.row}'"
        if col.source == "ticked":
            columns.append(
                f"(bool_or(ac.choice_id = {choice_ids[(col.question, col.key)]}) FILTER (WHERE {on}))::int"
            )
        elif col.source == "choice":
            columns.append(f"max(ch.code) FILTER (WHERE {on})")
        else:  # score, number, date, text, other_text, comment
            columns.append(f"max(a.{col.source}) FILTER (WHERE {on})")
    return (
        f"SELECT {', '.join(columns)} FROM surveys_response r "
        "JOIN surveys_answer a ON a.response_id = r.id "
        "LEFT JOIN surveys_choice ch ON ch.id = a.choice_id "
        "LEFT JOIN surveys_answer_choices ac ON ac.answer_id = a.id "
        f"WHERE r.survey_id = {survey.id} GROUP BY r.id ORDER BY r.id"
    )


def copy(survey) -> dict:
    from django.db import connection

    class Sink:
        size = 0

        def write(self, data):
            self.size += len(data)

    sink = Sink()
    sql = copy_sql(survey)
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", sink)
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "bytes": sink.size}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--formats", default="csv,excel-fr,xlsx,sav,dta,zip")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.format)
        return
    url = django_setup()
    from surveys.selectors import survey_participation

    print(f"database: {url.rsplit('@', 1)[-1]}")
    head = (
        f"{'participants':>12} {'format':>8} {'export s':>9} {'rows/s':>9} {'1st byte':>10} "
        f"{'MiB peak':>9} {'MiB +':>6} {'MiB file':>9} {'COPY s':>7} {'COPY rows/s':>12} {'ratio':>6}"
    )
    print(head)
    print("-" * len(head))
    for n in [int(x) for x in args.sizes.split(",")]:
        survey = survey_with_participants(n)
        participants = survey_participation(survey).participants
        theirs = copy(survey)
        copy_rate = participants / theirs["seconds"]
        for fmt in args.formats.split(","):
            out = subprocess.run(
                [sys.executable, str(HERE / "export.py"), "--child", survey.slug, "--format", fmt],
                capture_output=True,
                text=True,
                check=True,
            )
            ours = json.loads(out.stdout.strip().splitlines()[-1])
            if ours["rows"] is not None:
                assert ours["rows"] == participants, (ours["rows"], participants)
            rate = participants / ours["seconds"]
            growth = ours["rss_peak"] - ours["rss_before"]
            first = ours["first_byte"] * 1000
            print(
                f"{participants:>12} {fmt:>8} {ours['seconds']:>9.2f} {rate:>9.0f} {first:>8.0f}ms "
                f"{ours['rss_peak']:>9.1f} {growth:>6.1f} {ours['bytes'] / 2**20:>9.1f} "
                f"{theirs['seconds']:>7.2f} {copy_rate:>12.0f} {rate / copy_rate:>6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
