"""The forecast in three forms: a readable table, one JSON object, and tidy CSV rows."""

from __future__ import annotations

import csv
import io

from rich.table import Table
from rich.text import Text

from parley.case import Case
from parley.models import Outcome
from parley.report.numbers import fmt_value, places_for
from parley.report.tables import terminal_table

__all__ = ["fmt_value", "forecast_csv", "forecast_table"]


def forecast_table(case: Case, scenario: str | None, outcomes: dict[str, Outcome]) -> Table:
    """One block per issue, one line per model: the forecast in the issue's units and the
    nearest labelled anchor (models stacked so the table stays readable with many of them)."""
    title = case.title + (f"  [scenario: {scenario}]" if scenario else "")
    stops = [
        f"{name}: {int(out.rounds[0])} rounds, {out.message}"
        for name, out in outcomes.items()
        if out.rounds[0]
    ]
    table = terminal_table(
        title=title,
        caption="\n".join(stops) or None,
    )
    table.add_column("issue", style="bold", ratio=2, overflow="fold")
    table.add_column("model", ratio=1, no_wrap=True)
    table.add_column("forecast", justify="right", no_wrap=True)
    table.add_column("nearest anchor", ratio=3, style="dim", overflow="fold")
    for k, issue in enumerate(case.issues):
        places = places_for(issue.lower, issue.upper)
        scale = f"{fmt_value(issue.lower, places)}-{fmt_value(issue.upper, places)} {issue.unit}"
        for n, (name, out) in enumerate(outcomes.items()):
            value = float(out.forecast[0, k])
            label = Text.assemble(issue.label, "\n", (scale.strip(), "dim")) if n == 0 else ""
            table.add_row(
                label,
                name,
                f"{fmt_value(value, places)} {issue.unit}".strip(),
                issue.nearest_anchor(value),
                end_section=n == len(outcomes) - 1,
            )
    return table


def forecast_csv(outcomes: dict[str, Outcome], case: Case) -> str:
    """Tidy rows: model, issue, forecast, nearest_anchor."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["model", "issue", "forecast", "nearest_anchor"])
    for name, out in outcomes.items():
        for k, issue in enumerate(case.issues):
            value = float(out.forecast[0, k])
            writer.writerow([name, issue.id, repr(value), issue.nearest_anchor(value)])
    return buf.getvalue()
