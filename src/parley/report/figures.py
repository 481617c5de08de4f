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
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from parley.case import Case, CaseArrays, case_arrays
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
GROUP_COLOURS = [  # ColorBrewer's 12-class Paired, strong hues first: readable for 12 groups
    "#1f78b4",
    "#33a02c",
    "#e31a1c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#c9c930",
]
OTHER_COLOUR = "#bbbbbb"  # actors outside the colour family, and groups beyond the palette
MODEL_MARKERS = ["v", "s", "D", "^", "o", "P", "X", "*"]  # told apart where forecasts coincide
HIGHLIGHT = 10
"""A rounds chart colours at most this many actors (the heaviest); the others are drawn grey."""


def colour_groups(case: Case, actor_ids: Sequence[str], colour_by: str | None) -> list[str]:
    """Each actor's colour group: its first tag starting with `colour_by` ('other' when it has
    none), or without `colour_by` its first tag ('' when untagged).

    >>> from parley.case import build_case
    >>> case = build_case({"actors": [{"id": "a", "capability": 1, "tags": ["us", "sect:x"]},
    ...     {"id": "b", "capability": 1, "tags": ["iraq"]}], "issues": [{"id": "i", "lower": 0,
    ...     "upper": 1}], "stances": {"a": {"i": {"position": 0, "salience": 1}}}})
    >>> colour_groups(case, ["a", "b"], "sect:"), colour_groups(case, ["a", "b"], None)
    (['sect:x', 'other'], ['us', 'iraq'])
    """
    out = []
    for actor_id in actor_ids:
        tags = case.actor(actor_id).tags
        if colour_by is None:
            out.append(tags[0] if tags else "")
        else:
            out.append(next((t for t in tags if t.startswith(colour_by)), "other"))
    return out


def group_palette(groups: Sequence[str]) -> dict[str, str]:
    """A colour per group in order of appearance; 'other' and groups beyond the palette grey."""
    named = [g for g in dict.fromkeys(groups) if g != "other"]
    palette = {g: GROUP_COLOURS[n] for n, g in enumerate(named[: len(GROUP_COLOURS)])}
    for g in groups:
        palette.setdefault(g, OTHER_COLOUR)
    return palette


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


def _new_figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    fig = Figure(figsize=(width_in, height_in))
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
    colour_by: str | None = None,
) -> str:
    """One issue: each actor's position as a labelled marker (area ~ capability x salience,
    coloured by its tag group, `colour_groups`), each model's forecast as a vertical line with its
    own colour, dash and marker, the issue's anchors on the top axis, the status quo and recorded
    outcome (when known) as grey and black lines; the legend below the figure, clear of the axis
    label."""
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

    groups = colour_groups(case, [case.actors[a].id for a in np.flatnonzero(held)], colour_by)
    palette = group_palette(groups)

    entries = (len(palette) if len(palette) > 1 else 0) + len(forecasts) + 2
    fig = _new_figure(1.9 + 0.36 * n_lanes + 0.2 * math.ceil(entries / 4))  # room for the legend
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
            marker=MODEL_MARKERS[n % len(MODEL_MARKERS)],
            markevery=[1],  # the top end: lines that coincide still show each model's marker
            ms=7,
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
    legend = fig.legend(  # outside the axes, below the axis label: never over it
        loc="outside lower center",
        ncols=4,
        fontsize=FONT_PT,
        frameon=False,
    )
    for handle in legend.legend_handles:
        if isinstance(handle, PathCollection):
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
    if outcome.history is None:
        raise ValueError(f"{model} ran at detail 'forecast': it has no rounds to draw")
    history = outcome.history[0]  # (R, A, I)
    rounds = np.arange(history.shape[0])
    mask = outcome.mask if outcome.mask is not None else np.ones(history.shape[1:], dtype=bool)
    colours = matplotlib.colormaps["tab10"]
    names = {a.id: a.label for a in case.actors}
    actor_ids = outcome.actor_ids or tuple(a.id for a in case.actors)
    shown = highlighted(case, actor_ids, mask)
    handles: dict[str, Artist] = {}
    for k, ax in enumerate(axes):
        if k >= n_issues:
            ax.set_visible(False)
            continue
        for a, actor in enumerate(actor_ids):
            if not mask[a, k]:
                continue
            if actor not in shown:
                (line,) = ax.plot(rounds, history[:, a, k], color=OTHER_COLOUR, lw=0.8, zorder=1)
                handles.setdefault(f"other actors ({len(actor_ids) - len(shown)})", line)
                continue
            (line,) = ax.plot(
                rounds,
                history[:, a, k],
                color=colours(shown.index(actor) % 10),
                lw=1.3,
                ls=["-", "--"][shown.index(actor) // 10 % 2],
                marker=".",
                ms=3,
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
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # round 2.5 does not exist
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


def highlighted(case: Case, actor_ids: Sequence[str], mask: np.ndarray) -> list[str]:
    """The actors a rounds chart colours: all when there are at most HIGHLIGHT, else the HIGHLIGHT
    with the most weight (capability x salience summed over issues), heaviest first."""
    arrays = case_arrays(case)
    weight = dict(zip(arrays.actor_ids, arrays.weights[0].sum(axis=1), strict=True))
    held = [a for k, a in enumerate(actor_ids) if mask[k].any()]
    if len(held) <= HIGHLIGHT:
        return held
    return sorted(held, key=lambda a: -weight.get(a, 0.0))[:HIGHLIGHT]


def has_rounds(outcome: Outcome) -> bool:
    """Whether a model played rounds worth drawing (history beyond the input round)."""
    return outcome.history is not None and outcome.history.shape[1] > 1


def models_with_rounds(outcomes: Mapping[str, Outcome]) -> Sequence[str]:
    return [name for name, out in outcomes.items() if has_rounds(out)]
