"""`parley coalitions` (power indices, winning coalitions) and `parley front` (united fronts)."""

from __future__ import annotations

from typing import Annotated, TypedDict

import typer

from parley.case import case_warnings
from parley.cli.common import (
    CaseArg,
    HeaderRowOpt,
    MaxMemoryOpt,
    ModelOpt,
    NoiseMembersOpt,
    OutputFormat,
    ScenarioOpt,
    SheetOpt,
    TableJsonOpt,
    app,
    fail,
    library_warnings,
    load_case,
    noise_ensemble,
    out,
    print_json,
    warn,
)
from parley.cli.progress import progress_bar
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.cli.whatif import ScenariosOpt, SetOpt, parse_sets
from parley.coalitions.analysis import coalition_analysis
from parley.coalitions.front_noise import with_front_noise
from parley.coalitions.fronts import (
    FrontError,
    evaluate_front,
    fronts_json,
    search_fronts,
)
from parley.coalitions.voting import parse_pairs, split_ids
from parley.ensemble.noise import DEFAULT_MEMBERS
from parley.errors import ParleyError
from parley.forecast import front_judges, model_specs
from parley.report.coalitions import front_tables, power_table, search_table
from parley.report.numbers import places_for
from parley.whatif import whatif_case, whatif_label


@app.command()
def coalitions(
    case: CaseArg,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    issue: Annotated[
        str | None,
        typer.Option(
            "--issue",
            "-i",
            help="Weigh by capability x salience on this issue and order actors along it "
            "(connected coalitions are computed only with an issue)",
        ),
    ] = None,
    quota: Annotated[
        str,
        typer.Option(
            "--quota",
            "-q",
            help="majority (> half the weight), unanimity, a fraction (2/3, 0.6: at least that "
            "share), weight:Q, count:N, or two joined by '+'",
        ),
    ] = "majority",
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", "-x", help="Actors left out: A,B (repeatable)")
    ] = None,
    incompatible: Annotated[
        list[str] | None,
        typer.Option("--incompatible", help="A:B, actors that refuse to sit together (repeatable)"),
    ] = None,
    scenario: ScenarioOpt = None,
    salience: Annotated[
        bool, typer.Option("--salience/--no-salience", help="With --issue: weigh by salience too")
    ] = True,
    method: Annotated[str, typer.Option(help="auto, exact or monte-carlo")] = "auto",
    samples: Annotated[int, typer.Option(help="Monte Carlo samples")] = 20_000,
    seed: Annotated[int, typer.Option(help="Monte Carlo seed")] = 0,
    limit: Annotated[int, typer.Option(help="Most minimal winning coalitions to list")] = 10_000,
    format: TableJsonOpt = OutputFormat.table,
) -> None:
    """Power indices (Shapley-Shubik, Banzhaf) and minimal winning coalitions of a case."""
    try:
        loaded = load_case(case, sheet, header_row)
        result = coalition_analysis(
            loaded,
            issue=issue,
            quota=quota,
            exclude=split_ids(exclude),
            incompatible=parse_pairs(incompatible or ()),
            scenario=scenario,
            salience=salience,
            method=method,
            samples=samples,
            seed=seed,
            limit=limit,
        )
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    if format is OutputFormat.json:
        print_json(result)
        return
    power = result["power"]
    out.print(power_table(result, scenario, issue))
    if power.get("note"):
        out.print(power["note"], highlight=False)
    _print_coalitions("Minimal winning coalitions", result["minimal_winning"])
    if issue:
        _print_coalitions(
            f"Minimal connected winning coalitions along {issue}", result["connected_winning"]
        )


def _print_coalitions(title: str, coalitions: list[list[str]]) -> None:
    out.print(f"\n{title} ({len(coalitions)}):", highlight=False)
    for members in coalitions[:50]:
        out.print("  " + " + ".join(members), highlight=False)
    if len(coalitions) > 50:
        out.print(f"  ... and {len(coalitions) - 50} more (see --format json)", highlight=False)


class _FrontRules(TypedDict):
    """How a front's bloc takes its position, salience and capability (keywords of the library)."""

    position_rule: str
    salience_rule: str
    capability_rule: str


@app.command()
def front(
    case: CaseArg,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    members: Annotated[
        list[str] | None, typer.Option("--members", help="Members of the front: A,B,C")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Id of the bloc actor")] = None,
    model: ModelOpt = None,
    scenario: ScenariosOpt = None,
    set_: SetOpt = None,
    search: Annotated[bool, typer.Option("--search", help="Search fronts within --among")] = False,
    among: Annotated[
        str | None, typer.Option(help="Tag of the actors to search fronts among")
    ] = None,
    max_size: Annotated[int | None, typer.Option(help="Largest front to try (--search)")] = None,
    rank: Annotated[str, typer.Option(help="Order of found fronts: min or total gain")] = "min",
    all_fronts: Annotated[
        bool, typer.Option("--all", help="With --search: list fronts some member loses from too")
    ] = False,
    position_rule: Annotated[
        str, typer.Option(help="Bloc position: compromise or model:NAME")
    ] = "compromise",
    salience_rule: Annotated[
        str, typer.Option(help="Bloc salience: capability_weighted, mean or max")
    ] = "capability_weighted",
    capability_rule: Annotated[str, typer.Option(help="Bloc capability: sum or max")] = "sum",
    noise_members: NoiseMembersOpt = DEFAULT_MEMBERS,
    format: TableJsonOpt = OutputFormat.table,
    save: SaveOpt = False,
    save_label: LabelOpt = None,
    store: StoreOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Does a united front pay? Forecast with and without the bloc; gains per member."""
    rules = _FrontRules(
        position_rule=position_rule, salience_rule=salience_rule, capability_rule=capability_rule
    )
    try:
        loaded = load_case(case, sheet, header_row)
        changes = parse_sets(set_)
        specs = front_judges(model_specs(model))
        with library_warnings():
            base = whatif_case(loaded, scenario, changes)
            if search:
                if not among:
                    raise FrontError("--search needs --among TAG")
                if members:
                    raise FrontError("give either --members or --search, not both")
                with progress_bar("fronts x models solved") as progress:
                    fronts = search_fronts(
                        base,
                        among,
                        specs,
                        max_size,
                        None,
                        rank,
                        all_fronts,
                        progress=progress,
                        **rules,
                    )
            else:
                if not members:
                    raise FrontError("give --members A,B,... (or --search --among TAG)")
                noise = noise_ensemble(noise_members)
                fronts = [evaluate_front(base, split_ids(members), specs, None, name, **rules)]
                if noise is not None:
                    fronts = [with_front_noise(base, fronts[0], specs, noise, **rules)]
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    label = whatif_label(scenario, changes)
    result = fronts_json(fronts)
    if format is OutputFormat.json:
        print_json(result)
    elif search:
        out.print(search_table(fronts, among or "", label), highlight=False)
    else:
        places = {i.id: places_for(i.lower, i.upper) for i in loaded.issues}
        for table in front_tables(fronts[0], label, places):
            out.print(table)
    options = SaveOptions(save, save_label, store)
    save_run(
        options,
        "front",
        loaded,
        result,
        specs,
        scenario=scenario or [],
        changes=set_ or [],
        source=case,
    )
