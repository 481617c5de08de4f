"""One round of the expected utility model for N independent one-issue problems at once.

A round (Scholz et al. 2011; SPEC steps 0-8):
1. risk pass: every r = 1; probabilities from rho = 1 votes; security Sec_i = sum_j E_j(U_ji);
   R_i and r_i from the spread of Sec (utility.risk_exponents);
2. second pass: probabilities from votes with the new exponents (or the first pass's, when
   vote_exponent = 'one'); a = E_i(U_ij) and b = i's estimate of E_j(U_ji);
3. offers: every actor takes at most one offer; all move at once.

Written against the array API (see `parley.models.eum.backend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from array_api_compat import device as device_of

from parley.models.backend import Array, namespace
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

    median: Array  # (N,) μ of the positions the round started from
    p_risk: Array  # (N, n, n) P_ij of the risk pass (rho = 1)
    eu_risk: Array  # (N, n, n) E_i(U_ij) with every r = 1
    security: Array  # (N, n)
    big_r: Array  # (N, n) R_i
    r: Array  # (N, n) r_i, used in the second pass
    p: Array  # (N, n, n) P_ij of the second pass
    eu: Array  # (N, n, n) a = E_i(U_ij), from i's view
    eu_other: Array  # (N, n, n) b = i's estimate of E_j(U_ji)
    offers: Offers


def _challenge_terms(
    xp: Any, params: EumParams, d: Array, dist_mu: Array
) -> tuple[Array | None, Array | None, Array | None]:
    """T for i challenging j (rows i) and for j challenging i, and the challenger's d to μ."""
    if not (params.change_term and params.q != 1.0):
        return None, None, None
    if params.t is not None:
        fixed = xp.full(d.shape, params.t, dtype=d.dtype, device=device_of(d))
        return fixed, fixed, dist_mu
    t_row = xp.astype(dist_mu[:, :, None] < d, d.dtype)  # |x_i - μ| < |x_i - x_j|
    t_col = xp.astype(dist_mu[:, None, :] < d, d.dtype)  # |x_j - μ| < |x_j - x_i|
    return t_row, t_col, dist_mu


def _pair_eus(
    xp: Any,
    params: EumParams,
    p_win: Array,
    d: Array,
    s: Array,
    r: Array | float,
    dist_mu: Array,
    estimate: bool = True,
) -> tuple[Array, Array | None]:
    """a[:, i, j] = E_i(U_ij) and b[:, i, j] = i's estimate of E_j(U_ji) (SPEC steps 3-4).

    With estimate=False only a is computed (b is None)."""
    t_row, t_col, dmu = _challenge_terms(xp, params, d, dist_mu)
    if isinstance(r, int | float):
        r_row = r_col = r
    else:
        r_row, r_col = r[:, :, None], r[:, None, :]
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
    b = challenge_eu(xp.permute_dims(p_win, (0, 2, 1)), s_other, u_other, params.q, t_col)
    return a, b


def play_round(
    x: Array,
    w: Array,
    s: Array,
    delta: Array,
    r_previous: Array,
    params: EumParams,
    mu: Array | None = None,
    matrices: bool = True,
) -> RoundResult:
    """One round for (N, n) positions x, weights w = c*s, saliences s and ranges delta (N,).

    delta must be > 0 (callers pass 1 where the range is 0; then every position is the same and
    nothing happens). mu, the median of x, may be passed in when already known. matrices=False
    leaves out every pair's offer kind and target (`Offers`), which only events and charts use.
    """
    xp = namespace(x, w, s, delta, r_previous)
    dist = xp.abs(x[:, :, None] - x[:, None, :])  # |x_i - x_j|, symmetric
    d = dist / delta[:, None, None]
    if mu is None:
        mu = median_position(x, w, delta, params.median, params.median_tie)
    pairs = sorted_pairs(x) if params.kernel == "fast" else None
    dist_mu = xp.abs(x - mu[:, None]) / delta[:, None]

    p_risk = win_probability(vote_gains(x, w, 1.0, delta, params.kernel, pairs), params.probability)
    # with every r = 1, E_j(U_ji) (target's salience s_i) is a[:, j, i]: the same float operations
    eu_risk, _ = _pair_eus(xp, params, p_risk, d, s, 1.0, dist_mu, estimate=False)
    sec = security(xp.permute_dims(eu_risk, (0, 2, 1)))
    big_r, r = risk_exponents(sec, r_previous, params.degenerate_risk)

    if params.vote_exponent == "voter":
        p_win = win_probability(
            vote_gains(x, w, r, delta, params.kernel, pairs), params.probability
        )
    else:
        p_win = p_risk
    a, b = _pair_eus(xp, params, p_win, d, s, r, dist_mu)
    assert b is not None
    # actors within `coincident` x D of each other hold one position up to round-off: no offer
    # between them (as for equal positions), so round-off cannot make offers that block real ones
    apart = d > params.coincident
    offers = make_offers(
        a,
        b,
        x,
        conflict=params.conflict == "full",
        capitulation=params.capitulation,
        rule=params.offer_choice,
        allowed=apart,
        dist=dist,
        matrices=matrices,
    )
    return RoundResult(mu, p_risk, eu_risk, sec, big_r, r, p_win, a, b, offers)
