"""The pandas lines of docs/statisticians.md, run on a real export, give the dashboard's p-values."""

import re
from pathlib import Path

import pytest

from analysis import downloads, report
from analysis.export import Options
from analysis.queries import Filters
from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "statisticians.md"


def test_the_pandas_guide_reproduces_the_subgroup_table(survey, tmp_path, monkeypatch):
    for i in range(24):  # a dataset big enough for every group to have both outcomes
        participant(
            survey,
            q3=("general_practice", "cardiology", "surgery")[i % 3],
            q6=("yes", "no")[(i // 2) % 2],
            q9=("rarely", "never", "frequently", "never")[i % 4],
            score=(9, 4, 8, 6, 10)[i % 5],
            q2=("under_30", "30_40", "51_60", "30_40")[i % 4],
        )
    (tmp_path / "responses.csv").write_bytes(b"".join(downloads.responses_csv(survey, Options())))
    (tmp_path / "codebook.csv").write_bytes(b"".join(downloads.codebook_csv(survey, Options())))
    monkeypatch.chdir(tmp_path)
    code = re.search(r"## pandas\n\n```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation

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
    filters = Filters(include_tests=True)
    (tmp_path / "responses.csv").write_bytes(b"".join(downloads.responses_csv(survey, Options(), filters)))
    (tmp_path / "codebook.csv").write_bytes(b"".join(downloads.codebook_csv(survey, Options(), filters)))
    monkeypatch.chdir(tmp_path)
    # The guide's reading lines only: the chi-squared tests need more participants.
    reading = re.search(
        r"## pandas\n\n```python\n(.*?)\n\n\ndef labels", GUIDE.read_text(encoding="utf-8"), re.S
    )
    namespace: dict = {}
    exec(compile(reading.group(1), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["responses"]["Q3"].tolist() == ["general_practice"]


def test_the_pandas_guide_reads_a_free_text_na_as_an_answer(survey, tmp_path, monkeypatch):
    from surveys.services import page_save
    from surveys.values import AnswerValue

    for text in ("NA", "N/A", "null", "None", "nan"):
        response = participant(survey, q3="general_practice", q9="rarely", stop_after=5)
        page_save(
            response=response,
            page_position=6,
            values={"Q27": AnswerValue(text=text)},
            language="fr",
            advance=False,
        )
    (tmp_path / "responses.csv").write_bytes(b"".join(downloads.responses_csv(survey, Options())))
    (tmp_path / "codebook.csv").write_bytes(b"".join(downloads.codebook_csv(survey, Options())))
    monkeypatch.chdir(tmp_path)
    reading = re.search(
        r"## pandas\n\n```python\n(.*?)\n\n\ndef labels", GUIDE.read_text(encoding="utf-8"), re.S
    )
    namespace: dict = {}
    exec(compile(reading.group(1), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    assert sorted(namespace["responses"]["Q27"].dropna().tolist()) == sorted(
        ["NA", "N/A", "null", "None", "nan"]
    )
