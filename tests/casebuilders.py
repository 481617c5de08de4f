"""Small builders for tests: a case from compact Python data, KTAB's random actors, members around
a case, and the values of smp's KTAB options."""

from __future__ import annotations

import typing
from typing import Any

import numpy as np

from parley.case import Case, build_case
from parley.case.arrays import CaseArrays
from parley.models.smp import SMP


def make_case(
    positions: dict[str, dict[str, float]],
    salience: dict[str, dict[str, float]],
    capability: dict[str, float],
    bounds: dict[str, tuple[float, float]],
    **extra: Any,
) -> Case:
    """A case with actors in `capability` order and issues in `bounds` order (salience on 0-1)."""
    stances = {
        a: {i: {"position": x, "salience": salience[a][i]} for i, x in row.items()}
        for a, row in positions.items()
    }
    data = {
        "title": extra.pop("title", "test case"),
        "actors": [{"id": a, "capability": c} for a, c in capability.items()],
        "issues": [{"id": i, "lower": lo, "upper": hi} for i, (lo, hi) in bounds.items()],
        "stances": stances,
        **extra,
    }
    return build_case(data, "test")


def jittered_members(
    base: CaseArrays, n: int, seed: int = 1, keep_first: bool = False
) -> CaseArrays:
    """n members around `base`, as an ensemble draws them (seeded): positions moved by up to 10%
    of each scale, saliences scaled by 0.8-1.0, capabilities by 0.5-2.0; who holds a position
    stays the case's. keep_first: member 0 is the case itself."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
    lo, hi = base.bounds[:, 0], base.bounds[:, 1]
    shape = (n, *base.shape[1:])
    moved = np.clip(base.positions + rng.uniform(-0.1, 0.1, shape) * (hi - lo), lo, hi)
    positions = np.where(base.mask, moved, base.positions)
    salience = np.where(base.mask, base.salience * rng.uniform(0.8, 1.0, shape), 0.0)
    capability = base.capability * rng.uniform(0.5, 2.0, (n, base.shape[1], 1))
    if keep_first:
        positions[0], salience[0], capability[0] = (
            base.positions[0],
            base.salience[0],
            base.capability[0],
        )
    return base.with_batch(positions=positions, salience=salience, capability=capability)


def ktab_random_arrays(actors: int, issues: int = 3, seed: int = 0) -> CaseArrays:
    """KTAB's random actors (SMPActor::randomize), seeded: capability on [10, 200], total salience
    on [0.75, 0.99] split over the issues by shares on [0.1, 1], positions on [0, 100]."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, actors, issues]))
    cap = rng.uniform(10.0, 200.0, actors)
    share = rng.uniform(0.1, 1.0, (actors, issues))
    sal = rng.uniform(0.75, 0.99, (actors, 1)) * share / share.sum(axis=1, keepdims=True)
    return CaseArrays(
        positions=rng.uniform(0.0, 100.0, (1, actors, issues)),
        salience=sal[None],
        capability=np.repeat(cap[:, None], issues, axis=1)[None],
        mask=np.ones((actors, issues), dtype=bool),
        bounds=np.array([[0.0, 100.0]] * issues),
        actor_ids=tuple(f"A{k:02d}" for k in range(actors)),
        issue_ids=tuple(f"d{k}" for k in range(issues)),
        status_quo=np.full(issues, np.nan),
    )


#: Every value of every KTAB option of smp, as (parameter, value) pairs.
SMP_OPTIONS = [
    (name, value)
    for name in (
        "VictoryProbModel",
        "PCEModel",
        "StateTransitions",
        "VotingRule",
        "BigRAdjust",
        "BigRRange",
        "ThirdPartyCommit",
        "InterVecBrgn",
        "BargnModel",
    )
    for value in typing.get_args(typing.get_type_hints(SMP)[name])
]
