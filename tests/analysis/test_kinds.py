"""Every kind of question through the analyses: each kind module gives every analysis part, and a
survey with every kind (a dropdown, whole and decimal numbers, a date, a grid, a scale, a multiple
choice, a text and a note) is exported, described, summarized, drawn and shown on the dashboard.

The statistics are checked against values computed independently, with the statistics module.
"""

import csv
import datetime as dt
import inspect
import io
import json
import re
import statistics
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from matplotlib.container import BarContainer

from analysis import downloads, figures, report
from analysis.export import Options
from analysis.queries import Filters
from surveys import kinds
from surveys.instrument import parse_data
from surveys.kinds.base import ANALYSIS_PARTS, Kind
from surveys.services import instrument_load, page_save, response_start
from surveys.values import AnswerValue as A

ROOT = Path(__file__).resolve().parents[2]
SLUG = "cme-needs-analysis"
INSTRUMENT = {
    "slug": SLUG,
    "version": "2027.1",
    "status": "open",
    "title": {"fr": "Besoins de formation", "en": "Training needs"},
    "pages": [
        {
            "title": {"fr": "Vous", "en": "You"},
            "questions": [
                {
                    "code": "intro",
                    "kind": "note",
                    "text": {"fr": "Quelques questions.", "en": "A few questions."},
                },
                {
                    "code": "specialty",
                    "kind": "dropdown",
                    "text": {"fr": "Votre spécialité", "en": "Your specialty"},
                    "choices": [
                        {"code": "gp", "fr": "Médecine générale", "en": "General practice"},
                        {"code": "cardio", "fr": "Cardiologie", "en": "Cardiology"},
                        {"code": "other", "fr": "Autre", "en": "Other", "other": True},
                    ],
                },
                {
                    "code": "years",
                    "kind": "number",
                    "comment": True,
                    "text": {"fr": "Années d'exercice", "en": "Years in practice"},
                    "number": {"min": 0, "max": 60, "unit": {"fr": "ans", "en": "years"}},
                },
                {
                    "code": "hours",
                    "kind": "number",
                    "required": False,
                    "text": {"fr": "Heures de formation par mois", "en": "Hours of training a month"},
                    "number": {"min": 0, "max": 200, "decimals": 1},
                },
                {
                    "code": "formats",
                    "kind": "multiple",
                    "text": {"fr": "Formats suivis", "en": "Formats followed"},
                    "choices": [
                        {"code": "webinar", "fr": "Webinaires", "en": "Webinars"},
                        {"code": "congress", "fr": "Congrès", "en": "Congresses"},
                        {"code": "none", "fr": "Aucun", "en": "None", "exclusive": True},
                    ],
                },
            ],
        },
        {
            "title": {"fr": "Votre dernière formation", "en": "Your last course"},
            "questions": [
                {
                    "code": "last",
                    "kind": "date",
                    "text": {"fr": "Date de la dernière formation", "en": "Date of the last course"},
                    "date": {"min": "2000-01-01", "max": "2027-12-31"},
                },
                {
                    "code": "opinion",
                    "kind": "grid",
                    "required": False,
                    "text": {"fr": "Votre avis", "en": "Your opinion"},
                    "statements": [
                        {"code": "useful", "fr": "Utile", "en": "Useful"},
                        {"code": "long", "fr": "Trop longue", "en": "Too long"},
                    ],
                    "choices": [
                        {"code": "1", "fr": "Pas d'accord", "en": "Disagree"},
                        {"code": "2", "fr": "Neutre", "en": "Neutral"},
                        {"code": "3", "fr": "D'accord", "en": "Agree"},
                    ],
                },
                {
                    "code": "rating",
                    "kind": "scale",
                    "text": {"fr": "Note globale", "en": "Overall rating"},
                    "scale": {"min": 0, "max": 10},
                },
                {
                    "code": "why",
                    "kind": "text",
                    "required": False,
                    "text": {"fr": "Pourquoi ?", "en": "Why?"},
                },
            ],
        },
    ],
}

# Six participants: what each gave, page by page (None: the question left unanswered).
YEARS = [12, 3, 30, 12, 7, 25]
HOURS = ["2.5", "0", "10.5", "1", None, "4"]
LAST = ["2019-03-15", "2022-11-02", "2022-11-30", "2023-01-10", "2021-06-01", "2022-11-15"]
SPECIALTY = ["gp", "gp", "cardio", "gp", "cardio", "other"]
OPINION = [
    {"useful": "3", "long": "1"},
    {"useful": "3", "long": "2"},
    {"useful": "2", "long": "1"},
    {"useful": "3"},
    {"useful": "1", "long": "3"},
    {},
]
RATING = [9, 8, 4, 10, 6, 7]


def answers(i: int) -> dict[int, dict[str, A]]:
    first = {
        "specialty": A(choice=SPECIALTY[i], other_text="Gériatrie" if SPECIALTY[i] == "other" else ""),
        "years": A(number=Decimal(YEARS[i]), comment="Remplaçant" if i == 1 else ""),
        "formats": A(choices=("webinar", "congress") if i % 2 else ("webinar",)),
    }
    if HOURS[i] is not None:
        first["hours"] = A(number=Decimal(HOURS[i]))
    second = {"last": A(date=dt.date.fromisoformat(LAST[i])), "rating": A(score=RATING[i])}
    if OPINION[i]:
        second["opinion"] = A(rows=OPINION[i])
    if i == 0:
        second["why"] = A(text="=Trop loin")
    return {1: first, 2: second}


@pytest.fixture
def needs(db):
    """The survey with every kind, and its six participants."""
    survey = instrument_load(spec=parse_data(INSTRUMENT)).survey
    for i in range(len(YEARS)):
        moment = dt.datetime(2027, 2, 1 + i, 10, tzinfo=dt.UTC)
        response, _ = response_start(survey=survey, language="fr", now=moment)
        for position, values in answers(i).items():
            page_save(response=response, page_position=position, values=values, language="fr", now=moment)
    return survey


def results(survey) -> dict:
    return {r.info.code: r for r in report.question_results(report.Context.load(survey))}


# --- every kind, every part ------------------------------------------------------------------


def test_every_kind_has_every_analysis_part_of_its_own():
    assert len(ANALYSIS_PARTS) == len(set(ANALYSIS_PARTS)) >= 8
    for name, kind in kinds.KINDS.items():
        for part in ANALYSIS_PARTS:
            implemented = getattr(type(kind), part)
            assert implemented is not getattr(Kind, part), f"{name} lacks {part}"
            assert callable(implemented) and not inspect.isabstract(implemented)


def test_the_abstract_kind_has_none_of_them():
    for part in ANALYSIS_PARTS:
        with pytest.raises(NotImplementedError):
            getattr(Kind(), part)(*([None] * (len(inspect.signature(getattr(Kind, part)).parameters) - 1)))


def test_no_module_of_the_analyses_tests_a_kinds_name():
    """What ``grep -rn 'kind ==' analysis templates/analysis`` would find, and a kind's name next
    to the word kind in the code (``kinds.KINDS``: "text", "number" and "date" are also the names
    of answer fields; "scale" is also SPSS's measurement level, "single" a Word border, "note" a
    key of the plan)."""
    branching = re.compile(r"\bkind\s*(==|!=|in\b|not in\b)")
    quoted = re.compile(r'kind.*["\'](single|multiple|scale|dropdown|grid|note)["\']', re.IGNORECASE)
    files = [*(ROOT / "analysis").rglob("*.py"), *(ROOT / "templates" / "analysis").rglob("*.html")]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if branching.search(line) or (path.suffix == ".py" and quoted.search(line))
    ]
    assert found == []


# --- statistics ------------------------------------------------------------------------------


def test_a_whole_number_has_the_statistics_the_statistics_module_gives(needs):
    summary = results(needs)["years"].summary
    q1, _median, q3 = statistics.quantiles(YEARS, n=4, method="inclusive")  # R's type 7
    assert summary.n == 6
    assert summary.mean == pytest.approx(statistics.mean(YEARS))
    assert summary.sd == pytest.approx(statistics.stdev(YEARS))
    assert summary.median == pytest.approx(statistics.median(YEARS))
    assert (summary.q1, summary.q3) == (pytest.approx(q1), pytest.approx(q3))
    assert (summary.min, summary.max) == (Decimal(3), Decimal(30))
    # 3 to 30 spans more than 20 values: bins of 10 (Sturges' 5 bins of at least 27 / 5).
    assert [(b.label, b.count) for b in summary.bins] == [
        ("0-9", 2),
        ("10-19", 2),
        ("20-29", 1),
        ("30-39", 1),
    ]


def test_a_decimal_number_has_the_statistics_the_statistics_module_gives(needs):
    given = [Decimal(h) for h in HOURS if h is not None]
    summary = results(needs)["hours"].summary
    q1, _median, q3 = statistics.quantiles([float(h) for h in given], n=4, method="inclusive")
    assert summary.n == 5
    assert summary.mean == pytest.approx(float(statistics.mean(given)))
    assert summary.sd == pytest.approx(float(statistics.stdev(given)))
    assert summary.median == pytest.approx(float(statistics.median(given)))
    assert (summary.q1, summary.q3) == (pytest.approx(q1), pytest.approx(q3))
    assert (summary.min, summary.max) == (Decimal(0), Decimal("10.5"))
    # 0 to 10.5 in 5 bins: a width of 2.5; 2.5 starts the second bin.
    assert [(b.label, b.count) for b in summary.bins] == [
        ("0-2.5", 2),
        ("2.5-5", 2),
        ("5-7.5", 0),
        ("7.5-10", 0),
        ("10-12.5", 1),
    ]


def test_a_date_has_its_first_last_and_median_day_and_its_months(needs):
    days = [dt.date.fromisoformat(d) for d in LAST]
    summary = results(needs)["last"].summary
    assert (summary.n, summary.first, summary.last) == (6, min(days), max(days))
    assert summary.median == statistics.median_low(days)
    assert summary.months[0].code == "2019-03" and summary.months[-1].code == "2023-01"
    assert len(summary.months) == 12 * 3 + 11  # every month between, empty ones too
    by_month = {m.code: m.count for m in summary.months}
    assert (by_month["2022-11"], by_month["2021-06"], by_month["2020-01"]) == (3, 1, 0)
    assert sum(by_month.values()) == 6


def test_a_grid_has_a_choice_summary_per_statement(needs):
    summary = results(needs)["opinion"].summary
    assert summary.n == 5  # the sixth answered no statement
    useful, long = summary.statements
    assert useful.code == "useful" and long.code == "long"
    assert [(r.code, r.count) for r in useful.summary.rows] == [("1", 1), ("2", 1), ("3", 3)]
    assert useful.summary.n == 5 and useful.summary.rows[2].percent == 60.0
    assert [(r.code, r.count) for r in long.summary.rows] == [("1", 2), ("2", 1), ("3", 1)]
    assert long.summary.n == 4


def test_a_dropdown_is_summarized_as_a_single_choice_with_its_other_texts(needs):
    summary = results(needs)["specialty"].summary
    assert [(r.code, r.count) for r in summary.rows] == [("gp", 3), ("cardio", 2), ("other", 1)]
    assert summary.n == 6 and summary.other_texts == ["Gériatrie"]


def test_a_note_has_no_result(needs):
    found = results(needs)
    assert "intro" not in found
    assert list(found) == ["specialty", "years", "hours", "formats", "last", "opinion", "rating", "why"]
    assert found["years"].comments.texts == ["Remplaçant"]


def test_a_dropdown_is_offered_by_the_cross_tabulation(needs):
    ctx = report.Context.load(needs)
    assert [v.code for v in report.crosstab_variables(ctx)] == ["specialty"]
    assert report.crosstab(ctx, "specialty", "specialty").n == 6


# --- export and codebook ---------------------------------------------------------------------


def export(survey, **options) -> list[dict]:
    data = b"".join(downloads.responses_csv(survey, Options(**options), Filters()))
    delimiter = ";" if options.get("excel_fr") else ","
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_each_kind_has_its_columns(needs):
    header = list(export(needs)[0])
    assert header[7:] == [
        "specialty",
        "specialty__other_text",
        "years",
        "years__comment",
        "hours",
        "formats__webinar",
        "formats__congress",
        "formats__none",
        "last",
        "opinion__useful",
        "opinion__long",
        "rating",
        "why",
    ]


def by_years(rows, years: int, hours: str | None = None) -> dict:
    return next(r for r in rows if r["years"] == str(years) and (hours is None or r["hours"] == hours))


def test_numbers_are_written_exactly_and_days_in_iso(needs):
    rows = export(needs)
    first = by_years(rows, 12, "2.5")
    assert (first["years"], first["hours"], first["last"]) == ("12", "2.5", "2019-03-15")
    assert by_years(rows, 30)["hours"] == "10.5"
    assert by_years(rows, 25)["hours"] == "4"  # not 4.0, nor 4.000000
    assert by_years(rows, 7)["hours"] == ""  # not answered
    assert by_years(rows, 3)["years__comment"] == "Remplaçant"


def test_the_french_excel_variant_writes_a_decimal_comma(needs):
    rows = export(needs, excel_fr=True)
    assert by_years(rows, 12, "2,5")["hours"] == "2,5"
    assert by_years(rows, 30)["hours"] == "10,5"
    assert by_years(rows, 12, "2,5")["last"] == "2019-03-15"


def test_a_grid_has_a_column_per_statement_and_a_dropdown_one_column(needs):
    rows = export(needs)
    first = by_years(rows, 12, "2.5")
    assert (first["specialty"], first["opinion__useful"], first["opinion__long"]) == ("gp", "3", "1")
    assert by_years(rows, 12, "1")["opinion__long"] == ""  # that statement left unanswered
    assert by_years(rows, 25)["opinion__useful"] == ""  # no statement answered
    assert by_years(rows, 25)["specialty__other_text"] == "Gériatrie"
    assert first["why"] == "=Trop loin"  # as typed in the plain CSV (inert in the French Excel one)
    labelled = by_years(export(needs, labels="fr"), 12, "2.5")
    assert (labelled["specialty"], labelled["opinion__useful"]) == ("Médecine générale", "D'accord")
    assert by_years(export(needs, labels="en"), 30)["opinion__useful"] == "Neutral"


def test_a_grids_comment_is_exported_whichever_statement_keeps_it(db):
    data = json.loads(json.dumps(INSTRUMENT))
    grid = data["pages"][1]["questions"][1]
    grid["comment"] = True
    survey = instrument_load(spec=parse_data(data)).survey
    response, _ = response_start(survey=survey, language="fr")
    for rows, comment in (({"long": "2"}, ""), ({"useful": "1", "long": "2"}, "Bof")):
        page_save(
            response=response,
            page_position=2,
            values={"opinion": A(rows=rows, comment=comment)},
            language="fr",
            advance=False,
        )
    (row,) = export(survey)
    assert (row["opinion__useful"], row["opinion__long"], row["opinion__comment"]) == ("1", "2", "Bof")
    assert codebook_of(survey)["opinion__comment"]["non_empty"] == "1"


def test_the_export_reads_the_same_queries_per_chunk_with_every_kind(needs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    export(needs)  # the layout, now in memory
    with CaptureQueriesContext(connection) as ctx:
        export(needs)
    assert len(ctx.captured_queries) == 1 + 3 + 1  # the test lookup, one chunk, the empty chunk


def codebook_of(survey) -> dict[str, dict[str, str]]:
    """The codebook's rows by variable, each as {column of the header: cell}."""
    from analysis.codebook import HEADER

    return {row[0]: dict(zip(HEADER, row, strict=True)) for row in downloads.codebook(survey)}


def test_the_codebook_describes_each_kind(needs):
    book = codebook_of(needs)

    def cells(name, *columns):
        return [book[name][column] for column in columns]

    assert cells("specialty", "kind", "type", "values_fr") == [
        "dropdown",
        "string",
        "gp = Médecine générale | cardio = Cardiologie | other = Autre",
    ]
    assert cells("years", "kind", "type", "minimum", "maximum", "decimals", "unit_fr", "unit_en") == [
        "number",
        "integer",
        "0",
        "60",
        "0",
        "ans",
        "years",
    ]
    assert cells("hours", "type", "minimum", "maximum", "decimals") == ["number", "0", "200", "1"]
    assert cells("last", "kind", "type", "minimum", "maximum") == ["date", "date", "2000-01-01", "2027-12-31"]
    assert cells("opinion__useful", "text_fr", "text_en", "kind", "part", "option", "values_fr") == [
        "Votre avis — Utile",
        "Your opinion — Useful",
        "grid",
        "statement",
        "useful",
        "1 = Pas d'accord | 2 = Neutre | 3 = D'accord",
    ]
    assert book["opinion__long"]["question"] == "opinion"
    assert "intro" not in book
    # How many cells are not empty, statement by statement.
    assert [
        book[name]["non_empty"] for name in ("years", "hours", "last", "opinion__useful", "opinion__long")
    ] == [
        "6",
        "5",
        "6",
        "5",
        "4",
    ]
    assert (book["years__comment"]["non_empty"], book["specialty__other_text"]["non_empty"]) == ("1", "1")


# --- charts, the dashboard and the JSON -------------------------------------------------------


def chart(survey, name, language="fr"):
    return figures.build(report.Context.load(survey), name, language)


def test_a_number_is_drawn_as_a_histogram(needs):
    (ax,) = chart(needs, "question-years").axes
    assert [p.get_height() for p in ax.patches] == [2, 2, 1, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0-9", "10-19", "20-29", "30-39"]
    assert ax.get_xlabel() == "ans" and chart(needs, "question-years", "en").axes[0].get_xlabel() == "years"
    (ax,) = chart(needs, "question-hours").axes
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["0-2,5", "2,5-5"]


def test_a_date_is_drawn_as_a_bar_per_month(needs):
    (ax,) = chart(needs, "question-last").axes
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 47 and sum(heights) == 6
    # 47 months: one every six named under its bar, as many as fit in a row.
    ticks = dict(zip([t.get_text() for t in ax.get_xticklabels()], ax.get_xticks(), strict=True))
    assert len(ticks) == 8 and list(ticks)[:2] == ["2019-03", "2019-09"]
    assert heights[int(ticks["2022-09"]) + 2] == 3 and heights[int(ticks["2019-03"])] == 1  # 2022-11


def test_a_grid_is_drawn_as_a_stacked_bar_per_statement(needs):
    fig = chart(needs, "question-opinion")
    (ax,) = fig.axes
    parts = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(parts) == 3  # one per choice, each a bar per statement
    widths = [[round(bar.get_width(), 6) for bar in part] for part in parts]
    # Statements top to bottom: useful (1 / 5, 1 / 5, 3 / 5), long (2 / 4, 1 / 4, 1 / 4).
    assert widths == [[20.0, 50.0], [20.0, 25.0], [60.0, 25.0]]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Pas d'accord", "Neutre", "D'accord"]


def test_a_dropdown_is_drawn_as_a_bar_per_choice_and_a_text_not_at_all(needs):
    (ax,) = chart(needs, "question-specialty", "en").axes
    assert [round(p.get_width(), 4) for p in ax.patches] == [50.0, 33.3333, 16.6667]
    assert chart(needs, "question-why") is None and chart(needs, "question-intro") is None
    assert chart(needs, "scales-page-2") is not None


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("inv", password="pw", is_staff=True))
    return client


def test_the_results_page_shows_every_kind(staff, needs):
    page = staff.get(reverse("analysis:results", kwargs={"slug": SLUG})).content.decode()
    positions = [
        page.index(f'id="{code}"') for code in ("specialty", "years", "last", "opinion", "rating", "why")
    ]
    assert positions == sorted(positions) and 'id="intro"' not in page
    for code in ("specialty", "years", "hours", "last", "opinion"):
        assert f"charts/question-{code}.svg" in page
    assert "charts/scales-page-2.svg" in page
    assert 'data-summary="number"' in page and 'data-summary="date"' in page
    years = page[page.index('id="years"') : page.index('id="hours"')]
    assert "14,83" in years and "ans" in years  # the mean, with a French decimal comma; the unit
    last = page[page.index('id="last"') : page.index('id="opinion"')]
    assert "2019-03-15" in last and "2023-01-10" in last
    grid = page[page.index('id="opinion"') : page.index('id="rating"')]
    assert "Trop longue" in grid and "D&#x27;accord" in grid and "(60,0\u00a0%)" in grid


@pytest.mark.parametrize("name", ["question-years", "question-hours", "question-last", "question-opinion"])
def test_the_new_charts_render(staff, needs, name):
    reply = staff.get(reverse("analysis:chart", kwargs={"slug": SLUG, "name": name, "fmt": "svg"}))
    assert reply.status_code == 200 and reply.content.startswith(b"<?xml")


def test_the_json_has_each_kinds_figures(needs):
    out = StringIO()
    call_command("analyze", SLUG, "--json", stdout=out)
    questions = json.loads(out.getvalue())["questions"]
    assert list(questions) == ["specialty", "years", "hours", "formats", "last", "opinion", "rating", "why"]
    years = questions["years"]
    assert years["kind"] == "number" and years["n"] == 6
    assert years["mean"] == round(statistics.mean(YEARS), 4) and years["min"] == 3 and years["max"] == 30
    assert years["histogram"][0] == {"start": 0.0, "end": 10.0, "count": 2, "percent": 33.3333}
    assert years["comments"] == ["Remplaçant"]
    assert (
        questions["last"]["median"] == "2022-11-02" and questions["last"]["months"]["2022-11"]["count"] == 3
    )
    assert questions["opinion"]["statements"]["long"]["choices"]["1"] == {"count": 2, "percent": 50.0}
    assert questions["specialty"]["kind"] == "dropdown" and questions["specialty"]["other_texts"] == [
        "Gériatrie"
    ]


def test_the_readable_summary_gives_each_kinds_headline(needs):
    out = StringIO()
    call_command("analyze", SLUG, stdout=out)
    lines = out.getvalue().splitlines()
    assert "years (n=6): mean 14.8333, median 12.0" in lines
    assert "last (n=6): 2019-03-15 to 2023-01-10, median 2022-11-02" in lines
    assert "opinion (n=5, grid)" in lines
