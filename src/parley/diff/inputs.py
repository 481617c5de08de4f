"""Input changes between two cases (and two runs' settings), one `InputChange` per value.

An analyst's question is "what did I change?": a stance's position moved from 6 to 12 months, an
actor was added, a scenario's patch changed. Values stay in the case's own units.

>>> from parley.case import Case
>>> old = Case.model_validate({"actors": [{"id": "a"}], "issues": [{"id": "x", "lower": 0, "upper": 10}],
...                            "stances": {"a": {"x": {"position": 2, "salience": 1}}}})
>>> new = old.model_copy(update={"stances": {"a": {"x": old.stances["a"]["x"].model_copy(
...     update={"position": old.stances["a"]["x"].position.model_copy(update={"value": 5.0})})}}})
>>> [str(c) for c in diff_cases(old, new)]
['stance a / x: position 2 -> 5']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parley.case import Case

_MISSING = object()


@dataclass(frozen=True)
class InputChange:
    """One changed input. `old` None: added; `new` None: removed (`field` '' for a whole item)."""

    where: str
    field: str
    old: Any
    new: Any
    unit: str = ""

    @property
    def kind(self) -> str:
        if self.old is None and self.new is not None:
            return "added"
        if self.new is None and self.old is not None:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        head = f"{self.where}: {self.field}".rstrip(": ") if self.field else self.where
        if self.kind == "added" and not self.field:
            return f"{head}: added"
        if self.kind == "removed" and not self.field:
            return f"{head}: removed"
        unit = f" {self.unit}" if self.unit else ""
        return f"{head} {_show(self.old)} -> {_show(self.new)}{unit}"

    def to_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "unit": self.unit,
            "kind": self.kind,
        }


def _show(value: Any) -> str:
    from parley.report.numbers import fmt_value

    if value is None:
        return "none"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return fmt_value(float(value))
    return repr(value) if isinstance(value, str) else str(value)


def _plain(value: Any) -> Any:
    """Estimates as their value (with low/high only when uncertain); models as dicts."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    # an Estimate without uncertainty (no low, high or distribution) reads as its number
    certain = isinstance(value, dict) and "value" in value
    if certain and all(v is None for k, v in value.items() if k != "value"):
        return value["value"]
    return value


def _fields(
    where: str, old: Mapping, new: Mapping, unit: Mapping[str, str] | None = None
) -> list[InputChange]:
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = _plain(old.get(key)), _plain(new.get(key))
        if a != b:
            changes.append(InputChange(where, key, a, b, (unit or {}).get(key, "")))
    return changes


def _items(kind: str, old: Mapping[str, Any], new: Mapping[str, Any], compare) -> list[InputChange]:
    """Added, removed and changed items of one kind (actors, issues, scenarios, models) keyed by
    id; `compare(where, key, a, b)` lists the changes of an item in both."""
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        where = f"{kind} {key}"
        if key not in new:
            changes.append(InputChange(where, "", key, None))
        elif key not in old:
            changes.append(InputChange(where, "", None, key))
        else:
            changes += compare(where, key, old[key], new[key])
    return changes


def _dumped(units=None):
    """Compare two pydantic items field by field (with each field's unit from `units(key)`)."""

    def compare(where: str, key: str, a: Any, b: Any) -> list[InputChange]:
        unit = units(key) if units else None
        return _fields(where, a.model_dump(mode="json"), b.model_dump(mode="json"), unit)

    return compare


def diff_cases(old: Case, new: Case) -> list[InputChange]:
    """Every changed input from `old` to `new`: case fields, issues, actors, stances, scenarios."""
    changes = _fields(
        "case",
        {k: getattr(old, k) for k in ("title", "salience_scale", "model_params")},
        {k: getattr(new, k) for k in ("title", "salience_scale", "model_params")},
    )
    issue_unit = {i.id: i.unit for i in [*old.issues, *new.issues]}
    bounds = {"lower", "upper", "status_quo", "outcome"}
    changes += _items(
        "issue",
        {i.id: i for i in old.issues},
        {i.id: i for i in new.issues},
        _dumped(lambda key: {b: issue_unit.get(key, "") for b in bounds}),
    )
    changes += _items(
        "actor", {a.id: a for a in old.actors}, {a.id: a for a in new.actors}, _dumped()
    )
    pairs = [
        (a, i) for stances in (old.stances, new.stances) for a, row in stances.items() for i in row
    ]
    for actor, issue in dict.fromkeys(pairs):
        before = old.stances.get(actor, {}).get(issue)
        after = new.stances.get(actor, {}).get(issue)
        where = f"stance {actor} / {issue}"
        unit = {"position": issue_unit.get(issue, "")}
        if before is None or after is None:
            if (before is None) != (after is None):
                stance = _stance_text(before or after)
                changes.append(
                    InputChange(
                        where,
                        "",
                        None if before is None else stance,
                        None if after is None else stance,
                    )
                )
            continue
        changes += _fields(where, dict(before), dict(after), unit)
    changes += _items(
        "scenario",
        {s.name: s for s in old.scenarios},
        {s.name: s for s in new.scenarios},
        _dumped(),
    )
    return changes


def _stance_text(stance) -> str:
    pos = _plain(stance.position)
    return f"position {_show(pos)}, salience {_show(_plain(stance.salience))}"


def diff_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[InputChange]:
    """Changed run settings (scenario, --set changes, models and parameters, seed, members)."""
    changes = []
    for key in ("command", "scenario", "changes", "seed", "members", "parley_version"):
        if old.get(key) != new.get(key):
            changes.append(InputChange("run", key, old.get(key), new.get(key)))

    def compare(where: str, _name: str, a: Any, b: Any) -> list[InputChange]:
        found = []
        if a.get("preset") != b.get("preset"):
            found.append(InputChange(where, "preset", a.get("preset"), b.get("preset")))
        return found + _fields(where, a.get("params") or {}, b.get("params") or {})

    old_models = {m["name"]: m for m in old.get("models", [])}
    new_models = {m["name"]: m for m in new.get("models", [])}
    return changes + _items("model", old_models, new_models, compare)
