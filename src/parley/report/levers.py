"""The levers of an actor as a readable table: one row per lever, one effect column per model.

Levers are ranked by their worst effect across the models that judged them (a lever is only as
good as the model least convinced by it), and a lever that helps under one model and hurts under
another says so in its verdict: effects are never averaged.
"""

from __future__ import annotations

from rich.table import Table

from parley.case import Case
from parley.levers import Lever, LeverAnalysis
from parley.levers.analysis import ROBUST_SHARE, sign
from parley.report.noise_marks import marked, note
from parley.report.numbers import fmt_shift, places_for
from parley.report.tables import terminal_table


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
    inside = analysis.within_noise(model, judged[model])
    order = sorted(range(len(shifts)), key=lambda i: -abs(shifts[i]))
    parts = []
    for i in order[:most]:
        issue = case.issues[i]
        text = fmt_shift(float(shifts[i]), places_for(issue.lower, issue.upper))
        if text != "0":
            parts.append(f"{issue.id} {marked(text, None if inside is None else bool(inside[i]))}")
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
    if analysis.noise:
        caption += ". " + note("forecast shift")
    table = terminal_table(
        title=f"Levers of {analysis.actor}; its value of the base forecast: {values}",
        caption=caption,
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


def _span(analysis: LeverAnalysis, lever: Lever) -> tuple[float, float]:
    effects = [e[lever].effect for e in analysis.effects.values() if lever in e]
    return min(effects), max(effects)


def _range(low: float, high: float) -> str:
    return points(low) if points(low) == points(high) else f"{points(low)} to {points(high)}"


def best_by_issue(analysis: LeverAnalysis) -> list[tuple[str, str]]:
    """Per issue, the lever on it with the best worst-case effect: (issue, 'label (effect)');
    'no lever helps under every model' when none does."""
    ranked = ranked_levers(analysis)
    rows = []
    for issue in analysis.issue_ids:
        on = [lv for lv in ranked if lv.issue == issue]
        if on and _span(analysis, on[0])[0] > 0:
            low, high = _span(analysis, on[0])
            rows.append((issue, f"{on[0].label} ({_range(low, high)} points)"))
        else:
            rows.append((issue, "no lever on this issue helps under every model"))
    return rows


def alone_or_front(analysis: LeverAnalysis) -> str:
    """Whether negotiating in a front serves the actor better than alone, and with whom."""
    fronts = [lv for lv in ranked_levers(analysis) if lv.kind == "ally"]
    if not fronts:
        return "No front was evaluated (the ally levers were not asked for)."
    judges = [m for m, e in analysis.effects.items() if fronts[0] in e]
    helping = [lv for lv in fronts if _span(analysis, lv)[0] > 0]
    if helping:
        names = "; ".join(
            f"with {lv.target} ({_range(*_span(analysis, lv))} points)" for lv in helping[:3]
        )
        return (
            f"A front serves {analysis.actor} better than going alone under every model that "
            f"judges fronts ({', '.join(judges)}): best {names}."
        )
    mixed = [lv for lv in fronts if _span(analysis, lv)[1] > 0]
    if mixed:
        best = mixed[0]
        return (
            f"No front helps {analysis.actor} under every model ({', '.join(judges)}); the least "
            f"risky is with {best.target} ({verdict(analysis, best)}; "
            f"{_range(*_span(analysis, best))} points). Going alone is as good or better under "
            "the others."
        )
    return (
        f"Going alone serves {analysis.actor} better: no front of two or three raises its value "
        f"under any model ({', '.join(judges)})."
    )


def levers_view(case: Case, analysis: LeverAnalysis, top: int = 15) -> dict[str, object]:
    """The levers as plain data for the HTML report: ranked rows, best per issue, front verdict."""
    rows = []
    for n, lever in enumerate(ranked_levers(analysis)[:top], 1):
        low, high = _span(analysis, lever)
        rows.append(
            {
                "rank": n,
                "label": lever.label,
                "worst": points(low),
                "best": points(high),
                "verdict": verdict(analysis, lever),
                "shifts": main_shifts(case, analysis, lever),
            }
        )
    return {
        "actor": analysis.actor,
        "label": case.actor(analysis.actor).label,
        "base_values": ", ".join(f"{m} {points(v)}" for m, v in analysis.value.items()),
        "rows": rows,
        "by_issue": [
            {"issue": case.issue(i).label, "lever": text} for i, text in best_by_issue(analysis)
        ],
        "fronts": alone_or_front(analysis),
    }
