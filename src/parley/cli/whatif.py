"""The what-if options every forecasting command shares: repeatable `--scenario` and `--set`.

Parsing lives here (the library takes structured `ValueChange`s); names and values are checked by
`parley.whatif` against the case, like a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from parley.errors import ScenarioError
from parley.whatif import FORM, ValueChange

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


def parse_sets(items: Sequence[str] | None) -> list[ValueChange]:
    """Each `--set` item as a ValueChange; a malformed item is a one-line ScenarioError.

    >>> parse_sets(["iai.withdrawal.position=2", "us_admin.capability=60"])[1]
    ValueChange(actor='us_admin', issue=None, field='capability', value=60.0, text='us_admin.capability=60')
    """
    return [_parse(item) for item in items or ()]


def _parse(item: str) -> ValueChange:
    key, sep, raw = item.partition("=")
    parts = [p.strip() for p in key.split(".")]
    if not sep or len(parts) not in (2, 3) or not all(parts):
        raise ScenarioError(f"--set expects {FORM}, got {item!r}")
    text = raw.strip()
    if text.lower() in {"none", "null"}:
        value = None  # no position on the issue
    else:
        try:
            value = float(text)
        except ValueError:
            raise ScenarioError(
                f"--set {item}: expected a number (or none for no position), got {text!r}"
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ScenarioError(f"--set {item}: expected a finite number, got {text!r}")
    actor, issue, field = parts if len(parts) == 3 else (parts[0], None, parts[1])
    return ValueChange(actor, issue, field, value, item)
