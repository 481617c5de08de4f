"""`parley backtest deu3|cases|fit-combined`: how accurate each model is on recorded outcomes."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from parley.cli.common import ModelOpt, app, err, fail, out, warn
from parley.errors import ParleyError

backtest_app = typer.Typer(
    no_args_is_help=True,
    help="Score every model against recorded outcomes (DEU III or your own cases).",
)
app.add_typer(backtest_app, name="backtest")


class BacktestFormat(StrEnum):
    table = "table"
    json = "json"


CapabilityOpt = Annotated[
    str,
    typer.Option(
        "--capability",
        "-c",
        help="equal, gdp (the GDP row, line 2) or a CSV file of actor,capability rows",
    ),
]
FormatOpt = Annotated[BacktestFormat, typer.Option("--format", "-f", help="Output format")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")]


def _report(result, format: BacktestFormat) -> None:
    from parley.backtest.report import backtest_table, failure_lines

    if format is BacktestFormat.json:
        sys.stdout.write(json.dumps(result.summary(), indent=2) + "\n")
    else:
        out.print(backtest_table(result))
    sys.stdout.flush()
    warn(failure_lines(result.failures))
    for note in result.notes:
        err.print(f"note: {note}", highlight=False)


@backtest_app.command("deu3")
def deu3(
    file: Annotated[Path, typer.Argument(help="DEU III file (tab- or semicolon-separated)")],
    capability: CapabilityOpt = "gdp",
    model: ModelOpt = None,
    format: FormatOpt = BacktestFormat.table,
    quiet: QuietOpt = False,
) -> None:
    """Backtest models on the proposals of a DEU III file."""
    from parley.backtest.deu3 import read_deu3
    from parley.backtest.runner import run_backtest

    try:
        dataset = read_deu3(file, capability)
        result = run_backtest(dataset, model, progress=not quiet, console=err)
    except ParleyError as exc:
        fail(exc)
    _report(result, format)


@backtest_app.command("cases")
def cases(
    folder: Annotated[Path, typer.Argument(help="Folder of case files whose issues have outcomes")],
    model: ModelOpt = None,
    format: FormatOpt = BacktestFormat.table,
    quiet: QuietOpt = False,
) -> None:
    """Backtest models on a folder of parley cases (each issue with an `outcome` is scored)."""
    from parley.backtest.dataset import read_case_dir
    from parley.backtest.runner import run_backtest

    try:
        dataset = read_case_dir(folder)
        result = run_backtest(dataset, model, progress=not quiet, console=err)
    except ParleyError as exc:
        fail(exc)
    _report(result, format)


@backtest_app.command("fit-combined")
def fit_combined(
    data: Annotated[Path, typer.Argument(help="DEU III file, or a folder of case files")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Weights file to write (JSON)")],
    capability: CapabilityOpt = "gdp",
    folds: Annotated[int, typer.Option(help="Folds of the grouped cross-validation")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment")] = 0,
    penalty: Annotated[
        float | None,
        typer.Option(help="Fixed ridge penalty towards compromise (default: chosen by nested CV)"),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Fit the `combined` forecaster's weights on all issues; record the data and the CV score."""
    from parley.backtest.combined_fit import fit_record
    from parley.backtest.dataset import read_case_dir
    from parley.backtest.deu3 import read_deu3
    from parley.io.text import write_text

    try:
        dataset = read_case_dir(data) if data.is_dir() else read_deu3(data, capability)
        record = fit_record(
            dataset,
            data,
            capability if not data.is_dir() else "from the cases",
            folds,
            seed,
            progress=not quiet,
            penalty=penalty,
        )
    except ParleyError as exc:
        fail(exc)
    write_text(output, json.dumps(record, indent=2) + "\n")
    cv = record["cross_validation"]
    out.print(
        f"wrote {output}: weights {record['weights']}; grouped {cv['folds']}-fold CV MAE "
        f"combined {cv['combined']['mae']:.2f} vs compromise {cv['compromise']['mae']:.2f}",
        highlight=False,
    )
