"""The moves open to an actor A, as batch members of one forecast-only run per model.

Every lever is a small change of the case (`Lever`), generated for every other actor X and issue
I unless limited by kind:

- persuade   X's position on I moves `amount` of the way toward A's goal (0.25, 0.5, 1.0);
- salience   X's salience on I moves halfway to 1 (`amount` +0.5: draw X into the issue) or to
             0 (-0.5: make it care less); only where X holds a position;
- concede    A's own position on I moves `amount` of the way toward the model's forecast (0.25,
             0.5, 1.0); or (`amount` -0.25) A's salience on I drops by a quarter and what it frees
             goes to A's other issues in proportion to their saliences (capped at 1): what A
             gives on I to gain elsewhere, the exchange model's logic;
- resources  A's capability on I grows by `amount` (+0.1, +0.25: 10% or 25%);
- ally       A and X (or X and Y too) negotiate as one front, formed by the front rules of
             `parley.coalitions.fronts` (`target` 'X' or 'X+Y'; `amount` None).

A lever that would change nothing (X already at A's goal, a salience already 1) is not generated.
`single_levers` lays the non-ally levers out as one (N, A, I) batch; fronts change the actor set
and are solved by `parley.coalitions.front_arrays`.

>>> from parley.models.examples import two_actor_arrays
>>> levers, batch = single_levers(two_actor_arrays(), 0, np.array([0.0]), ("persuade",), None)
>>> [(lv.label, float(batch.positions[n, 1, 0])) for n, lv in enumerate(levers)]
[('persuade b on reform 25%', 75.0), ('persuade b on reform 50%', 50.0), ('persuade b on reform 100%', 0.0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from parley.case import CaseArrays

KINDS = ("persuade", "salience", "concede", "resources", "ally")
PERSUADE_STEPS = (0.25, 0.5, 1.0)
SALIENCE_STEPS = (0.5, -0.5)
CONCEDE_STEPS = (0.25, 0.5, 1.0)
SALIENCE_SHIFT = -0.25
RESOURCE_STEPS = (0.1, 0.25)
TRIPLE_POOL = 8
"""Partners considered for fronts of three: A's nearest actors among those sharing a tag with it."""


@dataclass(frozen=True)
class Lever:
    """One move: `kind`, on actor `target` (None: A itself) and `issue` (None: every issue), by
    `amount` (the step; None for a front). Hashable: the same lever under every model."""

    kind: str
    target: str | None
    issue: str | None
    amount: float | None

    @property
    def label(self) -> str:
        """A short human name: 'persuade rev_1920 on oil 50%', 'ally with rev_1920+ams'."""
        pct = f"{abs(self.amount) * 100:g}%" if self.amount is not None else ""
        if self.kind == "persuade":
            return f"persuade {self.target} on {self.issue} {pct}"
        if self.kind == "salience":
            way = "raise" if (self.amount or 0) > 0 else "lower"
            return f"{way} {self.target}'s salience on {self.issue} {pct}"
        if self.kind == "concede":
            if (self.amount or 0) < 0:
                return f"concede {self.issue}: salience -{pct} to other issues"
            return f"concede on {self.issue} {pct} toward forecast"
        if self.kind == "resources":
            return f"capability on {self.issue} +{pct}"
        return f"ally with {self.target}"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "target": self.target,
            "issue": self.issue,
            "amount": self.amount,
        }


@dataclass
class _Batch:
    """Levers and their edits: (member, actor, issue, new value) per field."""

    levers: list[Lever]
    edits: dict[str, list[tuple[int, int, int, float]]]

    def add(self, lever: Lever, changes: Sequence[tuple[str, int, int, float]]) -> None:
        n = len(self.levers)
        self.levers.append(lever)
        for field, actor, issue, value in changes:
            self.edits[field].append((n, actor, issue, value))


def single_levers(
    arrays: CaseArrays,
    a: int,
    goal: np.ndarray,
    kinds: Sequence[str],
    forecast: np.ndarray | None,
) -> tuple[list[Lever], CaseArrays]:
    """The non-ally levers of actor index `a` toward `goal` (I,) on batch member 0 of `arrays`,
    and a CaseArrays with one batch member per lever. `forecast` (I,): the model's base forecast,
    which concessions move toward (needed only with 'concede')."""
    ids, issues = arrays.actor_ids, arrays.issue_ids
    x, s, c = arrays.positions[0], arrays.salience[0], arrays.capability[0]
    held = arrays.mask
    mine = held[a]
    batch = _Batch([], {"positions": [], "salience": [], "capability": []})
    others = [k for k in range(len(ids)) if k != a]
    if "persuade" in kinds:
        for k in others:
            for i in np.flatnonzero(held[k] & mine & (x[k] != goal)):
                for t in PERSUADE_STEPS:
                    value = x[k, i] + t * (goal[i] - x[k, i])
                    batch.add(
                        Lever("persuade", ids[k], issues[i], t), [("positions", k, int(i), value)]
                    )
    if "salience" in kinds:
        for k in others:
            for i in np.flatnonzero(held[k]):
                for t in SALIENCE_STEPS:
                    if (t > 0 and s[k, i] >= 1) or (t < 0 and s[k, i] <= 0):
                        continue
                    value = s[k, i] + t * (1 - s[k, i]) if t > 0 else s[k, i] * (1 + t)
                    batch.add(
                        Lever("salience", ids[k], issues[i], t), [("salience", k, int(i), value)]
                    )
    if "concede" in kinds:
        _concessions(batch, arrays, a, forecast)
    if "resources" in kinds:
        for i in np.flatnonzero(mine):
            for t in RESOURCE_STEPS:
                value = c[a, i] * (1 + t)
                batch.add(
                    Lever("resources", None, issues[i], t), [("capability", a, int(i), value)]
                )
    return batch.levers, _apply(arrays, batch)


def _concessions(batch: _Batch, arrays: CaseArrays, a: int, forecast: np.ndarray | None) -> None:
    if forecast is None:
        raise ValueError("concessions need the model's base forecast")
    issues = arrays.issue_ids
    x, s = arrays.positions[0, a], arrays.salience[0, a]
    mine = arrays.mask[a]
    for i in np.flatnonzero(mine & (np.abs(forecast - x) > 0)):
        for t in CONCEDE_STEPS:
            value = x[i] + t * (forecast[i] - x[i])
            batch.add(Lever("concede", None, issues[i], t), [("positions", a, int(i), value)])
    for i in np.flatnonzero(mine & (s > 0)):
        rest = mine & (np.arange(len(issues)) != i)
        total = s[rest].sum()
        if total <= 0:
            continue
        freed = -SALIENCE_SHIFT * s[i]
        changes = [("salience", a, int(i), s[i] + SALIENCE_SHIFT * s[i])]
        changes += [
            ("salience", a, int(j), min(1.0, s[j] + freed * s[j] / total))
            for j in np.flatnonzero(rest)
        ]
        batch.add(Lever("concede", None, issues[i], SALIENCE_SHIFT), changes)


def _apply(arrays: CaseArrays, batch: _Batch) -> CaseArrays:
    n = len(batch.levers)
    out = {}
    for field, edits in batch.edits.items():
        values = np.repeat(getattr(arrays, field)[:1], n, axis=0)
        if edits:
            member, actor, issue, value = (np.array(col) for col in zip(*edits, strict=True))
            values[member, actor, issue] = value
        out[field] = values
    return arrays.with_batch(**out)


def ally_fronts(
    arrays: CaseArrays, a: int, goal_weight: np.ndarray, pool: Sequence[int]
) -> list[tuple[Lever, list[int]]]:
    """Fronts of A with each other actor, and of A with two of the `TRIPLE_POOL` actors of
    `pool` nearest to A (salience-weighted distance over A's issues): (lever, member indices)."""
    ids = arrays.actor_ids
    fronts = [(Lever("ally", ids[k], None, None), [a, k]) for k in range(len(ids)) if k != a]
    span = arrays.bounds[:, 1] - arrays.bounds[:, 0]
    x = arrays.positions[0]

    def distance(k: int) -> float:
        gap = np.where(arrays.mask[k], np.abs(x[k] - x[a]) / span, 1.0)
        return float((gap * goal_weight).sum() / goal_weight.sum())

    near = sorted((k for k in pool if k != a), key=lambda k: (distance(k), k))[:TRIPLE_POOL]
    for k, m in combinations(sorted(near), 2):
        fronts.append((Lever("ally", f"{ids[k]}+{ids[m]}", None, None), [a, k, m]))
    return fronts
