"""The report's uncertainty figures: forecast distributions, tornado charts and Sobol bars.

Each draws results computed elsewhere (an ensemble's member forecasts, a `SensitivityResult`'s
entries) and returns inline SVG, with the conventions of `parley.report.figures` (no pyplot, text
as text, one hash salt per figure). matplotlib is the optional `report` extra.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from parley.case import Issue
from parley.report.figures import MODEL_STYLES, _anchor_labels, _new_figure, plain, to_svg

TOP = 8
AXES_IN = 6.0  # about the axes' width in inches, for spacing the anchors' labels
SMALL_IN = 4.4
"""Width of one small multiple (a tornado or Sobol panel per model): two side by side fill the
report's column at 800 px and up, with text near its printed size."""


def _density(x: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """A Gaussian kernel density estimate of `x` (Scott's bandwidth) on the range of `x`, the
    violin's outline; a sample without spread in the estimate's sense (e.g. two distinct values
    many times over) falls back to a histogram."""
    from scipy.stats import gaussian_kde

    grid = np.linspace(x.min(), x.max(), points)
    try:
        return grid, gaussian_kde(x)(grid)
    except np.linalg.LinAlgError:
        counts, edges = np.histogram(x, bins=min(50, points))
        return (edges[:-1] + edges[1:]) / 2, counts.astype(float)


def distribution_plot(
    issue: Issue,
    members: Mapping[str, np.ndarray],
    points: Mapping[str, float],
    salt: str,
) -> str:
    """One violin per model (the ensemble's forecasts of the issue, in issue units) over the
    issue's scale, with its central 50% and 90% intervals as bars, the ensemble median as a white
    tick, the model's forecast of the case as stated as a black diamond, and the anchors above."""
    names = list(members)
    fig = _new_figure(0.9 + 0.55 * len(names))
    ax = fig.add_subplot()
    lo, hi = float(issue.lower), float(issue.upper)
    for row, name in enumerate(names):
        x = np.asarray(members[name], dtype=float)
        y = len(names) - 1 - row
        colour = MODEL_STYLES[row % len(MODEL_STYLES)][0]
        if np.ptp(x) > 1e-12 * max(1.0, abs(hi - lo)):
            grid, density = _density(x)
            half = 0.4 * density / density.max()
            ax.fill_between(grid, y - half, y + half, color=colour, alpha=0.35, lw=0.6)
        else:  # every member forecast the same value: a bar of the row's height
            ax.plot([x[0]], [y], marker="|", color=colour, markersize=14, mew=2)
        q05, q25, q50, q75, q95 = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
        ax.plot([q05, q95], [y, y], color=colour, lw=1.2, solid_capstyle="butt")
        ax.plot([q25, q75], [y, y], color=colour, lw=5, solid_capstyle="butt")
        ax.plot([q50], [y], marker="|", color="white", markersize=7, mew=2)
        if name in points:
            ax.plot([points[name]], [y], marker="D", color="black", markersize=4, zorder=5)
    ax.set_yticks(range(len(names)), [plain(n) for n in reversed(names)], fontsize=8)
    ax.set_ylim(-0.6, len(names) - 0.4)
    pad = 0.02 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(plain(f"{issue.label} ({issue.unit})" if issue.unit else issue.label), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    _anchor_labels(ax, issue.anchors, lo - pad, hi - lo + 2 * pad, AXES_IN)
    return to_svg(fig, salt)


def tornado_chart(
    issue: Issue,
    entries: Sequence[Mapping[str, float]],
    base: float,
    salt: str,
    top: int = TOP,
    model: str = "",
) -> str:
    """The `top` inputs by swing: a bar from the forecast at the input's low to that at its high
    (blue: the low end, orange: the high end) around the forecast of the case as stated; a small
    multiple titled `model`."""
    shown = [e for e in entries if e["swing"] > 0][:top] or list(entries[:1])
    fig = _new_figure(0.95 + 0.28 * len(shown), SMALL_IN)
    ax = fig.add_subplot()
    for row, e in enumerate(shown):
        y = len(shown) - 1 - row
        ax.barh(y, e["low"] - base, left=base, color="#4c72b0", height=0.6)
        ax.barh(y, e["high"] - base, left=base, color="#dd8452", height=0.6)
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(range(len(shown)), [plain(str(e["input"])) for e in reversed(shown)], fontsize=7)
    unit = f" ({issue.unit})" if issue.unit else ""
    ax.set_xlabel(plain(f"forecast{unit}: input low (blue) / high (orange)"), fontsize=8)
    ax.set_title(plain(model), fontsize=9, loc="left")
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return to_svg(fig, salt)


def sobol_bars(
    issue: Issue, entries: Sequence[Mapping[str, float]], salt: str, top: int = TOP, model: str = ""
) -> str:
    """The `top` inputs by total index: bars of the first-order (S1) and total (ST) Sobol indices
    with their 95% confidence intervals as error bars; a small multiple titled `model`."""
    shown = list(entries[:top])
    fig = _new_figure(0.95 + 0.32 * len(shown), SMALL_IN)
    ax = fig.add_subplot()
    y = np.arange(len(shown))[::-1].astype(float)
    s1 = np.array([e["S1"] for e in shown])
    st = np.array([e["ST"] for e in shown])
    ax.barh(y + 0.18, st, height=0.36, color="#4c72b0", label="total (ST)",
            xerr=[e["ST_conf"] for e in shown], error_kw={"lw": 0.8})  # fmt: skip
    ax.barh(y - 0.18, s1, height=0.36, color="#55a868", label="first order (S1)",
            xerr=[e["S1_conf"] for e in shown], error_kw={"lw": 0.8})  # fmt: skip
    ax.set_yticks(y, [plain(str(e["input"])) for e in shown], fontsize=7)
    ax.set_xlim(min(0.0, float(s1.min(initial=0.0)) - 0.05), 1.05)
    ax.set_xlabel(plain("share of the forecast's variance"), fontsize=8)
    ax.set_title(plain(model), fontsize=9, loc="left")
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return to_svg(fig, salt)
