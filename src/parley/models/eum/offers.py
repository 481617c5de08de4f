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
    chosen: Array  # (N, n) the accepted j, -1 for none
    new_x: Array  # (N, n) positions after everyone's accepted offer
    kind: Array | None = None  # (N, n, n) int8: NONE, CONFLICT, ... (when matrices were asked for)
    target: Array | None = None  # (N, n, n) where i would move if it accepted j's offer (idem)


@dataclass(frozen=True)
class Masks:
    """Which offers are made, per (receiver i, proposer j): disjoint boolean (N, n, n) masks
    (None for a kind that is switched off)."""

    conflict: Array | None
    compromise: Array
    capitulation: Array | None


def offer_masks(a: Array, b: Array, allowed: Array, conflict: bool, capitulation: bool) -> Masks:
    """The offer rules of the module docstring, only where `allowed` (j's position differs from
    i's). b > -a > 0 implies b > 0, and the three kinds exclude each other by the sign of a and
    the order of b and -a."""
    ahead = allowed & (a < 0)
    return Masks(
        conflict=allowed & (b > a) & (a > 0) if conflict else None,
        compromise=ahead & (b > -a),
        capitulation=ahead & (b > 0) & (-a > b) if capitulation else None,
    )


def _compromise_target(xp: Any, a: Array, b: Array, xi: Array, xj: Array, on: Array) -> Array:
    """x_i + (x_j - x_i)|a / b| where `on` (b > 0 there); elsewhere a harmless 1 keeps the
    division quiet. Built in place, always in this order, so every caller gets the same floats."""
    partial = xj - xi
    partial *= xp.abs(a / xp.where(on, b, 1.0))
    partial += xi
    return partial


def classify(
    a: Array, b: Array, x: Array, conflict: bool, capitulation: bool
) -> tuple[Array, Array]:
    """Offer kind and target position for every (receiver i, proposer j)."""
    xp = namespace(a, b, x)
    xi, xj = x[:, :, None], x[:, None, :]
    return _matrices(xp, offer_masks(a, b, xi != xj, conflict, capitulation), a, b, x)


def _matrices(xp: Any, m: Masks, a: Array, b: Array, x: Array) -> tuple[Array, Array]:
    xi, xj = x[:, :, None], x[:, None, :]
    kind = xp.zeros(a.shape, dtype=xp.int8, device=device_of(a))
    kind = xp.where(m.compromise, COMPROMISE, kind)
    if m.conflict is not None:
        kind = xp.where(m.conflict, CONFLICT, kind)
    if m.capitulation is not None:
        kind = xp.where(m.capitulation, CAPITULATION, kind)
    target = xp.where(m.compromise, _compromise_target(xp, a, b, xi, xj, m.compromise), xj)
    return kind, xp.where(kind == NONE, xi, target)


def _first_min(xp: Any, key: Array, allowed: Array) -> tuple[Array, Array]:
    """Index of the smallest allowed key along the last axis (ties: the first j) and whether any."""
    masked = xp.where(allowed, key, xp.inf)
    return xp.argmin(masked, axis=-1), xp.any(allowed, axis=-1)


def choose(kind: Array, target: Array, a: Array, b: Array, x: Array, rule: str) -> Array:
    """The accepted proposer per receiver, (N, n), -1 where no offer (see `pick`), from the
    matrices of `classify`."""
    xp = namespace(kind, target, a, b, x)
    masks = Masks(kind == CONFLICT, kind == COMPROMISE, kind == CAPITULATION)
    return pick(xp, masks, a, b, x, xp.abs(x[:, None, :] - x[:, :, None]), rule)


def pick(xp: Any, m: Masks, a: Array, b: Array, x: Array, dist: Array, rule: str) -> Array:
    """The accepted proposer per receiver, (N, n), -1 where no offer; dist = |x_j - x_i|.

    'scholz': any conflict first, the one with the smallest |x_j - x_i|; otherwise the compromise
    with the smallest (|a| x_i + |b| x_j)/(|a|+|b|) (a signed position, not a distance); otherwise
    the closest capitulation. 'least_move': the offer that moves i least. Ties go to the first j.
    """
    xi, xj = x[:, :, None], x[:, None, :]
    none = xp.full(x.shape, -1, dtype=xp.int64, device=device_of(x))
    if rule == "least_move":
        some = m.compromise
        for other in (m.conflict, m.capitulation):
            some = some if other is None else some | other
        moves = xp.abs(_compromise_target(xp, a, b, xi, xj, m.compromise) - xi)
        j, any_offer = _first_min(xp, xp.where(m.compromise, moves, dist), some)
        return xp.where(any_offer, j, none)
    chosen = none
    if m.capitulation is not None:
        jk, has_k = _first_min(xp, dist, m.capitulation)
        chosen = xp.where(has_k, jk, chosen)
    # (|a| x_i + |b| x_j) / (|a| + |b|), built in place; the denominator is > 0 on every
    # compromise, elsewhere a harmless 1 keeps the division quiet
    key = xp.abs(a) * xi
    key += xp.abs(b) * xj
    key /= xp.where(m.compromise, xp.abs(a) + xp.abs(b), 1.0)
    jp, has_p = _first_min(xp, key, m.compromise)
    chosen = xp.where(has_p, jp, chosen)
    if m.conflict is not None:
        jc, has_c = _first_min(xp, dist, m.conflict)
        chosen = xp.where(has_c, jc, chosen)
    return chosen


def make_offers(
    a: Array,
    b: Array,
    x: Array,
    *,
    conflict: bool,
    capitulation: bool,
    rule: str,
    allowed: Array | None = None,
    dist: Array | None = None,
    matrices: bool = True,
) -> Offers:
    """Classify every offer, choose one per receiver and move everyone at once (SPEC step 8).

    allowed: where j may make i an offer (default: x_j != x_i); dist: |x_j - x_i| when known.
    matrices: also return every pair's offer kind and target (for events and charts); the
    forecast needs only the accepted offers, found from the masks without building them."""
    xp = namespace(a, b, x)
    xi, xj = x[:, :, None], x[:, None, :]
    masks = offer_masks(a, b, xi != xj if allowed is None else allowed, conflict, capitulation)
    dist = xp.abs(xj - xi) if dist is None else dist
    chosen = pick(xp, masks, a, b, x, dist, rule)
    j = xp.maximum(chosen, 0)

    def at_chosen(m: Array) -> Array:
        return xp.take_along_axis(m, j[:, :, None], axis=2)[:, :, 0]

    compromise = at_chosen(masks.compromise)
    to = xp.take_along_axis(x, j, axis=1)
    moved = xp.where(
        compromise, _compromise_target(xp, at_chosen(a), at_chosen(b), x, to, compromise), to
    )
    new_x = xp.where(chosen >= 0, moved, x)
    if not matrices:
        return Offers(chosen, new_x)
    kind, target = _matrices(xp, masks, a, b, x)
    return Offers(chosen, new_x, kind, target)
