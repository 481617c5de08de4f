"""CRPS and interval coverage of ensembles against closed forms and hand calculations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from parley.backtest.probabilistic import central_interval, coverage, crps_ensemble


def _normal_crps(mu: float, sigma: float, y: float) -> float:
    """Closed form of the CRPS of N(mu, sigma^2) at y (Gneiting & Raftery 2007, eq. 5):
    sigma * [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)], z = (y - mu) / sigma."""
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


@pytest.mark.parametrize("y", [-1.3, 0.0, 0.4, 2.5, 7.0])
def test_crps_of_a_normal_ensemble_matches_the_closed_form(y):
    # Members at the midpoint quantiles of N(2, 3^2): their empirical distribution converges to the
    # normal, and so does its CRPS (the error is O(1/M) for these evenly spaced quantiles).
    m = 20_000
    members = stats.norm.ppf((np.arange(m) + 0.5) / m, loc=2.0, scale=3.0)
    got = crps_ensemble(members[None, :], np.array([y]))[0]
    assert got == pytest.approx(_normal_crps(2.0, 3.0, y), abs=2e-3)


def test_crps_of_a_point_forecast_is_the_absolute_error():
    members = np.full((3, 7), [[1.0], [5.0], [-2.0]])
    assert crps_ensemble(members, np.array([4.0, 5.0, 1.0])) == pytest.approx([3.0, 0.0, 3.0])


@settings(max_examples=40, deadline=None)
@given(
    members=st.lists(st.floats(-50, 50), min_size=1, max_size=12),
    y=st.floats(-60, 60),
)
def test_crps_equals_the_integral_of_the_squared_cdf_difference(members, y):
    # The CRPS's definition: integral over x of (F(x) - 1{x >= y})^2, F the ensemble's empirical CDF.
    # The integrand is a step function; integrate it exactly piece by piece between the breakpoints.
    x = np.sort(np.array(members))
    knots = np.unique(np.concatenate([x, [y]]))

    def integrand(t: float) -> float:
        return (np.mean(x <= t) - float(t >= y)) ** 2

    total = sum(
        integrate.quad(integrand, a, b)[0] for a, b in zip(knots[:-1], knots[1:], strict=True)
    )
    assert crps_ensemble(x[None, :], np.array([y]))[0] == pytest.approx(total, abs=1e-7)


def test_coverage_by_hand():
    # members 0..4: the central 50% interval is [1, 3] (quantiles 0.25, 0.75 of 0, 1, 2, 3, 4),
    # the central 80% [0.4, 3.6], the central 90% [0.2, 3.8]
    members = np.tile(np.arange(5.0), (4, 1))
    assert central_interval(members[:1], 80) == (pytest.approx([0.4]), pytest.approx([3.6]))
    outcomes = np.array([1.0, 3.5, 3.7, 4.5])  # an end counts as inside
    assert coverage(members, outcomes) == {"50": 0.25, "80": 0.5, "90": 0.75}
    assert coverage(members[:0], outcomes[:0]) == {"50": None, "80": None, "90": None}


def test_a_calibrated_ensemble_covers_its_nominal_share():
    # Outcomes drawn from the same distribution as the members: each central p% interval holds
    # the outcome with probability p; with 4000 outcomes the share is within 0.03 of p (> 4 SE).
    rng = np.random.default_rng(1)
    members = stats.norm.ppf((np.arange(999) + 0.5) / 999)
    outcomes = rng.standard_normal(4000)
    got = coverage(np.tile(members, (outcomes.size, 1)), outcomes)
    for level, share in got.items():
        assert share == pytest.approx(int(level) / 100, abs=0.03)
