"""The uncertain inputs of a case: every value an ensemble or a sensitivity analysis varies.

A case states ranges as `{value, low, high}` on positions, saliences and capabilities; values
without one stay fixed, unless a default `spread` gives them a range (`{KIND: FRACTION}`):

- `position`: +/- FRACTION of the issue's scale (upper - lower), clipped to the scale;
- `salience`: +/- FRACTION of the salience scale (1 or 100), clipped to it;
- `capability`: +/- FRACTION of the value itself (FRACTION < 1, so that it stays > 0).

Each input is named by a key: `ACTOR.ISSUE.FIELD` for a stance's position, salience or
issue-specific capability, `ACTOR.capability` for an actor's capability on every issue where its
stance gives none. Values are in the file's units (saliences on the case's salience scale);
`scale` converts them to the arrays' units.

>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": {"value": 2, "low": 1, "high": 4}},
...                               {"id": "b", "capability": 1}],
...                    "issues": [{"id": "x", "lower": 0, "upper": 10}],
...                    "stances": {"a": {"x": {"position": 2, "salience": 1}},
...                                "b": {"x": {"position": 8, "salience": 1}}}})
>>> [(u.key, u.low, u.high) for u in uncertain_inputs(case)]
[('a.capability', 1.0, 4.0)]
>>> [(u.key, u.low, u.high) for u in uncertain_inputs(case, {"position": 0.1})][1:]
[('a.x.position', 1.0, 3.0), ('b.x.position', 7.0, 9.0)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from parley.case.schema import Case, Distribution, Estimate
from parley.errors import ParleyError

Field = Literal["position", "salience", "capability"]
KINDS: tuple[Field, ...] = ("position", "salience", "capability")


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain value of a case and the range it is drawn from.

    key:          `ACTOR.ISSUE.FIELD` or `ACTOR.capability` (an actor's capability on every
                  issue where its stance gives none: `issues` lists them).
    value, low, high: in the file's units (a salience on the case's salience scale).
    distribution: how values are drawn within low..high (mode = value).
    stated:       True when the case states the range; False when a default spread gave it.
    scale:        value / scale is the value in `CaseArrays` units (the salience scale, else 1).
    """

    key: str
    actor: str
    issues: tuple[str, ...]
    field: Field
    value: float
    low: float
    high: float
    distribution: Distribution
    stated: bool = True
    scale: float = 1.0


def check_spread(spread: Mapping[str, float | str] | None) -> dict[str, float]:
    """`spread` checked: kinds among position, salience, capability; fractions finite and > 0
    (and < 1 for capability, which must stay > 0). Raises ParleyError naming the bad item."""
    out: dict[str, float] = {}
    for kind, fraction in (spread or {}).items():
        if kind not in KINDS:
            raise ParleyError.about(
                "spread", f": unknown kind {kind!r} (expected {', '.join(KINDS)})"
            )
        try:
            value = float(fraction)
        except (TypeError, ValueError):
            raise ParleyError.about(
                "spread", f"{kind}: expected a number, got {fraction!r}"
            ) from None
        if not (math.isfinite(value) and value > 0):
            raise ParleyError.about("spread", f"{kind}: expected a fraction > 0, got {fraction!r}")
        if kind == "capability" and value >= 1:
            raise ParleyError.about(
                "spread",
                f"capability: expected a fraction below 1 (capability must stay > 0), "
                f"got {fraction!r}",
            )
        out[kind] = value
    return out


def uncertain_inputs(case: Case, spread: Mapping[str, float] | None = None) -> list[UncertainInput]:
    """Every value of `case` with a range (stated, or from `spread`), in a fixed order: per actor
    in case order, its capability, then per issue in case order its position, salience and
    capability. Values that cannot change a forecast are left out: the salience and capability of
    a stance without position, an actor-level capability that every stance overrides."""
    spread = check_spread(spread)
    default = case.uncertainty.distribution
    found: list[UncertainInput] = []

    def add(
        actor: str,
        key: str,
        targets: tuple[str, ...],
        field: Field,
        est: Estimate,
        lo=0.0,
        hi=math.inf,
    ):
        low, high, stated = est.low, est.high, est.uncertain
        if not stated and field in spread:
            half = spread[field] * (est.value if field == "capability" else hi - lo)
            low, high = max(lo, est.value - half), min(hi, est.value + half)
        low = est.value if low is None else low
        high = est.value if high is None else high
        if low == high:
            return
        scale = case.salience_scale if field == "salience" else 1.0
        dist = est.distribution or default
        found.append(
            UncertainInput(key, actor, targets, field, est.value, low, high, dist, stated, scale)
        )

    for actor in case.actors:
        stances = case.stances.get(actor.id, {})
        if actor.capability is not None:
            targets = tuple(
                i.id for i in case.issues if i.id not in stances or stances[i.id].capability is None
            )
            if any(stances[i].position is not None for i in targets if i in stances):
                add(actor.id, f"{actor.id}.capability", targets, "capability", actor.capability)
        for issue in case.issues:
            stance = stances.get(issue.id)
            if stance is None or stance.position is None:
                continue
            key = f"{actor.id}.{issue.id}"
            add(
                actor.id,
                f"{key}.position",
                (issue.id,),
                "position",
                stance.position,
                issue.lower,
                issue.upper,
            )
            add(
                actor.id,
                f"{key}.salience",
                (issue.id,),
                "salience",
                stance.salience,
                0.0,
                case.salience_scale,
            )
            if stance.capability is not None:
                add(actor.id, f"{key}.capability", (issue.id,), "capability", stance.capability)
    return found
