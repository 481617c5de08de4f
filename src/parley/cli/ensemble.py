"""`parley ensemble`: the forecast with its uncertainty, from the case's ranges and scenario
probabilities (docs/uncertainty.md)."""

from __future__ import annotations

from enum import StrEnum
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
    ScenarioOpt,
    SheetOpt,
    SpreadOpt,
    app,
    err,
    fail,
    key_values,
    library_warnings,
    load_case,
    out,
    parse_spread,
    print_json,
    warn,
)
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.cli.whatif import SetOpt, parse_sets
from parley.errors import ParleyError
from parley.io.case_files import named_files


class Device(StrEnum):
    cpu = "cpu"
    cuda = "cuda"


@app.command()
def ensemble(
    case: CaseArg,
    members: Annotated[int, typer.Option("--members", "-n", min=1, help="Ensemble members")] = 2000,
    model: ModelOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws")] = 0,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    no_scenario_mix: Annotated[
        bool,
        typer.Option("--no-scenario-mix", help="Every member in the base case (no scenario draw)"),
    ] = False,
    spread: SpreadOpt = None,
    correlate: Annotated[
        list[str] | None,
        typer.Option(
            "--correlate", help="Rank correlation of the inputs of actors sharing TAG: TAG=RHO"
        ),
    ] = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option("--threshold", "-t", help="Probability of ISSUE<=VALUE (or <, >=, >)"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Start a Dask LocalCluster of N workers"),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on an existing Dask cluster: tcp://HOST:PORT"),
    ] = None,
    device: Annotated[
        Device, typer.Option("--device", help="Where the model kernels run")
    ] = Device.cpu,
    format: FormatOpt = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write every member's draws (.parquet or .csv)"),
    ] = None,
    model_error: Annotated[
        bool,
        typer.Option(
            "--model-error/--no-model-error",
            help="Also show each model's calibrated distribution: its forecast plus its recorded "
            "errors on DEU III (default: on)",
        ),
    ] = True,
    residuals: Annotated[
        Path | None,
        typer.Option(
            "--residuals",
            help="Model errors from this file (parley backtest calibrate) instead of DEU III's",
        ),
    ] = None,
    save: SaveOpt = False,
    label: LabelOpt = None,
    store: StoreOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Forecast with uncertainty: MEMBERS draws of the case's uncertain inputs and scenarios."""
    from parley.ensemble import ensemble as run_ensemble
    from parley.forecast import model_specs
    from parley.report.ensemble import ensemble_csv, ensemble_table
    from parley.report.terminal import write_stdout

    try:
        if scenario is not None and no_scenario_mix:
            raise ParleyError("give --scenario NAME or --no-scenario-mix, not both")
        if residuals is not None and not model_error:
            raise ParleyError("give --residuals FILE or --no-model-error, not both")
        spreads = parse_spread(spread)
        correlations = key_values(correlate, "--correlate", "TAG=RHO")
        loaded = load_case(case, sheet, header_row)
        changes = parse_sets(set_)
        specs = model_specs(model, preset or (), param or (), rounds)
        with library_warnings(), _progress_bar(members) as progress:
            result = run_ensemble(
                loaded,
                members,
                specs,
                seed=seed,
                scenario=scenario,
                mix=not no_scenario_mix,
                spread=spreads,
                correlate=correlations,
                thresholds=threshold or (),
                workers=workers,
                scheduler=scheduler,
                device=device.value,
                draws=_checked_output(output, case, named_files(loaded), residuals),
                progress=progress,
                changes=changes,
                model_error=(residuals or True) if model_error else False,
            )
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    obj = result.to_json()
    if format is OutputFormat.json:
        print_json(obj)
    elif format is OutputFormat.csv:
        write_stdout(ensemble_csv(obj))
    else:
        out.print(ensemble_table(loaded, obj, out.width))
    if output is not None:
        err.print(f"wrote {output}", highlight=False, markup=False)
    save_run(
        SaveOptions(save, label, store),
        "ensemble",
        loaded,
        obj,
        specs,
        scenario=[scenario] if scenario else [],
        seed=seed,
        members=members,
        source=case,
    )


def _checked_output(
    output: Path | None, case: Path, named: list[Path], residuals: Path | None
) -> Path | None:
    """`--output`, refused before anything runs if it is one of the inputs (the case file, a
    file the case names, the residuals), not a regular file, ..."""
    from parley.io.safe_write import check_output

    if output is not None:
        check_output(output, [case], "the case file")
        check_output(output, named, "a file the case names")
        check_output(output, [residuals] if residuals else [], "the residuals file")
    return output


class _progress_bar:
    """A progress bar on stderr while members run, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if not err.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress(
            "members",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("members", total=self.total)
        return lambda done, total: self.bar.update(task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
