"""The what-if options every forecasting command shares: repeatable `--scenario` and `--set`.

The text of a change is parsed by `parley.whatif.parse_changes` (shared with the web workbench);
names and values are checked by `parley.whatif` against the case, like a file.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parley.whatif import parse_changes

ScenariosOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        "-s",
        help="Scenario of the case (repeatable: applied in the order given)",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="What-if without editing the file: ACTOR.ISSUE.FIELD=VALUE (FIELD position, "
        "salience or capability) or ACTOR.capability=VALUE; repeatable, applied after scenarios",
    ),
]

#: The CLI name of `parley.whatif.parse_changes` (each `--set` item as a ValueChange).
parse_sets = parse_changes
