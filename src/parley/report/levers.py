"""The levers of an actor as a readable table: one row per lever, one effect column per model.

Levers are ranked by their worst effect across the models that judged them (a lever is only as
good as the model least convinced by it), and a lever that helps under one model and hurts under
another says so in its verdict: effects are never averaged.
"""

from __future__ import annotations

from rich import box
from rich.table import Table

from parley.case import Case
from parley.levers import Lever, LeverAnalysis
from parley.levers.analysis import ROBUST_SHARE, sign
from parley.report.numbers import fmt_shift, places_for


def ranked_levers(analysis: LeverAnalysis) -> list[Lever]:
    """Every lever, best worst-case effect first (then best best-case, then generation order)."""
    order = {lever: n for n, lever in enumerate(analysis.levers())}

    def key(lever: Lever) -> tuple[float, float, int]:
        effects = [e[lever].effect for e in analysis.effects.values() if lever in e]
        return (-min(effects), -max(effects), order[lever])

    return sorted(order, key=key)


def verdict(analysis: LeverAnalysis, lever: Lever) -> str:
    """Which models the lever helps: 'all 6', '4 of 6; hurts: smp', 'none; hurts: all 6'...

    The minority is named, so a lever that helps under some models and hurts under others reads
    as such at a glance ('no effect' counts neither way).
    """
    signs = {m: sign(e[lever].effect) for m, e in analysis.effects.items() if lever in e}
    helps = [m for m, v in signs.items() if v > 0]
    hurts = [m for m, v in signs.items() if v < 0]
    n = len(signs)
    if len(helps) == n:
        return f"all {n}"
    if not helps and not hurts:
        return "no effect"
    text = f"{len(helps)} of {n}" if helps else "none"
    if hurts:
        named = f"all {n}" if len(hurts) == n else ", ".join(hurts)
        text += f"; hurts: {named}"
    return text


def main_shifts(case: Case, analysis: LeverAnalysis, lever: Lever, most: int = 2) -> str:
    """The largest forecast shifts a lever causes, under the model where its effect is largest."""
    judged = {m: e[lever] for m, e in analysis.effects.items() if lever in e}
    model = max(judged, key=lambda m: (abs(judged[m].effect), -list(judged).index(m)))
    shifts = judged[model].shifts
    order = sorted(range(len(shifts)), key=lambda i: -abs(shifts[i]))
    parts = []
    for i in order[:most]:
        issue = case.issues[i]
        text = fmt_shift(float(shifts[i]), places_for(issue.lower, issue.upper))
        if text != "0":
            parts.append(f"{issue.id} {text}")
    return (", ".join(parts) + f" ({model})") if parts else "-"


def points(effect: float) -> str:
    """An effect in points of the scale (x 100), signed: '+5.62', '-0.4', '0'."""
    text = f"{effect * 100:+.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text


def levers_table(case: Case, analysis: LeverAnalysis, top: int | None = None) -> Table:
    """The ranked table: lever, worst and best effect across models, which models it helps
    (naming those it hurts), robustness with an ensemble, and the main forecast shifts."""
    values = ", ".join(f"{m} {points(v)}" for m, v in analysis.value.items())
    caption = (
        "effect: change of the actor's value (salience-weighted closeness of the outcome "
        "to its goals) in points of each issue's scale (100 = the whole scale), worst and best "
        "across the models; ranked by the worst. Every model's effect: --format json"
    )
    if analysis.robust:
        caption += (
            f". robust: helps in at least {ROBUST_SHARE:.0%} of the ensemble members under "
            "every model (the lowest model's share shown)"
        )
    table = Table(
        title=f"Levers of {analysis.actor}; its value of the base forecast: {values}",
        caption=caption,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
        pad_edge=False,
    )
    table.add_column("#", justify="right")
    table.add_column("lever", ratio=3)
    table.add_column("worst", justify="right", no_wrap=True)
    table.add_column("best", justify="right", no_wrap=True)
    table.add_column("helps under", ratio=2)
    if analysis.robust:
        table.add_column("robust", justify="right", no_wrap=True)
    table.add_column("main shifts", ratio=2)
    rows = ranked_levers(analysis)
    for n, lever in enumerate(rows[:top] if top else rows, 1):
        effects = [e[lever].effect for e in analysis.effects.values() if lever in e]
        extra = []
        if analysis.robust:
            share = min(
                r.get(lever, 0.0)
                for m, r in analysis.robust.items()
                if lever in analysis.effects[m]
            )
            extra = [f"{'yes' if share >= ROBUST_SHARE else 'no'} {share:.0%}"]
        table.add_row(
            str(n),
            lever.label,
            points(min(effects)),
            points(max(effects)),
            verdict(analysis, lever),
            *extra,
            main_shifts(case, analysis, lever),
        )
    return table
