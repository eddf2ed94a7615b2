"""The R and pandas lines of docs/statisticians.md, run on a real export, give the dashboard's
p-values."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import downloads, report
from analysis.export import Options
from analysis.queries import Filters
from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "statisticians.md"
RSCRIPT = shutil.which("Rscript") or "/usr/bin/Rscript"
needs_r = pytest.mark.skipif(not Path(RSCRIPT).exists(), reason="R is not installed (Rscript not found)")
TYPED = ("NA", "N/A", "null", "None", "nan", "T", "12")  # free texts no reader may take for missing


def block(language: str) -> str:
    """The guide's code block of its section ``## R`` or ``## pandas``."""
    fence = {"R": "r", "pandas": "python"}[language]
    return re.search(
        rf"## {language}\n.*?```{fence}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S
    ).group(1)


def reading_lines(language: str) -> str:
    """The block's lines up to the labels: reading the files, leaving the pilot runs out."""
    end = {"R": "\n\n# Choice labels", "pandas": "\n\n\ndef labels"}[language]
    return block(language).split(end)[0]


def files(survey, tmp_path, filters=None) -> None:
    (tmp_path / "responses.csv").write_bytes(b"".join(downloads.responses_csv(survey, Options(), filters)))
    (tmp_path / "codebook.csv").write_bytes(b"".join(downloads.codebook_csv(survey, Options(), filters)))


def run_r(code: str, tmp_path) -> str:
    (tmp_path / "guide.R").write_text(code, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own documentation
        [RSCRIPT, "guide.R"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def cohort(survey) -> None:
    for i in range(24):  # a dataset big enough for every group to have both outcomes
        participant(
            survey,
            q3=("general_practice", "cardiology", "surgery")[i % 3],
            q6=("yes", "no")[(i // 2) % 2],
            q9=("rarely", "never", "frequently", "never")[i % 4],
            score=(9, 4, 8, 6, 10)[i % 5],
            q2=("under_30", "30_40", "51_60", "30_40")[i % 4],
        )


def with_texts(survey) -> None:
    """Participants who typed in Q27 what a reader could take for a missing value or a number."""
    from surveys.services import page_save
    from surveys.values import AnswerValue

    for text in TYPED:
        response = participant(survey, q3="general_practice", q9="rarely", stop_after=5)
        page_save(
            response=response,
            page_position=6,
            values={"Q27": AnswerValue(text=text)},
            language="fr",
            advance=False,
        )


def test_the_pandas_guide_reproduces_the_subgroup_table(survey, tmp_path, monkeypatch):
    cohort(survey)
    files(survey, tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(block("pandas"), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation

    rows = {row.outcome.code: row for row in report.subgroup_table(report.Context.load(survey))}
    by_grouping = {c.grouping.code: c.test.p_value for c in rows["sought_opinion"].comparisons}
    assert namespace["p_specialty"] == pytest.approx(by_grouping["specialty"], rel=1e-12)
    assert namespace["p_age"] == pytest.approx(by_grouping["age"], rel=1e-12)
    q11 = {c.grouping.code: c.test.p_value for c in rows["score_8_plus__Q11"].comparisons}
    assert namespace["p_underserved_q11"] == pytest.approx(q11["underserved"], rel=1e-12)
    assert namespace["responses"]["Q3_label"].iloc[0] in {"Médecine générale", "Cardiologie", "Chirurgie"}
    assert namespace["version"] == survey.instrument_version


def test_the_pandas_guide_keeps_the_participants_of_an_export_with_pilot_runs(survey, tmp_path, monkeypatch):
    participant(survey, q3="general_practice", q9="rarely")
    participant(survey, q3="cardiology", q9="never", is_test=True)
    files(survey, tmp_path, Filters(include_tests=True))
    monkeypatch.chdir(tmp_path)
    # The guide's reading lines only: the chi-squared tests need more participants.
    namespace: dict = {}
    exec(compile(reading_lines("pandas"), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["responses"]["Q3"].tolist() == ["general_practice"]


def test_the_pandas_guide_reads_a_free_text_na_as_an_answer(survey, tmp_path, monkeypatch):
    with_texts(survey)
    files(survey, tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(reading_lines("pandas"), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    assert sorted(namespace["responses"]["Q27"].dropna().tolist()) == sorted(TYPED)


@needs_r
def test_the_r_guide_reproduces_the_subgroup_table(survey, tmp_path):
    cohort(survey)
    files(survey, tmp_path)
    p_values = "test_specialty$p.value, test_underserved_q11$p.value, test_age$p.value"
    shown = f"\nwriteLines(format(c({p_values}), digits = 17))\n"
    shown += "writeLines(c(version, as.character(responses$Q3_label[1])))\n"
    output = run_r(block("R") + shown, tmp_path)
    p_specialty, p_underserved_q11, p_age, version, label = output.splitlines()[-5:]

    rows = {row.outcome.code: row for row in report.subgroup_table(report.Context.load(survey))}
    by_grouping = {c.grouping.code: c.test.p_value for c in rows["sought_opinion"].comparisons}
    assert float(p_specialty) == pytest.approx(by_grouping["specialty"], rel=1e-9)
    assert float(p_age) == pytest.approx(by_grouping["age"], rel=1e-9)
    q11 = {c.grouping.code: c.test.p_value for c in rows["score_8_plus__Q11"].comparisons}
    assert float(p_underserved_q11) == pytest.approx(q11["underserved"], rel=1e-9)
    assert label in {"Médecine générale", "Cardiologie", "Chirurgie"}
    assert version == survey.instrument_version


@needs_r
def test_the_r_guide_reads_a_free_text_na_as_an_answer_and_keeps_the_participants(survey, tmp_path):
    with_texts(survey)
    participant(survey, q3="cardiology", q9="never", q27="NA", is_test=True)
    files(survey, tmp_path, Filters(include_tests=True))
    shown = "\nwriteLines(c(class(responses$Q27), sort(responses$Q27[!is.na(responses$Q27)])))\n"
    output = run_r(reading_lines("R") + shown, tmp_path)
    kind, *texts = output.splitlines()
    assert kind == "character"
    assert sorted(texts) == sorted(TYPED)  # R's order is its locale's
