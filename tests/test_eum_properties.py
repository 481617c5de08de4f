"""Properties of model eum (hypothesis): positions stay in range, relabelling actors permutes the
results, scaling every capability changes nothing, and the fast kernel agrees with the plain one.

Positions are drawn from a few random values so that actors share positions (ties in the offer
rules are broken by input order, so exactly symmetric configurations could make relabelling
matter; random values make those of measure zero).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.case.arrays import CaseArrays
from parley.models import get_model

PRESETS = st.sampled_from(["scholz_code", "scholz_paper"])
QUIET = {"events": "none", "quadrants": False, "rounds": 4}


def random_case(seed: int, n: int, n_issues: int = 1) -> CaseArrays:
    rng = np.random.default_rng(seed)
    lo, hi = -10.0, 110.0
    grid = rng.uniform(lo, hi, size=(max(2, n // 2), n_issues))
    x = np.take_along_axis(grid, rng.integers(0, grid.shape[0], size=(n, n_issues)), axis=0)
    sal = rng.uniform(0.05, 1.0, size=(n, n_issues))
    cap = np.repeat(rng.uniform(0.1, 10.0, size=(n, 1)), n_issues, axis=1)
    return CaseArrays(
        positions=x[None],
        salience=sal[None],
        capability=cap[None],
        mask=np.ones((n, n_issues), dtype=bool),
        bounds=np.tile([lo, hi], (n_issues, 1)),
        actor_ids=tuple(f"a{k}" for k in range(n)),
        issue_ids=tuple(f"i{k}" for k in range(n_issues)),
        status_quo=np.full(n_issues, np.nan),
    )


def run(arrays: CaseArrays, preset: str, **params):
    return get_model("eum", preset, {**QUIET, **params}).run(arrays)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 14), preset=PRESETS)
def test_positions_stay_within_the_input_range(seed: int, n: int, preset: str) -> None:
    arrays = random_case(seed, n, n_issues=2)
    out = run(arrays, preset)
    lo = arrays.positions.min(axis=1)[:, None, None, :]
    hi = arrays.positions.max(axis=1)[:, None, None, :]
    assert (out.history >= lo).all() and (out.history <= hi).all()
    assert (out.forecast >= arrays.bounds[:, 0]).all()
    assert (out.forecast <= arrays.bounds[:, 1]).all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 14), preset=PRESETS)
def test_relabelling_actors_permutes_the_results(seed: int, n: int, preset: str) -> None:
    arrays = random_case(seed, n)
    perm = np.random.default_rng(seed + 1).permutation(n)
    shuffled = arrays.with_batch(
        positions=arrays.positions[:, perm],
        salience=arrays.salience[:, perm],
        capability=arrays.capability[:, perm],
        mask=arrays.mask[perm],
        actor_ids=tuple(arrays.actor_ids[k] for k in perm),
    )
    base, moved = run(arrays, preset), run(shuffled, preset)
    np.testing.assert_allclose(moved.history, base.history[:, :, perm], rtol=0, atol=1e-9)
    np.testing.assert_allclose(moved.forecast, base.forecast, rtol=0, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 14),
    preset=PRESETS,
    factor=st.sampled_from([0.125, 4.0, 1024.0, 0.37, 55.0]),
)
def test_scaling_all_capabilities_changes_nothing(
    seed: int, n: int, preset: str, factor: float
) -> None:
    arrays = random_case(seed, n)
    scaled = arrays.with_batch(capability=arrays.capability * factor)
    base, other = run(arrays, preset), run(scaled, preset)
    np.testing.assert_allclose(other.history, base.history, rtol=0, atol=1e-9)
    for name in ("median", "mean", "weighted_mean"):
        np.testing.assert_allclose(other.summaries[name], base.summaries[name], atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 30), preset=PRESETS)
def test_fast_and_plain_kernels_agree(seed: int, n: int, preset: str) -> None:
    arrays = random_case(seed, n)
    fast, plain = run(arrays, preset, kernel="fast"), run(arrays, preset, kernel="plain")
    np.testing.assert_allclose(fast.history, plain.history, rtol=0, atol=1e-9)
