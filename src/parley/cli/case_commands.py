"""`parley validate`, `parley forecast`, `parley convert`: the case-level commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.case import case_warnings
from parley.cli.common import (
    CaseArg,
    FormatOpt,
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    OutputFormat,
    ParamOpt,
    PresetOpt,
    RoundsOpt,
    SheetOpt,
    app,
    fail,
    library_warnings,
    load_case,
    out,
    print_json,
    warn,
)
from parley.cli.progress import round_progress
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.cli.whatif import ScenariosOpt, SetOpt, parse_sets
from parley.errors import ParleyError
from parley.forecast import forecast_json, model_specs, run_models
from parley.io import write_case
from parley.io.case_files import named_files
from parley.io.losses import conversion_losses
from parley.io.safe_write import check_output
from parley.report.forecast import forecast_csv, forecast_table
from parley.report.forecast_summary import forecast_summary
from parley.report.terminal import write_stdout
from parley.scenarios import apply_scenario
from parley.whatif import whatif_label


@app.command()
def validate(case: CaseArg, sheet: SheetOpt = None, header_row: HeaderRowOpt = None) -> None:
    """Check a case file; print a summary, warnings, or every problem found."""
    try:
        loaded = load_case(case, sheet, header_row)  # checks the case's model parameters, too
        for scenario in loaded.scenarios:
            apply_scenario(loaded, scenario.name)
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    scen = ", ".join(s.name for s in loaded.scenarios) or "none"
    out.print(
        f"{case}: ok: {len(loaded.actors)} actors, {len(loaded.issues)} issues, scenarios: {scen}",
        highlight=False,
    )


@app.command()
def forecast(
    case: CaseArg,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    model: ModelOpt = None,
    scenario: ScenariosOpt = None,
    set_: SetOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    format: FormatOpt = OutputFormat.table,
    save: SaveOpt = False,
    save_label: LabelOpt = None,
    store: StoreOpt = None,
    long: Annotated[
        bool, typer.Option("--long", help="Stacked table: one line per model, each its anchor")
    ] = False,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Forecast every issue of a case with one or more models, side by side."""
    try:
        loaded = load_case(case, sheet, header_row)
        changes = parse_sets(set_)
        specs = model_specs(model, preset or (), param or (), rounds)
        with library_warnings(), round_progress():
            outcomes = run_models(loaded, specs, scenario, changes)
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    label = whatif_label(scenario, changes)
    obj = forecast_json(loaded, " + ".join(scenario) if scenario else None, outcomes, changes)
    if format is OutputFormat.json:
        print_json(obj)
    elif format is OutputFormat.csv:
        write_stdout(forecast_csv(outcomes, loaded))
    elif long:
        out.print(forecast_table(loaded, label, outcomes))
    else:
        out.print(forecast_summary(loaded, label, outcomes), highlight=False)
    kept = [s for s in specs if s.name in outcomes]
    options = SaveOptions(save, save_label, store)
    save_run(
        options,
        "forecast",
        loaded,
        obj,
        kept,
        scenario=scenario or [],
        changes=set_ or [],
        source=case,
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Case in any format parley reads")],
    target: Annotated[Path, typer.Argument(help="Output file; format from its extension")],
    to: Annotated[str | None, typer.Option("--to", help="Output format name")] = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
) -> None:
    """Convert a case between formats (nothing is written if the input is invalid)."""
    try:
        check_output(target, [source], "the case file")
        loaded = load_case(source, sheet, header_row)
        check_output(target, named_files(loaded), "a file the case names")
        write_case(loaded, target, to)
    except ParleyError as exc:
        fail(exc)
    warn(conversion_losses(loaded, target, to))
    out.print(f"wrote {target}", highlight=False)
