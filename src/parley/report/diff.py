"""`parley diff` as a person reads it: the changed inputs one per line, then a table of every
forecast old beside new with its shift in the issue's units (rendering only: the diff is computed
in `parley.diff`)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from parley.diff import RunDiff
from parley.report.numbers import fmt_shift, fmt_value, places_for
from parley.report.tables import terminal_table


def diff_cells(diff: RunDiff, f) -> dict[str, str]:
    """One forecast change as text: old, new and shift in the issue's units, rounded like the
    issue's scale (`=` where nothing moved, `n/a` where one side has no forecast)."""
    unit = diff.units.get(f.issue, "")
    places = places_for(*diff.scales[f.issue]) if f.issue in diff.scales else None

    def value(x: float | None) -> str:
        return "-" if x is None else f"{fmt_value(x, places)} {unit}".strip()

    if f.shift is None:
        shift = "n/a"
    elif f.shift == 0:
        shift = "="
    else:
        shift = f"{fmt_shift(f.shift, places)} {unit}".strip()
    return {"old": value(f.old), "new": value(f.new), "shift": shift}


def diff_view(diff: RunDiff) -> Group:
    """The diff as rich renderables: a heading, the input changes, the forecast table."""
    parts: list = [Text(f"{diff.old}  ->  {diff.new}", style="bold")]
    n = len(diff.inputs)
    parts.append(
        Text(f"\ninputs: {'no changes' if n == 0 else f'{n} change' + ('s' if n > 1 else '')}")
    )
    parts += [Text(f"  {change}") for change in diff.inputs]
    changed = len(diff.changed_forecasts)
    parts.append(
        Text(f"\nforecasts: {changed} of {len(diff.forecasts)} changed (shift = new - old)")
    )
    if diff.forecasts:
        with_scenario = any(f.scenario for f in diff.forecasts)
        table = terminal_table()
        if with_scenario:
            table.add_column("scenario")
        for col in ("issue", "model"):
            table.add_column(col, overflow="fold")
        for col in ("old", "new", "shift"):
            table.add_column(col, justify="right", no_wrap=True)
        for f in diff.forecasts:
            cells = diff_cells(diff, f)
            row = [
                diff.labels.get(f.issue, f.issue),
                f.model,
                cells["old"],
                cells["new"],
                cells["shift"],
            ]
            table.add_row(*([f.scenario or "base"] if with_scenario else []), *row)
        parts.append(table)
    return Group(*parts)
