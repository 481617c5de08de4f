"""`parley compare`: the models on the base case and each scenario, with the shift from base."""

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
from parley.cli.progress import round_progress
from parley.cli.saving import LabelOpt, SaveOpt, SaveOptions, StoreOpt, save_run
from parley.cli.whatif import SetOpt, parse_sets
from parley.compare import compare_scenarios
from parley.ensemble.noise import DEFAULT_MEMBERS
from parley.errors import ParleyError
from parley.forecast import model_specs
from parley.report.comparison import comparison_table

ScenariosOpt = Annotated[
    list[str] | None,
    typer.Option("--scenario", "-s", help="Scenario to compare (repeatable; default: all)"),
]


@app.command()
def compare(
    case: CaseArg,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    scenario: ScenariosOpt = None,
    set_: SetOpt = None,
    model: ModelOpt = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    rounds: RoundsOpt = None,
    noise_members: NoiseMembersOpt = DEFAULT_MEMBERS,
    format: TableJsonOpt = OutputFormat.table,
    save: SaveOpt = False,
    label: LabelOpt = None,
    store: StoreOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Forecast the base case and each scenario side by side, with each scenario's shift."""
    try:
        loaded = load_case(case, sheet, header_row)
        changes = parse_sets(set_)
        specs = model_specs(model, preset or (), param or (), rounds)
        noise = noise_ensemble(noise_members)
        with library_warnings(), round_progress():
            cmp = compare_scenarios(loaded, specs, scenario or None, changes)
            if noise is not None and cmp.scenarios:
                cmp = cmp.with_noise(specs, noise)
    except ParleyError as exc:
        fail(exc, case)
    warn(case_warnings(loaded))
    result = cmp.to_json()
    if format is OutputFormat.json:
        print_json(result)
    else:
        if not cmp.scenarios:
            warn([f"{case}: the case has no scenarios; showing the base case only"])
        out.print(comparison_table(cmp))
    kept = [s for s in specs if s.name in cmp.models]
    options = SaveOptions(save, label, store)
    save_run(
        options,
        "compare",
        loaded,
        result,
        kept,
        scenario=cmp.scenarios,
        changes=set_ or [],
        source=case,
    )
