"""The exchange model's compiled forecast-only kernel against the array path it mirrors.

The kernel (models/exchange/compiled_kernel.py) writes the array path's formulas per candidate in
the same operation order, so the two agree to round-off; the contract asks 1e-9 (a tie decided by
one ulp could go the other way at a knife-edge). On every ensemble here, including the coarse
grids full of exact ties below, they agree to the bit, so no member is excluded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from casebuilders import jittered_members
from conftest import DATA
from hypothesis import given, settings
from test_exchange import _random_cases

from parley.case import case_arrays
from parley.case.arrays import CaseArrays
from parley.io import read_case
from parley.models import compiled, get_model
from parley.models.chunking import chunk_for
from parley.models.exchange import compiled_kernel
from parley.models.exchange.model import compiled_route
from parley.models.progress import reporting_rounds

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
AGREE = 1e-9  # compiled vs array path (the compiled-kernel contract)
SAME = 1e-12  # a batch vs its members one by one


def _paths(model, arrays: CaseArrays):
    """(compiled, array path) forecast-only outcomes of `model` on `arrays`."""
    assert compiled_route(model, arrays)
    fast = model.run(arrays, detail="forecast")
    with compiled.disabled():
        slow = model.run(arrays, detail="forecast")
    return fast, slow


def _assert_agree(fast, slow) -> None:
    np.testing.assert_allclose(fast.forecast, slow.forecast, rtol=0, atol=AGREE)
    assert fast.status.tolist() == slow.status.tolist()
    assert fast.rounds.tolist() == slow.rounds.tolist()


def _random_case(n_a: int, n_i: int, seed: int = 0) -> CaseArrays:
    """Positions uniform on 0-100, saliences on 0.05-1, capabilities on 1-100, seeded."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, n_a, n_i]))
    shape = (1, n_a, n_i)
    return CaseArrays(
        positions=rng.uniform(0.0, 100.0, shape),
        salience=rng.uniform(0.05, 1.0, shape),
        capability=np.repeat(rng.uniform(1.0, 100.0, (1, n_a, 1)), n_i, axis=2),
        mask=np.ones((n_a, n_i), dtype=bool),
        bounds=np.tile([0.0, 100.0], (n_i, 1)),
        actor_ids=tuple(f"a{k}" for k in range(n_a)),
        issue_ids=tuple(f"i{k}" for k in range(n_i)),
        status_quo=np.full(n_i, np.nan),
    )


def _members(base: CaseArrays, n: int, seed: int = 1) -> CaseArrays:
    """n members around `base` (`casebuilders.jittered_members`); member 0 is the case itself."""
    return jittered_members(base, n, seed, keep_first=True)


def _masked(base: CaseArrays, seed: int) -> CaseArrays:
    """`base` with about a sixth of its cells missing and a tenth at salience 0 (the departures
    from the reference: such actors do not trade there)."""
    rng = np.random.default_rng(seed)
    mask = base.mask & (rng.random(base.mask.shape) > 1 / 6)
    mask[:2] = True  # two actors on every issue
    salience = np.where(rng.random(base.salience.shape) < 0.1, 0.0, base.salience)
    lo = base.bounds[:, 0]
    return CaseArrays(
        positions=np.where(mask, base.positions, lo),
        salience=np.where(mask, salience, 0.0),
        capability=base.capability,
        mask=mask,
        bounds=base.bounds,
        actor_ids=base.actor_ids,
        issue_ids=base.issue_ids,
        status_quo=base.status_quo,
    )


SAMPLE = DATA / "exchange" / "sample_data.txt"
ENSEMBLES = {
    "seed": lambda: _members(case_arrays(read_case(SEED)), 48),
    "20x1": lambda: _members(_random_case(20, 1), 16),
    "20x3": lambda: _members(_random_case(20, 3), 24),
    "12x4 with missing cells": lambda: _members(_masked(_random_case(12, 4), 4), 24),
    "sample_data": lambda: _members(case_arrays(read_case(SAMPLE)), 16),
}


@pytest.mark.parametrize("name", list(ENSEMBLES))
def test_compiled_forecasts_equal_the_array_path(name):
    _assert_agree(*_paths(get_model("exchange"), ENSEMBLES[name]()))


@pytest.mark.parametrize(
    "params",
    [
        {"rounds": 0},
        {"rounds": 3, "fixed_weight": 0.3, "salience_weight": 0.5},
        {"rounds": 12, "fixed_weight": 0.0, "salience_weight": 1.0},
    ],
)
def test_compiled_forecasts_equal_the_array_path_for_other_parameters(params):
    _assert_agree(*_paths(get_model("exchange", params=params), ENSEMBLES["20x3"]()))


@settings(max_examples=40, deadline=None)
@given(_random_cases())
def test_compiled_equals_array_path_on_tie_heavy_random_cases(arrays):
    # coarse grids: many exact ties, actors exactly at an NBS, missing cells, salience 0
    _assert_agree(*_paths(get_model("exchange", params={"rounds": 4}), arrays))


def test_a_batch_equals_its_members_one_by_one():
    batch = ENSEMBLES["12x4 with missing cells"]()
    model = get_model("exchange")
    together = model.run(batch, detail="forecast").forecast
    fields = ("positions", "salience", "capability")
    for b in range(batch.shape[0]):
        one = batch.with_batch(**{k: getattr(batch, k)[b : b + 1] for k in fields})
        np.testing.assert_allclose(
            model.run(one, detail="forecast").forecast[0], together[b], rtol=0, atol=SAME
        )


@pytest.mark.parametrize("threads", [1, 3])
def test_the_result_does_not_depend_on_the_threads(threads):
    batch = ENSEMBLES["20x3"]()
    model = get_model("exchange")
    default = model.run(batch, detail="forecast").forecast
    compiled.set_threads(threads)
    try:
        np.testing.assert_array_equal(model.run(batch, detail="forecast").forecast, default)
    finally:
        compiled.set_threads(None)


def test_two_actor_exchange_by_hand():
    # Two actors at opposite corners, each caring about one issue (c = 1, scales 0-100).
    # NBS = (0.9 * 0 + 0.1 * 100) / 1 = 10 on both issues; actor 0 is left on issue 0 and right on
    # issue 1, actor 1 the opposite: one candidate, where actor 0 supplies issue 1 (its less
    # salient one). Actor 1 moving fully on issue 0 (100 points) shifts that NBS by 100 * 0.1 = 10;
    # the rate is (0.9 + 0.1) / (0.1 + 0.9) = 1, so actor 0 moves 10 / 0.1 = 100 on issue 1: both
    # end at 0 (no cap: the NBS lands exactly on the partner's position). Next start:
    # 100 + (0.1 + 0.4 * (1 - 0.1)) * (0 - 100) = 54 for each conceding actor.
    x0 = np.array([[[0.0, 100.0], [100.0, 0.0]]])
    s = np.array([[[0.9, 0.1], [0.1, 0.9]]])
    out = compiled_kernel.play_members(x0, s, s * 1.0, s > 0, 1, 0.1, 0.4)
    np.testing.assert_allclose(out[0], [[0.0, 54.0], [54.0, 0.0]], rtol=0, atol=1e-12)


def test_the_route_covers_the_equal_gain_rate_only(monkeypatch):
    arrays = ENSEMBLES["20x3"]()
    calls = []
    kernel = compiled_kernel.play_members

    def counted(*args):
        calls.append(args[0].shape[0])
        return kernel(*args)

    monkeypatch.setattr(compiled_kernel, "play_members", counted)
    get_model("exchange").run(arrays, detail="forecast")
    assert calls == [arrays.shape[0]]
    get_model("exchange").run(arrays, detail="full")  # full detail: the array path
    for params in ({"p": 0.5}, {"incremental": False}):
        model = get_model("exchange", params=params)
        assert not compiled_route(model, arrays)
        model.run(arrays, detail="forecast")
    with compiled.disabled():
        get_model("exchange").run(arrays, detail="forecast")
    assert calls == [arrays.shape[0]]


def test_reported_rounds_give_the_same_forecast():
    # with a listener the kernel plays one call per round (each reported), else all in one call
    arrays = ENSEMBLES["20x3"]()
    model = get_model("exchange", params={"rounds": 4})
    seen: list[int] = []
    with reporting_rounds(lambda _model, done, _total: seen.append(done)):
        told = model.run(arrays, detail="forecast").forecast
    assert seen == [1, 2, 3, 4]
    np.testing.assert_array_equal(told, model.run(arrays, detail="forecast").forecast)


@pytest.mark.parametrize(("actors", "issues"), [(2, 2), (9, 2), (10, 4)])
def test_the_candidate_bound_is_reached_by_a_polarised_case(actors, issues):
    # half the actors left of the NBS on every issue, half right: on each of the I (I - 1) / 2
    # issue pairs every left actor can trade with every right one, floor(A / 2) ceil(A / 2)
    # = floor(A^2 / 4) candidates; nothing can have more (the scratch is declared at the bound)
    half = actors // 2
    x0 = np.where(np.arange(actors)[:, None] < half, 0.0, 100.0) * np.ones((1, issues))
    s = np.full((actors, issues), 0.5)
    cs = s * 1.0
    left = (x0 <= (cs * x0).sum(axis=0) / cs.sum(axis=0) + 1e-9).astype(np.int64)
    bound = compiled_kernel.max_candidates(actors, issues)
    cand = np.empty((bound + 1, 4), dtype=np.int64)
    code, count = np.empty((4, actors), dtype=np.int64), np.empty(4, dtype=np.int64)
    n = compiled_kernel._enumerate(s, cs > 0, left, code, count, cand)
    assert n == bound == issues * (issues - 1) // 2 * (half * (actors - half))


def test_forecast_runs_declare_the_compiled_memory_so_chunks_are_large():
    model = get_model("exchange")
    shape = (1, 50, 5)
    compiled_chunk = chunk_for(model, shape)
    with compiled.disabled():
        array_chunk = chunk_for(model, shape)
    assert compiled_chunk > 4 * array_chunk
    # a batch: each member's arrays, and one member's scratch per thread (not per member)
    cost = type(model).memory_cost
    one = cost.forecast_bytes(model, 1, 50, 5)
    many = cost.forecast_bytes(model, 1000, 50, 5)
    assert many < 1000 * one / 4
    assert cost.bytes(model, 1, 50, 5) > one  # full detail keeps the array path's declaration
