"""Table 1 and the results section as a paper prints them: Holm, the formats, and every number
of the Word documents and the CSV read back and compared with ``analyze --json``'s."""

import csv
import datetime as dt
import io
import re

import docx
import pytest
from django.utils import translation

from analysis import paper, paper_docx, report, results_section, serialize
from analysis.queries import Filters
from surveys.seeding import seed_responses

# R 4.2: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.0001, 0.04, 0.9), "holm")
P = [0.01, 0.04, 0.03, 0.005, 0.2, 0.0001, 0.04, 0.9]
R_HOLM = [0.0600, 0.1600, 0.1500, 0.0350, 0.4000, 0.0008, 0.1600, 0.9000]


def test_it_adjusts_p_values_as_r_p_adjust_holm():
    assert paper.holm(P) == pytest.approx(R_HOLM, rel=1e-12)


def test_it_leaves_untested_comparisons_out_of_holm():
    assert paper.holm([0.01, None, 0.04]) == [pytest.approx(0.02), None, pytest.approx(0.04)]


@pytest.mark.parametrize(
    ("language", "p", "text"),
    [("en", 0.0004, "< 0.001"), ("en", 0.0123, "0.012"), ("fr", 0.0004, "< 0,001"), ("fr", 0.0123, "0,012")],
)
def test_it_prints_p_as_papers_do(language, p, text):
    with translation.override(language):
        assert paper.p_value(p) == text


def test_it_prints_percentages_with_the_language_s_decimal_mark():
    with translation.override("fr"):
        assert paper.percent(68.2349) == "68,2 %"
    with translation.override("en"):
        assert paper.percent(68.2349) == "68.2 %"


def test_it_rounds_half_up_as_the_dashboard_does():
    with translation.override("en"):
        assert (paper.percent(12.25), paper.percent(8.75)) == ("12.3 %", "8.8 %")


# -- from the database ---------------------------------------------------------------------


@pytest.fixture
def cohort(survey):
    seed_responses(survey, 80, seed=7)
    return survey


def _number(text: str) -> float:
    return float(text.replace(",", ".").removesuffix(" %").removesuffix("%").strip())


def _check_p(text: str, p: float):
    text = text.split("\n")[0].removesuffix(" †")
    if text.startswith("<"):
        assert p < 0.001
    else:
        assert _number(text) == pytest.approx(p, abs=0.0005)


def _table1_document(ctx, language, safe=False, adjusted=False):
    with translation.override(language):
        block = paper.table1(report.subgroup_table(ctx), language, safe, ctx.filters, adjusted)
        return docx.Document(io.BytesIO(paper_docx.write([block], landscape=True)))


def _check_table1(table, full: dict, ctx, language: str, adjusted: bool = False):
    """Every cell of Table 1 in Word equals ``analyze --json``'s figure."""
    body = table.rows[2:]
    assert len(body) == len(full["subgroups"])
    for line, expected in zip(body, full["subgroups"], strict=True):
        cells = [c.text for c in line.cells]
        outcome = next(o for o in ctx.plan.outcomes if o.code == expected["outcome"])
        assert cells[0] == outcome.label[language]
        i = 1
        for grouping in ctx.plan.groupings:
            comparison = expected["groupings"][grouping.code]
            for group in grouping.category_codes:
                figures = comparison["groups"][group]
                share, counts = cells[i].split("\n")
                if figures["percent"] is None:
                    assert share == "–"
                else:
                    assert _number(share) == pytest.approx(figures["percent"], abs=0.0501)
                assert counts == f"{figures['positive']}/{figures['n']}"
                i += 1
            _check_p(cells[i], comparison["p_value"])
            i += 2 if adjusted else 1
        assert i == len(cells)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_table_1_in_word_holds_the_dashboard_s_numbers(cohort, language):
    ctx = report.Context.load(cohort)
    document = _table1_document(ctx, language)
    _check_table1(document.tables[0], serialize.full_report(ctx), ctx, language)


@pytest.mark.django_db
def test_table_1_s_caption_is_above_it_and_its_footnotes_below(cohort):
    document = _table1_document(report.Context.load(cohort), "en")
    body = [child.tag.rsplit("}", 1)[1] for child in document.element.body]
    assert body[:2] == ["p", "tbl"]
    assert document.paragraphs[0].text == "Table 1. Subgroup analysis of responses to items"
    notes = " ".join(p.text for p in document.paragraphs[1:])
    assert "36 tests were run (12 outcomes x 3 groupings)" in notes
    assert "Yates' continuity correction on 2 x 2 tables" in notes and "Fisher's exact test" in notes
    assert "Filters: all participants, complete or not; test responses (pilot runs) left out." in notes


@pytest.mark.django_db
def test_table_1_s_holm_column_adjusts_all_its_tests(cohort):
    ctx = report.Context.load(cohort)
    rows = report.subgroup_table(ctx)
    document = _table1_document(ctx, "en", adjusted=True)
    full = serialize.full_report(ctx)
    _check_table1(document.tables[0], full, ctx, "en", adjusted=True)
    holm = paper.holm(paper.table1_p_values(rows))
    groups = [len(g.categories) for g in ctx.plan.groupings]
    columns = [1 + sum(groups[:k]) + 2 * k + groups[k] + 1 for k in range(len(groups))]
    shown = [document.tables[0].rows[2 + r].cells[c].text for r in range(len(rows)) for c in columns]
    with translation.override("en"):
        assert shown == [paper.p_value(p) for p in holm]
    assert document.tables[0].rows[1].cells[columns[0]].text == "p (Holm)"


@pytest.mark.django_db
def test_the_publication_safe_switch_masks_small_counts_in_table_1(dataset):
    document = _table1_document(report.Context.load(dataset), "en", safe=True)
    texts = [c.text for row in document.tables[0].rows[2:] for c in row.cells[1:]]
    assert any("<5" in t for t in texts)
    assert not any(re.search(r"(^|\D)[1-4]/|/[1-4]$", t) for t in texts)
    assert "counts from 1 to 4 are shown as <5" in " ".join(p.text for p in document.paragraphs)


@pytest.mark.django_db
def test_table_1_in_csv_holds_the_dashboard_s_numbers(cohort):
    ctx = report.Context.load(cohort)
    with translation.override("fr"):
        text = paper.table1_csv(report.subgroup_table(ctx), "fr", False, ctx.filters, adjusted=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    full = serialize.full_report(ctx)
    header, body = lines[0], lines[1 : 1 + len(full["subgroups"])]
    for line, expected in zip(body, full["subgroups"], strict=True):
        cells = dict(zip(header, line, strict=True))
        for grouping in ctx.plan.groupings:
            name = grouping.label["fr"]
            comparison = expected["groupings"][grouping.code]
            for category in grouping.categories:
                figures = comparison["groups"][category.code]
                group = f"{name}: {category.label['fr']}"
                assert cells[f"{group} (n)"] == str(figures["n"])
                if figures["percent"] is not None:
                    assert _number(cells[f"{group} (%)"]) == pytest.approx(figures["percent"], abs=0.0501)
            _check_p(cells[f"{name}: p"], comparison["p_value"])
    assert lines[1 + len(body)] == []
    assert any("36" in note[0] for note in lines[2 + len(body) :])


# -- the results section -------------------------------------------------------------------


def _report_document(ctx, language, safe=False):
    with translation.override(language):
        blocks = results_section.blocks(results_section.Section.load(ctx), language, safe)
        return docx.Document(io.BytesIO(paper_docx.write(blocks))), blocks


def _paragraph_after(document, heading: str) -> str:
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index(heading) + 1]


@pytest.mark.django_db
@pytest.mark.parametrize("filters", [Filters(), Filters(complete_only=True, end=dt.date(2022, 6, 30))])
def test_the_report_s_participation_is_the_dashboard_s(cohort, filters):
    ctx = report.Context.load(cohort, filters)
    full = serialize.full_report(ctx)
    document, _blocks = _report_document(ctx, "en")
    text = _paragraph_after(document, "Participation")
    first, last = full["per_day"][0]["date"], full["per_day"][-1]["date"]
    with translation.override("en"):
        assert (
            paper.day(dt.date.fromisoformat(first)) in text and paper.day(dt.date.fromisoformat(last)) in text
        )
    assert f"{full['participants']} participants answered at least one question" in text
    assert f"{full['complete']} completed the questionnaire in full" in text
    rate = re.search(r"completion rate of ([\d.]+) %", text).group(1)
    assert float(rate) == pytest.approx(full["completion_rate"], abs=0.0501)
    if filters.complete_only:
        assert "complete responses only" in text


@pytest.mark.django_db
def test_the_report_describes_the_sample_with_the_dashboard_s_counts(cohort):
    ctx = report.Context.load(cohort)
    full = serialize.full_report(ctx)
    document, _blocks = _report_document(ctx, "fr")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Caractéristique")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    i = 0
    for code in [f"Q{n}" for n in range(1, 9)]:
        question = full["questions"][code]
        assert rows[i][0].startswith(f"{code}. ") and rows[i][1] == str(question["n"])
        i += 1
        for choice, figures in question["choices"].items():
            assert rows[i][0] == ctx.questions[code].choice_labels[choice]["fr"]
            assert rows[i][1] == str(figures["count"])
            assert _number(rows[i][2]) == pytest.approx(figures["percent"], abs=0.0501)
            i += 1
    assert i == len(rows)


@pytest.mark.django_db
def test_the_report_s_table_1_is_the_dashboard_s(cohort):
    ctx = report.Context.load(cohort, Filters(complete_only=True))
    document, _blocks = _report_document(ctx, "en")
    table = next(t for t in document.tables if t.rows[1].cells[0].text == "Outcome")
    _check_table1(table, serialize.full_report(ctx), ctx, "en")


@pytest.mark.django_db
def test_the_report_numbers_the_paper_s_figures_and_tables(cohort):
    _document, blocks = _report_document(report.Context.load(cohort), "en")
    figures = [b for b in blocks if isinstance(b, paper.Figure)]
    assert [f.caption.split(".")[0] for f in figures] == [f"Figure {n}" for n in range(1, 6)]
    assert figures[0].charts == [f"question-Q{n}" for n in range(1, 9)]
    assert [f.charts for f in figures[1:]] == [[name] for name in results_section.PAPER_FIGURES]
    tables = [b.caption.split(".")[0] for b in blocks if isinstance(b, paper.Table)]
    assert tables == ["Additional table 1", "Additional table 2", "Table 1"]


@pytest.mark.django_db
def test_the_report_states_the_share_of_scores_of_8_or_more(cohort):
    ctx = report.Context.load(cohort)
    full = serialize.full_report(ctx)
    _document, blocks = _report_document(ctx, "en")
    text = next(b.text for b in blocks if isinstance(b, paper.Paragraph) and "(Figure 2)" in b.text)
    for code in [f"Q{n}" for n in range(11, 19)]:
        scale = full["questions"][code]
        share = re.search(rf"{code} \(“[^”]*”\) ([\d.]+) % \(n = (\d+)\)", text)
        assert float(share.group(1)) == pytest.approx(scale["share_8_plus"], abs=0.0501)
        assert int(share.group(2)) == scale["n"]


@pytest.mark.django_db
def test_the_report_compares_the_sample_to_the_reference(cohort):
    ctx = report.Context.load(cohort)
    full = serialize.full_report(ctx)
    document, _blocks = _report_document(ctx, "en")
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Sample")
    women = [c.text for c in table.rows[1].cells]
    q1 = full["questions"]["Q1"]
    assert women[0] == "Women" and women[2] == f"{q1['choices']['female']['count']}/{q1['n']}"
    assert _number(women[1]) == pytest.approx(q1["choices"]["female"]["percent"], abs=0.0501)
    assert women[3] == "46.0 %"


@pytest.mark.django_db
def test_the_report_embeds_the_charts_as_images(dataset):
    ctx = report.Context.load(dataset)
    with translation.override("en"):
        blocks = results_section.blocks(results_section.Section.load(ctx), "en", False)
        drawn = []

        def image(name):
            drawn.append(name)
            return _PNG

        document = docx.Document(io.BytesIO(paper_docx.write(blocks, image)))
    assert len(document.inline_shapes) == len(drawn) == 12


# A 1 x 1 white PNG.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8ffff3f0005fe02fea7d6a4e40000000049454e44ae426082"
)


def test_the_tests_note_says_how_many_comparisons_could_not_be_tested():
    from django.utils import translation

    from analysis.paper import tests_note

    translation.activate("en")

    assert tests_note(36, 12, 3) == "36 tests were run (12 outcomes x 3 groupings)."
    assert tests_note(12, 12, 3) == (
        "12 tests were run of 36 comparisons (12 outcomes x 3 groupings): 24 could not be tested "
        "(a group or an outcome without answers)."
    )
    assert tests_note(1, 1, 1) == "1 test was run (1 outcome x 1 grouping)."
