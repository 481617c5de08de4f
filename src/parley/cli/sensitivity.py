"""`parley sensitivity`: which uncertain inputs move each model's forecast (tornado, Sobol, Morris)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from parley.case import case_warnings
from parley.cli.common import (
    CaseArg,
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    OutputFormat,
    ParamOpt,
    PresetOpt,
    RoundsOpt,
    ScenarioOpt,
    SheetOpt,
    SpreadOpt,
    TableJsonOpt,
    app,
    fail,
    library_warnings,
    load_case,
    out,
    parse_spread,
    print_json,
    warn,
)
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.errors import ParleyError
from parley.forecast import model_specs
from parley.sensitivity.methods import Method


@app.command()
def sensitivity(
    case: CaseArg,
    model: ModelOpt = None,
    method: Annotated[
        Method, typer.Option("--method", help="tornado (exact, cheap), sobol or morris")
    ] = Method.tornado,
    samples: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--samples",
            help="Sobol base samples (a power of 2, default 512) or Morris trajectories (64)",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the Sobol / Morris design")] = 0,
    spread: SpreadOpt = None,
    scenario: ScenarioOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    top: Annotated[int, typer.Option(help="Inputs shown per issue in the table")] = 10,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    format: TableJsonOpt = OutputFormat.table,
    save: SaveOpt = False,
    label: LabelOpt = None,
    store: StoreOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Rank the case's uncertain inputs by how much they move each model's forecast, per issue."""
    from parley.report.sensitivity import sensitivity_tables
    from parley.sensitivity.case import sensitivity as run_sensitivity

    try:
        if samples is not None and samples < 1:
            raise ParleyError(f"-n: expected a positive number of samples, got {samples}")
        if top < 1:
            raise ParleyError(f"--top: expected a positive number, got {top}")
        spreads = parse_spread(spread or ())
        loaded = load_case(case, sheet, header_row)
        specs = model_specs(model, preset or (), param or (), rounds)
        with library_warnings():
            result = run_sensitivity(loaded, specs, method, samples, seed, spreads, scenario)
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    obj = result.to_json()
    if format is OutputFormat.json:
        print_json(obj)
    else:
        for table in sensitivity_tables(result, top):
            out.print(table)
    sys.stdout.flush()
    warn(result.warnings())
    save_run(
        SaveOptions(save, label, store),
        "sensitivity",
        loaded,
        obj,
        specs,
        scenario=[scenario] if scenario else [],
        seed=seed,
        members=samples,
        source=case,
    )
