"""`parley report`: one self-contained HTML file with the case, forecasts, figures and analyses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.case import case_warnings
from parley.cli.common import (
    CaseArg,
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    RoundsOpt,
    SheetOpt,
    app,
    fail,
    library_warnings,
    load_case,
    out,
    warn,
)
from parley.cli.progress import round_progress
from parley.cli.whatif import SetOpt, parse_sets
from parley.errors import ParleyError
from parley.forecast import model_specs
from parley.io.case_files import named_files
from parley.io.safe_write import check_output


@app.command()
def report(
    case: CaseArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="HTML file to write (written atomically; default: the case's name with .html)",
        ),
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help="Scenario to compare (repeatable; default: all)"),
    ] = None,
    set_: SetOpt = None,
    levers: Annotated[
        str | None, typer.Option("--levers", help="Add the levers of this actor")
    ] = None,
    model: ModelOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    front: Annotated[
        list[str] | None,
        typer.Option("--front", help="United front to evaluate: A,B,C (repeatable)"),
    ] = None,
    front_search: Annotated[
        list[str] | None,
        typer.Option(
            "--front-search", help="Find the stable fronts among the actors with TAG (repeatable)"
        ),
    ] = None,
    front_max_size: Annotated[
        int | None,
        typer.Option("--front-max-size", help="Largest front --front-search tries"),
    ] = None,
    colour_by: Annotated[
        str | None,
        typer.Option(
            "--colour-by",
            help="Colour actors by their tags starting with TAG-PREFIX (case: colour_by)",
        ),
    ] = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    members: Annotated[
        int | None,
        typer.Option(
            "--members",
            help="Ensemble members of the uncertainty section (default 200; 0: no section)",
        ),
    ] = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Write an HTML report: case table, strip plots, rounds, scenarios, power, united fronts."""
    from parley.analysis import analyse_case
    from parley.report.html import render_report, require_report_extra, write_report

    output = output or default_output(case)
    try:
        check_output(output, [case], "the case file")
        if members is not None and members < 0:
            raise ParleyError(
                f"--members: expected 0 (no uncertainty section) or more, got {members}"
            )
        loaded = load_case(case, sheet, header_row)
        check_output(output, named_files(loaded), "a file the case names")
        changes = parse_sets(set_)
        specs = model_specs(model, preset or (), param or (), rounds)
        fronts = [_members(item) for item in front or ()]
        require_report_extra()  # before anything runs
        with library_warnings(), round_progress():
            analysis = analyse_case(
                loaded,
                specs,
                scenario or None,
                fronts,
                front_search or (),
                front_max_size=front_max_size,
                members=members,
                changes=changes,
                levers_actor=levers,
            )
        write_report(output, render_report(analysis, source=str(case), colour_by=colour_by))
    except ParleyError as exc:
        fail(exc, case, {"max_size": "--front-max-size"})
    warn(case_warnings(loaded))
    out.print(f"wrote {output}", highlight=False)


def default_output(case: Path) -> Path:
    """`CASE.html` beside the case file (`cases/x/case.yaml` -> `cases/x/case.html`)."""
    return case.with_suffix(".html")


def _members(item: str) -> list[str]:
    members = [m.strip() for m in item.split(",") if m.strip()]
    if len(members) < 2:
        raise ParleyError(f"--front expects two or more actors as A,B,C, got {item!r}")
    return members
