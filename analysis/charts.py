"""Charts for the dashboard and for papers, drawn with matplotlib (pure: data in, bytes out).

SVG keeps its text as text (editable in a paper's figure editor); PNG is 200 dpi.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
    }
)

INK = "#1d2733"
BLUE = "#1f5f8b"
BIN_COLOURS = ("#c8553d", "#f2c14e", "#1f5f8b")  # 0-4, 5-7, 8-10
WIDTH = 7.0  # inches: a page-wide figure in a journal
MAX_LABELS = 24  # under the columns of a chart


def _wrap(text: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _figure(rows: int) -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH, 0.9 + 0.38 * max(rows, 2)), layout="constrained")
    return fig, fig.add_subplot()


def number(value: float, decimal: str) -> str:
    return f"{value:.1f}".replace(".", decimal)


def bar_chart(
    title: str,
    labels: list[str],
    percents: list[float],
    counts: list[int],
    axis_label: str,
    decimal: str = ".",
) -> Figure:
    """Horizontal bars of percentages, the count at the end of each bar, first label on top."""
    fig, ax = _figure(len(labels))
    positions = range(len(labels))[::-1]
    ax.barh(list(positions), percents, color=BLUE, height=0.65)
    ax.set_yticks(list(positions), [_wrap(label) for label in labels])
    for y, pct, n in zip(positions, percents, counts, strict=True):
        ax.text(pct + 0.8, y, f"{number(pct, decimal)} % ({n})", va="center", fontsize=8, color=INK)
    ax.set_xlim(0, max([*percents, 1]) * 1.25)
    ax.set_xlabel(axis_label)
    ax.set_title(_wrap(title, 90))
    return fig


def stacked_bins(
    title: str, items: list[tuple[str, list[float]]], bin_labels: list[str], axis_label: str
) -> Figure:
    """The paper's Figs. 2 and 5: one bar per statement, split into 0-4 / 5-7 / 8-10."""
    return stacked_shares(title, items, bin_labels, axis_label, BIN_COLOURS)


def ordered_colours(count: int) -> list[str]:
    """``count`` colours from red through yellow to blue, for ordered choices (disagree to agree)."""
    if count == len(BIN_COLOURS):
        return list(BIN_COLOURS)
    ramp = matplotlib.colormaps["RdYlBu"]
    return [matplotlib.colors.to_hex(ramp(0.08 + 0.84 * i / max(count - 1, 1))) for i in range(count)]


def _text_colour(colour: str) -> str:
    red, green, blue = matplotlib.colors.to_rgb(colour)
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.6 else "white"


def stacked_shares(
    title: str,
    items: list[tuple[str, list[float]]],
    part_labels: list[str],
    axis_label: str,
    colours: list[str] | tuple[str, ...] | None = None,
) -> Figure:
    """One bar per item (a statement), split into the shares of its parts (the bins of a score,
    the choices of a grid), each share written inside its part when there is room."""
    colours = list(colours or ordered_colours(len(part_labels)))
    fig, ax = _figure(len(items))
    positions = list(range(len(items)))[::-1]
    left = [0.0] * len(items)
    for index, (label, colour) in enumerate(zip(part_labels, colours, strict=True)):
        widths = [shares[index] for _, shares in items]
        ax.barh(positions, widths, left=left, color=colour, height=0.65, label=_wrap(label, 24))
        for y, x, w in zip(positions, left, widths, strict=True):
            if w >= 6:
                ax.text(
                    x + w / 2,
                    y,
                    f"{w:.0f} %",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_text_colour(colour),
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(positions, [_wrap(label, 48) for label, _ in items])
    ax.set_xlim(0, 100)
    ax.set_xlabel(axis_label)
    # Under the bars, in as many columns as fit: long choice labels (a five-point agreement
    # scale) would otherwise squeeze the bars to nothing.
    longest = max(len(label) for label in part_labels)
    columns_that_fit = 5 if longest <= 12 else 3 if longest <= 24 else 2
    fig.legend(ncols=min(len(part_labels), columns_that_fit), loc="outside lower center", frameon=False)
    # Over the whole figure, not the bars (which sit right of long statements): it stays inside.
    fig.suptitle(_wrap(title, 70), fontweight="bold")
    return fig


def columns(title: str, labels: list[str], counts: list[int], axis_label: str, x_label: str = "") -> Figure:
    """Vertical bars side by side, touching (a histogram of a number's bins, the answers of each
    month), the count above each bar; at most 24 labels under them (every other month…)."""
    fig = Figure(figsize=(WIDTH, 3.0), layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.bar(positions, counts, color=BLUE, width=1.0, edgecolor="white", linewidth=0.8)
    for x, n in zip(positions, counts, strict=True):
        if n:
            ax.text(x, n, str(n), ha="center", va="bottom", fontsize=8, color=INK)
    step = -(-len(labels) // MAX_LABELS) or 1
    shown = labels[::step]
    rotate = len(shown) > 8 or max((len(label) for label in shown), default=0) > 8
    ax.set_xticks(positions[::step], shown, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 1.5 participant
    ax.set_ylim(0, max([*counts, 1]) * 1.15)
    ax.set_ylabel(axis_label)
    if x_label:
        ax.set_xlabel(x_label)
    ax.set_title(_wrap(title, 90))
    return fig


def per_day(title: str, days: list, counts: list[int], axis_label: str) -> Figure:
    fig = Figure(figsize=(WIDTH, 2.6), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(days, counts, color=BLUE, width=0.8)
    ax.set_ylabel(axis_label)
    ax.set_title(title)
    fig.autofmt_xdate()
    return fig


def funnel(
    title: str, labels: list[str], shown: list[int], answered: list[int], legend: tuple[str, str]
) -> Figure:
    fig, ax = _figure(len(labels))
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, shown, color="#c9d8e4", height=0.7, label=legend[0])
    ax.barh(positions, answered, color=BLUE, height=0.45, label=legend[1])
    ax.set_yticks(positions, [_wrap(label, 40) for label in labels])
    ax.legend(ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False)
    ax.set_title(title, pad=22)
    return fig


def render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=200 if fmt == "png" else None, metadata=_metadata(fmt))
    return buffer.getvalue()


def _metadata(fmt: str) -> dict:
    # No creation date: the same data give byte-identical files.
    if fmt == "svg":
        return {"Date": None}
    return {"Software": None}
