"""The coalition commands' terminal tables: power indices, a front's gains and forecasts, the
fronts a search found. Built from computed results; nothing here runs a model.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from parley.coalitions.fronts import FrontResult
from parley.report.noise_marks import marked, note
from parley.report.numbers import fmt_shift, fmt_value
from parley.report.tables import terminal_table


def power_table(result: dict[str, Any], scenario: str | None, issue: str | None) -> Table:
    """Power indices per actor (the JSON of `coalition_analysis`), heaviest first."""
    power = result["power"]
    title = f"Power: {result['case']}" + (f" [{scenario}]" if scenario else "")
    basis = f"issue {issue}" if issue else "capability"
    table = terminal_table(
        title=title,
        caption=f"weights: {basis}; quota: {result['quota']}; "
        f"{power['method']}" + (f" ({power['samples']} samples)" if power.get("samples") else ""),
    )
    table.add_column("actor")
    table.add_column("weight", justify="right")
    table.add_column("Shapley-Shubik", justify="right")
    table.add_column("Banzhaf", justify="right")
    table.add_column("Banzhaf (raw)", justify="right")
    err = power.get("stderr", {})
    for actor, weight in sorted(result["weights"].items(), key=lambda kv: -kv[1]):
        cells = [fmt_value(weight)]
        for key in ("shapley_shubik", "banzhaf", "banzhaf_raw"):
            se = err.get(key, {}).get(actor)
            cells.append(f"{power[key][actor]:.4f}" + (f" ± {se:.4f}" if se is not None else ""))
        table.add_row(actor, *cells)
    return table


def front_tables(result: FrontResult, scenario: str | None, places: dict[str, int]) -> list[Table]:
    """The members' gains per model, and the forecasts without and with the front."""
    models = list(result.gain_by_model)
    verdict = result.verdict
    table = terminal_table(
        title=f"Front {result.name}" + (f" [{scenario}]" if scenario else ""),
        caption=f"gain: salience-weighted move of the outcome toward the member, share "
        f"of each issue's scale; {verdict}",
    )
    table.add_column("member")
    for m in models:
        table.add_column(m, justify="right")
    table.add_column("mean gain", justify="right")
    for actor in result.members:
        row = [f"{result.gain_by_model[m][actor]:+.3f}" for m in models]
        table.add_row(actor, *row, f"{result.gain[actor]:+.3f}")
    forecasts = terminal_table(
        title="Forecasts without and with the front",
        caption=note() if result.noise else None,
    )
    forecasts.add_column("issue")
    forecasts.add_column("model")
    for column in ("without", "with", "shift"):
        forecasts.add_column(column, justify="right")
    for issue in next(iter(result.forecast_without.values()), {}):
        for j, m in enumerate(models):
            before, after = result.forecast_without[m][issue], result.forecast_with[m][issue]
            forecasts.add_row(
                issue if j == 0 else "",
                m,
                fmt_value(before, places[issue]),
                fmt_value(after, places[issue]),
                marked(
                    fmt_shift(after - before, places[issue]),
                    result.noise.get(m, {}).get(issue, {}).get("within_noise"),
                ),
                end_section=j == len(models) - 1,
            )
    return [table, forecasts]


def _stable_cell(front: FrontResult) -> str:
    """'yes', 'no', or a stable front that 'rests on one model' / is stable 'on average only'."""
    if not front.stable:
        return "no"
    if len(front.gain_by_model) > 1 and len(front.stable_by) == 1:
        return f"yes, {front.stable_by[0]} only"
    if len(front.gain_by_model) > 1 and not front.stable_by:
        return "on average only"
    return "yes"


def search_table(fronts: list[FrontResult], among: str, scenario: str | None) -> Table | str:
    """The fronts found, best first (or a line saying none was found)."""
    if not fronts:
        return (
            f"No front among the actors tagged {among!r} gains every member"
            + (f" [{scenario}]" if scenario else "")
            + " (--all lists them all)."
        )
    table = terminal_table(title=f"Fronts among {among!r}" + (f" [{scenario}]" if scenario else ""))
    table.add_column("#", justify="right")
    table.add_column("members")
    table.add_column("stable")
    table.add_column("min gain", justify="right")
    table.add_column("total gain", justify="right")
    for k, f in enumerate(fronts, 1):
        table.add_row(
            str(k),
            ", ".join(f.members),
            _stable_cell(f),
            f"{f.min_gain:+.3f}",
            f"{f.total_gain:+.3f}",
        )
    return table
