"""Finished problems leave the batch (`simulate(..., compact=True)`) without changing a number.

The reference is the plain round loop, which plays every problem every round, and each problem
simulated alone (N = 1): the compacted batch must give the very same floats (bit for bit), for
problems that stop at different rounds, problems with no range (never played) and each range rule.
"""

from __future__ import annotations

import numpy as np
import pytest

from parley.models.eum.params import EumParams
from parley.models.eum.simulate import simulate

FIELDS = ("positions", "median", "r", "moves", "stopped_at", "converged")


def problems(n_batch: int = 40, n: int = 9) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 100, (n_batch, n))
    x[:3] = 40.0  # no range: no dynamics
    x[3:6, : n // 2] = 25.0  # a bloc on one position
    c, s = rng.uniform(0.1, 1, (n_batch, n)), rng.uniform(0.1, 1, (n_batch, n))
    return x, c, s, np.tile([0.0, 100.0], (n_batch, 1))


@pytest.mark.parametrize(
    "params",
    [
        {"stop": "median", "tolerance": 0.005, "patience": 2, "rounds": 60},
        {"stop": "median", "tolerance": 0.01, "patience": 1, "rounds": 25, "range": "round"},
        {"stop": "median", "rounds": 30, "median": "weighted", "range": "bounds"},
        {"stop": "rounds", "rounds": 6},
    ],
)
def test_compacted_batch_equals_plain_loop_and_members_alone(params: dict) -> None:
    x, c, s, bounds = problems()
    p = EumParams(**params, cycle_tolerance=0.0)  # exact repeats only: bit for bit
    fast = simulate(x, c, s, bounds, p)
    plain = simulate(x, c, s, bounds, p, compact=False)
    for name in FIELDS:
        got, want = getattr(fast, name), getattr(plain, name)
        assert got.dtype == want.dtype and got.shape == want.shape, name
        np.testing.assert_array_equal(got, want, err_msg=name)
    if params.get("range") != "bounds":  # no range among the positions: never played
        assert (fast.stopped_at[:3] == 0).all()
    if params["stop"] == "median":  # the batch really mixes early and late stops
        played = fast.stopped_at[3:]
        assert played.min() < played.max()
    for k in (0, 4, 17, 39):
        alone = simulate(x[k : k + 1], c[k : k + 1], s[k : k + 1], bounds[k : k + 1], p)
        stop = int(alone.stopped_at[0])
        assert stop == fast.stopped_at[k]
        np.testing.assert_array_equal(alone.positions[0], fast.positions[k, : stop + 1])
        np.testing.assert_array_equal(alone.median[0], fast.median[k, : stop + 1])


@pytest.mark.parametrize(
    "params",
    [
        {"stop": "median", "tolerance": 0.005, "patience": 2, "rounds": 60},
        {"stop": "rounds", "rounds": 40},
        {"stop": "rounds", "rounds": 30, "range": "round", "degenerate_risk": "previous"},
    ],
)
def test_problems_in_a_cycle_are_copied_not_played(
    params: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems whose state repeats exactly (actors trading positions in a cycle) are copied
    from their cycle: fewer problem-rounds are played, and every number is the plain loop's."""
    import parley.models.eum.simulate as simulate_module

    played = []
    play = simulate_module.play_round

    def counting(x, *args, **kwargs):
        played.append(x.shape[0])
        return play(x, *args, **kwargs)

    rng = np.random.default_rng(5)
    n_batch, n = 40, 8
    x = rng.uniform(0, 100, (n_batch, n))
    c, s = rng.uniform(10, 100, (n_batch, n)), rng.uniform(0.2, 1, (n_batch, n))
    bounds = np.tile([0.0, 100.0], (n_batch, 1))
    p = EumParams(**params, cycle_tolerance=0.0)
    plain = simulate(x, c, s, bounds, p, compact=False)
    monkeypatch.setattr(simulate_module, "play_round", counting)
    fast = simulate(x, c, s, bounds, p)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(fast, name), getattr(plain, name), err_msg=name)
    assert sum(played) < int(plain.stopped_at.sum())  # some rounds were copied, not played


def test_cycles_up_to_round_off_are_copied_within_round_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the default cycle_tolerance (1e-12 x D) problems that repeat their state only up to
    round-off are copied too: fewer problem-rounds are played than with exact repeats only, and
    every round's positions and median stay within round-off of playing every round."""
    import parley.models.eum.simulate as simulate_module

    rng = np.random.default_rng(5)
    n_batch, n = 200, 12
    x = rng.uniform(0, 100, (n_batch, n))
    c, s = rng.uniform(10, 100, (n_batch, n)), rng.uniform(0.2, 1, (n_batch, n))
    bounds = np.tile([0.0, 100.0], (n_batch, 1))
    plain = simulate(x, c, s, bounds, EumParams(stop="rounds", rounds=60), compact=False)
    play = simulate_module.play_round
    played: dict[float, int] = {}
    traces = {}
    for tol in (0.0, 1e-12):
        rows: list[int] = []

        def counting(xx, *args, _rows=rows, **kwargs):
            _rows.append(xx.shape[0])
            return play(xx, *args, **kwargs)

        monkeypatch.setattr(simulate_module, "play_round", counting)
        traces[tol] = simulate(
            x, c, s, bounds, EumParams(stop="rounds", rounds=60, cycle_tolerance=tol)
        )
        played[tol] = sum(rows)
    assert played[1e-12] < 0.95 * played[0.0]  # about 13% fewer on this set
    near = traces[1e-12]
    np.testing.assert_allclose(near.positions, plain.positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(near.median, plain.median, rtol=0, atol=1e-9)
    assert (near.median != plain.median).any()  # copies of inexact cycles: round-off apart
