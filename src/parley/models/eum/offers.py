"""Offers and the choice among them (SPEC step 7 and scholz_code points 4-5).

Actor i receives an offer from j (x_j != x_i) judged from i's own view, with a = E_i(U_ij) and
b = i's estimate of E_j(U_ji) (Bueno de Mesquita 1994, pp. 82-84; Scholz et al. 2011, the offer
rules):

* conflict     b > a > 0          both expect to gain, j more: i moves to x_j;
* compromise   a < 0 < b, b > -a  i moves to x_i + (x_j - x_i) |a| / |b|;
* capitulation a < 0 < b, -a > b  i gives in fully: moves to x_j (off in Scholz's code);
* nothing otherwise (stalemate, i dominant, and the equalities a = 0, b = 0, b = |a|).

Only the receiving actor moves. All arrays: batch first, receiver i on axis 1, proposer j on axis 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONE, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {CONFLICT: "conflict", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


@dataclass(frozen=True)
class Offers:
    kind: np.ndarray  # (N, n, n) int8: NONE, CONFLICT, COMPROMISE, CAPITULATION
    target: np.ndarray  # (N, n, n) where i would move if it accepted j's offer
    chosen: np.ndarray  # (N, n) the accepted j, -1 for none
    new_x: np.ndarray  # (N, n) positions after everyone's accepted offer


def classify(
    a: np.ndarray, b: np.ndarray, x: np.ndarray, conflict: bool, capitulation: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Offer kind and target position for every (receiver i, proposer j)."""
    xi, xj = x[:, :, None], x[:, None, :]
    distinct = xi != xj
    kind = np.zeros(a.shape, dtype=np.int8)
    ahead = (a < 0) & (b > 0)
    kind[distinct & ahead & (b > -a)] = COMPROMISE
    if conflict:
        kind[distinct & (b > a) & (a > 0)] = CONFLICT
    if capitulation:
        kind[distinct & ahead & (-a > b)] = CAPITULATION
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = xi + (xj - xi) * np.abs(a / b)
    target = np.where(kind == COMPROMISE, partial, np.broadcast_to(xj, a.shape))
    return kind, np.where(kind == NONE, np.broadcast_to(xi, a.shape), target)


def _first_min(key: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the smallest allowed key along the last axis (ties: the first j) and whether any."""
    masked = np.where(allowed, key, np.inf)
    return masked.argmin(axis=-1), allowed.any(axis=-1)


def choose(
    kind: np.ndarray, target: np.ndarray, a: np.ndarray, b: np.ndarray, x: np.ndarray, rule: str
) -> np.ndarray:
    """The accepted proposer per receiver, (N, n), -1 where no offer.

    'scholz': any conflict first, the one with the smallest |x_j - x_i|; otherwise the compromise
    with the smallest (|a| x_i + |b| x_j)/(|a|+|b|) (a signed position, not a distance); otherwise
    the closest capitulation. 'least_move': the offer that moves i least. Ties go to the first j.
    """
    xi, xj = x[:, :, None], x[:, None, :]
    if rule == "least_move":
        j, any_offer = _first_min(np.abs(target - xi), kind != NONE)
        return np.where(any_offer, j, -1)
    dist = np.abs(xj - xi)
    jc, has_c = _first_min(np.broadcast_to(dist, kind.shape), kind == CONFLICT)
    with np.errstate(divide="ignore", invalid="ignore"):
        key = (np.abs(a) * xi + np.abs(b) * xj) / (np.abs(a) + np.abs(b))
    jp, has_p = _first_min(key, kind == COMPROMISE)
    jk, has_k = _first_min(np.broadcast_to(dist, kind.shape), kind == CAPITULATION)
    return np.where(has_c, jc, np.where(has_p, jp, np.where(has_k, jk, -1)))


def make_offers(
    a: np.ndarray,
    b: np.ndarray,
    x: np.ndarray,
    *,
    conflict: bool,
    capitulation: bool,
    rule: str,
) -> Offers:
    """Classify every offer, choose one per receiver and move everyone at once (SPEC step 8)."""
    kind, target = classify(a, b, x, conflict, capitulation)
    chosen = choose(kind, target, a, b, x, rule)
    picked = np.take_along_axis(target, np.maximum(chosen, 0)[:, :, None], axis=2)[:, :, 0]
    return Offers(kind, target, chosen, np.where(chosen >= 0, picked, x))
