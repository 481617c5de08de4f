"""A batch equals its members run one by one (DESIGN.md): every registered model, both detail
levels, forecasts to 1e-12 and the same status and rounds per member. The members differ in
positions, saliences and capabilities, so round-based models stop at different rounds within the
batch; the randomised variants (exchange p > 0, smp Stochastic) are included."""

from __future__ import annotations

import numpy as np
import pytest
from test_model_contract import CASE

from parley.case import case_arrays
from parley.models import get_model, model_names

B = 5


def batch_of_members():
    """B members around CASE: positions moved within the scales, saliences and capabilities
    scaled, a seeded draw; the mask (who holds a position) is the case's."""
    base = case_arrays(CASE)
    rng = np.random.default_rng(np.random.SeedSequence(20261204))
    lo, hi = base.bounds[:, 0], base.bounds[:, 1]
    noise = rng.uniform(-0.15, 0.15, (B, *base.shape[1:])) * (hi - lo)
    positions = np.where(base.mask, np.clip(base.positions + noise, lo, hi), base.positions)
    salience = np.where(base.mask, base.salience * rng.uniform(0.5, 1.0, (B, 1, 1)), 0.0)
    capability = base.capability * rng.uniform(0.5, 2.0, (B, base.shape[1], 1))
    positions[0] = base.positions[0]  # member 0 is the case itself
    return base.with_batch(positions=positions, salience=salience, capability=capability)


def member(arrays, b):
    one = slice(b, b + 1)
    return arrays.with_batch(
        positions=arrays.positions[one],
        salience=arrays.salience[one],
        capability=arrays.capability[one],
    )


VARIANTS = [(name, {}) for name in model_names()] + [
    ("eum", {"stop": "median", "patience": "2", "tolerance": "1e-3"}),
    ("exchange", {"p": "0.5", "seed": "7", "rounds": "4"}),
    ("smp", {"StateTransitions": "Stochastic", "seed": "3"}),
]


@pytest.mark.parametrize("detail", ["forecast", "full"])
@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=lambda v: str(v))
def test_batch_equals_members_one_by_one(name, params, detail):
    model = get_model(name, params=params)
    arrays = batch_of_members()
    batch = model.run(arrays, detail=detail)
    assert batch.forecast.shape == (B, len(CASE.issues))
    for b in range(B):
        alone = model.run(member(arrays, b), detail=detail)
        np.testing.assert_allclose(batch.forecast[b], alone.forecast[0], rtol=0, atol=1e-12)
        assert batch.status[b] == alone.status[0]
        assert batch.rounds[b] == alone.rounds[0]
        if detail == "full":
            r = alone.rounds[0] + 1
            np.testing.assert_allclose(batch.history[b, :r], alone.history[0, :r], atol=1e-12)


def test_members_differ_so_the_test_means_something():
    """The members' forecasts differ, and the stopping rules end them at different rounds."""
    arrays = batch_of_members()
    smp = get_model("smp").run(arrays, detail="forecast")
    eum = get_model("eum", params=dict(VARIANTS[-3][1])).run(arrays, detail="forecast")
    assert len({tuple(np.round(f, 6)) for f in smp.forecast}) == B
    assert len(set(smp.rounds.tolist())) > 1 and len(set(eum.rounds.tolist())) > 1
