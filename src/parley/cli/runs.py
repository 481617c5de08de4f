"""`parley runs list|show|diff|export|rm` (the run store) and `parley diff OLD NEW` (two case files
or two saved runs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parley.cli.common import (
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    OutputFormat,
    ScenarioOpt,
    SheetOpt,
    TableJsonOpt,
    app,
    fail,
    library_warnings,
    load_case,
    out,
    print_json,
)
from parley.cli.progress import round_progress
from parley.cli.saving import StoreOpt
from parley.errors import ParleyError
from parley.io.finite_json import dumps
from parley.report.tables import terminal_table

if TYPE_CHECKING:
    from parley.diff import RunDiff
    from parley.store import Store, StoredRun

runs_app = typer.Typer(
    help="Saved runs: list, show, diff, export, remove (--save on a command records one).",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")


RunId = Annotated[str, typer.Argument(help="Run id (see `parley runs list`)")]


def _open(url: str | None) -> Store:
    try:
        from parley.store import open_store
    except ModuleNotFoundError:
        fail(ParleyError("the run store needs the store extra: pip install 'parley[store]'"))
    try:
        return open_store(url)
    except ParleyError as exc:
        fail(exc)


def _get(store: Store, run_id: str) -> StoredRun:
    try:
        return store.get(run_id)
    except ParleyError as exc:
        fail(exc)


@runs_app.command("list")
def list_runs(
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(help="Most runs to list (newest first)")] = 50,
    case: Annotated[
        str | None, typer.Option("--case", help="Only runs of the case with this SHA-256 prefix")
    ] = None,
    format: TableJsonOpt = OutputFormat.table,
) -> None:
    """The saved runs, newest first."""
    runs = _open(store).list_runs(limit=None if case else limit)
    if case:
        runs = [r for r in runs if r.case_sha256.startswith(case)][:limit]
    if format is OutputFormat.json:
        print_json([r.summary() for r in runs])
        return
    table = terminal_table()
    for col in ("id", "when (UTC)", "command", "label", "case", "scenario", "models"):
        table.add_column(col, overflow="fold")
    for r in runs:
        when = r.created_at.strftime("%Y-%m-%d %H:%M") if r.created_at else ""
        table.add_row(
            str(r.id),
            when,
            r.command,
            r.label or "",
            f"{r.case.get('title', '')} ({r.case_sha256[:8]})",
            ", ".join(r.scenario),
            ", ".join(r.summary()["models"]),
        )
    out.print(table if runs else "no saved runs")


@runs_app.command("show")
def show(run_id: RunId, store: StoreOpt = None, format: TableJsonOpt = OutputFormat.table) -> None:
    """One run: what was run (case, scenario, models and parameters) and its result."""
    run = _get(_open(store), run_id)
    if format is OutputFormat.json:
        print_json(run.to_json())
        return
    from parley.diff import forecasts_in

    s = run.summary()
    lines = [
        f"run {run.id}" + (f" ({run.label})" if run.label else ""),
        f"  saved:    {s['created_at']} by parley {run.parley_version}",
        f"  command:  {run.command}",
        f"  case:     {s['case']} (sha256 {run.case_sha256})"
        + (f" from {run.case_source}" if run.case_source else ""),
        f"  scenario: {', '.join(run.scenario) or 'base case'}",
    ]
    if run.changes:
        lines.append(f"  changes:  {', '.join(run.changes)}")
    if run.seed is not None or run.members is not None:
        lines.append(f"  seed:     {run.seed}   members: {run.members}")
    for m in run.models:
        params = ", ".join(f"{k}={v}" for k, v in (m.get("params") or {}).items())
        preset = f" preset {m['preset']}" if m.get("preset") else ""
        lines.append(f"  model:    {m['name']}{preset}: {params or 'no parameters'}")
    out.print("\n".join(lines), highlight=False)
    found = forecasts_in(run.result)
    if found:
        table = terminal_table(title="forecasts")
        for col in ("scenario", "model", "issue", "forecast"):
            table.add_column(col, justify="right" if col == "forecast" else "left")
        for (scenario, model), values in found.items():
            for issue, value in values.items():
                table.add_row(
                    scenario or "base", model, issue, "-" if value is None else f"{value:g}"
                )
        out.print(table)
    else:
        out.print(
            f"  result: {len(json.dumps(run.result))} bytes of JSON (parley runs export {run.id})"
        )


def _print_diff(diff: RunDiff, format: OutputFormat) -> None:
    if format is OutputFormat.json:
        print_json(diff.to_json())
    else:
        from parley.report.diff import diff_view

        out.print(diff_view(diff))


@runs_app.command("diff")
def diff_saved(
    old: RunId, new: RunId, store: StoreOpt = None, format: TableJsonOpt = OutputFormat.table
) -> None:
    """What changed between two saved runs: inputs and every forecast, in issue units."""
    from parley.diff import diff_runs

    opened = _open(store)
    _print_diff(diff_runs(_get(opened, old), _get(opened, new)), format)


@runs_app.command("export")
def export(
    run_id: RunId,
    store: StoreOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")
    ] = None,
) -> None:
    """Everything recorded of a run (case, settings, result) as one JSON object."""
    opened = _open(store)
    run = _get(opened, run_id)
    text = dumps(run.to_json()) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from parley.io.safe_write import write_text

    database = (
        opened.engine.url.database if opened.engine.url.get_backend_name() == "sqlite" else None
    )
    try:  # never over the store's own SQLite file
        write_text(output, text, [Path(database)] if database else (), "the run store")
    except ParleyError as exc:
        fail(exc)
    out.print(f"wrote {output}", highlight=False)


@runs_app.command("rm")
def remove(run_id: RunId, store: StoreOpt = None) -> None:
    """Delete a saved run (its case too when no other run uses it)."""
    opened = _open(store)
    try:
        opened.remove(run_id)
    except ParleyError as exc:
        fail(exc)
    out.print(f"removed run {run_id}", highlight=False)


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Case file, or a saved run's id")],
    new: Annotated[str, typer.Argument(help="Case file, or a saved run's id")],
    model: ModelOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    store: StoreOpt = None,
    format: TableJsonOpt = OutputFormat.table,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """What changed from OLD to NEW (two case files, or two saved runs): the inputs and every
    forecast, in issue units. Case files are forecast with the same models (--model)."""
    from parley.diff import diff_case_forecasts, diff_runs

    kinds = [Path(arg).is_file() for arg in (old, new)]
    if not any(kinds) and all(arg.isdigit() for arg in (old, new)):
        opened = _open(store)
        _print_diff(diff_runs(_get(opened, old), _get(opened, new)), format)
        return
    for arg, is_file in zip((old, new), kinds, strict=True):
        if not is_file:
            fail(ParleyError(f"{arg}: no such case file (give two case files or two run ids)"))
    from parley.forecast import forecast_json, model_specs, run_models

    results = []
    for arg in (old, new):
        try:
            case = load_case(Path(arg), sheet, header_row)
            specs = model_specs(model)
            with library_warnings(), round_progress():
                outcomes = run_models(case, specs, scenario)
        except ParleyError as exc:
            fail(exc, Path(arg))
        results.append((arg, case, forecast_json(case, scenario, outcomes)))
    _print_diff(diff_case_forecasts(*results[0], *results[1]), format)
