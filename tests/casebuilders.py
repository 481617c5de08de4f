"""Small builders for tests: a case from compact Python data, members around a case."""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.case import Case, build_case
from parley.case.arrays import CaseArrays


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
