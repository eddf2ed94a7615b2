"""The SPSS and Stata files of the responses: written from a small table made by hand and read
back with pyreadstat (pure), then written from a seeded survey and read back in R with haven."""

import csv
import datetime as dt
import io
import math
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyreadstat
import pytest

from analysis import downloads, export, statfiles
from analysis.export import LEFT_BLANK, MISSING_LABELS, NOT_REACHED, NOT_SHOWN, ExportQuestion
from analysis.variables import QuestionInfo
from surveys import kinds

CHOICES = (
    ("z", {"fr": "Zèbre", "en": "Zebra"}),  # not in alphabetical order: the questionnaire's
    ("a", {"fr": "Abeille", "en": "Bee"}),
    ("other", {"fr": "Autre", "en": "Other"}),
)
AGREE = (("agree", {"fr": "D'accord", "en": "Agree"}), ("disagree", {"fr": "Pas d'accord", "en": "Disagree"}))


def question(code, kind, fr, en, has_other=False, **settings) -> ExportQuestion:
    info = QuestionInfo(code, kind, {"fr": fr, "en": en}, **settings)
    return ExportQuestion(info, {"fr": "Page", "en": "Page"}, has_other, has_comment=False, condition="")


QUESTIONS = [
    question("Q1", "single", "Vous êtes", "You are", has_other=True, choices=CHOICES),
    question("Q2", "dropdown", "Spécialité", "Specialty", choices=CHOICES[:2]),
    question(
        "Q3",
        "multiple",
        "Forces",
        "Strengths",
        choices=(("speed", {"fr": "Rapidité", "en": "Speed"}), ("cost", {"fr": "Gratuité", "en": "Free"})),
    ),
    question("Q4", "scale", "Utilité", "Usefulness", scale_min=0, scale_max=10),
    question("Q5", "number", "Années", "Years", number_min=Decimal(0), number_max=Decimal(60), decimals=1),
    question("Q6", "number", "Solde", "Balance"),  # no bounds: -98 may be an answer
    question("Q7", "date", "Dernière formation", "Last course"),
    question(
        "Q8",
        "grid",
        "Avis",
        "Opinions",
        choices=AGREE,
        statements=(("useful", {"fr": "Utile", "en": "Useful"}), ("clear", {"fr": "Clair", "en": "Clear"})),
    ),
    question("Q9", "text", "Commentaires", "Comments"),
]
COLUMNS = export.columns(QUESTIONS)
NAMES = [c.name for c in COLUMNS]


def row(answers: dict, missing: dict, **fixed) -> tuple[list, dict[int, str]]:
    """A participant's typed cells, by column name, and why the empty ones are empty."""
    cells = dict.fromkeys(NAMES)
    cells |= {
        "response_id": "r",
        "status": "complete",
        "language": "fr",
        "started_on": dt.date(2022, 6, 1),
        "completed_on": dt.date(2022, 6, 2),
        "duration_minutes": 12,
        "last_page": 3,
    }
    cells |= fixed | answers
    return [cells[name] for name in NAMES], {NAMES.index(name): why for name, why in missing.items()}


ROWS = [
    row(  # A: answered everything; -98 is a real balance
        {
            "Q1": "a",
            "Q2": "z",
            "Q3__speed": 1,
            "Q3__cost": 0,
            "Q4": 10,
            "Q5": Decimal("2.5"),
            "Q6": -98,
            "Q7": dt.date(2021, 11, 25),
            "Q8__useful": "agree",
            "Q8__clear": "disagree",
            "Q9": "Merci",
        },
        {},
        response_id="A",
    ),
    row(  # B: left Q2 blank and stopped after the first page
        {"Q1": "z"},
        {"Q2": LEFT_BLANK}
        | dict.fromkeys(
            ["Q3__speed", "Q3__cost", "Q4", "Q5", "Q6", "Q7", "Q8__useful", "Q8__clear"], NOT_REACHED
        )
        | {"Q9": NOT_REACHED},
        response_id="B",
        status="in_progress",
        language="en",
        completed_on=None,
        last_page=1,
    ),
    row(  # C: chose "other", was not shown Q3 and Q4, left the rest blank
        {"Q1": "other", "Q1__other_text": "Pédiatre", "Q2": "a", "Q8__useful": "agree"},
        dict.fromkeys(["Q3__speed", "Q3__cost", "Q4"], NOT_SHOWN)
        | dict.fromkeys(["Q5", "Q6", "Q7", "Q8__clear", "Q9"], LEFT_BLANK),
        response_id="C",
    ),
]


def table(language="fr", rows=None, questions=QUESTIONS, columns=None) -> export.Table:
    columns = columns or export.columns(questions)
    return export.Table(columns, questions, iter(ROWS if rows is None else rows), language, "2022.1")


@pytest.fixture
def sav_file(tmp_path):
    path = tmp_path / "responses.sav"
    statfiles.sav(table(), path, title="Réseaux sociaux et formation")
    return path


@pytest.fixture
def dta_file(tmp_path):
    path = tmp_path / "responses.dta"
    statfiles.dta(table(), path, title="Réseaux sociaux et formation")
    return path


def by_id(frame, column) -> dict:
    return dict(zip(frame["response_id"], frame[column], strict=True))


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [pyreadstat.read_sav, pyreadstat.read_dta])
def test_it_labels_each_variable_with_its_question_in_the_tables_language(tmp_path, reader):
    path = tmp_path / "f"
    (statfiles.sav if reader is pyreadstat.read_sav else statfiles.dta)(table("en"), path)
    labels = reader(str(path), metadataonly=True)[1].column_names_to_labels
    assert (labels["Q1"], labels["Q3__speed"], labels["Q8__useful"]) == (
        "You are",
        "Strengths — Speed",
        "Opinions — Useful",
    )
    assert (labels["Q1__other_text"], labels["status"]) == ("You are — 'other' specified", "Response status")


def test_a_french_table_gives_french_labels(sav_file):
    labels = pyreadstat.read_sav(sav_file, metadataonly=True)[1].column_names_to_labels
    assert (labels["Q3__cost"], labels["Q1__other_text"]) == (
        "Forces — Gratuité",
        "Vous êtes — « autre » précisé",
    )


def test_a_long_label_is_cut_at_a_word_keeping_the_option_it_is_of():
    text = "Parmi les raisons suivantes, lesquelles vous ont conduit à rejoindre le groupe de discussion"
    label = statfiles.shorten(text, " — Rapidité des réponses", lambda s: len(s) <= 80)
    assert label == "Parmi les raisons suivantes, lesquelles vous ont… — Rapidité des réponses"


def test_stata_labels_fit_in_80_characters(tmp_path):
    long = question("Q1", "single", "Une question " * 20, "A question " * 20, choices=CHOICES)
    path = tmp_path / "long.dta"
    statfiles.dta(table(rows=[], questions=[long]), path)
    label = pyreadstat.read_dta(path, metadataonly=True)[1].column_names_to_labels["Q1"]
    assert label == "Une question " * 5 + "Une question…"  # 78 characters: one more word is 83


# --- values and their labels -----------------------------------------------------------------


@pytest.mark.parametrize("reader", [pyreadstat.read_sav, pyreadstat.read_dta])
def test_a_choice_is_its_position_in_the_questionnaire_labelled_with_its_label(tmp_path, reader):
    path = tmp_path / "f"
    (statfiles.sav if reader is pyreadstat.read_sav else statfiles.dta)(table(), path)
    frame, meta = reader(str(path))
    assert by_id(frame, "Q1") == {"A": 2, "B": 1, "C": 3}
    assert list(meta.variable_value_labels["Q1"].items())[:3] == [(1, "Zèbre"), (2, "Abeille"), (3, "Autre")]
    assert list(meta.variable_value_labels["Q8__clear"].items())[:2] == [(1, "D'accord"), (2, "Pas d'accord")]
    assert meta.variable_value_labels["Q2"][1] == "Zèbre"


def test_a_table_of_labels_is_coded_the_same(tmp_path):
    labelled = [(["Abeille" if c == "a" else c for c in cells], missing) for cells, missing in ROWS]
    path = tmp_path / "labels.sav"
    statfiles.sav(export.Table(COLUMNS, QUESTIONS, iter(labelled), "fr", "2022.1", labels=True), path)
    assert by_id(pyreadstat.read_sav(path)[0], "Q1")["A"] == 2


def test_ticks_status_language_and_test_responses_are_labelled(sav_file):
    frame, meta = pyreadstat.read_sav(sav_file)
    labels = meta.variable_value_labels
    assert (labels["Q3__speed"][0], labels["Q3__speed"][1]) == ("Non cochée", "Cochée")
    assert labels["status"] == {1: "En cours", 2: "Complète"}
    assert labels["language"] == {1: "Français", 2: "Anglais"}  # as a labelled French CSV says
    assert by_id(frame, "status") == {"A": 2, "B": 1, "C": 2}
    assert by_id(frame, "language") == {"A": 1, "B": 2, "C": 1}


def test_the_test_column_is_labelled_when_test_responses_are_included(tmp_path):
    columns = export.columns(QUESTIONS, with_tests=True)
    rows = [
        (cells[:7] + [1] + cells[7:], {i + 1: why for i, why in missing.items()}) for cells, missing in ROWS
    ]
    path = tmp_path / "tests.sav"
    statfiles.sav(table(rows=rows, columns=columns), path)
    frame, meta = pyreadstat.read_sav(path)
    assert meta.variable_value_labels["is_test"] == {0: "Participant", 1: "Réponse de test"}
    assert set(frame["is_test"]) == {1}


def test_scores_and_numbers_keep_their_values(sav_file):
    frame = pyreadstat.read_sav(sav_file)[0]
    assert (by_id(frame, "Q4")["A"], by_id(frame, "Q5")["A"], by_id(frame, "Q6")["A"]) == (10, 2.5, -98)


def test_a_scales_ends_are_labelled_with_its_anchors_when_they_are_known(tmp_path):
    @dataclass(frozen=True)
    class WithAnchors(QuestionInfo):
        scale_min_label: dict | None = None
        scale_max_label: dict | None = None

    info = WithAnchors(
        "Q4",
        "scale",
        {"fr": "Utilité", "en": "Usefulness"},
        scale_min=0,
        scale_max=10,
        scale_min_label={"fr": "Pas du tout utile", "en": "Not at all useful"},
        scale_max_label={"fr": "Très utile", "en": "Very useful"},
    )
    scale = ExportQuestion(info, {}, has_other=False, has_comment=False, condition="")
    path = tmp_path / "scale.sav"
    statfiles.sav(table(rows=[], questions=[scale]), path)
    labels = pyreadstat.read_sav(path, metadataonly=True)[1].variable_value_labels["Q4"]
    assert (labels[0], labels[10]) == ("Pas du tout utile", "Très utile")


def test_a_code_that_is_not_a_choice_is_refused(tmp_path):
    cells, missing = ROWS[0]
    wrong = [cells[:7] + ["retired"] + cells[8:]]
    with pytest.raises(ValueError, match="Q1: 'retired' is not one of its choices"):
        statfiles.sav(table(rows=[(wrong[0], missing)]), tmp_path / "wrong.sav")


def test_every_kinds_columns_have_a_type():
    info = {
        "choices": CHOICES,
        "statements": (("s", {"fr": "S", "en": "S"}),),
        "scale_min": 0,
        "scale_max": 10,
    }
    questions = [question(f"q_{name}", name, "Q", "Q", **info) for name in kinds.KINDS]
    types = {v.name: v.type for v in statfiles.describe(table(rows=[], questions=questions))}
    assert {
        name: types[name] for name in ("q_single", "q_dropdown", "q_multiple__z", "q_grid__s")
    } == dict.fromkeys(("q_single", "q_dropdown", "q_multiple__z", "q_grid__s"), "category")
    assert (types["q_scale"], types["q_number"], types["q_date"], types["q_text"]) == (
        "integer",
        "integer",
        "date",
        "text",
    )


# --- missing answers -------------------------------------------------------------------------


def test_spss_gives_each_reason_its_user_missing_code(sav_file):
    frame, meta = pyreadstat.read_sav(sav_file, user_missing=True)
    assert by_id(frame, "Q4") == {"A": 10, "B": -97, "C": -98}
    assert by_id(frame, "Q2")["B"] == -99 and by_id(frame, "Q3__speed")["C"] == -98
    assert meta.missing_ranges["Q4"] == [{"lo": c, "hi": c} for c in (-97.0, -98.0, -99.0)]
    assert meta.variable_value_labels["Q1"][-97] == MISSING_LABELS[NOT_REACHED]["fr"]


def test_spss_readers_that_apply_user_missing_see_empty_cells(sav_file):
    frame = pyreadstat.read_sav(sav_file)[0]
    assert math.isnan(by_id(frame, "Q4")["B"]) and math.isnan(by_id(frame, "Q4")["C"])


def test_stata_tags_each_reason_with_an_extended_missing_value(dta_file):
    frame, meta = pyreadstat.read_dta(dta_file, user_missing=True)
    assert by_id(frame, "Q4") == {"A": 10, "B": "a", "C": "b"}
    assert by_id(frame, "Q2")["B"] == "c"
    assert meta.variable_value_labels["Q4"] == {
        "a": MISSING_LABELS[NOT_REACHED]["fr"],
        "b": MISSING_LABELS[NOT_SHOWN]["fr"],
        "c": MISSING_LABELS[LEFT_BLANK]["fr"],
    }


def test_a_number_whose_range_reaches_the_codes_stays_system_missing_in_spss(sav_file, dta_file):
    frame, meta = pyreadstat.read_sav(sav_file, user_missing=True)
    assert by_id(frame, "Q6")["A"] == -98 and math.isnan(by_id(frame, "Q6")["C"])
    assert "Q6" not in meta.missing_ranges and "Q5" in meta.missing_ranges
    assert by_id(pyreadstat.read_dta(dta_file, user_missing=True)[0], "Q6")["C"] == "c"


def test_texts_are_left_empty_whatever_the_reason(sav_file, dta_file):
    for frame in (pyreadstat.read_sav(sav_file)[0], pyreadstat.read_dta(dta_file)[0]):
        assert by_id(frame, "Q9") == {"A": "Merci", "B": "", "C": ""}
        assert by_id(frame, "Q1__other_text") == {"A": "", "B": "", "C": "Pédiatre"}


# --- dates, levels, the file -----------------------------------------------------------------


def test_days_are_dates_in_both_files(sav_file, dta_file):
    sav, dta = pyreadstat.read_sav(sav_file)[0], pyreadstat.read_dta(dta_file, user_missing=True)[0]
    assert by_id(sav, "Q7")["A"] == by_id(dta, "Q7")["A"] == dt.date(2021, 11, 25)
    assert by_id(sav, "started_on")["B"] == dt.date(2022, 6, 1)
    assert math.isnan(by_id(sav, "Q7")["C"]) and by_id(dta, "Q7")["C"] == "c"  # no code among SPSS dates
    assert by_id(sav, "completed_on")["B"] is None or math.isnan(by_id(sav, "completed_on")["B"])


def test_spss_measurement_levels(sav_file):
    measure = pyreadstat.read_sav(sav_file, metadataonly=True)[1].variable_measure
    assert [measure[n] for n in ("Q1", "Q3__speed", "Q8__useful", "status", "Q9")] == ["nominal"] * 5
    assert [measure[n] for n in ("Q4", "Q5", "Q7", "duration_minutes")] == ["scale"] * 4


def test_the_files_are_labelled_with_the_survey_and_its_instrument_version(sav_file, dta_file):
    sav, dta = (
        pyreadstat.read_sav(sav_file, metadataonly=True)[1],
        pyreadstat.read_dta(dta_file, metadataonly=True)[1],
    )
    assert dta.file_label == "Réseaux sociaux et formation (instrument 2022.1)"
    assert sav.file_label == "Réseaux sociaux et formation (instrument 2022.1)"
    assert sav.notes[:2] == ["Réseaux sociaux et formation", "Instrument 2022.1"]


def test_the_stata_file_is_format_118(dta_file):
    assert dta_file.read_bytes().startswith(b"<stata_dta><header><release>118</release>")


def test_a_table_without_rows_gives_files_without_rows(tmp_path):
    statfiles.sav(table(rows=[]), tmp_path / "empty.sav")
    statfiles.dta(table(rows=[]), tmp_path / "empty.dta")
    assert pyreadstat.read_sav(tmp_path / "empty.sav")[0].shape == (0, len(NAMES))
    assert pyreadstat.read_dta(tmp_path / "empty.dta")[0].shape == (0, len(NAMES))


# --- names -----------------------------------------------------------------------------------


def test_names_the_format_takes_are_kept():
    assert statfiles.variable_names(["Q1", "Q21__speed"], 29, statfiles.STATA_RESERVED) == [
        "Q1",
        "Q21__speed",
    ]


def test_a_long_name_is_cut_and_ends_with_a_digest_of_the_whole_name():
    long = "Q21__speed_of_responses_from_colleagues"
    (short,) = statfiles.variable_names([long], 29, statfiles.STATA_RESERVED)
    assert short.startswith("Q21__speed_of_response_") and len(short) == 29
    assert statfiles.variable_names(["Q1", long], 29, statfiles.STATA_RESERVED)[1] == short  # its own


def test_a_reserved_or_digit_first_name_takes_a_prefix():
    names = statfiles.variable_names(["to", "2a", "in"], 64, statfiles.SPSS_RESERVED, fold=str.lower)
    assert names == ["v_to", "v_2a", "in"]
    assert statfiles.variable_names(["in"], 29, statfiles.STATA_RESERVED) == ["v_in"]


def test_spss_names_that_differ_only_in_case_are_told_apart():
    first, second = statfiles.variable_names(["Q1", "q1"], 64, statfiles.SPSS_RESERVED, fold=str.lower)
    assert first == "Q1" and second.lower() != "q1" and second.startswith("q1_")


def test_a_stata_variable_renamed_keeps_its_csv_name_in_its_label(tmp_path):
    long = question(
        "Q1", "multiple", "Forces", "Strengths", choices=(("speed_of_responses_overnight", {"fr": "Nuit"}),)
    )
    path = tmp_path / "names.dta"
    statfiles.dta(table(rows=[], questions=[long]), path)
    meta = pyreadstat.read_dta(path, metadataonly=True)[1]
    (name,) = [n for n in meta.column_names if n.startswith("Q1")]
    assert len(name) <= 29
    assert meta.column_names_to_labels[name] == "Q1__speed_of_responses_overnight: Forces — Nuit"


# --- a seeded survey, read back in R with haven ----------------------------------------------

RSCRIPT = shutil.which("Rscript") or "/usr/bin/Rscript"
needs_r = pytest.mark.skipif(not Path(RSCRIPT).exists(), reason="R is not installed (Rscript not found)")
R_READ = r"""
library(haven)
args <- commandArgs(trailingOnly = TRUE)
clean <- function(x) gsub("[\t\n]", " ", x)
out <- function(...) cat(paste(sapply(list(...), clean), collapse = "\t"), "\n", sep = "")
report <- function(file, data, user, tag) {
  for (name in names(data)) {
    x <- data[[name]]
    out(file, name, "label", attr(x, "label", exact = TRUE))
    out(file, name, "class", class(x)[1])
    if (inherits(x, "haven_labelled")) {
      f <- as_factor(tag(x))
      out(file, name, "levels", paste(levels(f), collapse = "|"))
      counts <- table(f)
      for (level in names(counts)) out(file, name, "count", level, counts[[level]])
    }
    if (is.double(x)) for (code in names(user)) out(file, name, "missing", code, user[[code]](x))
  }
}
sav <- read_sav(args[1], user_na = TRUE)
codes <- list(
  not_reached = function(x) sum(unclass(x) == -97, na.rm = TRUE),
  not_shown = function(x) sum(unclass(x) == -98, na.rm = TRUE),
  left_blank = function(x) sum(unclass(x) == -99, na.rm = TRUE)
)
report("sav", sav, codes, zap_missing)
dta <- read_dta(args[2])
tags <- list(
  not_reached = function(x) sum(na_tag(x) %in% "a"),
  not_shown = function(x) sum(na_tag(x) %in% "b"),
  left_blank = function(x) sum(na_tag(x) %in% "c")
)
report("dta", dta, tags, zap_missing)
"""


def read_in_r(tmp_path, sav_path, dta_path) -> dict:
    """What haven reads of the two files: {(file, variable, what): value or {key: value}}."""
    script = tmp_path / "read.R"
    script.write_text(R_READ, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own script on our own files
        [RSCRIPT, str(script), str(sav_path), str(dta_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict = {}
    for line in done.stdout.splitlines():
        file, name, what, *rest = line.split("\t")
        if len(rest) == 2:
            result.setdefault((file, name, what), {})[rest[0]] = rest[1]
        else:
            result[(file, name, what)] = rest[0] if rest else ""
    return result


@dataclass
class ReadInR:
    read: dict  # what haven read, see ``read_in_r``
    csv: list[dict]  # the CSV's rows
    reasons: Counter  # (column, reason) -> how many of the column's cells are missing for it
    questions: list[ExportQuestion]

    def columns(self, *sources):
        for q in self.questions:
            for column in q.info.kind_module.export_columns(q.info):
                if column.source in sources:
                    yield q.info, column.name

    def csv_counts(self, name) -> Counter:
        return Counter(row[name] for row in self.csv)


@pytest.fixture
def haven(survey, tmp_path):
    """A seeded survey's two files, read back in R; its CSV, and the reasons of its table."""
    from surveys.seeding import seed_responses

    seed_responses(survey, 60, seed=7)
    sav_path, dta_path = tmp_path / "responses.sav", tmp_path / "responses.dta"
    statfiles.sav(downloads.responses_table(survey), sav_path, title=survey.slug)
    statfiles.dta(downloads.responses_table(survey), dta_path, title=survey.slug)
    assert dta_path.read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    data = b"".join(downloads.responses_csv(survey, export.Options())).decode()
    table = downloads.responses_table(survey)
    reasons = Counter(
        (table.columns[index].name, why) for _cells, missing in table.rows for index, why in missing.items()
    )
    return ReadInR(
        read_in_r(tmp_path, sav_path, dta_path),
        list(csv.DictReader(io.StringIO(data))),
        reasons,
        table.questions,
    )


@needs_r
@pytest.mark.django_db
def test_haven_reads_the_question_texts_as_variable_labels(haven):
    for info, name in haven.columns("choice", "ticked", "score", "text"):
        for file in ("sav", "dta"):
            assert haven.read[(file, name, "label")].startswith(info.text["fr"][:20]), (file, name)
    label = "Selon vous, quels sont les points forts du groupe ? — La diversité des spécialités"
    assert haven.read[("sav", "Q21__diversity_of_specialties", "label")] == label
    cut = "Selon vous, quels sont les points forts du… — La diversité des spécialités"  # 82 > 80
    assert haven.read[("dta", "Q21__diversity_of_specialties", "label")] == cut
    assert haven.read[("dta", "status", "label")] == "Statut de la réponse"


@needs_r
@pytest.mark.django_db
def test_haven_lists_the_choices_in_questionnaire_order(haven):
    reasons = [MISSING_LABELS[why]["fr"] for why in (LEFT_BLANK, NOT_SHOWN, NOT_REACHED)]  # -99, -98, -97
    for info, name in haven.columns("choice"):
        choices = [label["fr"] for _code, label in info.choices]
        assert haven.read[("dta", name, "levels")] == "|".join(choices)  # as_factor(zap_missing(x))
        assert haven.read[("sav", name, "levels")] == "|".join(reasons + choices)  # their codes come first
    assert haven.read[("dta", "status", "levels")] == "En cours|Complète"


@needs_r
@pytest.mark.django_db
def test_haven_counts_each_choice_and_tick_as_the_csv_does(haven):
    for info, name in haven.columns("choice"):
        cells = haven.csv_counts(name)
        expected = {label["fr"]: str(cells[code]) for code, label in info.choices}
        for file in ("sav", "dta"):
            counts = haven.read[(file, name, "count")]
            assert {level: n for level, n in counts.items() if level in expected} == expected, (file, name)
    for _info, name in haven.columns("ticked"):
        cells = haven.csv_counts(name)
        assert haven.read[("dta", name, "count")] == {
            "Non cochée": str(cells["0"]),
            "Cochée": str(cells["1"]),
        }
    statuses = haven.csv_counts("status")
    expected = {"En cours": str(statuses["in_progress"]), "Complète": str(statuses["complete"])}
    assert haven.read[("sav", "status", "count")] == expected


@needs_r
@pytest.mark.django_db
def test_haven_counts_each_reason_for_a_missing_answer(haven):
    whys = (NOT_REACHED, NOT_SHOWN, LEFT_BLANK)
    assert {why for _name, why in haven.reasons} == set(whys)  # the seeded survey has all three
    for _info, name in haven.columns("choice", "ticked", "score"):
        for file in ("sav", "dta"):  # SPSS: -97 / -98 / -99; Stata: .a / .b / .c
            counts = haven.read[(file, name, "missing")]
            assert {why: int(counts[why]) for why in whys} == {
                why: haven.reasons[(name, why)] for why in whys
            }
        assert haven.csv_counts(name)[""] == sum(
            haven.reasons[(name, why)] for why in whys
        )  # every empty cell


@needs_r
@pytest.mark.django_db
def test_haven_reads_days_as_dates_and_texts_as_strings(haven):
    for file in ("sav", "dta"):
        assert (
            haven.read[(file, "started_on", "class")] == haven.read[(file, "completed_on", "class")] == "Date"
        )
        assert haven.read[(file, "Q27", "class")] == haven.read[(file, "response_id", "class")] == "character"
