"""Figures a journal accepts: no text of a chart overlaps another or leaves the figure, in French
and in English, one or two columns wide, whatever the labels' length (measured from matplotlib's
own text extents); counts on whole numbers, days as dates; downloads as SVG, PDF with its fonts
embedded, PNG and TIFF at the asked resolution and width."""

import datetime as dt
import io
import itertools
from collections.abc import Callable
from unittest import mock

import pytest
from django.utils import translation
from matplotlib.text import Text
from PIL import Image

from analysis import charts, figures, report
from surveys.seeding import seed_responses

LANGUAGES = ("fr", "en")
WIDTHS = tuple(charts.COLUMN_WIDTHS)


def drawn_texts(fig) -> list:
    """(text, box in pixels) of every non-empty text the figure draws: titles, axis and tick
    labels, legend entries, the labels on and after bars."""
    drawn, draw = [], Text.draw

    def recording(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn.append((text.get_text(), text.get_window_extent(renderer)))

    with mock.patch.object(Text, "draw", recording):
        fig.draw_without_rendering()
    return drawn


def layout_problems(fig) -> list[str]:
    """What is wrong with the figure's texts: pairs that overlap, texts that leave the figure."""
    texts = drawn_texts(fig)
    frame = fig.bbox
    problems = [
        f"{a!r} overlaps {b!r}"
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 0.5
        and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 0.5
    ]
    problems += [
        f"{text!r} leaves the figure"
        for text, box in texts
        if box.x0 < frame.x0 - 0.5
        or box.y0 < frame.y0 - 0.5
        or box.x1 > frame.x1 + 0.5
        or box.y1 > frame.y1 + 0.5
    ]
    return problems


def problems_at_every_width(fig) -> dict[str, list[str]]:
    found = {}
    for width in sorted(WIDTHS, key=lambda w: charts.COLUMN_WIDTHS[w] != fig.get_figwidth()):
        if fig.get_figwidth() != charts.COLUMN_WIDTHS[width]:
            fig.resize(charts.COLUMN_WIDTHS[width])
        if problems := layout_problems(fig):
            found[width] = problems
    return found


@pytest.fixture
def answered(survey):
    seed_responses(survey, 80, seed=7)
    return report.Context.load(survey)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_draws_every_chart_of_the_study_without_overlapping_or_cut_text(answered, language):
    names = figures.chart_names(answered)
    assert {"participants-per-day", "funnel", "question-Q3", "scales-page-3", "scales-page-5"} <= set(names)
    problems = {}
    with translation.override(language):
        for name in names:
            if found := problems_at_every_width(figures.build(answered, name, language)):
                problems[name] = found
    assert problems == {}


# 300 and 150 characters, one word longer than a line among them.
LONG_QUESTION = (
    "Au cours des douze derniers mois, à quelle fréquence avez-vous sollicité l'avis de vos confrères "
    "sur le groupe pour un patient dont la prise en charge relevait, selon vous, d'une spécialité "
    "autre que la vôtre, https://exemple.org/un-lien-tres-long-qui-ne-se-coupe-pas-entre-deux-mots, "
    "y compris pour les avis urgents ?"
)[:300]
LONG_CHOICE = (
    "Very often, that is to say more than once a week on average over the whole year, including "
    "during holidays and on-call duty periods at the hospital"
)[:150]


def long_charts() -> dict[str, Callable[[], charts.Chart]]:
    choices = [f"{k}. {LONG_CHOICE}" for k in range(1, 6)]
    statements = [
        charts.Shares(f"Q{k}. {LONG_QUESTION}", [1.5, 3.0, 6.0, 20.0, 69.5], 500 + k) for k in range(1, 4)
    ]
    days = [dt.date(2022, 6, 1) + dt.timedelta(days=k) for k in range(60)]
    return {
        "bars": lambda: charts.bar_chart(
            LONG_QUESTION, choices, [99.9, 0.4, 55.5, 12.0, 1.0], [999, 4, 555, 120, 10], LONG_CHOICE, ","
        ),
        "stacked": lambda: charts.stacked_shares(LONG_QUESTION, statements, choices, LONG_CHOICE),
        "bins": lambda: charts.stacked_bins(LONG_QUESTION, statements[:1] * 2, ["0-4", "5-7", "8-10"], "%"),
        "funnel": lambda: charts.funnel(
            LONG_QUESTION, choices, [900, 800, 700, 10, 1], [850, 700, 10, 9, 0], (LONG_CHOICE,) * 2, "n"
        ),
        "columns": lambda: charts.columns(
            LONG_QUESTION, [f"{m:%Y-%m}" for m in days], list(range(60)), LONG_CHOICE, LONG_CHOICE
        ),
        "per-day": lambda: charts.per_day(LONG_QUESTION, days, [1000] * 60, LONG_CHOICE),
    }


@pytest.mark.parametrize("name", list(long_charts()))
def test_it_wraps_very_long_labels_inside_the_figure_without_overlap(name):
    assert problems_at_every_width(long_charts()[name]()) == {}


def test_it_writes_a_share_inside_its_segment_only_where_it_fits():
    fig = long_charts()["stacked"]()
    (ax,) = fig.axes
    written = {t.get_text() for t in ax.texts}
    assert "70\u00a0%" in written and "20\u00a0%" in written
    assert "2\u00a0%" not in written and "3\u00a0%" not in written


def test_it_puts_n_on_the_axis_when_every_bar_has_the_same():
    same = [charts.Shares(f"Q{k}. Statement", [10, 30, 60], 543) for k in range(3)]
    fig = charts.stacked_bins("Title", same, ["0-4", "5-7", "8-10"], "% of respondents (n = 543)")
    (ax,) = fig.axes
    assert "543" in ax.get_xlabel() and not any("543" in t.get_text() for t in ax.get_yticklabels())


def test_it_keeps_a_bars_own_n_on_one_line():
    fig = long_charts()["stacked"]()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(
        label.splitlines()[-1].endswith(f"(n\u00a0=\u00a0{500 + k})") for k, label in enumerate(labels, 1)
    )


def test_the_bins_read_in_grey():
    def lightness(colour):  # CIE L*
        import matplotlib.colors

        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in matplotlib.colors.to_rgb(colour)
        ]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * y ** (1 / 3) - 16

    for colours, step in ((charts.BIN_COLOURS, 15), (charts.ordered_colours(5), 10)):
        values = [lightness(c) for c in colours]
        assert all(darker < lighter - step for lighter, darker in itertools.pairwise(values))


def whole_numbers(ticks, limits) -> bool:
    low, high = sorted(limits)
    return all(float(t).is_integer() for t in ticks if low <= t <= high)


@pytest.mark.parametrize("answers", [1, 2, 3])
def test_it_counts_on_whole_numbers_with_few_answers(survey, answers):
    seed_responses(survey, answers, seed=7)
    ctx = report.Context.load(survey)
    (per_day,) = figures.build(ctx, "participants-per-day", "fr").axes
    (funnel,) = figures.build(ctx, "funnel", "fr").axes
    assert whole_numbers(per_day.get_yticks(), per_day.get_ylim())
    assert whole_numbers(funnel.get_xticks(), funnel.get_xlim())
    (columns,) = charts.columns("Q", ["0-9", "10-19", "20-29"], [1, 0, answers], "participants").axes
    assert whole_numbers(columns.get_yticks(), columns.get_ylim())


def day_labels(days: int) -> list[str]:
    first = dt.date(2022, 6, 1)
    fig = charts.per_day("Participants", [first + dt.timedelta(days=k) for k in range(days)], [1] * days, "n")
    fig.resize(charts.COLUMN_WIDTHS["one"])
    fig.canvas.draw()
    return [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]


def test_it_names_the_one_day_of_a_one_day_survey():
    assert day_labels(1) == ["2022-06-01"]


def test_it_names_days_at_a_regular_step_over_sixty_days():
    days = [dt.date.fromisoformat(label) for label in day_labels(60)]  # dates, no hours
    steps = {(b - a).days for a, b in itertools.pairwise(days)}
    assert len(days) >= 3 and len(steps) == 1 and steps.pop() >= 1


def test_a_longer_list_makes_a_taller_figure():
    def height(rows):
        return charts.bar_chart(
            "Q", [f"choice {k}" for k in range(rows)], [10] * rows, [1] * rows, "%"
        ).get_figheight()

    assert height(12) > height(2) * 2


# --- downloads -----------------------------------------------------------------------------------


def a_chart():
    return charts.bar_chart(
        "Q6. Exercez-vous dans une zone sous-dotée ?", ["Oui", "Non"], [40, 60], [4, 6], "%"
    )


def test_the_pdf_is_vector_with_its_fonts_embedded_as_truetype():
    pdf = charts.render(a_chart(), "pdf")
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and b"/Type3" not in pdf


def test_the_svg_keeps_its_text_as_text():
    svg = charts.render(a_chart(), "svg").decode()
    assert "<text" in svg and "sous-dotée" in svg


@pytest.mark.parametrize(
    ("fmt", "dpi", "width"), list(itertools.product(("png", "tiff"), (300, 600), WIDTHS))
)
def test_a_raster_has_the_asked_resolution_and_column_width(fmt, dpi, width):
    image = Image.open(io.BytesIO(charts.render(a_chart(), fmt, dpi=dpi, width=width)))
    assert image.format == fmt.upper()
    assert [round(d) for d in image.info["dpi"]] == [dpi, dpi]
    assert abs(image.size[0] - charts.COLUMN_WIDTHS[width] * dpi) <= 1


def test_a_tiff_has_no_alpha_channel():
    assert Image.open(io.BytesIO(charts.render(a_chart(), "tiff"))).mode == "RGB"


def test_it_refuses_an_unknown_format_or_width():
    with pytest.raises(ValueError):
        charts.render(a_chart(), "jpeg")
    with pytest.raises(ValueError):
        charts.render(a_chart(), "png", width="three")
