"""A run as the store keeps it: `RunRecord` is what a command hands in, `StoredRun` what comes
back (with its id, time and the case's hash).

>>> RunRecord(command="forecast", case={"title": "t"}, result={}).scenario
[]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parley import __version__


@dataclass(frozen=True)
class RunRecord:
    """What one command ran and printed.

    `case` is the case's JSON (`Case.model_dump(mode="json")`), stored once under its SHA-256;
    `scenario` the scenarios applied in order; `changes` the `--set` changes; `models` each model's
    name, preset and full parameters; `result` exactly the JSON the command prints.
    """

    command: str
    case: dict[str, Any]
    result: dict[str, Any]
    scenario: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    seed: int | None = None
    members: int | None = None
    label: str | None = None
    case_source: str | None = None
    parley_version: str = __version__


@dataclass(frozen=True)
class StoredRun(RunRecord):
    """A run read back from the store."""

    id: int = 0
    created_at: datetime | None = None
    case_sha256: str = ""

    def summary(self) -> dict[str, Any]:
        """The run without its case and result: one line of `parley runs list`."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "command": self.command,
            "label": self.label,
            "case": self.case.get("title", ""),
            "case_sha256": self.case_sha256,
            "case_source": self.case_source,
            "scenario": self.scenario,
            "changes": self.changes,
            "models": [m.get("name") for m in self.models],
        }

    def to_json(self) -> dict[str, Any]:
        """Everything recorded: what `parley runs export ID` writes."""
        return {
            **self.summary(),
            "models": self.models,
            "seed": self.seed,
            "members": self.members,
            "parley_version": self.parley_version,
            "case": self.case,
            "result": self.result,
        }


def model_records(specs: Sequence[Any], case: Any) -> list[dict[str, Any]]:
    """Each model's name, preset and full parameters (defaults included) as run on `case`
    (`specs`: `parley.forecast.ModelSpec`s)."""
    records = []
    for spec in specs:
        model = spec.build(case)
        is_instance = dataclasses.is_dataclass(model) and not isinstance(model, type)
        params = dataclasses.asdict(model) if is_instance else {}
        records.append({"name": spec.name, "preset": spec.preset, "params": params})
    return records
