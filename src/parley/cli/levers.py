"""`parley levers`: what one actor can do about the forecast, ranked under each model."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.case import case_warnings
from parley.cli.common import (
    CaseArg,
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    NoiseMembersOpt,
    OutputFormat,
    ParamOpt,
    PresetOpt,
    RoundsOpt,
    SheetOpt,
    SpreadOpt,
    TableJsonOpt,
    app,
    fail,
    library_warnings,
    load_case,
    noise_ensemble,
    out,
    parse_spread,
    print_json,
    warn,
)
from parley.cli.progress import progress_bar
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.cli.whatif import ScenariosOpt, SetOpt, parse_sets
from parley.ensemble.noise import DEFAULT_MEMBERS
from parley.errors import ParleyError
from parley.forecast import model_specs
from parley.levers import find_levers, parse_goals
from parley.report.levers import levers_table
from parley.whatif import whatif_case, whatif_label


@app.command()
def levers(
    case: CaseArg,
    actor: Annotated[str, typer.Option("--actor", "-a", help="The actor whose levers to find")],
    goal: Annotated[
        list[str] | None,
        typer.Option("--goal", help="ISSUE=VALUE: what the actor wants instead of its position"),
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kinds",
            "-k",
            help="Lever kinds: persuade, salience, concede, resources, ally (repeatable or A,B)",
        ),
    ] = None,
    model: ModelOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    scenario: ScenariosOpt = None,
    set_: SetOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    members: Annotated[
        int,
        typer.Option(
            "--members",
            "-n",
            min=0,
            help="Also evaluate each lever in N ensemble draws of the case's ranges; robust when "
            "it helps in 80% of them",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws")] = 0,
    spread: SpreadOpt = None,
    noise_members: NoiseMembersOpt = DEFAULT_MEMBERS,
    top: Annotated[int, typer.Option("--top", help="Rows of the table (0: all)", min=0)] = 20,
    format: TableJsonOpt = OutputFormat.table,
    save: SaveOpt = False,
    save_label: LabelOpt = None,
    store: StoreOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Rank the moves open to an actor by their effect on its value of the outcome."""
    try:
        spreads = parse_spread(spread)
        if spreads and not members:
            raise ParleyError("--spread sets the ranges of the --members N draws: give --members")
        loaded = load_case(case, sheet, header_row)
        changes = parse_sets(set_)
        specs = model_specs(model, preset or (), param or (), rounds)
        with library_warnings():
            base = whatif_case(loaded, scenario, changes)
            with progress_bar("models solved") as progress:
                result = find_levers(
                    base,
                    actor,
                    specs,
                    goals=parse_goals(goal),
                    kinds=[k.strip() for item in kinds or () for k in item.split(",") if k.strip()],
                    progress=progress,
                    members=members,
                    seed=seed,
                    spread=spreads,
                    noise=noise_ensemble(noise_members),
                )
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    obj = result.to_json()
    if format is OutputFormat.json:
        print_json(obj)
    else:
        label = whatif_label(scenario, changes)
        if label:
            out.print(f"{loaded.title} [{label}]", highlight=False)
        out.print(levers_table(base, result, top or None))
    save_run(
        SaveOptions(save, save_label, store),
        "levers",
        loaded,
        obj,
        specs,
        scenario=scenario or [],
        changes=set_ or [],
        source=case,
    )
