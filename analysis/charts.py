"""Charts for the dashboard and for papers, drawn with matplotlib (pure: data in, bytes out).

Each chart is a ``Chart``: a figure that draws itself at a width (one or two journal columns,
``COLUMN_WIDTHS``), wrapping its texts to the room they have, measured with matplotlib's own text
extents, and taking the height its content needs. So no text overlaps another or leaves the
figure, whatever the labels' length or language (tests/analysis/test_chart_layout.py checks).

Colours: the bins of a 0-10 score and the ordered choices of a grid are shades of ColorBrewer's
sequential YlGnBu, light to dark as the score rises: they differ in lightness, so they read in
grey and for colour-blind readers. Single series are one dark blue.

Downloads (``render``): SVG keeps its text as text (editable in a figure editor); PDF is vector
with its fonts embedded as TrueType (type 42; journals' checks refuse type 3); PNG and TIFF are
rasters at the asked dpi (the TIFF RGB, without the alpha channel, LZW-compressed).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

from .subgroups import mask_small  # noqa: E402

# The publication-safe switch (counts from 1 to 4 shown as "<5"), for the charts drawn inside
# ``publication_safe``: read when a chart is made, not when it is drawn again at another width.
_SAFE: ContextVar[bool] = ContextVar("publication_safe", default=False)


@contextmanager
def publication_safe(on: bool) -> Iterator[None]:
    token = _SAFE.set(on)
    try:
        yield
    finally:
        _SAFE.reset(token)


def shown_counts(counts: Sequence[int]) -> list[str]:
    """The counts as a chart writes them: "<5" for 1 to 4 inside ``publication_safe(True)``."""
    safe = _SAFE.get()
    return [mask_small(int(n), safe) for n in counts]


FONT_SIZE = 8  # points, at print size: journals ask for 6 to 12
TITLE_SIZE = 9

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "charts",  # the same data give the same SVG ids
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "font.family": "DejaVu Sans",
        "font.size": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

MM = 1 / 25.4  # in inches
COLUMN_WIDTHS = {"one": 88 * MM, "two": 180 * MM}  # a journal's single and double column
DEFAULT_DPI = 300
FORMATS = ("svg", "pdf", "png", "tiff")

INK = "#1d2733"
BLUE = "#225ea8"
PALE_BLUE = "#c6dbef"
BIN_COLOURS = ("#c7e9b4", "#41b6c4", "#225ea8")  # 0-4, 5-7, 8-10: ColorBrewer YlGnBu
NBSP = "\u00a0"  # keeps "n = 61" and "12 %" on one line
PAD = 4.0  # points between the figure's edge and its texts
BAR = 1.6  # a bar's thickness, in lines of text
GAP = 0.8  # between two rows of bars, in lines of text
PLOT_HEIGHT = 1.9  # inches: the plotting area of a chart of vertical bars
# Hinted, a text is a few % wider or narrower at one resolution than another: measured at the
# screen's and at a journal's, the widest counts.
_MEASURE = [RendererAgg(1, 1, dpi) for dpi in (100, 300, 600)]


@dataclass(frozen=True)
class Shares:
    """One bar of a stacked chart: a statement, the % of each of its parts, how many answered."""

    label: str
    shares: list[float]
    n: int


class Chart(Figure):
    """A figure drawn by ``draw_on`` at a width; ``resize`` draws it again at another width
    (labels rewrapped, height following the content)."""

    def __init__(self, draw_on: Callable[[Chart], None], width: float = COLUMN_WIDTHS["two"]) -> None:
        super().__init__(layout="constrained")
        FigureCanvasAgg(self)  # a renderer to measure texts with
        self._draw_on = draw_on
        self.resize(width)

    def resize(self, width: float) -> None:
        """Draw the chart again, ``width`` inches wide."""
        self.clear()
        self.set_size_inches(width, 9.0)  # room for any decoration; _fit_height shrinks it
        self._draw_on(self)


def number(value: float, decimal: str) -> str:
    return f"{value:.1f}".replace(".", decimal)


def percent(value: float) -> str:
    return f"{value:.0f}{NBSP}%"


# --- measuring and wrapping texts --------------------------------------------------------------


def _width(fig: Figure, text: str, size: float = FONT_SIZE, weight: str = "normal") -> float:
    """The width of one line of ``text``, in points."""
    return _points_wide(text, size, weight)


@functools.lru_cache(maxsize=50_000)
def _points_wide(text: str, size: float, weight: str) -> float:
    font = FontProperties(size=size, weight=weight)
    return max(
        renderer.get_text_width_height_descent(text, font, ismath=False)[0] * 72 / renderer.dpi
        for renderer in _MEASURE
    )


def _line_pitch(fig: Figure) -> float:
    """The height a line of label text takes, in points."""
    renderer = fig.canvas.get_renderer()
    probe = fig.text(0, 0, "Ég\nÉg")
    two = probe.get_window_extent(renderer).height
    probe.set_text("Ég")
    one = probe.get_window_extent(renderer).height
    probe.remove()
    return max(two - one, one) * 72 / fig.dpi


def _wrap(fig: Figure, text: str, room: float, size: float = FONT_SIZE, weight: str = "normal") -> str:
    """``text`` in lines at most ``room`` points wide, cut between words (within a word only
    when it alone is wider). A no-break space keeps its two words together."""
    return _wrapped(text, room * 0.98, size, weight)


@functools.lru_cache(maxsize=5_000)
def _wrapped(text: str, room: float, size: float, weight: str) -> str:
    def fits(line: str) -> bool:
        return _points_wide(line, size, weight) <= room

    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in [w for w in paragraph.split(" ") if w]:
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and not fits(word):
                cut = max((k for k in range(1, len(word)) if fits(word[:k])), default=1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return "\n".join(lines)


def _room(fig: Figure) -> float:
    """The figure's width in points, less its margins."""
    return fig.get_figwidth() * 72 - 2 * PAD


def _title(fig: Figure, title: str) -> None:
    # Over the whole figure from its left edge, not over the bars (which sit right of the labels).
    text = _wrap(fig, title, _room(fig), TITLE_SIZE, "bold")
    x = PAD / (fig.get_figwidth() * 72)
    fig.suptitle(text, x=x, ha="left", fontsize=TITLE_SIZE, fontweight="bold")


def _fit_height(fig: Figure, ax, inches: float) -> None:
    """Make the figure as tall as it takes for the plotting area to be ``inches`` tall, with
    the title, axis labels and legend around it."""
    for _ in range(4):
        fig.draw_without_rendering()
        height = ax.get_position().height * fig.get_figheight()
        if abs(height - inches) < 0.005:
            return
        fig.set_figheight(max(fig.get_figheight() + inches - height, 0.5))


def _legend_below(fig: Figure, colours: Sequence[str], labels: Sequence[str]) -> None:
    """The key under the chart: on one row when the labels fit on it in at most two lines each,
    else one under another (an ordered scale still reads in order)."""
    handles = [Patch(facecolor=c, edgecolor=INK, linewidth=0.3) for c in colours]
    spacing = {"handlelength": 1.2, "handletextpad": 0.5, "columnspacing": 1.2}
    # What a column takes besides its text: the colour key and the gaps (in font sizes).
    extra = (spacing["handlelength"] + spacing["handletextpad"] + spacing["columnspacing"]) * FONT_SIZE
    room = _room(fig) - FONT_SIZE
    one_row = [_wrap(fig, label, room / len(labels) - extra) for label in labels]
    if all(label.count("\n") < 2 for label in one_row):
        texts, ncols = one_row, len(labels)
    else:
        texts, ncols = [_wrap(fig, label, room - extra) for label in labels], 1
    fig.legend(handles, texts, ncols=ncols, loc="outside lower center", frameon=False, **spacing)


def _axis_label(fig: Figure, ax, text: str) -> None:
    ax.set_xlabel(_wrap(fig, text, _room(fig) * 0.6))


def _text_colour(colour: str) -> str:
    """Ink or white, whichever contrasts more with ``colour`` (WCAG's contrast ratio)."""

    def luminance(rgb) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    background = luminance(matplotlib.colors.to_rgb(colour))
    ink = luminance(matplotlib.colors.to_rgb(INK))
    return INK if (background + 0.05) / (ink + 0.05) >= 1.05 / (background + 0.05) else "white"


def ordered_colours(count: int) -> list[str]:
    """``count`` shades, light to dark, for ordered parts (disagree to agree, low to high)."""
    if count == len(BIN_COLOURS):
        return list(BIN_COLOURS)
    ramp = matplotlib.colormaps["YlGnBu"]
    return [matplotlib.colors.to_hex(ramp(0.2 + 0.7 * i / max(count - 1, 1))) for i in range(count)]


# --- horizontal bars: a row per label -----------------------------------------------------------


@dataclass(frozen=True)
class _Rows:
    labels: list[str]  # wrapped
    centres: list[float]  # in lines from the top
    depth: float  # the plotting area's height, in lines
    pitch: float  # a line, in points


def _rows(fig: Figure, ax, labels: Sequence[str]) -> _Rows:
    """Put ``labels`` left of the plotting area, wrapped, each row as tall as its label."""
    share = 0.45 if fig.get_figwidth() < 5 else 0.4
    wrapped = [_wrap(fig, label, fig.get_figwidth() * 72 * share) for label in labels]
    centres, top = [], GAP / 2
    for label in wrapped:
        height = max(label.count("\n") + 1, BAR)
        centres.append(top + height / 2)
        top += height + GAP
    rows = _Rows(wrapped, centres, max(top - GAP / 2, 1.0), _line_pitch(fig))
    ax.set_yticks(rows.centres, rows.labels)
    ax.set_ylim(rows.depth, 0)  # the first label on top
    ax.tick_params(axis="y", length=0)
    return rows


def _fit_rows(fig: Figure, ax, rows: _Rows) -> None:
    _fit_height(fig, ax, rows.depth * rows.pitch / 72)
    _spread_x_ticks(fig, ax)


def _spread_x_ticks(fig: Figure, ax) -> None:
    """As many ticks on the x axis (whole numbers: counts or %) as have room side by side."""
    area = ax.get_window_extent().width * 72 / fig.dpi
    widest = _width(fig, f"{ax.get_xlim()[1]:.0f}") * 1.02 + 12
    bins = min(max(int(area // widest), 1), 6)  # round steps (1, 2, 5, 10…), few enough to read
    ax.xaxis.set_major_locator(MaxNLocator(nbins=bins, steps=[1, 2, 5, 10], integer=True))


def bar_chart(
    title: str,
    labels: list[str],
    percents: list[float],
    counts: list[int],
    axis_label: str,
    decimal: str = ".",
) -> Chart:
    """Horizontal bars of percentages, the % and count after each bar, first label on top."""

    shown = shown_counts(counts)

    def draw_on(fig: Chart) -> None:
        ax = fig.add_subplot()
        rows = _rows(fig, ax, labels)
        ax.barh(rows.centres, percents, color=BLUE, height=BAR)
        _axis_label(fig, ax, axis_label)
        _title(fig, title)
        _fit_rows(fig, ax, rows)
        values = [
            ax.annotate(
                f"{number(pct, decimal)}{NBSP}% ({n})",
                (pct, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                color=INK,
            )
            for y, pct, n in zip(rows.centres, percents, shown, strict=True)
        ]
        _room_after_bars(fig, ax, percents, [v.get_text() for v in values])

    return Chart(draw_on)


def _room_after_bars(fig: Figure, ax, ends: list[float], texts: list[str]) -> None:
    """Widen the x axis until each text after its bar ends inside the plotting area."""
    for _ in range(3):
        fig.draw_without_rendering()
        area = ax.get_window_extent().width * 72 / fig.dpi
        limit = max([*ends, 1.0])
        for end, text in zip(ends, texts, strict=True):
            free = area - 3 - _width(fig, text) * 1.02
            limit = max(limit, end * area / free if free > 0 else 10 * limit)
        if math.isclose(limit, ax.get_xlim()[1], rel_tol=0.005):
            break
        ax.set_xlim(0, limit)
    _spread_x_ticks(fig, ax)


def stacked_bins(title: str, bars: list[Shares], bin_labels: list[str], axis_label: str) -> Chart:
    """The paper's Figs. 2 and 5: one bar per statement, split into 0-4 / 5-7 / 8-10."""
    return stacked_shares(title, bars, bin_labels, axis_label, BIN_COLOURS)


def stacked_shares(
    title: str,
    bars: list[Shares],
    part_labels: list[str],
    axis_label: str,
    colours: Sequence[str] | None = None,
) -> Chart:
    """One bar per statement, split into the shares of its parts (the bins of a score, the
    choices of a grid), each share written inside its part where it fits. When the statements
    have different numbers of answers, each one's n ends its label (the axis gives the range)."""
    colours = list(colours or ordered_colours(len(part_labels)))
    same_n = len({bar.n for bar in bars}) <= 1
    labels = [bar.label if same_n else f"{bar.label} (n{NBSP}={NBSP}{bar.n})" for bar in bars]

    def draw_on(fig: Chart) -> None:
        ax = fig.add_subplot()
        rows = _rows(fig, ax, labels)
        left = [0.0] * len(bars)
        parts = []
        for index, (label, colour) in enumerate(zip(part_labels, colours, strict=True)):
            widths = [bar.shares[index] for bar in bars]
            parts.append(
                ax.barh(
                    rows.centres,
                    widths,
                    left=left,
                    color=colour,
                    height=BAR,
                    edgecolor="white",
                    linewidth=0.6,
                    label=label,
                )
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_xlim(0, 100)
        _axis_label(fig, ax, axis_label)
        _legend_below(fig, colours, part_labels)
        _title(fig, title)
        _fit_rows(fig, ax, rows)
        for part, colour in zip(parts, colours, strict=True):
            _label_segments(fig, ax, part, colour)

    return Chart(draw_on)


def _label_segments(fig: Figure, ax, part, colour: str) -> None:
    """Write each segment's % inside it, where it fits with a margin on each side."""
    to_points = 72 / fig.dpi
    for rect in part:
        share = rect.get_width()
        (x0, _), (x1, _) = ax.transData.transform([(rect.get_x(), 0), (rect.get_x() + share, 0)])
        text = percent(share)
        if (x1 - x0) * to_points < _width(fig, text) * 1.02 + 4:
            continue
        y = rect.get_y() + rect.get_height() / 2
        ax.text(rect.get_x() + share / 2, y, text, ha="center", va="center", color=_text_colour(colour))


def funnel(
    title: str,
    labels: list[str],
    shown: list[int],
    answered: list[int],
    legend: tuple[str, str],
    axis_label: str,
) -> Chart:
    """For each page, how many were shown it (pale) and how many submitted it (dark)."""

    def draw_on(fig: Chart) -> None:
        ax = fig.add_subplot()
        rows = _rows(fig, ax, labels)
        ax.barh(rows.centres, shown, color=PALE_BLUE, height=BAR)
        ax.barh(rows.centres, answered, color=BLUE, height=BAR * 0.55)  # counts: whole ticks
        ax.set_xlim(0, max([*shown, 1]))
        _axis_label(fig, ax, axis_label)
        _legend_below(fig, [PALE_BLUE, BLUE], list(legend))
        _title(fig, title)
        _fit_rows(fig, ax, rows)

    return Chart(draw_on)


# --- vertical bars: a column per value ----------------------------------------------------------


def _thin_labels(fig: Figure, ax, positions: list[int], labels: list[str], steps: Sequence[int]) -> int:
    """Name every ``step``-th position, the first ``step`` of ``steps`` whose labels do not
    touch (all in a row, never slanted); return it."""
    if not labels:
        return 1
    area = ax.get_window_extent().width * 72 / fig.dpi
    lo, hi = ax.get_xlim()
    per_position = area / max(hi - lo, 1)
    widest = max((_width(fig, label) for label in labels), default=0) * 1.02 + 6
    step = next((s for s in steps if s * per_position >= widest), steps[-1])
    ax.set_xticks(positions[::step], labels[::step])
    return step


COLUMN_STEPS = (1, 2, 3, 4, 6, *range(12, 1200, 12))  # months: every quarter, half-year, year…


def columns(title: str, labels: list[str], counts: list[int], axis_label: str, x_label: str = "") -> Chart:
    """Vertical bars side by side, touching (a histogram of a number's bins, the answers of each
    month): as many labels under them as fit in a row; the count over each bar when all fit."""
    shown = shown_counts(counts)

    def draw_on(fig: Chart) -> None:
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        ax.bar(positions, counts, color=BLUE, width=1.0, edgecolor="white", linewidth=0.8)
        ax.set_xlim(-0.5, max(len(labels), 1) - 0.5)
        ax.set_xticks(positions, labels)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 1.5 participant
        ax.set_ylim(0, max([*counts, 1]) * 1.18)
        ax.set_ylabel(_wrap(fig, axis_label, PLOT_HEIGHT * 72))
        if x_label:
            _axis_label(fig, ax, x_label)
        _title(fig, title)
        _fit_height(fig, ax, PLOT_HEIGHT)
        _thin_labels(fig, ax, positions, labels, COLUMN_STEPS)
        room = ax.get_window_extent().width * 72 / fig.dpi / max(len(labels), 1)
        if all(_width(fig, text) * 1.02 + 2 <= room for text in shown):
            for x, n, text in zip(positions, counts, shown, strict=True):
                if n:
                    ax.annotate(text, (x, n), xytext=(0, 1), textcoords="offset points", ha="center")

    return Chart(draw_on)


DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)  # days between two named days


def per_day(title: str, days: list[dt.date], counts: list[int], axis_label: str) -> Chart:
    """Participants by the day they started: a bar per day, days named as dates (never hours),
    a week or more apart when the period is long."""
    first = days[0] if days else dt.date.today()
    offsets = [(day - first).days for day in days]
    span = offsets[-1] if offsets else 0

    def draw_on(fig: Chart) -> None:
        ax = fig.add_subplot()
        ax.bar(offsets, counts, color=BLUE, width=0.8)
        half = max(span / 2 + 0.6, 3.5)  # one day is not one bar across the whole chart
        ax.set_xlim(span / 2 - half, span / 2 + half)
        every_day = list(range(span + 1))
        names = [(first + dt.timedelta(days=k)).isoformat() for k in every_day]
        ax.set_xticks(every_day, names)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max([*counts, 1]) * 1.1)
        ax.set_ylabel(_wrap(fig, axis_label, PLOT_HEIGHT * 72))
        _title(fig, title)
        _fit_height(fig, ax, PLOT_HEIGHT)
        _thin_labels(fig, ax, every_day, names, DAY_STEPS)

    return Chart(draw_on)


# --- files ---------------------------------------------------------------------------------------


def render(figure: Figure, fmt: str, *, dpi: int = DEFAULT_DPI, width: str | None = None) -> bytes:
    """The chart as ``fmt`` (one of ``FORMATS``). ``width``: "one" or "two" journal columns
    (``COLUMN_WIDTHS``), the chart redrawn to it, its height following; None: as drawn.
    ``dpi``: the resolution of a PNG or TIFF (300 or 600 for a journal)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if width is not None:
        if not isinstance(figure, Chart) or width not in COLUMN_WIDTHS:
            raise ValueError(f"cannot draw {width!r} wide")
        figure.resize(COLUMN_WIDTHS[width])
    if fmt == "tiff":
        image = Image.open(io.BytesIO(render(figure, "png", dpi=dpi))).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="TIFF", dpi=(dpi, dpi), compression="tiff_lzw")
        return buffer.getvalue()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return buffer.getvalue()


def _metadata(fmt: str) -> dict:
    # No creation date, no software version: the same data give the same file.
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"Creator": None, "Producer": None, "CreationDate": None}
    return {"Software": None}
