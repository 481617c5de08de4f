"""Offers and the choice among them (SPEC step 7 and scholz_code points 4-5).

Actor i receives an offer from j (x_j != x_i) judged from i's own view, with a = E_i(U_ij) and
b = i's estimate of E_j(U_ji) (Bueno de Mesquita 1994, pp. 82-84; Scholz et al. 2011, the offer
rules):

* conflict     b > a > 0          both expect to gain, j more: i moves to x_j;
* compromise   a < 0 < b, b > -a  i moves to x_i + (x_j - x_i) |a| / |b|;
* capitulation a < 0 < b, -a > b  i gives in fully: moves to x_j (off in Scholz's code);
* nothing otherwise (stalemate, i dominant, and the equalities a = 0, b = 0, b = |a|).

Only the receiving actor moves. All arrays: batch first, receiver i on axis 1, proposer j on axis 2.
Written against the array API (see `parley.models.eum.backend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from array_api_compat import device as device_of

from parley.models.backend import Array, namespace

NONE, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {CONFLICT: "conflict", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


@dataclass(frozen=True)
class Offers:
    kind: Array  # (N, n, n) int8: NONE, CONFLICT, COMPROMISE, CAPITULATION
    target: Array  # (N, n, n) where i would move if it accepted j's offer
    chosen: Array  # (N, n) the accepted j, -1 for none
    new_x: Array  # (N, n) positions after everyone's accepted offer


def classify(
    a: Array, b: Array, x: Array, conflict: bool, capitulation: bool
) -> tuple[Array, Array]:
    """Offer kind and target position for every (receiver i, proposer j)."""
    xp = namespace(a, b, x)
    xi, xj = x[:, :, None], x[:, None, :]
    distinct = xi != xj
    kind = xp.zeros(a.shape, dtype=xp.int8, device=device_of(a))
    ahead = (a < 0) & (b > 0)
    kind = xp.where(distinct & ahead & (b > -a), COMPROMISE, kind)
    if conflict:
        kind = xp.where(distinct & (b > a) & (a > 0), CONFLICT, kind)
    if capitulation:
        kind = xp.where(distinct & ahead & (-a > b), CAPITULATION, kind)
    compromise = kind == COMPROMISE
    # x_i + (x_j - x_i)|a / b|, built in place; b > 0 on every compromise, elsewhere a harmless 1
    # keeps the division quiet
    partial = xj - xi
    partial *= xp.abs(a / xp.where(compromise, b, 1.0))
    partial += xi
    target = xp.where(compromise, partial, xj)
    return kind, xp.where(kind == NONE, xi, target)


def _first_min(xp: Any, key: Array, allowed: Array) -> tuple[Array, Array]:
    """Index of the smallest allowed key along the last axis (ties: the first j) and whether any."""
    masked = xp.where(allowed, key, xp.inf)
    return xp.argmin(masked, axis=-1), xp.any(allowed, axis=-1)


def choose(kind: Array, target: Array, a: Array, b: Array, x: Array, rule: str) -> Array:
    """The accepted proposer per receiver, (N, n), -1 where no offer.

    'scholz': any conflict first, the one with the smallest |x_j - x_i|; otherwise the compromise
    with the smallest (|a| x_i + |b| x_j)/(|a|+|b|) (a signed position, not a distance); otherwise
    the closest capitulation. 'least_move': the offer that moves i least. Ties go to the first j.
    """
    xp = namespace(kind, target, a, b, x)
    xi, xj = x[:, :, None], x[:, None, :]
    if rule == "least_move":
        j, any_offer = _first_min(xp, xp.abs(target - xi), kind != NONE)
        return xp.where(any_offer, j, -1)
    dist = xp.abs(xj - xi)
    jc, has_c = _first_min(xp, dist, kind == CONFLICT)
    compromise = kind == COMPROMISE
    # (|a| x_i + |b| x_j) / (|a| + |b|), built in place; the denominator is > 0 on every
    # compromise, elsewhere a harmless 1 keeps the division quiet
    key = xp.abs(a) * xi
    key += xp.abs(b) * xj
    key /= xp.where(compromise, xp.abs(a) + xp.abs(b), 1.0)
    jp, has_p = _first_min(xp, key, compromise)
    jk, has_k = _first_min(xp, dist, kind == CAPITULATION)
    return xp.where(has_c, jc, xp.where(has_p, jp, xp.where(has_k, jk, -1)))


def make_offers(
    a: Array,
    b: Array,
    x: Array,
    *,
    conflict: bool,
    capitulation: bool,
    rule: str,
) -> Offers:
    """Classify every offer, choose one per receiver and move everyone at once (SPEC step 8)."""
    xp = namespace(a, b, x)
    kind, target = classify(a, b, x, conflict, capitulation)
    chosen = choose(kind, target, a, b, x, rule)
    picked = xp.take_along_axis(target, xp.maximum(chosen, 0)[:, :, None], axis=2)[:, :, 0]
    return Offers(kind, target, chosen, xp.where(chosen >= 0, picked, x))
