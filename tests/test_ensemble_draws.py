"""Ensemble draws: inverse CDFs against scipy.stats, per-member reproducible uniforms, the Gaussian
copula's rank correlation, scenario draws by probability."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from parley.case import build_case
from parley.ensemble.correlation import (
    check_correlate,
    copula_root,
    correlate_uniforms,
    rank_correlations,
)
from parley.ensemble.distributions import pert_shape, ppf
from parley.ensemble.draws import member_uniforms
from parley.ensemble.inputs import uncertain_inputs
from parley.ensemble.mix import pick_scenarios, scenario_weights
from parley.errors import ParleyError, ScenarioError

PROBS = np.array([0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999])


@pytest.mark.parametrize("low, mode, high", [(0, 2, 10), (-5, -5, 5), (1, 4, 4), (0, 50, 100)])
def test_triangular_quantiles_are_scipy_triang(low, mode, high):
    got = ppf(PROBS[:, None], [low], [mode], [high], ["triangular"])[:, 0]
    want = stats.triang((mode - low) / (high - low), loc=low, scale=high - low).ppf(PROBS)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("low, mode, high", [(0, 2, 10), (-5, -5, 5), (1, 4, 4), (0, 50, 100)])
def test_pert_quantiles_are_scipy_beta_with_pert_shapes(low, mode, high):
    # beta-PERT by its definition: alpha = 1 + 4 (m - a) / (b - a), beta = 1 + 4 (b - m) / (b - a)
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    got = ppf(PROBS[:, None], [low], [mode], [high], ["pert"])[:, 0]
    want = stats.beta(alpha, beta, loc=low, scale=high - low).ppf(PROBS)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    a, b = pert_shape(np.array(low, float), np.array(mode, float), np.array(high, float))
    assert stats.beta(a, b, loc=low, scale=high - low).mean() == pytest.approx(
        (low + 4 * mode + high) / 6
    )


def test_uniform_quantiles_and_mixed_columns():
    u = np.tile(PROBS[:, None], (1, 3))
    got = ppf(u, [0, 0, 10], [5, 2, 12], [10, 10, 20], ["uniform", "triangular", "pert"])
    np.testing.assert_allclose(got[:, 0], stats.uniform(0, 10).ppf(PROBS), rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], stats.triang(0.2, 0, 10).ppf(PROBS), rtol=1e-12)
    np.testing.assert_allclose(got[:, 2], stats.beta(1.8, 4.2, 10, 10).ppf(PROBS), rtol=1e-10)


@pytest.mark.parametrize("kind", ["triangular", "pert", "uniform"])
def test_member_draws_follow_their_distribution(kind):
    # 20,000 members through the real pipeline (Philox uniforms, inverse CDF), then a
    # Kolmogorov-Smirnov test against scipy's distribution and its quantiles within MC error
    low, mode, high = 2.0, 3.0, 8.0
    u = member_uniforms(seed=11, start=0, stop=20_000, width=1)
    x = ppf(u, [low], [mode], [high], [kind])[:, 0]
    dist = {
        "triangular": stats.triang((mode - low) / (high - low), loc=low, scale=6),
        "pert": stats.beta(*pert_shape(np.array(low), np.array(mode), np.array(high)), low, 6),
        "uniform": stats.uniform(low, 6),
    }[kind]
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3
    q = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    np.testing.assert_allclose(np.quantile(x, q), dist.ppf(q), atol=0.08)
    assert low <= x.min() and x.max() <= high


def test_uniforms_do_not_depend_on_chunking():
    whole = member_uniforms(3, 0, 1000, 7)
    pieces = np.vstack([member_uniforms(3, s, min(s + 97, 1000), 7) for s in range(0, 1000, 97)])
    np.testing.assert_array_equal(whole, pieces)
    assert whole.min() > 0 and whole.max() < 1
    assert not np.array_equal(member_uniforms(4, 0, 10, 7), whole[:10])  # the seed matters


def test_uniforms_are_uniform_and_independent_across_members_and_columns():
    u = member_uniforms(0, 0, 50_000, 4)
    for col in range(4):
        assert stats.kstest(u[:, col], "uniform").pvalue > 1e-3
    corr = np.corrcoef(u.T)
    assert np.abs(corr - np.eye(4)).max() < 0.02  # 4.5 standard errors of 1/sqrt(50000)


def tagged_case():
    actors = [
        {"id": "a", "capability": {"value": 10, "low": 5, "high": 20}, "tags": ["bloc"]},
        {"id": "b", "capability": {"value": 10, "low": 5, "high": 20}, "tags": ["bloc"]},
        {"id": "c", "capability": {"value": 10, "low": 5, "high": 20}},
    ]
    stances = {
        a: {"x": {"position": {"value": 5, "low": 0, "high": 10}, "salience": 1}} for a in "abc"
    }
    return build_case(
        {"actors": actors, "issues": [{"id": "x", "lower": 0, "upper": 10}], "stances": stances}
    )


def test_copula_gives_the_rank_correlation_asked_for_and_keeps_marginals():
    case = tagged_case()
    inputs = uncertain_inputs(case)
    keys = [u.key for u in inputs]
    rho = rank_correlations(case, inputs, {"bloc": 0.6})
    u = correlate_uniforms(member_uniforms(5, 0, 20_000, len(inputs)), copula_root(rho))
    x = ppf(u, [i.low for i in inputs], [i.value for i in inputs], [i.high for i in inputs],
            [i.distribution for i in inputs])  # fmt: skip
    spearman = stats.spearmanr(x).statistic
    a_pos, b_pos = keys.index("a.x.position"), keys.index("b.x.position")
    a_cap, b_cap = keys.index("a.capability"), keys.index("b.capability")
    c_pos = keys.index("c.x.position")
    assert spearman[a_pos, b_pos] == pytest.approx(0.6, abs=0.02)
    assert spearman[a_cap, b_cap] == pytest.approx(0.6, abs=0.02)
    assert abs(spearman[a_pos, c_pos]) < 0.03  # c is not in the bloc
    assert abs(spearman[a_pos, a_cap]) < 0.03  # different fields stay independent
    assert abs(spearman[a_pos, b_cap]) < 0.03
    tri = stats.triang(0.5, loc=0, scale=10)
    assert stats.kstest(x[:, a_pos], tri.cdf).pvalue > 1e-3  # the marginal is unchanged


def test_perfect_rank_correlation_is_allowed():
    case = tagged_case()
    inputs = uncertain_inputs(case)
    rho = rank_correlations(case, inputs, {"bloc": 1.0})
    u = correlate_uniforms(member_uniforms(5, 0, 1000, len(inputs)), copula_root(rho))
    keys = [i.key for i in inputs]
    np.testing.assert_allclose(
        u[:, keys.index("a.x.position")], u[:, keys.index("b.x.position")], atol=1e-9
    )


def test_no_correlation_without_tags_and_bad_correlate_items():
    case = tagged_case()
    assert rank_correlations(case, uncertain_inputs(case), {}) is None
    with pytest.raises(ParleyError, match="no actor has tag 'nope' \\(tags: bloc\\)"):
        check_correlate(case, {"nope": 0.5})
    with pytest.raises(ParleyError, match="coefficient in \\[-1, 1\\]"):
        check_correlate(case, {"bloc": 1.5})
    data = case.model_dump()
    for actor in data["actors"]:
        actor["tags"] = ["bloc"]
    three = build_case(data)
    rho = rank_correlations(three, uncertain_inputs(three), {"bloc": -0.9})
    with pytest.raises(ParleyError, match="cannot hold together"):
        copula_root(rho)


def scenario_case(*probabilities):
    return build_case(
        {
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x", "lower": 0, "upper": 1}],
            "stances": {
                "a": {"x": {"position": 0, "salience": 1}},
                "b": {"x": {"position": 1, "salience": 1}},
            },
            "scenarios": [{"name": f"s{k}", "probability": p} for k, p in enumerate(probabilities)]
            + [{"name": "unweighted"}],
        }
    )


def test_scenario_draws_honour_probabilities():
    case = scenario_case(0.5, 0.2)
    weights = scenario_weights(case)
    assert weights == [(None, pytest.approx(0.3)), ("s0", 0.5), ("s1", 0.2)]
    n = 40_000
    picked = pick_scenarios(member_uniforms(9, 0, n, 1)[:, 0], weights)
    shares = np.bincount(picked, minlength=3) / n
    for share, (_, p) in zip(shares, weights, strict=True):
        assert abs(share - p) < 4.5 * np.sqrt(p * (1 - p) / n)
    observed = np.bincount(picked, minlength=3)
    assert stats.chisquare(observed, [p * n for _, p in weights]).pvalue > 1e-3


def test_scenario_choice_options():
    case = scenario_case(0.7, 0.3)
    assert scenario_weights(case, mix=False) == [(None, 1.0)]
    assert scenario_weights(case, scenario="unweighted") == [("unweighted", 1.0)]
    assert scenario_weights(scenario_case()) == [(None, 1.0)]  # no probabilities: no mix
    picked = pick_scenarios(member_uniforms(1, 0, 5000, 1)[:, 0], scenario_weights(case))
    assert 0 not in picked  # the base case has probability 0 here
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'"):
        scenario_weights(case, scenario="nope")
