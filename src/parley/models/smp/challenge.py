"""Challenges i -> j with third parties: victory probability and expected gain (SPEC step 4).

KTAB `SMPState::probEduChlg(h, k, i, j)`, `Actor::vProbLittle` and `Actor::thirdPartyVoteSU`.
For every estimator row at once the (receiver, third party) tensor is built, so one call costs
O(T A^2) and the proposals of a whole turn O(A^3), where KTAB's logging tables cost O(A^4).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from parley.models.smp.voting import vote

ThirdPartyCommitName = Literal["NoCommit", "SemiCommit", "FullCommit"]

MIN_CHALLENGE_COALITION = 1e-10  # KTAB probEduChlg: minCltn


def challenges(
    ut: np.ndarray,
    init: np.ndarray,
    total_salience: np.ndarray,
    capability: np.ndarray,
    rule: str,
    commit: str,
) -> tuple[np.ndarray, np.ndarray]:
    """P[t, j] and delta[t, j]: the estimated chance that init[t] defeats j and init[t]'s gain.

    ut (B, T, J, N): row t's estimator utilities, transposed: ut[t, j, n] = U^h(n, j), the utility
    to actor n of j's position (overwritten: it is the largest buffer and is reused); init (B, T):
    the initiator i of row t; the affected actor k = i. Returns (B, T, J) arrays over every
    receiver j (the entry j = i is meaningless and left to the caller to mask).

    Principals vote with weight S c (total salience x capability); each third party n decides on
    the 'little' contest of i, j and itself, p_in = (ch_ij + v_n+) / (ch_ij + ch_ji + |v_n|), then
    votes between joining i and joining j. Under SemiCommit joining i is worth
    p_in (2U(n,i) + U(n,n)) + (1 - p_in) 3U(n,j) and joining j p_in 3U(n,i) + (1 - p_in)
    (2U(n,j) + U(n,n)); under NoCommit and FullCommit both are equal, so third parties stay out.
    P = ch_ij / (ch_ij + ch_ji); euChlg = (1 - S_j) 2U(i,i) + S_j (P 2U(i,i) + (1 - P) 2U(i,j));
    delta = euChlg - euSQ with euSQ = U(i,i) + U(i,j).
    """
    if commit not in ("SemiCommit", "NoCommit", "FullCommit"):
        raise ValueError(f"unknown ThirdPartyCommit {commit!r}")
    b_n, t_n, j_n, _ = ut.shape
    bidx = np.arange(b_n)[:, None]
    tidx = np.arange(t_n)[None, :]
    w = total_salience * capability  # (B, A)
    uni = ut[bidx, tidx, init]  # (B, T, N): U(n, i); at n = j it is U(j, i)
    row_i = ut[bidx, tidx, :, init]  # (B, T, J): U(i, j)
    unn = np.diagonal(ut, axis1=-2, axis2=-1).copy()  # (B, T, N): U(n, n); at n = j U(j, j)
    uii = np.take_along_axis(uni, init[..., None], axis=-1)  # (B, T, 1)
    w_i = np.take_along_axis(w, init, axis=-1)[..., None]  # (B, T, 1)
    contrib_i = vote(rule, w_i, uii - row_i)
    contrib_j = vote(rule, w[:, None, :], uni - unn)
    ch_ij = MIN_CHALLENGE_COALITION + np.maximum(contrib_i, 0) + np.maximum(contrib_j, 0)
    ch_ji = MIN_CHALLENGE_COALITION + np.maximum(-contrib_i, 0) + np.maximum(-contrib_j, 0)

    if commit == "SemiCommit":
        w_n = w[:, None, None, :]
        d0 = np.subtract(uni[:, :, None, :], ut, out=ut)  # U(n,i) - U(n,j)
        v0 = d0 * w_n if rule == "Proportional" else vote(rule, w_n, d0)
        den = np.abs(v0)
        den += (ch_ij + ch_ji)[..., None]
        p_in = np.maximum(v0, 0, out=v0)
        p_in += ch_ij[..., None]
        p_in /= den  # (ch_ij + v0+) / (ch_ij + ch_ji + |v0|)
        # join_i - join_j = a2 + p_in (a1 - a2) with a1 = U(n,n) - U(n,i) = -e and
        # a2 = U(n,j) - U(n,n) = e - d0, where e = U(n,i) - U(n,n): e - d0 + p_in (d0 - 2e)
        e = (uni - unn)[:, :, None, :]
        tmp = np.subtract(d0, 2 * e, out=den)
        tmp *= p_in
        diff = np.subtract(e, d0, out=d0)
        diff += tmp
        v = _vote_inplace(rule, w_n, diff)
        j_ar = np.arange(j_n)
        v[:, :, j_ar, j_ar] = 0.0  # n = j is a principal
        v[bidx, tidx, :, init] = 0.0  # n = i is a principal
        total = v.sum(axis=-1)
        pos = np.maximum(v, 0, out=v).sum(axis=-1)
        ch_ij = ch_ij + pos
        ch_ji = ch_ji + (pos - total)
    p = ch_ij / (ch_ij + ch_ji)

    s_j = total_salience[:, None, :]
    u_vict = 2 * uii
    u_loss = 2 * row_i
    eu_sq = uii + row_i
    eu_chlg = (1 - s_j) * u_vict + s_j * (p * u_vict + (1 - p) * u_loss)
    return p, eu_chlg - eu_sq


def _vote_inplace(rule: str, weight: np.ndarray, du: np.ndarray) -> np.ndarray:
    """`vote`, reusing du's buffer for the default Proportional rule (the hot path)."""
    if rule == "Proportional":
        du *= weight
        return du
    return vote(rule, weight, du)
