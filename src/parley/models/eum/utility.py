"""Utilities, expected utility of a challenge, security and risk (SPEC steps 3-5).

All distances are scaled by the range D (d = |x_a - x_b| / D, in [0, 1]). Pair matrices have the
batch axis first and the *challenger* on axis 1 unless a docstring says otherwise. Written against
the array API (see `parley.models.eum.backend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from array_api_compat import device as device_of

from parley.models.backend import Array, namespace


@dataclass(frozen=True)
class Utilities:
    """The basic utilities of one challenger against one target (Bueno de Mesquita 1994, p. 81;
    Scholz et al. 2011, the utility equations; SPEC step 3), from a viewpoint with exponent r:

        U_s  = 2 - 4 (0.5 - 0.5 d_ij)^r        success: the target's position is moved
        U_f  = 2 - 4 (0.5 + 0.5 d_ij)^r        failure
        U_sq = 2 - 4 (0.5)^r                   the status quo
        U_b  = 2 - 4 (0.5 - 0.25 (d_iμ + d_ij))^r   things get better without a challenge
        U_w  = 2 - 4 (0.5 + 0.25 (d_iμ + d_ij))^r   things get worse without a challenge

    U_b and U_w are only built when the (1 - Q) term is used.
    """

    success: Array
    failure: Array
    status_quo: Array | float  # a number when r is the number 1
    better: Array | None = None
    worse: Array | None = None


def _u(base: Array | float, r: Array | float) -> Array | float:
    if isinstance(r, int | float) and r == 1:
        return 2.0 - 4.0 * base
    return 2.0 - 4.0 * base**r


def utilities(d: Array, r: Array | float, d_mu: Array | None = None) -> Utilities:
    """U_s, U_f, U_sq (and U_b, U_w when d_mu, the challenger's distance to the median, is given).

    r broadcasts against d: (N, n, 1) for the row actor's exponent, (N, 1, n) for the column's.
    """
    success = _u(0.5 - 0.5 * d, r)
    failure = _u(0.5 + 0.5 * d, r)
    status_quo = _u(0.5, r)  # a number when r = 1, else shaped like r
    if d_mu is None:
        return Utilities(success, failure, status_quo)
    spread = 0.25 * (d_mu + d)
    return Utilities(success, failure, status_quo, _u(0.5 - spread, r), _u(0.5 + spread, r))


def challenge_eu(
    p_win: Array,
    s_target: Array,
    u: Utilities,
    q: float,
    t_indicator: Array | None = None,
) -> Array:
    """Expected utility of challenging (SPEC step 4; Bueno de Mesquita 1994, p. 80-81):

        E(U_ij) = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T) U_w)

    s_target is the salience of the challenged actor (its readiness to resist). The last term is
    added only when `t_indicator` (T: 1 where the challenger is closer to the median than to the
    target, or a fixed number) is given and u carries U_b and U_w; Scholz's code leaves it out.
    """
    eu = s_target * (p_win * u.success + (1.0 - p_win) * u.failure)
    eu = eu + (1.0 - s_target) * u.success - q * u.status_quo
    if t_indicator is not None and u.better is not None and u.worse is not None:
        eu = eu - (1.0 - q) * (t_indicator * u.better + (1.0 - t_indicator) * u.worse)
    return eu


def security(eu_against: Array) -> Array:
    """Sec_i = sum_{j != i} E_j(U_ji) (SPEC step 5 and point 2), from eu_against[:, i, j] = E_j(U_ji).

    A larger value means more is expected from challenging i: i is *less* secure ("danger").
    """
    xp = namespace(eu_against)
    off = _off_diagonal(xp, eu_against.shape[1], device_of(eu_against))
    return xp.sum(xp.where(off, eu_against, 0.0), axis=2)


@lru_cache(maxsize=16)
def _off_diagonal(xp: Any, n: int, dev: Any) -> Array:
    return ~xp.eye(n, dtype=xp.bool, device=dev)


def risk_exponents(sec: Array, previous: Array, degenerate: str) -> tuple[Array, Array]:
    """R_i and r_i from the security sums (SPEC step 5; Bueno de Mesquita 1985; Scholz et al. 2011):

        R_i = (2 Sec_i - max Sec - min Sec) / (max Sec - min Sec),   r_i = (1 - R_i/3) / (1 + R_i/3)

    so r lies in [0.5, 2]. Where max = min (the published code divides by zero) `degenerate`
    decides: 'neutral' sets R = 0 (r = 1), 'previous' keeps the previous round's r.
    """
    xp = namespace(sec, previous)
    hi = xp.max(sec, axis=1, keepdims=True)
    lo = xp.min(sec, axis=1, keepdims=True)
    flat = hi == lo
    spread = xp.where(flat, 1.0, hi - lo)
    big_r = xp.where(flat, 0.0, (2.0 * sec - hi - lo) / spread)
    r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    if degenerate == "previous":
        r = xp.where(flat, previous, r)
    return big_r, r
