"""Shared set-up for the benchmarks: a PostgreSQL database of their own, Django configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://medsurvey:medsurvey@127.0.0.1:5432/medsurvey_bench"


def django_setup(database_url: str | None = None) -> str:
    """Point Django at the benchmark database (created if missing) and set it up."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    if url.startswith("postgres"):
        _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    owner = url.split("//", 1)[1].split(":", 1)[0]
    sql = (
        f"SELECT 'CREATE DATABASE {name} OWNER {owner}' "
        f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{name}')\\gexec"
    )
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*runner, "psql", "-q", "-v", "ON_ERROR_STOP=1"], input=sql, text=True, check=True)


def survey_with_participants(n: int, seed: int = 1):
    """A copy of the study's survey (slug ``bench-<n>``) holding ``n`` participants: seeded
    through the services up to 10,000, then, beyond that, by copying those participants in SQL
    (PostgreSQL) - seeding 100,000 through the services would take longer than the benchmark.
    Kept between runs: a second run measures at once."""
    import dataclasses

    from surveys.instrument import parse_instrument
    from surveys.models import Response
    from surveys.seeding import seed_responses
    from surveys.selectors import survey_participation
    from surveys.services import instrument_load

    source = (ROOT / "instruments" / "cme-social-network-2022.yaml").read_text(encoding="utf-8")
    spec = dataclasses.replace(parse_instrument(source), slug=f"bench-{n}", status="open")
    survey = instrument_load(spec=spec).survey
    have = survey_participation(survey).participants
    by_services = min(n, 10_000)
    if have < by_services:
        print(f"  seeding {by_services - have} participants through the services…", flush=True)
        seed_responses(survey, by_services - have, seed=seed + have)
        have = survey_participation(survey).participants
    while have < n:
        copies = min(have, n - have)
        print(f"  copying {copies} participants in SQL…", flush=True)
        _copy_participants(survey.id, copies)
        have = survey_participation(survey).participants
    Response.objects.filter(survey=survey, answers__isnull=True).delete()
    return survey


def _copy_participants(survey_id: int, count: int) -> None:
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("beyond 10,000 participants the benchmarks need PostgreSQL (BENCH_DATABASE_URL)")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_map")
        cur.execute(
            "CREATE TEMP TABLE bench_map AS SELECT id AS old_id, gen_random_uuid() AS new_id "
            "FROM surveys_response WHERE survey_id = %s AND EXISTS "
            "(SELECT 1 FROM surveys_answer a WHERE a.response_id = surveys_response.id) LIMIT %s",
            [survey_id, count],
        )
        cur.execute(
            "INSERT INTO surveys_response (id, survey_id, token_hash, language, status, started_at, "
            "last_saved_at, completed_at, furthest_page, is_test) SELECT m.new_id, r.survey_id, "
            "md5(random()::text) || md5(random()::text), r.language, r.status, r.started_at, "
            "r.last_saved_at, r.completed_at, r.furthest_page, r.is_test "
            "FROM surveys_response r JOIN bench_map m ON m.old_id = r.id"
        )
        cur.execute(
            "INSERT INTO surveys_answer "
            "(response_id, question_id, row, choice_id, score, number, date, text, other_text, comment) "
            "SELECT m.new_id, a.question_id, a.row, a.choice_id, a.score, a.number, a.date, a.text, "
            "a.other_text, a.comment "
            "FROM surveys_answer a JOIN bench_map m ON m.old_id = a.response_id"
        )
        # The new answers' statistics first: planned without them, the join below paired every
        # answer of a question with every other (16 GB of temporary files, then a full disk).
        cur.execute("ANALYZE bench_map")
        cur.execute("ANALYZE surveys_answer")
        cur.execute(
            "WITH pairs AS MATERIALIZED (SELECT oa.id AS old_answer, na.id AS new_answer "
            "FROM bench_map m JOIN surveys_answer oa ON oa.response_id = m.old_id "
            "JOIN surveys_answer na ON na.response_id = m.new_id AND na.question_id = oa.question_id "
            "AND na.row = oa.row) "
            "INSERT INTO surveys_answer_choices (answer_id, choice_id) SELECT p.new_answer, ac.choice_id "
            "FROM pairs p JOIN surveys_answer_choices ac ON ac.answer_id = p.old_answer"
        )
        cur.execute("ANALYZE")
