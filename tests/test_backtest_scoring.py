"""Scoring by hand, grouped folds that never split a proposal, and the stack's fit (honesty)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.backtest.scoring import bootstrap_ci, error_summary, paired_comparison
from parley.models.combined.crossval import cross_validate_stack
from parley.models.combined.folds import group_kfold
from parley.models.combined.stack import Inputs, fit_stack


def test_three_issue_example_by_hand():
    # outcomes 50, 20, 80; the model says 45, 30, 80; compromise says 60, 20, 70
    model = np.abs(np.array([45, 30, 80]) - [50, 20, 80])  # 5, 10, 0
    ref = np.abs(np.array([60, 20, 70]) - [50, 20, 80])  # 10, 0, 10
    s = error_summary(model)
    assert s["n"] == 3
    assert s["mae"] == pytest.approx(5.0)  # (5 + 10 + 0) / 3
    assert s["rmse"] == pytest.approx(np.sqrt(125 / 3))  # (25 + 100 + 0) / 3 = 41.67 -> 6.455
    assert s["median_ae"] == pytest.approx(5.0)
    assert s["hit5"] == pytest.approx(2 / 3)  # 5 and 0 are within 5 points, 10 is not
    assert s["hit10"] == 1.0
    p = paired_comparison(model, ref, ["a", "b", "c"])
    assert p["mean_diff"] == pytest.approx(-5 / 3)  # (-5 + 10 - 10) / 3
    assert p["win_rate"] == pytest.approx(2 / 3)  # closer on issues 1 and 3
    lo, hi = p["ci95"]
    assert -10 <= lo <= -5 / 3 <= hi <= 10


def test_ties_count_half_and_reference_against_itself():
    e = np.array([3.0, 1.0, 4.0, 1.0])
    p = paired_comparison(e, e.copy(), ["a", "a", "b", "c"])
    assert p == {"mean_diff": 0.0, "ci95": [0.0, 0.0], "win_rate": 0.5}
    # one tie, one win, one loss -> (0.5 + 1 + 0) / 3
    p = paired_comparison(np.array([2.0, 1.0, 5.0]), np.array([2.0, 3.0, 4.0]), ["a", "b", "c"])
    assert p["win_rate"] == pytest.approx(0.5)


def test_cluster_bootstrap_by_hand():
    # group A: four issues with difference 1; group B: one issue with difference 3.
    # Resampling 2 groups: (A, A) -> mean 1 (prob 1/4); (A, B) -> 7/5 (1/2); (B, B) -> 3 (1/4).
    # So the 2.5% and 97.5% quantiles are exactly 1 and 3. Resampling issues instead would almost
    # never draw five 3s, so its upper bound would be well below 3.
    values = np.array([1.0, 1.0, 1.0, 1.0, 3.0])
    assert bootstrap_ci(values, ["A", "A", "A", "A", "B"]) == [1.0, 3.0]
    assert bootstrap_ci(values, ["a", "b", "c", "d", "e"])[1] < 3.0
    assert bootstrap_ci(values, list("AAAAB"), seed=5) == bootstrap_ci(
        values, list("AAAAB"), seed=5
    )


def test_empty_errors():
    assert error_summary(np.array([])) == {
        "n": 0,
        "mae": None,
        "rmse": None,
        "median_ae": None,
        "hit5": None,
        "hit10": None,
    }


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(st.sampled_from("abcdefghij"), min_size=2, max_size=40).filter(
        lambda g: len(set(g)) >= 2
    ),
    folds=st.integers(2, 7),
    seed=st.integers(0, 100),
)
def test_group_kfold_never_splits_a_group(groups, folds, seed):
    splits = group_kfold(groups, folds, seed)
    assert len(splits) == min(folds, len(set(groups)))
    seen = np.zeros(len(groups), dtype=int)
    g = np.array(groups)
    for train, test in splits:
        assert set(g[train]).isdisjoint(g[test])
        assert len(test) > 0
        seen[test] += 1
        assert sorted(np.concatenate([train, test])) == list(range(len(groups)))
    assert (seen == 1).all()


def _inputs(rng, n, k=3):
    f = rng.uniform(0, 1, (n, k))
    rp = np.where(rng.uniform(size=n) < 0.6, rng.uniform(0, 1, n), np.nan)
    return Inputs(
        forecasts=f,
        rp=rp,
        spread=rng.uniform(0, 0.5, n),
        unanimity=rng.choice([0.0, 1.0, np.nan], n),
        codecision=rng.choice([0.0, 1.0], n),
    )


def test_stack_recovers_a_known_combination():
    rng = np.random.default_rng(1)
    x = _inputs(rng, 300)
    models = ("compromise", "mean", "median")
    # truth: 0.7 compromise + 0.3 median, plus a pull of 0.25 towards the reference point
    pull = np.where(np.isnan(x.rp), 0, x.rp - x.forecasts[:, 0])
    y = 0.7 * x.forecasts[:, 0] + 0.3 * x.forecasts[:, 2] + 0.25 * pull
    stack = fit_stack(x, y, models)
    np.testing.assert_allclose(stack.weights, [0.7, 0.0, 0.3], atol=1e-9)
    np.testing.assert_allclose(stack.coefs, [0.25, 0, 0, 0], atol=1e-9)


def test_stack_weights_stay_a_weighted_average():
    rng = np.random.default_rng(2)
    x = _inputs(rng, 200)
    # the outcome moves against model 2: unconstrained least squares would give it weight < 0
    y = 1.4 * x.forecasts[:, 0] - 0.4 * x.forecasts[:, 1]
    stack = fit_stack(x, y, ("compromise", "mean", "median"))
    assert (stack.weights >= 0).all()
    assert stack.weights.sum() == pytest.approx(1.0)


def test_stack_flips_with_the_scale():
    rng = np.random.default_rng(3)
    x = _inputs(rng, 120)
    y = np.clip(0.5 * x.forecasts[:, 0] + 0.5 * x.forecasts[:, 1] + rng.normal(0, 0.05, 120), 0, 1)
    stack = fit_stack(x, y, ("compromise", "mean", "median"))
    flipped = Inputs(1 - x.forecasts, 1 - x.rp, x.spread, x.unanimity, x.codecision)
    np.testing.assert_allclose(stack.predict(flipped), 1 - stack.predict(x), atol=1e-12)


def test_cross_validation_never_sees_the_held_out_outcomes():
    # Changing the outcomes of one fold's proposals must not change that fold's forecasts.
    rng = np.random.default_rng(4)
    n = 90
    x = _inputs(rng, n)
    groups = [f"p{k // 3}" for k in range(n)]
    y = rng.uniform(0, 1, n)
    models = ("compromise", "mean", "median")
    base = cross_validate_stack(x, y, groups, models, folds=5, seed=0)
    for _train, test in group_kfold(groups, 5, 0):
        y2 = y.copy()
        y2[test] = rng.uniform(0, 1, len(test))
        again = cross_validate_stack(x, y2, groups, models, folds=5, seed=0)
        np.testing.assert_array_equal(again[test], base[test])
        assert not np.allclose(np.delete(again, test), np.delete(base, test))


def test_penalty_shrinks_towards_compromise_and_is_chosen_by_grouped_cv():
    from parley.models.combined.crossval import choose_penalty

    rng = np.random.default_rng(5)
    x = _inputs(rng, 150)
    models = ("compromise", "mean", "median")
    pull = np.where(np.isnan(x.rp), 0, x.rp - x.forecasts[:, 0])
    y = 0.2 * x.forecasts[:, 0] + 0.8 * x.forecasts[:, 1] + 0.3 * pull
    # a huge penalty gives back the compromise model; none recovers the truth
    big = fit_stack(x, y, models, penalty=1e6)
    np.testing.assert_allclose(big.weights, [1, 0, 0], atol=1e-5)
    np.testing.assert_allclose(big.coefs, 0, atol=1e-5)
    groups = [f"p{k // 2}" for k in range(150)]
    assert choose_penalty(x, y, groups, models) == 0.0  # noise-free truth: no shrinkage wins
    # outcomes unrelated to every forecast: shrinking fully to compromise is no worse
    noise = rng.uniform(0, 1, 150)
    assert choose_penalty(x, noise, groups, models) > 0.0
