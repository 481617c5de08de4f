"""The scenario comparison as a readable table: per issue, each model's forecasts side by side."""

from __future__ import annotations

from rich.table import Table

from parley.compare import BASE, Comparison
from parley.report.noise_marks import marked, note
from parley.report.numbers import fmt_shift, fmt_value, places_for
from parley.report.tables import terminal_table
from parley.whatif import whatif_label

__all__ = ["comparison_table", "fmt_shift"]


def comparison_table(cmp: Comparison) -> Table:
    """One row per issue and model; columns: base, then each scenario as 'forecast (shift)'."""
    changed = f" (every run with {whatif_label(None, cmp.changes)})" if cmp.changes else ""
    caption = "each scenario cell: forecast (shift from base, in the issue's units)"
    if cmp.noise:
        caption += f"; {note()}, {cmp.noise_members} members"
    table = terminal_table(
        title=f"{cmp.case.title}: scenarios compared with the base case{changed}",
        caption=caption,
    )
    table.add_column("issue", style="bold", max_width=28)
    table.add_column("model")
    table.add_column(BASE, justify="right")
    for name in cmp.scenarios:
        table.add_column(name, justify="right")
    for k, issue in enumerate(cmp.case.issues):
        places = places_for(issue.lower, issue.upper)
        for m, model in enumerate(cmp.models):
            cells = [fmt_value(float(cmp.forecast(BASE, model)[k]), places)]
            for name in cmp.scenarios:
                value = float(cmp.forecast(name, model)[k])
                shift = fmt_shift(float(cmp.shift(name, model)[k]), places)
                inside = cmp.within_noise(name, model)
                shift = marked(shift, None if inside is None else bool(inside[k]))
                cells.append(f"{fmt_value(value, places)} ({shift})")
            end = m == len(cmp.models) - 1
            table.add_row(issue.label if m == 0 else "", model, *cells, end_section=end)
    return table
