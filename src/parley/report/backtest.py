"""The backtest as a table for people and as warnings for what went wrong."""

from __future__ import annotations

from collections import defaultdict

from rich.table import Table

from parley.backtest.runner import BacktestResult, Failure
from parley.report.tables import terminal_table

SHOWN_FAILURES = 5


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def backtest_table(result: BacktestResult) -> Table:
    """One row per model: n, MAE, RMSE, median AE, hit rates, and the paired comparison with
    compromise."""
    summary = result.summary()["models"]
    n_issues = len(result.issues)
    table = terminal_table(
        title=f"backtest: {result.source} ({n_issues} scored issues, errors on 0-100)",
    )
    for col in (
        "model",
        "n",
        "MAE",
        "RMSE",
        "median AE",
        "hit5",
        "hit10",
        "vs compromise (95% CI)",
        "win rate",
        "s",
    ):
        table.add_column(col, justify="left" if col == "model" else "right")
    for name, row in summary.items():
        vs = row["vs_compromise"]
        lo, hi = vs["ci95"]
        diff = (
            "-" if vs["mean_diff"] is None else f"{vs['mean_diff']:+.2f} [{_num(lo)}, {_num(hi)}]"
        )
        table.add_row(
            name,
            str(row["n"]),
            _num(row["mae"]),
            _num(row["rmse"]),
            _num(row["median_ae"]),
            _num(row["hit5"]),
            _num(row["hit10"]),
            diff,
            _num(vs["win_rate"]),
            _num(result.seconds.get(name), 1),
        )
    table.caption = (
        "hit5 / hit10: share of issues within 5 / 10 points of the outcome; "
        "vs compromise: mean of |error| - |compromise error| (negative = closer), cluster bootstrap "
        "over proposals; win rate: share of issues closer than compromise, ties count 1/2"
    )
    return table


def ensemble_table(result: BacktestResult) -> Table:
    """Two rows per model: its input ensemble and its calibrated distribution (point forecast +
    model error, scored held out by cross-conformal prediction grouped by proposal), each with the
    coverage of its central 50/80/90% intervals (the share of outcomes inside; calibrated = the
    nominal share) and its CRPS on 0-100."""
    summary = result.summary()["models"]
    members = next(iter(result.ensembles.values())).shape[1]
    table = terminal_table(
        title=f"ensembles: {members} members per proposal; coverage of the central 50/80/90% "
        "intervals (share of outcomes inside)",
    )
    heads = ("model", "distribution", "n", "50%", "80%", "90%", "CRPS")
    for col in (*heads, "MAE"):
        table.add_column(col, justify="left" if col in heads[:2] else "right")
    for name, row in summary.items():
        cal = row["calibrated"]
        for label, scores, n, mae in (
            ("inputs", row, row["n"], _num(row["mae"])),
            ("+ model error", cal, cal["n"], ""),
        ):
            cov = scores["coverage"]
            table.add_row(
                name if label == "inputs" else "",
                label,
                str(n),
                *(_num(cov[level]) for level in ("50", "80", "90")),
                _num(scores["crps"]),
                mae,
            )
    table.caption = (
        "inputs: the ensemble over the inputs' ranges; + model error: the point forecast plus the "
        "model's recorded errors on the other folds' proposals, held out (docs/uncertainty.md). "
        "CRPS: the "
        "mean absolute error generalised to a distribution (lower is better; equals the MAE for a "
        "point forecast)"
    )
    return table


def failure_lines(failures: list[Failure]) -> list[str]:
    """Each model's failures, the first few in full and a count of the rest."""
    by_model: dict[str, list[Failure]] = defaultdict(list)
    for f in failures:
        by_model[f.model].append(f)
    lines: list[str] = []
    for model, items in by_model.items():
        lines.extend(str(f) for f in items[:SHOWN_FAILURES])
        if len(items) > SHOWN_FAILURES:
            lines.append(f"model {model!r} failed on {len(items) - SHOWN_FAILURES} more issue(s)")
    return lines
