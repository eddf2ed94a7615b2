"""The export and the codebook of the paper's instrument, byte for byte, against files made by
the code before the kinds carried their own export (``tests/analysis/golden/``).

Seeded participants (``surveys.seeding``) with response ids of our own (1, 2, 3… as UUIDs), so
that the files, rows in id order included, are the same on every run. To remake the files after a
deliberate change of the export: ``GOLDEN_WRITE=1 pytest tests/analysis/test_export_golden.py``.
"""

import os
import uuid
from pathlib import Path

import pytest

from analysis import downloads
from analysis.export import Options
from analysis.queries import Filters
from surveys.models import Response
from surveys.seeding import seed_responses

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).resolve().parent / "golden"
VARIANTS = {
    "responses-standard.csv": (Options(), Filters()),
    "responses-labels-fr-excel-fr.csv": (Options(labels="fr", excel_fr=True), Filters()),
    "responses-labels-en-complete.csv": (Options(labels="en"), Filters(complete_only=True)),
}


@pytest.fixture
def seeded(survey, monkeypatch):
    numbers = iter(range(1, 10_000))
    monkeypatch.setattr(Response._meta.pk, "_get_default", lambda: uuid.UUID(int=next(numbers)))
    seed_responses(survey, 80, seed=7)
    return survey


def compare(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("GOLDEN_WRITE"):
        path.write_bytes(data)
    assert data == path.read_bytes(), name


@pytest.mark.parametrize("name", VARIANTS)
def test_the_export_of_the_papers_instrument_is_unchanged(seeded, name):
    options, filters = VARIANTS[name]
    compare(name, b"".join(downloads.responses_csv(seeded, options, filters)))


def test_the_codebook_of_the_papers_instrument_is_unchanged(seeded):
    compare("codebook.csv", b"".join(downloads.codebook_csv(seeded, Options())))
