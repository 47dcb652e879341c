"""Charts for reports: matplotlib (Agg) to SVG and PNG, readable in black and white.

A chart is described by a small frozen spec (hashable), so the same chart is drawn once per
format and process (``svg(spec)``, ``png(spec)`` are cached). Series are told apart by hatch
patterns and grey levels, never by colour alone, and every bar carries its value.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
FONT = "DejaVu Sans"
# (face colour, hatch) per series: white hatched, dark solid, light dotted
SERIES_STYLE = (("white", "////"), ("0.30", ""), ("0.80", "...."), ("0.55", "xx"))
# grey levels per category in flows, best category darkest
FLOW_GREYS = ("0.25", "0.55", "0.80", "0.92", "1.0")

matplotlib.rcParams.update(
    {
        "font.family": FONT,
        "font.size": 8.5,
        "axes.titlesize": 9.5,
        "axes.edgecolor": "black",
        "axes.linewidth": 0.6,
        "hatch.linewidth": 0.6,
        "svg.hashsalt": "laktasi",
        "svg.fonttype": "none",  # text stays text: small files, searchable PDFs
    }
)


@dataclass(frozen=True)
class BarSeries:
    name: str
    values: tuple[float, ...]
    labels: tuple[str, ...]  #: text printed above each bar


@dataclass(frozen=True)
class BarsSpec:
    """Grouped vertical bars: one group per category, one bar per series (before/after)."""

    categories: tuple[str, ...]
    series: tuple[BarSeries, ...]
    ylabel: str
    ymax: float | None = None


@dataclass(frozen=True)
class FlowSpec:
    """Before -> after flow of categories (an alluvial diagram), best category on top."""

    levels: tuple[str, ...]  #: display order, best first
    table: tuple[tuple[int, ...], ...]  #: rows before, columns after, in ``levels`` order
    left_title: str
    right_title: str


@dataclass(frozen=True)
class HBarsSpec:
    """Horizontal bars of percentages (e.g. step pass rates), one per label."""

    labels: tuple[str, ...]
    values: tuple[float, ...]  #: 0..100
    value_labels: tuple[str, ...]
    marked: tuple[bool, ...]  #: drawn darker (e.g. critical steps)
    xlabel: str
    marked_legend: str = ""
    unmarked_legend: str = ""


@dataclass(frozen=True)
class ForestRow:
    label: str
    n_text: str  #: e.g. "n = 15"
    value: float
    low: float
    high: float
    weight: float  #: percent; sets the square's size
    effect_text: str  #: e.g. "0,47 (0,21 s.d. 0,73)"
    flagged: bool = False  #: drawn open (e.g. fewer than 5 pairs)


@dataclass(frozen=True)
class ForestSpec:
    """A forest plot: one row per program, the pooled diamond and the prediction interval.

    Black and white: programs are black squares sized by weight (open squares when
    flagged), the pooled estimate a black diamond, the prediction interval a thick bar
    with end caps under it, and the line of no change dashed.
    """

    rows: tuple[ForestRow, ...]
    pooled_label: str
    pooled: tuple[float, float, float]  #: estimate, CI low, CI high
    pooled_text: str
    prediction_label: str
    prediction: tuple[float, float] | None
    xlabel: str
    flagged_legend: str = ""
    null_value: float | None = 0.0  #: None: no line of no change (a proportion has none)
    x_range: tuple[float, float] | None = None  #: fixed axis (e.g. 0-100 % for proportions)


def _forest_limits(spec: ForestSpec) -> tuple[float, float]:
    if spec.x_range:
        lo, hi = spec.x_range
        return lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)
    nulls = [] if spec.null_value is None else [spec.null_value]
    lows = [r.low for r in spec.rows] + [spec.pooled[1], *nulls]
    highs = [r.high for r in spec.rows] + [spec.pooled[2], *nulls]
    if spec.prediction:
        lows.append(spec.prediction[0])
        highs.append(spec.prediction[1])
    lo, hi = min(lows), max(highs)
    pad = 0.06 * (hi - lo or 1.0)
    return lo - pad, hi + pad


def _forest(spec: ForestSpec):
    k = len(spec.rows)
    n_lines = k + 3 + (1 if spec.prediction else 0)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.26 * n_lines + 0.9))
    lo, hi = _forest_limits(spec)
    max_w = max((r.weight for r in spec.rows), default=1.0) or 1.0
    for i, row in enumerate(spec.rows):
        y = n_lines - 1 - i
        ax.plot([row.low, row.high], [y, y], color="black", linewidth=0.8)
        size = 3 + 7 * math.sqrt(row.weight / max_w)
        face = "white" if row.flagged else "black"
        ax.plot(row.value, y, marker="s", markersize=size, markerfacecolor=face,
                markeredgecolor="black", markeredgewidth=0.8)  # fmt: skip
        ax.text(-0.02, y, f"{row.label}{' †' if row.flagged else ''}",
                transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=7.5)  # fmt: skip
        ax.text(1.02, y, f"{row.n_text}   {row.effect_text}",
                transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=7.5)  # fmt: skip
    y = n_lines - k - 2
    est, clo, chi = spec.pooled
    ax.fill([clo, est, chi, est], [y, y + 0.35, y, y - 0.35], color="black")
    ax.text(-0.02, y, spec.pooled_label, transform=ax.get_yaxis_transform(), ha="right",
            va="center", fontsize=7.5, fontweight="bold")  # fmt: skip
    ax.text(1.02, y, spec.pooled_text, transform=ax.get_yaxis_transform(), ha="left",
            va="center", fontsize=7.5, fontweight="bold")  # fmt: skip
    if spec.prediction:
        y -= 1
        plo, phi = spec.prediction
        ax.plot([plo, phi], [y, y], color="black", linewidth=2.4, solid_capstyle="butt")
        ax.plot([plo, plo], [y - 0.25, y + 0.25], color="black", linewidth=1)
        ax.plot([phi, phi], [y - 0.25, y + 0.25], color="black", linewidth=1)
        ax.text(-0.02, y, spec.prediction_label, transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=7.5)  # fmt: skip
    if spec.null_value is not None:
        ax.axvline(spec.null_value, color="black", linestyle=(0, (3, 3)), linewidth=0.7)
    ax.set_xlim(lo, hi)
    ax.set_ylim(y - 0.8, n_lines - 0.4)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    xlabel = spec.xlabel
    if spec.flagged_legend and any(r.flagged for r in spec.rows):
        xlabel += f"\n† {spec.flagged_legend}"
    ax.set_xlabel(xlabel)
    return fig


def _save(fig, fmt: str) -> bytes:
    buf = io.BytesIO()
    kwargs = {"metadata": {"Date": None}} if fmt == "svg" else {"dpi": 170}
    if fmt == "png":
        kwargs["metadata"] = {"Software": None}
    fig.savefig(buf, format=fmt, bbox_inches="tight", pad_inches=0.04, **kwargs)
    plt.close(fig)
    return buf.getvalue()


def _bars(spec: BarsSpec):
    k, m = len(spec.categories), len(spec.series)
    fig, ax = plt.subplots(figsize=(WIDTH_IN * (0.55 if k <= 3 else 0.8), 2.5))
    width = 0.8 / m
    x = np.arange(k)
    top = spec.ymax or max((max(s.values, default=0) for s in spec.series), default=1) or 1
    for i, series in enumerate(spec.series):
        face, hatch = SERIES_STYLE[i % len(SERIES_STYLE)]
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(
            pos,
            series.values,
            width * 0.92,
            color=face,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.6,
            label=series.name,
        )
        for xp, v, text in zip(pos, series.values, series.labels, strict=True):
            ax.text(xp, v + top * 0.015, text, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [textwrap.fill(c, 22) for c in spec.categories])
    ax.set_ylim(0, top * 1.18)
    ax.set_ylabel(spec.ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def _flow(spec: FlowSpec):
    t = np.asarray(spec.table, dtype=float)
    n = t.sum() or 1.0
    k = len(spec.levels)
    fig, ax = plt.subplots(figsize=(WIDTH_IN * 0.62, 2.6))
    bar_w, gap = 0.16, 0.02 * n
    total_h = n + gap * (k - 1)

    def stack(counts: np.ndarray) -> list[float]:
        tops, y = [], total_h
        for c in counts:
            tops.append(y)
            y -= c + gap
        return tops

    left_tops, right_tops = stack(t.sum(axis=1)), stack(t.sum(axis=0))
    left_used = list(left_tops)
    right_used = list(right_tops)
    xs = np.linspace(bar_w, 1 - bar_w, 60)
    ease = (1 - np.cos(np.linspace(0, np.pi, 60))) / 2
    for i in range(k):
        for j in range(k):
            c = t[i, j]
            if c <= 0:
                continue
            l_top, r_top = left_used[i], right_used[j]
            upper = l_top + (r_top - l_top) * ease
            lower = upper - c
            ax.fill_between(
                xs,
                lower,
                upper,
                color=FLOW_GREYS[min(i, 4)],
                alpha=0.55,
                edgecolor="black",
                linewidth=0.3,
            )
            left_used[i] -= c
            right_used[j] -= c
    for side, tops, counts in ((0, left_tops, t.sum(axis=1)), (1, right_tops, t.sum(axis=0))):
        x0 = 0 if side == 0 else 1 - bar_w
        for i, (top, c) in enumerate(zip(tops, counts, strict=True)):
            if c <= 0:
                continue
            ax.add_patch(
                Rectangle(
                    (x0, top - c),
                    bar_w,
                    c,
                    facecolor=FLOW_GREYS[min(i, 4)],
                    edgecolor="black",
                    linewidth=0.6,
                )
            )
            tx = -0.02 if side == 0 else 1.02
            ax.text(
                tx,
                top - c / 2,
                f"{spec.levels[i]}  {int(c)}" if side == 0 else f"{int(c)}  {spec.levels[i]}",
                ha="right" if side == 0 else "left",
                va="center",
                fontsize=7.5,
            )
    ax.text(bar_w / 2, total_h + 0.04 * n, spec.left_title, ha="center", va="bottom", fontsize=8)
    ax.text(
        1 - bar_w / 2, total_h + 0.04 * n, spec.right_title, ha="center", va="bottom", fontsize=8
    )
    ax.set_xlim(-0.32, 1.32)
    ax.set_ylim(-0.02 * n, total_h + 0.14 * n)
    ax.axis("off")
    return fig


def _hbars(spec: HBarsSpec):
    k = len(spec.labels)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.22 * k + 0.7))
    y = np.arange(k)[::-1]
    faces = ["0.35" if m else "white" for m in spec.marked]
    ax.barh(y, spec.values, 0.7, color=faces, edgecolor="black", linewidth=0.6)
    for yp, v, text in zip(y, spec.values, spec.value_labels, strict=True):
        ax.text(v + 1, yp, text, va="center", fontsize=7)
    ax.set_yticks(y, spec.labels, fontsize=7)
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(spec.xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    if spec.marked_legend and any(spec.marked):
        handles = [
            Rectangle((0, 0), 1, 1, facecolor="0.35", edgecolor="black", linewidth=0.6),
            Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="black", linewidth=0.6),
        ]
        ax.legend(
            handles,
            [spec.marked_legend, spec.unmarked_legend],
            frameon=False,
            fontsize=7,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
        )
    return fig


_DRAW = {BarsSpec: _bars, FlowSpec: _flow, HBarsSpec: _hbars, ForestSpec: _forest}


@functools.lru_cache(maxsize=64)
def svg(spec) -> bytes:
    """The chart as SVG (for HTML and PDF); the XML prolog is kept."""
    return _save(_DRAW[type(spec)](spec), "svg")


@functools.lru_cache(maxsize=64)
def png(spec) -> bytes:
    """The chart as a 170 dpi PNG (for Word)."""
    return _save(_DRAW[type(spec)](spec), "png")


def svg_data_uri(spec) -> str:
    """The SVG as a data URI, for an <img> (each chart keeps its own ids)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(spec)).decode("ascii")


def svg_inline(spec) -> str:
    """SVG markup without its XML prolog and DOCTYPE, to place inside an HTML page."""
    text = svg(spec).decode("utf-8")
    return text[text.index("<svg") :]
