"""The command line: a thin typed layer over the library (nothing numeric lives here)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from parley.case import case_warnings
from parley.errors import ParleyError
from parley.forecast import model_specs, run_models
from parley.io import read_case, write_case
from parley.report.forecast import forecast_csv, forecast_json, forecast_table
from parley.scenarios import apply_scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="parley: forecast how multi-party negotiations end.",
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


CaseArg = Annotated[
    Path,
    typer.Argument(
        help="Case file: YAML/JSON, stakeholder CSV/XLSX, BDM CSV, KTAB CSV/XML, Decide"
    ),
]
ModelOpt = Annotated[
    list[str] | None, typer.Option("--model", "-m", help="Model to run (repeatable; default: all)")
]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario of the case")]
PresetOpt = Annotated[
    list[str] | None, typer.Option("--preset", help="PRESET or MODEL:PRESET (repeatable)")
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="NAME=VALUE or MODEL.NAME=VALUE (repeatable)"),
]
RoundsOpt = Annotated[
    int | None, typer.Option("--rounds", "-r", help="Rounds for round-based models")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format")]


def fail(exc: ParleyError) -> None:
    """One line per problem on stderr, exit code 2: the contract for bad input."""
    for line in str(exc).splitlines():
        err.print(f"[red]error:[/red] {line}", highlight=False, markup=True)
    raise typer.Exit(2)


def warn(lines: list[str]) -> None:
    for line in lines:
        err.print(f"[yellow]warning:[/yellow] {line}", highlight=False)


@app.command()
def validate(case: CaseArg) -> None:
    """Check a case file; print a summary, warnings, or every problem found."""
    try:
        loaded = read_case(case)
        for scenario in loaded.scenarios:
            apply_scenario(loaded, scenario.name)
    except ParleyError as exc:
        fail(exc)
    warn(case_warnings(loaded))
    scen = ", ".join(s.name for s in loaded.scenarios) or "none"
    out.print(
        f"{case}: ok: {len(loaded.actors)} actors, {len(loaded.issues)} issues, scenarios: {scen}",
        highlight=False,
    )


@app.command()
def forecast(
    case: CaseArg,
    model: ModelOpt = None,
    scenario: ScenarioOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    format: FormatOpt = OutputFormat.table,
) -> None:
    """Forecast every issue of a case with one or more models, side by side."""
    try:
        loaded = read_case(case)
        specs = model_specs(model, preset or (), param or (), rounds)
        outcomes = run_models(loaded, specs, scenario)
    except ParleyError as exc:
        fail(exc)
    warn(case_warnings(loaded))
    if format is OutputFormat.json:
        sys.stdout.write(json.dumps(forecast_json(loaded, scenario, outcomes), indent=2) + "\n")
    elif format is OutputFormat.csv:
        sys.stdout.write(forecast_csv(outcomes, loaded))
    else:
        out.print(forecast_table(loaded, scenario, outcomes))


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Case in any format parley reads")],
    target: Annotated[Path, typer.Argument(help="Output file; format from its extension")],
    to: Annotated[str | None, typer.Option("--to", help="Output format name")] = None,
) -> None:
    """Convert a case between formats (nothing is written if the input is invalid)."""
    try:
        write_case(read_case(source), target, to)
    except ParleyError as exc:
        fail(exc)
    out.print(f"wrote {target}", highlight=False)


def main() -> None:  # pragma: no cover - entry point
    app()
