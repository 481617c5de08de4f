"""Scenarios: named patches on a base case (set values, add actors, drop actors).

A scenario in the case file looks like::

    scenarios:
      - name: democratic-congress
        description: Democrats win both chambers on 7 November 2006
        set:
          - {actor: dem_congress, capability: 60}            # every issue
          - {actor: rep_congress, capability_factor: 0.5}    # halved, issue by issue
          - {actor: dem_congress, issue: withdrawal, salience: 90}
        add_actors:
          - {id: baker, name: Iraq Study Group, capability: 20,
             stances: {withdrawal: {position: 4, salience: 60}}}
        drop_actors: [rep_congress]

Changes apply in that order; the patched case is validated like any case. Several scenarios
apply one after the other (`apply_scenarios`); command-line what-ifs (`parley.whatif`) come after.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from parley.case import Case, build_case
from parley.case.schema import Scenario
from parley.errors import CaseError, ScenarioError
from parley.suggest import did_you_mean


def apply_scenario(case: Case, name: str | None) -> Case:
    """The case as scenario `name` describes it (the base case when `name` is None)."""
    return apply_scenarios(case, [] if name is None else [name])


def apply_scenarios(case: Case, names: Sequence[str]) -> Case:
    """The case with scenarios `names` applied one after the other, in the order given.

    Scenarios stack: each patches the case the previous one left. Two of them that set the same
    value (actor, issue, field) to different values are an error naming both, since which one
    wins would depend on the order the user happened to type.

    >>> case = build_case({"title": "t", "actors": [{"id": "a", "capability": 1}],
    ...     "issues": [{"id": "x", "lower": 0, "upper": 10}],
    ...     "stances": {"a": {"x": {"position": 0, "salience": 1}}},
    ...     "scenarios": [{"name": "p", "set": [{"actor": "a", "capability": 2}]},
    ...                   {"name": "q", "set": [{"actor": "a", "issue": "x", "position": 4}]}]})
    >>> patched = apply_scenarios(case, ["p", "q"])
    >>> patched.title, patched.actor("a").capability.value, patched.stances["a"]["x"].position.value
    ('t [p + q]', 2.0, 4.0)
    """
    if not names:
        return case
    scenarios = [case.scenario(name) for name in names]
    _check_conflicts(scenarios)
    data = case.model_dump()
    data["scenarios"] = []
    for scenario in scenarios:
        _patch_data(data, scenario)
    label = " + ".join(names)
    data["title"] = f"{case.title} [{label}]"
    try:
        return build_case(data, f"scenario {label!r}")
    except CaseError as exc:
        # one line per problem: the CLI prints each line as its own error
        raise ScenarioError("\n".join(str(p) for p in exc.problems)) from None


def _patch_data(data: dict[str, Any], scenario: Scenario) -> None:
    """Apply one scenario to a case's plain data in place: set, add actors, drop actors."""
    actors: list[dict[str, Any]] = data["actors"]
    stances: dict[str, dict[str, Any]] = data["stances"]
    for new in scenario.add_actors:
        fields = new.model_dump()
        stances[new.id] = fields.pop("stances")
        actors.append(fields)
    for patch in scenario.set:
        _apply_patch(patch, actors, stances, scenario.name)
    dropped = set(scenario.drop_actors)
    data["actors"] = [a for a in actors if a["id"] not in dropped]
    data["stances"] = {k: v for k, v in stances.items() if k not in dropped}


def _check_conflicts(scenarios: Sequence[Scenario]) -> None:
    """ScenarioError when two of `scenarios` set one value (actor, issue, field) differently."""
    seen: dict[tuple[str, str | None, str], tuple[str, float]] = {}
    for scenario in scenarios:
        for patch in scenario.set:
            for key in ("position", "salience", "capability", "capability_factor"):
                value = getattr(patch, key)
                if value is None:
                    continue
                slot = (patch.actor, patch.issue, key)
                earlier = seen.get(slot)
                if earlier is not None and earlier[0] != scenario.name and earlier[1] != value:
                    where = ".".join(p for p in (patch.actor, patch.issue, key) if p)
                    raise ScenarioError(
                        f"scenarios {earlier[0]!r} and {scenario.name!r} both set {where} "
                        f"({earlier[1]:g} and {value:g}): give one of them, or a scenario "
                        "that merges both"
                    )
                seen[slot] = (scenario.name, value)


def _apply_patch(patch, actors, stances, name: str) -> None:
    actor = next((a for a in actors if a["id"] == patch.actor), None)
    if actor is None:
        known = did_you_mean(patch.actor, [a["id"] for a in actors])
        raise ScenarioError(f"scenario {name!r}: unknown actor {patch.actor!r}{known}")
    if patch.issue is None:
        if patch.capability is not None and patch.capability_factor is not None:
            raise ScenarioError(
                f"scenario {name!r}: actor {patch.actor!r}: give capability or capability_factor, not both"
            )
        if patch.position is not None or patch.salience is not None:
            raise ScenarioError(
                f"scenario {name!r}: actor {patch.actor!r}: position and salience need an issue"
            )
        if patch.capability is not None:
            actor["capability"] = {"value": patch.capability}
            for stance in stances.get(patch.actor, {}).values():
                stance["capability"] = None
        if patch.capability_factor is not None:
            for holder in (actor, *stances.get(patch.actor, {}).values()):
                holder["capability"] = _scaled(holder.get("capability"), patch.capability_factor)
                _check_finite(holder["capability"], patch, name)
        return
    stance = stances.setdefault(patch.actor, {}).setdefault(patch.issue, {"salience": {"value": 0}})
    for key in ("position", "salience", "capability"):
        value = getattr(patch, key)
        if value is not None:
            stance[key] = {"value": value}
    if patch.capability_factor is not None:
        effective = stance.get("capability") or actor.get("capability")
        stance["capability"] = _scaled(effective, patch.capability_factor)
        _check_finite(stance["capability"], patch, name)


def _scaled(estimate: dict[str, Any] | None, factor: float) -> dict[str, Any] | None:
    """An Estimate's data with value, low and high multiplied by `factor` (None stays None; the
    distribution is kept)."""
    if estimate is None:
        return None
    return {
        k: (v * factor if k in ("value", "low", "high") and v is not None else v)
        for k, v in estimate.items()
    }


def _check_finite(estimate: dict[str, Any] | None, patch, name: str) -> None:
    """A capability_factor whose product overflows (1e300 x 1e10) is refused, not run as infinity."""
    values = [
        v for k, v in (estimate or {}).items() if k in ("value", "low", "high") and v is not None
    ]
    if any(not math.isfinite(v) for v in values):
        raise ScenarioError(
            f"scenario {name!r}: actor {patch.actor!r}: capability x capability_factor "
            f"{patch.capability_factor:g} overflows (larger than {sys.float_info.max:.3g})"
        )
