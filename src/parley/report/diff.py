"""`parley diff` as a person reads it: the changed inputs one per line, then a table of every
forecast old beside new with its shift in the issue's units (rendering only: the diff is computed
in `parley.diff`)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from parley.diff import RunDiff
from parley.report.forecast import fmt_value


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{fmt_value(value)} {unit}".strip()


def _shift(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "="
    return f"{'+' if value > 0 else ''}{fmt_value(value)} {unit}".strip()


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
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        if with_scenario:
            table.add_column("scenario")
        for col in ("issue", "model"):
            table.add_column(col, overflow="fold")
        for col in ("old", "new", "shift"):
            table.add_column(col, justify="right", no_wrap=True)
        for f in diff.forecasts:
            unit = diff.units.get(f.issue, "")
            row = [
                diff.labels.get(f.issue, f.issue),
                f.model,
                _value(f.old, unit),
                _value(f.new, unit),
                _shift(f.shift, unit),
            ]
            table.add_row(*([f.scenario or "base"] if with_scenario else []), *row)
        parts.append(table)
    return Group(*parts)
