"""One round of the expected utility model for N independent one-issue problems at once.

A round (Scholz et al. 2011; SPEC steps 0-8):
1. risk pass: every r = 1; probabilities from rho = 1 votes; security Sec_i = sum_j E_j(U_ji);
   R_i and r_i from the spread of Sec (utility.risk_exponents);
2. second pass: probabilities from votes with the new exponents (or the first pass's, when
   vote_exponent = 'one'); a = E_i(U_ij) and b = i's estimate of E_j(U_ji);
3. offers: every actor takes at most one offer; all move at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parley.models.eum.median import median_position
from parley.models.eum.offers import Offers, make_offers
from parley.models.eum.params import EumParams
from parley.models.eum.utility import (
    challenge_eu,
    risk_exponents,
    security,
    utilities,
)
from parley.models.eum.votes import sorted_pairs, vote_gains, win_probability


@dataclass(frozen=True)
class RoundResult:
    """Everything one round computed (for tests, events and the quadrant chart)."""

    median: np.ndarray  # (N,) μ of the positions the round started from
    p_risk: np.ndarray  # (N, n, n) P_ij of the risk pass (rho = 1)
    eu_risk: np.ndarray  # (N, n, n) E_i(U_ij) with every r = 1
    security: np.ndarray  # (N, n)
    big_r: np.ndarray  # (N, n) R_i
    r: np.ndarray  # (N, n) r_i, used in the second pass
    p: np.ndarray  # (N, n, n) P_ij of the second pass
    eu: np.ndarray  # (N, n, n) a = E_i(U_ij), from i's view
    eu_other: np.ndarray  # (N, n, n) b = i's estimate of E_j(U_ji)
    offers: Offers


def _challenge_terms(
    params: EumParams, d: np.ndarray, dist_mu: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """T for i challenging j (rows i) and for j challenging i, and the challenger's d to μ."""
    if not (params.change_term and params.q != 1.0):
        return None, None, None
    if params.t is not None:
        fixed = np.full(d.shape, params.t)
        return fixed, fixed, dist_mu
    t_row = (dist_mu[:, :, None] < d).astype(float)  # |x_i - μ| < |x_i - x_j|
    t_col = (dist_mu[:, None, :] < d).astype(float)  # |x_j - μ| < |x_j - x_i|
    return t_row, t_col, dist_mu


def _pair_eus(
    params: EumParams,
    p_win: np.ndarray,
    d: np.ndarray,
    s: np.ndarray,
    r: np.ndarray | float,
    dist_mu: np.ndarray,
    estimate: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """a[:, i, j] = E_i(U_ij) and b[:, i, j] = i's estimate of E_j(U_ji) (SPEC steps 3-4).

    With estimate=False only a is computed (b is None)."""
    t_row, t_col, dmu = _challenge_terms(params, d, dist_mu)
    r_row = r if np.isscalar(r) else r[:, :, None]
    r_col = r if np.isscalar(r) else r[:, None, :]
    u_row = utilities(d, r_row, None if dmu is None else dmu[:, :, None])
    a = challenge_eu(p_win, s[:, None, :], u_row, params.q, t_row)
    if not estimate:
        return a, None
    if params.opponent_risk == "own" and dmu is None:
        u_other = u_row  # same exponent and distance: the same utilities
    else:
        r_other = r_row if params.opponent_risk == "own" else r_col
        u_other = utilities(d, r_other, None if dmu is None else dmu[:, None, :])
    s_other = s[:, :, None] if params.opponent_salience == "target" else s[:, None, :]
    b = challenge_eu(np.swapaxes(p_win, 1, 2), s_other, u_other, params.q, t_col)
    return a, b


def play_round(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    delta: np.ndarray,
    r_previous: np.ndarray,
    params: EumParams,
    mu: np.ndarray | None = None,
) -> RoundResult:
    """One round for (N, n) positions x, weights w = c*s, saliences s and ranges delta (N,).

    delta must be > 0 (callers pass 1 where the range is 0; then every position is the same and
    nothing happens). mu, the median of x, may be passed in when already known.
    """
    d = np.abs(x[:, :, None] - x[:, None, :]) / delta[:, None, None]
    if mu is None:
        mu = median_position(x, w, delta, params.median)
    pairs = sorted_pairs(x) if params.kernel == "fast" else None
    dist_mu = np.abs(x - mu[:, None]) / delta[:, None]

    p_risk = win_probability(vote_gains(x, w, 1.0, delta, params.kernel, pairs), params.probability)
    # with every r = 1, E_j(U_ji) (target's salience s_i) is a[:, j, i]: the same float operations
    eu_risk, _ = _pair_eus(params, p_risk, d, s, 1.0, dist_mu, estimate=False)
    sec = security(np.swapaxes(eu_risk, 1, 2))
    big_r, r = risk_exponents(sec, r_previous, params.degenerate_risk)

    if params.vote_exponent == "voter":
        p_win = win_probability(
            vote_gains(x, w, r, delta, params.kernel, pairs), params.probability
        )
    else:
        p_win = p_risk
    a, b = _pair_eus(params, p_win, d, s, r, dist_mu)
    assert b is not None
    offers = make_offers(
        a,
        b,
        x,
        conflict=params.conflict == "full",
        capitulation=params.capitulation,
        rule=params.offer_choice,
    )
    return RoundResult(mu, p_risk, eu_risk, sec, big_r, r, p_win, a, b, offers)
