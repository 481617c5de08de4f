"""The report's figures, drawn with matplotlib and returned as inline SVG text.

Figures are built on `matplotlib.figure.Figure` with an Agg canvas, never through pyplot, so that
making a report changes no global matplotlib state (a user's interactive backend stays as it was).
Text stays text in the SVG (`svg.fonttype: none`): it is selectable, searchable and small, and
matplotlib XML-escapes it. Each figure gets its own `svg.hashsalt`, so element ids never collide
between the figures of one HTML page.

matplotlib is an optional dependency (`pip install parley[report]`): import this module only when
a report is asked for.
"""

from __future__ import annotations

import io
import math
import textwrap
import warnings
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from parley.case import Case, CaseArrays
from parley.models import Outcome
from parley.report.numbers import fmt_value, places_for

WIDTH_IN = 8.0
FONT_PT = 8.0
MARKER_AREA = (30.0, 600.0)  # points^2 of the smallest and the largest actor
MODEL_STYLES = [
    ("#d62728", "-"),
    ("#1f77b4", "--"),
    ("#2ca02c", "-."),
    ("#9467bd", ":"),
    ("#ff7f0e", "-"),
    ("#8c564b", "--"),
    ("#e377c2", "-."),
    ("#17becf", ":"),
]


SUMMARY_STYLES = [("black", "--"), ("black", ":"), ("#555555", "-."), ("#555555", (0, (6, 2)))]
GROUP_COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3"]
ANCHOR_WRAP = 16


def plain(text: str) -> str:
    """Text matplotlib shows as written: a '$' in a name must not start mathtext."""
    return text.replace("$", r"\$")


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline `<svg>` element (no XML prolog, no DOCTYPE, no date)."""
    FigureCanvasAgg(fig)
    buf = io.StringIO()
    with (
        matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}),
        warnings.catch_warnings(),
    ):
        # text stays text, drawn by the viewer's fonts: a glyph matplotlib's own font lacks (a
        # Chinese or Arabic name) only measures roughly, so its warning is noise on stderr
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _new_figure(height_in: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height_in))
    fig.set_layout_engine("constrained")
    return fig


def _label_lanes(
    x: np.ndarray, left: np.ndarray, right: np.ndarray, gap: float
) -> tuple[list[int], list[bool]]:
    """Greedy lanes so that no two (marker + label) extents overlap within a lane.

    Each item occupies [x - left, x + right] when its label is on the right; near the right edge
    of the scale the label goes on the left ([x - right, x + left]). Items are taken in order of x;
    each goes in the lowest lane whose last extent ends before it starts. Returns the lane of each
    item and whether its label sits on the right.
    """
    ends: list[float] = []
    lanes, on_right = [0] * len(x), [True] * len(x)
    for k in np.argsort(x, kind="stable"):
        rightward = x[k] + right[k] <= 1.0
        start = x[k] - (left[k] if rightward else right[k])
        stop = x[k] + (right[k] if rightward else left[k])
        lane = next((n for n, end in enumerate(ends) if end + gap <= start), len(ends))
        if lane == len(ends):
            ends.append(stop)
        else:
            ends[lane] = stop
        lanes[k], on_right[k] = lane, rightward
    return lanes, on_right


def _anchor_labels(
    ax, anchors: Mapping[float, str], lo: float, span: float, axes_in: float
) -> None:
    """The issue's labelled points above the axis: a tick each, labels staggered in rows where
    neighbours would overlap (the same greedy lanes as the actors' labels)."""
    if not anchors:
        return
    values = np.array(sorted(anchors), dtype=float)
    texts = [plain(textwrap.fill(anchors[v], ANCHOR_WRAP)) for v in values]
    widths = np.array([max(map(len, t.splitlines())) for t in texts]) * 7 * 0.55 / 72 / axes_in
    x01 = (values - lo) / span
    # centred labels: half the width on each side; never flip sides (right= the same half-width)
    rows = _centred_rows(x01, widths / 2 + 0.004)
    line_pt = 7 * 1.25
    heights = [len(t.splitlines()) for t in texts]
    row_height = (max(heights) * line_pt + 4) if heights else 0
    for v, text, row in zip(values, texts, rows, strict=True):
        ax.annotate(
            text,
            (v, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + row * row_height),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#444444",
            annotation_clip=False,
        )
        ax.plot(
            [v, v],
            [1.0, 1.025],
            color="#444444",
            lw=0.8,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )


def _centred_rows(x: np.ndarray, half: np.ndarray) -> list[int]:
    """Rows for labels centred at `x` with half-widths `half` so that none overlap in a row."""
    ends: list[float] = []
    rows = [0] * len(x)
    for k in np.argsort(x, kind="stable"):
        start, stop = x[k] - half[k], x[k] + half[k]
        row = next((n for n, end in enumerate(ends) if end <= start), len(ends))
        if row == len(ends):
            ends.append(stop)
        else:
            ends[row] = stop
        rows[k] = row
    return rows


def strip_plot(
    case: Case,
    arrays: CaseArrays,
    issue_index: int,
    forecasts: Mapping[str, float],
    salt: str,
) -> str:
    """One issue: each actor's position as a labelled marker (area ~ capability x salience), each
    model's forecast as a vertical line, the issue's anchors on the top axis, the status quo and
    recorded outcome (when known) as grey and black lines."""
    issue = case.issues[issue_index]
    lo, hi = float(arrays.bounds[issue_index, 0]), float(arrays.bounds[issue_index, 1])
    span = hi - lo
    held = arrays.mask[:, issue_index]
    pos = arrays.positions[0, held, issue_index]
    weight = (arrays.capability * arrays.salience)[0, held, issue_index]
    labels = [plain(case.actors[a].label) for a in np.flatnonzero(held)]
    wmax = float(weight.max()) if weight.size and weight.max() > 0 else 1.0
    area = MARKER_AREA[0] + (MARKER_AREA[1] - MARKER_AREA[0]) * weight / wmax

    axes_in = WIDTH_IN * 0.9
    radius = np.sqrt(area) / 2 / 72 / axes_in  # marker radius as a fraction of the axis
    text = np.array([len(s) for s in labels]) * FONT_PT * 0.55 / 72 / axes_in
    x01 = (pos - lo) / span
    lanes, on_right = _label_lanes(x01, radius, radius + 0.006 + text, gap=0.01)
    n_lanes = max(lanes, default=0) + 1

    groups = [case.actors[a].tags[0] if case.actors[a].tags else "" for a in np.flatnonzero(held)]
    palette = {
        g: GROUP_COLOURS[n % len(GROUP_COLOURS)] for n, g in enumerate(dict.fromkeys(groups))
    }

    fig = _new_figure(1.9 + 0.36 * n_lanes)
    ax = fig.add_subplot()
    for group, colour in palette.items():
        chosen = np.array([g == group for g in groups])
        ax.scatter(
            pos[chosen],
            np.asarray(lanes)[chosen],
            s=area[chosen],
            color=colour,
            alpha=0.6,
            edgecolors="#333333",
            linewidths=0.7,
            zorder=3,
            label=plain(group) if len(palette) > 1 and group else None,
        )
    for x, y, label, right, r in zip(pos, lanes, labels, on_right, radius, strict=True):
        offset = (r * axes_in * 72 + 2) * (1 if right else -1)
        ax.annotate(
            label,
            (x, y),
            xytext=(offset, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=FONT_PT,
            zorder=4,
            bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    for n, (name, value) in enumerate(forecasts.items()):
        if math.isnan(value):
            continue
        colour, style = MODEL_STYLES[n % len(MODEL_STYLES)]
        ax.axvline(
            value,
            color=colour,
            ls=style,
            lw=1.8,
            zorder=2,
            label=f"{plain(name)}: {fmt_value(value, places_for(issue.lower, issue.upper))}",
        )
    if issue.status_quo is not None:
        ax.axvline(issue.status_quo, color="grey", ls=(0, (1, 2)), lw=1.5, label="status quo")
    if issue.outcome is not None:
        ax.axvline(issue.outcome, color="black", lw=2.2, label="recorded outcome")
    pad = 0.03 * span
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-0.8, n_lanes - 0.2)
    ax.set_yticks([])
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(plain(f"{issue.label}" + (f" ({issue.unit})" if issue.unit else "")))
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    _anchor_labels(ax, issue.anchors, lo, span, axes_in)
    legend = ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.45 if n_lanes < 3 else -0.22 if n_lanes < 6 else -0.12),
        ncols=4,
        fontsize=FONT_PT,
        frameon=False,
    )
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([60.0])  # groups by colour, not by the first actor's size
    return to_svg(fig, salt)


def rounds_chart(case: Case, model: str, outcome: Outcome, salt: str) -> str:
    """One model's positions over rounds: a panel per issue, a line per actor, the model's
    per-round summaries (median, mean, ...) as thick dashed lines and its forecast as a dotted one."""
    issues, n_issues = case.issues, len(case.issues)
    cols = min(2, n_issues)
    rows = math.ceil(n_issues / cols)
    fig = _new_figure(2.6 * rows + 1.2)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    history = outcome.history[0]  # (R, A, I)
    rounds = np.arange(history.shape[0])
    mask = outcome.mask if outcome.mask is not None else np.ones(history.shape[1:], dtype=bool)
    colours = matplotlib.colormaps["tab20"]
    names = {a.id: a.label for a in case.actors}
    actor_ids = outcome.actor_ids or tuple(a.id for a in case.actors)
    handles: dict[str, object] = {}
    for k, ax in enumerate(axes):
        if k >= n_issues:
            ax.set_visible(False)
            continue
        for a, actor in enumerate(actor_ids):
            if not mask[a, k]:
                continue
            (line,) = ax.plot(
                rounds, history[:, a, k], color=colours(a % 20), lw=1.2, marker=".", ms=3
            )
            handles.setdefault(plain(names.get(actor, actor)), line)
        for s, (name, values) in enumerate(outcome.summaries.items()):
            style = SUMMARY_STYLES[s % len(SUMMARY_STYLES)]
            (line,) = ax.plot(rounds, values[0, :, k], color=style[0], lw=2.4, ls=style[1])
            handles.setdefault(plain(name), line)
        line = ax.axhline(outcome.forecast[0, k], color="#d62728", lw=1.4, ls=":")
        handles.setdefault("forecast", line)
        ax.set_title(plain(textwrap.fill(issues[k].label, 48)), fontsize=FONT_PT + 1)
        ax.set_ylim(issues[k].lower, issues[k].upper)
        ax.set_xlabel("round", fontsize=FONT_PT)
        ax.tick_params(labelsize=FONT_PT - 1)
        ax.grid(color="#eeeeee", lw=0.6)
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="outside lower center",
        ncols=min(3, len(handles)),
        fontsize=FONT_PT,
        frameon=False,
    )
    fig.suptitle(plain(f"{model}: positions over rounds ({outcome.message})"), fontsize=10)
    return to_svg(fig, salt)


def has_rounds(outcome: Outcome) -> bool:
    """Whether a model played rounds worth drawing (history beyond the input round)."""
    return outcome.history.shape[1] > 1


def models_with_rounds(outcomes: Mapping[str, Outcome]) -> Sequence[str]:
    return [name for name, out in outcomes.items() if has_rounds(out)]
