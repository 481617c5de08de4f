"""`parley backtest deu3|cases|fit-combined|calibrate`: how accurate each model is on recorded outcomes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from parley.cli.common import (
    MaxMemoryOpt,
    ModelOpt,
    OutputFormat,
    SpreadOpt,
    TableJsonOpt,
    app,
    err,
    fail,
    out,
    parse_spread,
    print_json,
    warn,
)
from parley.errors import ParleyError

backtest_app = typer.Typer(
    no_args_is_help=True,
    help="Score every model against recorded outcomes (DEU III or your own cases).",
)
app.add_typer(backtest_app, name="backtest")


CapabilityOpt = Annotated[
    str,
    typer.Option(
        "--capability",
        "-c",
        help="equal, gdp (the GDP row, line 2) or a CSV file of actor,capability rows",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")]
EnsembleOpt = Annotated[
    int | None,
    typer.Option(
        "--ensemble",
        "-n",
        help="Members per proposal: also score each model's ensemble (interval coverage, CRPS)",
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the ensembles' draws")]


def _ensemble_options(ensemble: int | None, spread: list[str] | None) -> dict:
    """run_backtest's ensemble arguments, checked before anything runs."""
    if ensemble is None:
        if spread:
            raise ParleyError("--spread needs --ensemble N")
        return {}
    if ensemble < 2:
        raise ParleyError(f"--ensemble: expected at least 2 members, got {ensemble}")
    return {"ensemble": ensemble, "spread": parse_spread(spread) if spread else None}


def _report(result, format: OutputFormat) -> None:
    from parley.report.backtest import backtest_table, ensemble_table, failure_lines

    if format is OutputFormat.json:
        print_json(result.summary())
    else:
        out.print(backtest_table(result))
        if result.ensembles:
            out.print(ensemble_table(result))
    sys.stdout.flush()
    warn(failure_lines(result.failures))
    for note in result.notes:
        err.print(f"note: {note}", highlight=False)


@backtest_app.command("deu3")
def deu3(
    file: Annotated[Path, typer.Argument(help="DEU III file (tab- or semicolon-separated)")],
    capability: CapabilityOpt = "gdp",
    model: ModelOpt = None,
    format: TableJsonOpt = OutputFormat.table,
    quiet: QuietOpt = False,
    ensemble: EnsembleOpt = None,
    spread: SpreadOpt = None,
    seed: SeedOpt = 0,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Backtest models on the proposals of a DEU III file (with --ensemble, their intervals too)."""
    from parley.backtest.deu3 import read_deu3
    from parley.backtest.runner import run_backtest

    try:
        options = _ensemble_options(ensemble, spread)
        dataset = read_deu3(file, capability)
        result = run_backtest(
            dataset, model, progress=not quiet, console=err, ensemble_seed=seed, **options
        )
    except ParleyError as exc:
        fail(exc)
    _report(result, format)


@backtest_app.command("cases")
def cases(
    folder: Annotated[Path, typer.Argument(help="Folder of case files whose issues have outcomes")],
    model: ModelOpt = None,
    format: TableJsonOpt = OutputFormat.table,
    quiet: QuietOpt = False,
    ensemble: EnsembleOpt = None,
    spread: SpreadOpt = None,
    seed: SeedOpt = 0,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Backtest models on a folder of parley cases (each issue with an `outcome` is scored; with
    --ensemble, the cases' stated ranges give each model's intervals)."""
    from parley.backtest.dataset import read_case_dir
    from parley.backtest.runner import run_backtest

    try:
        options = _ensemble_options(ensemble, spread)
        if options and options["spread"] is None:
            options["spread"] = {}  # a case folder: its stated ranges only, unless --spread
        dataset = read_case_dir(folder)
        result = run_backtest(
            dataset, model, progress=not quiet, console=err, ensemble_seed=seed, **options
        )
    except ParleyError as exc:
        fail(exc)
    _report(result, format)


FoldsOpt = Annotated[
    int | None,
    typer.Option(help="Folds of the grouped cross-validation, 2 to 20 (default: 5)"),
]
FoldSeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the fold assignment")]


def _fit_inputs(data: Path, output: Path, capability: str, **options: object):
    """The edge of the commands that fit on a dataset and write a record (fit-combined,
    calibrate): their options checked by the declared ranges (`combined_fit.FIT_OPTIONS`), the
    output by `safe_write` (never one of the data's files: a folder's every file is read, the
    data hash covers them all), then the data read. Returns (dataset, the options' values)."""
    from parley.backtest.combined_fit import FIT_OPTIONS
    from parley.backtest.dataset import read_case_dir
    from parley.backtest.deu3 import read_deu3
    from parley.io.safe_write import check_output
    from parley.models.constraints import check_value

    values = tuple(check_value(v, *FIT_OPTIONS[n], f"--{n}") for n, v in options.items())
    check_output(output, [data, *(data.iterdir() if data.is_dir() else ())], "an input (the data)")
    dataset = read_case_dir(data) if data.is_dir() else read_deu3(data, capability)
    return dataset, values


@backtest_app.command("fit-combined")
def fit_combined(
    data: Annotated[Path, typer.Argument(help="DEU III file, or a folder of case files")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Weights file to write (JSON)")],
    capability: CapabilityOpt = "gdp",
    folds: FoldsOpt = None,
    seed: FoldSeedOpt = 0,
    penalty: Annotated[
        float | None,
        typer.Option(help="Fixed ridge penalty towards compromise (default: chosen by nested CV)"),
    ] = None,
    quiet: QuietOpt = False,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Fit the `combined` forecaster's weights on all issues; record the data and the CV score."""
    from parley.backtest.combined_fit import fit_record
    from parley.io.finite_json import dumps
    from parley.io.safe_write import write_text

    try:
        dataset, (folds, seed, penalty) = _fit_inputs(
            data, output, capability, folds=folds, seed=seed, penalty=penalty
        )
        record = fit_record(
            dataset,
            data,
            capability if not data.is_dir() else "from the cases",
            folds,
            seed,
            progress=not quiet,
            penalty=penalty,
        )
        write_text(output, dumps(record) + "\n")
    except ParleyError as exc:
        fail(exc, flags={"folds": "--folds"})
    cv = record["cross_validation"]
    out.print(
        f"wrote {output}: weights {record['weights']}; grouped {cv['folds']}-fold CV MAE "
        f"combined {cv['combined']['mae']:.2f} vs compromise {cv['compromise']['mae']:.2f}",
        highlight=False,
    )


@backtest_app.command("calibrate")
def calibrate(
    data: Annotated[Path, typer.Argument(help="DEU III file, or a folder of case files")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Residuals file to write (JSON)")],
    capability: CapabilityOpt = "gdp",
    folds: FoldsOpt = None,
    seed: FoldSeedOpt = 0,
    quiet: QuietOpt = False,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Record every model's errors on DEU III (or your cases) as the model-error term of
    `parley ensemble`, with their held-out coverage (docs/uncertainty.md)."""
    from parley.backtest.calibration_fit import check_residuals, fit_residuals
    from parley.io.finite_json import dumps
    from parley.io.safe_write import write_text

    try:
        dataset, (folds, seed) = _fit_inputs(data, output, capability, folds=folds, seed=seed)
        where = capability if not data.is_dir() else "from the cases"
        record = fit_residuals(dataset, data, where, folds or 5, seed, progress=not quiet)
        check_residuals(record)
        write_text(output, dumps(record, indent=1) + "\n")
    except ParleyError as exc:
        fail(exc, flags={"folds": "--folds"})
    cv = record["cross_validation"]
    out.print(f"wrote {output}: held-out coverage at 50/80/90% ({cv['folds']}-fold, by proposal)")
    for name, scores in cv["models"].items():
        cov = " / ".join(f"{v:.2f}" for v in scores["coverage"].values())
        out.print(f"  {name:<12} {cov}   CRPS {scores['crps']:.2f}", highlight=False)
