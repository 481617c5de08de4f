"""`--save [--label TEXT] [--store URL]`: record a command's run in the run store.

Any command that prints a JSON result can save it with `save_run(...)`, one call after printing:

    save_run(SaveOptions(save, label, store), "ensemble", case, result, specs, scenario=[...],
             seed=seed, members=n, source=case_path)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from parley.case import Case
from parley.errors import ParleyError
from parley.forecast import ModelSpec

SaveOpt = Annotated[
    bool, typer.Option("--save", help="Record this run in the run store (see `parley runs`)")
]
LabelOpt = Annotated[str | None, typer.Option("--label", help="A label for the saved run")]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Run store: a SQLite file or a database URL (default: $PARLEY_STORE, else "
        "runs.sqlite in the user data folder)",
    ),
]


@dataclass(frozen=True)
class SaveOptions:
    save: bool
    label: str | None = None
    store: str | None = None


def save_run(
    options: SaveOptions,
    command: str,
    case: Case,
    result: dict[str, Any],
    specs: Sequence[ModelSpec] = (),
    *,
    scenario: Sequence[str] = (),
    changes: Sequence[str] = (),
    seed: int | None = None,
    members: int | None = None,
    source: Path | None = None,
) -> int | None:
    """Save the run when `--save` was given; prints `saved run N` on stderr. A store problem is
    one error line and exit 2 (the result was printed already)."""
    if not options.save:
        if options.label is not None:
            from parley.cli.common import warn

            warn(["--label has no effect without --save"])
        return None
    from parley.cli.common import err, fail

    try:
        from parley.store import RunRecord, model_records, open_store
    except ModuleNotFoundError:
        fail(ParleyError("--save needs the store extra: pip install 'parley[store]'"))
    try:
        store = open_store(options.store)
        run_id = store.save(
            RunRecord(
                command=command,
                case=case.model_dump(mode="json"),
                result=result,
                scenario=list(scenario),
                changes=list(changes),
                models=model_records(specs, case),
                seed=seed,
                members=members,
                label=options.label,
                case_source=str(source) if source else None,
            )
        )
    except ParleyError as exc:
        fail(exc)
    err.print(f"saved run {run_id} in {escape(store.url)}", highlight=False)
    store.engine.dispose()
    return run_id
