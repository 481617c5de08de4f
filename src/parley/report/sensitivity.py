"""Sensitivity results as terminal tables: per model and issue, the most important inputs first."""

from __future__ import annotations

from rich.table import Table

from parley.report.numbers import fmt_value
from parley.report.tables import terminal_table
from parley.sensitivity import SensitivityResult

COLUMNS = {
    "tornado": ("low", "high", "swing"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "sigma"),
}
HEADERS = {"S1_conf": "S1 +/-", "ST_conf": "ST +/-", "mu_star": "mu*"}
TOP = 10


IMPORTANCE = {"tornado": "swing", "sobol": "ST", "morris": "mu_star"}


def _fmt(method: str, value: float) -> str:
    """Indices with three decimals; forecasts and effects in issue units as the report shows them."""
    return f"{value:.3f}" if method == "sobol" else fmt_value(value)


def sensitivity_tables(result: SensitivityResult, top: int = TOP) -> list[Table]:
    """One table per model and issue: the `top` inputs by importance, leaving out those of no
    importance at all (inputs of other issues, for most models); the JSON has them all.

    >>> r = SensitivityResult("tornado", {"m": {"i": [{"input": "a.i.position", "low": 1.0,
    ...     "high": 3.0, "swing": 2.0}]}})
    >>> [t.title for t in sensitivity_tables(r)]
    ['m, issue i: tornado (forecast with each input at its low / high)']
    """
    columns = COLUMNS[result.method]
    what = {
        "tornado": "tornado (forecast with each input at its low / high)",
        "sobol": f"Sobol indices, {result.n} base samples, seed {result.seed} (+/-: 95% CI)",
        "morris": f"Morris screening, {result.n} trajectories, seed {result.seed}",
    }[result.method]
    tables = []
    for model, issues in result.models.items():
        for issue, entries in issues.items():
            table = terminal_table(
                title=f"{model}, issue {issue}: {what}",
            )
            table.add_column("input")
            for col in columns:
                table.add_column(HEADERS.get(col, col), justify="right")
            key = IMPORTANCE[result.method]
            shown = [e for e in entries if abs(e[key]) > 0][:top]
            for entry in shown:
                table.add_row(entry["input"], *(_fmt(result.method, entry[c]) for c in columns))
            if len(entries) > len(shown):
                table.caption = f"{len(entries) - len(shown)} more input(s) in --format json"
            tables.append(table)
    return tables
