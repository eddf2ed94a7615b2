"""The R and pandas scripts made for a survey, run on its export, give the dashboard's Table 1
(every test of the plan: n, positives, percentages, p-values, Fisher where flagged)."""

import copy
import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import downloads, report, scripts
from analysis.export import Options
from analysis.queries import Filters
from surveys.instrument import parse_data
from surveys.seeding import seed_responses
from surveys.services import instrument_load, page_save, response_start
from tests.analysis import test_kinds
from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db
RSCRIPT = shutil.which("Rscript") or "/usr/bin/Rscript"
needs_r = pytest.mark.skipif(not Path(RSCRIPT).exists(), reason="R is not installed (Rscript not found)")


def run(tmp_path: Path, script: str, name: str) -> subprocess.CompletedProcess:
    path = tmp_path / name
    path.write_text(script, encoding="utf-8")
    command = [RSCRIPT, name] if name.endswith(".R") else [sys.executable, name]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert result.returncode == 0, result.stderr
    return result


def export(survey, tmp_path: Path, filters: Filters | None = None) -> None:
    (tmp_path / "responses.csv").write_bytes(b"".join(downloads.responses_csv(survey, Options(), filters)))


def read_tests(path: Path) -> dict[tuple[str, str, str], dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return {(row["outcome"], row["grouping"], row["group"]): row for row in csv.DictReader(f)}


def number(cell: str):
    return None if cell == "" else float(cell)


def assert_same_as_dashboard(survey, rows: dict) -> dict:
    """Every test of the plan, compared; returns how many were flagged with Fisher and untestable."""
    seen = {"tests": 0, "fisher": 0, "chi2 only": 0, "untestable": 0}
    expected_rows = 0
    for outcome in report.subgroup_table(report.Context.load(survey)):
        for comparison in outcome.comparisons:
            seen["tests"] += 1
            test = comparison.test
            for cell in comparison.cells:
                expected_rows += 1
                key = (outcome.outcome.code, comparison.grouping.code, cell.group)
                row = rows[key]
                assert (int(row["n"]), int(row["positive"])) == (cell.n, cell.positive), key
                if cell.percent is None:
                    assert row["percent"] == "", key
                else:
                    assert number(row["percent"]) == pytest.approx(cell.percent, rel=0, abs=1e-9), key
                if not test.testable:
                    assert (row["statistic"], row["df"], row["p_value"], row["fisher_p_value"]) == (
                        ("",) * 4
                    ), key
                    continue
                assert number(row["statistic"]) == pytest.approx(test.statistic, rel=1e-9), key
                assert int(row["df"]) == test.df, key
                assert number(row["p_value"]) == pytest.approx(test.p_value, rel=1e-9), key
                assert int(row["low_expected"]) == test.low_expected, key
                # The dashboard shows Fisher's p-value where it flags the test (2 x 2 tables).
                shown = test.fisher_p_value if test.low_expected else None
                if shown is None:
                    assert row["fisher_p_value"] == "", key
                else:
                    assert number(row["fisher_p_value"]) == pytest.approx(shown, rel=1e-9), key
            if not test.testable:
                seen["untestable"] += 1
            elif test.low_expected and test.fisher_p_value is not None:
                seen["fisher"] += 1
            else:
                seen["chi2 only"] += 1
    assert len(rows) == expected_rows
    return seen


@pytest.fixture
def cohort(survey):
    """Seeded participants, and a handful of dermatologists under 30 in an underserved area: a
    few small cells, so that some tests are flagged (an expected count under 5) and get Fisher's."""
    seed_responses(survey, 40, seed=7)
    for score in (9, 3, 10):
        participant(survey, q3="dermatology", q2="under_30", q6="yes", q9="never", score=score)
    return survey


@needs_r
def test_it_reproduces_every_test_of_the_plan_in_r_and_pandas(cohort, tmp_path):
    export(cohort, tmp_path)
    ctx = report.Context.load(cohort)
    r = run(tmp_path, scripts.r_script(ctx), "analysis.R")
    from_r = read_tests(tmp_path / "subgroup-tests.csv")
    python = run(tmp_path, scripts.pandas_script(ctx), "analysis.py")
    from_pandas = read_tests(tmp_path / "subgroup-tests.csv")

    seen_r = assert_same_as_dashboard(cohort, from_r)
    seen_pandas = assert_same_as_dashboard(cohort, from_pandas)
    assert seen_r == seen_pandas
    assert seen_r["tests"] == 36  # 12 outcomes (Q9, and 11 scales) by 3 groupings
    assert seen_r["fisher"] > 0 and seen_r["chi2 only"] > 0
    assert "Table 1" in r.stdout and "Table 1" in python.stdout


@needs_r
def test_it_leaves_out_pilot_runs_reads_a_typed_na_as_an_answer_and_leaves_untestable_tests_empty(
    survey, tmp_path
):
    participant(survey, q3="general_practice", q2="under_30", q6="yes", q9="never", score=9, q27="NA")
    participant(survey, q3="general_practice", q2="30_40", q6="no", q9="rarely", score=9, q27="null")
    participant(survey, q3="cardiology", q2="30_40", q6="no", q9="never", stop_after=2)
    participant(survey, q3="dermatology", q9="frequently", score=2, q27="Essai", is_test=True)
    export(survey, tmp_path, Filters(include_tests=True))
    ctx = report.Context.load(survey)
    # What each script read of the free texts, written out after it ran.
    r_texts = '\nwriteLines(sort(responses$Q27[!is.na(responses$Q27)]), "texts.txt")\n'
    py_texts = '\nPath("texts.txt").write_text("\\n".join(sorted(responses["Q27"].dropna())) + "\\n")\n'

    for script, name, texts in (
        (scripts.r_script(ctx, "en"), "analysis.R", r_texts),
        (scripts.pandas_script(ctx, "en"), "analysis.py", py_texts),
    ):
        output = run(tmp_path, script + texts, name).stdout
        seen = assert_same_as_dashboard(survey, read_tests(tmp_path / "subgroup-tests.csv"))
        assert seen["untestable"] > 0, name  # every score 8 or more: no "no" column to test
        assert (tmp_path / "texts.txt").read_text(encoding="utf-8").split() == ["NA", "null"], name
        assert "3 participants, 2 complete" in output, name
        assert "General practice" in output, name  # labelled in English


# Every kind of question (tests/analysis/test_kinds.py), with a plan on its dropdown: general
# practice or not; a rating of 8 or more, and general practice itself as an outcome.
EVERY_KIND_PLAN = {
    "groupings": [
        {
            "code": "gp_or_not",
            "label": {"fr": "Généraliste", "en": "GP"},
            "question": "specialty",
            "groups": [
                {"code": "gp", "label": {"fr": "Oui", "en": "Yes"}, "choices": ["gp"]},
                {"code": "not_gp", "label": {"fr": "Non", "en": "No"}, "otherwise": True},
            ],
        }
    ],
    "outcomes": [
        {"code": "rating_8_plus", "label": {"fr": "≥ 8"}, "question": "rating", "positive": {"min_score": 8}},
        {"code": "gp", "label": {"fr": "MG"}, "question": "specialty", "positive": {"choices": ["gp"]}},
    ],
}


@needs_r
def test_it_reads_and_summarizes_every_kind_of_question(db, tmp_path):
    spec = copy.deepcopy(test_kinds.INSTRUMENT) | {"analysis": EVERY_KIND_PLAN}
    survey = instrument_load(spec=parse_data(spec)).survey
    for i in range(len(test_kinds.YEARS)):
        moment = dt.datetime(2027, 2, 1 + i, 10, tzinfo=dt.UTC)
        response, _ = response_start(survey=survey, language="fr", now=moment)
        for position, values in test_kinds.answers(i).items():
            page_save(response=response, page_position=position, values=values, language="fr", now=moment)
    export(survey, tmp_path)
    ctx = report.Context.load(survey)

    for script, name in ((scripts.r_script(ctx), "analysis.R"), (scripts.pandas_script(ctx), "analysis.py")):
        output = run(tmp_path, script, name).stdout
        assert assert_same_as_dashboard(survey, read_tests(tmp_path / "subgroup-tests.csv"))["tests"] == 2
        # The date's first, last and median day (the earlier of the two middle ones of six).
        assert all(day in output for day in ("2019-03-15", "2023-01-10", "2022-11-02")), name
        assert "opinion__useful. Votre avis — Utile" in output, name
        assert "Webinaires" in output and "Trop longue" in output, name


@pytest.mark.django_db
def test_no_title_or_version_can_run_as_code_in_the_scripts(survey):
    import ast

    hostile = '"""; __import__("os").system("touch /tmp/pwned"); """'
    survey.title_fr = f'Titre\nsystem("touch /tmp/pwned")\n{hostile}'
    survey.instrument_version = "1\nq()"
    survey.save()
    ctx = report.Context.load(survey)
    r = scripts.r_script(ctx, language="fr")
    assert not any(line.startswith(("system(", "q()", '"""')) for line in r.splitlines())
    assert r.splitlines()[0].startswith('# Titre system("touch /tmp/pwned")')
    module = ast.parse(scripts.pandas_script(ctx, language="fr"))
    assert 'Titre system("touch /tmp/pwned") """; __import__' in ast.get_docstring(module)
    assert not any(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) for node in module.body[:3]
    )
