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
    util: np.ndarray,
    init: np.ndarray,
    total_salience: np.ndarray,
    capability: np.ndarray,
    rule: str,
    commit: str,
) -> tuple[np.ndarray, np.ndarray]:
    """P[t, j] and delta[t, j]: the estimated chance that init[t] defeats j and init[t]'s gain.

    util (B, T, A, A): row t's estimator utilities U^h(n, q) (utility to actor n of q's position);
    init (B, T): the initiator i of row t; affected actor k = i. Returns (B, T, A) arrays over every
    receiver j (the entry j = i is meaningless and left to the caller to mask).

    Principals vote with weight S c (total salience x capability); each third party n decides on
    the 'little' contest of i, j and itself (p_in), then votes between joining i and joining j with
    the SemiCommit/NoCommit/FullCommit utilities. P = ch_ij / (ch_ij + ch_ji);
    euChlg = (1 - S_j) 2U(i,i) + S_j (P 2U(i,i) + (1 - P) 2U(i,j)); delta = euChlg - euSQ with
    euSQ = U(i,i) + U(i,j).
    """
    b_idx = np.arange(util.shape[0])[:, None]
    t_idx = np.arange(util.shape[1])[None, :]
    w = total_salience * capability  # (B, A)
    col_i = util[b_idx, t_idx, :, init]  # (B, T, N): U(n, i)
    row_i = util[b_idx, t_idx, init, :]  # (B, T, J): U(i, j)
    unn = np.diagonal(util, axis1=-2, axis2=-1)  # (B, T, N): U(n, n), also U(j, j)
    uii = np.take_along_axis(col_i, init[..., None], axis=-1)  # (B, T, 1)
    w_i = np.take_along_axis(w, init, axis=-1)[..., None]  # (B, T, 1)
    w_j = w[:, None, :]  # (B, 1, J)

    contrib_i = vote(rule, w_i, uii - row_i)  # (B, T, J)
    contrib_j = vote(rule, w_j, col_i - unn)  # U(j, i) - U(j, j)
    ch_ij0 = MIN_CHALLENGE_COALITION + np.maximum(contrib_i, 0) + np.maximum(contrib_j, 0)
    ch_ji0 = MIN_CHALLENGE_COALITION + np.maximum(-contrib_i, 0) + np.maximum(-contrib_j, 0)

    # third parties: axes (B, T, J, N)
    uni = col_i[:, :, None, :]
    unj = np.swapaxes(util, -1, -2)  # [.., j, n] = U(n, j)
    unn4 = unn[:, :, None, :]
    w_n = w[:, None, None, :]
    v0 = vote(rule, w_n, uni - unj)
    cni = ch_ij0[..., None] + np.maximum(v0, 0)
    cnj = ch_ji0[..., None] + np.maximum(-v0, 0)
    p_in = cni / (cni + cnj)
    if commit == "SemiCommit":
        with_i_i, with_i_j = 2 * uni + unn4, 3 * unj
        with_j_i, with_j_j = 3 * uni, 2 * unj + unn4
    elif commit == "NoCommit":
        with_i_i = with_j_i = 2 * uni + unn4
        with_i_j = with_j_j = 2 * unj + unn4
    elif commit == "FullCommit":
        with_i_i = with_j_i = 3 * uni
        with_i_j = with_j_j = 3 * unj
    else:
        raise ValueError(f"unknown ThirdPartyCommit {commit!r}")
    u_join_i = p_in * with_i_i + (1 - p_in) * with_i_j
    u_join_j = p_in * with_j_i + (1 - p_in) * with_j_j
    v_n = vote(rule, w_n, u_join_i - u_join_j)
    n = util.shape[-1]
    third = np.ones((util.shape[0], util.shape[1], n, n), dtype=bool)
    third &= np.arange(n)[None, None, None, :] != init[:, :, None, None]  # n != i
    third &= ~np.eye(n, dtype=bool)[None, None]  # n != j
    ch_ij = ch_ij0 + np.where(third, np.maximum(v_n, 0), 0).sum(axis=-1)
    ch_ji = ch_ji0 + np.where(third, np.maximum(-v_n, 0), 0).sum(axis=-1)
    p = ch_ij / (ch_ij + ch_ji)

    s_j = total_salience[:, None, :]
    u_vict = 2 * uii
    u_loss = 2 * row_i
    eu_sq = uii + row_i
    eu_chlg = (1 - s_j) * u_vict + s_j * (p * u_vict + (1 - p) * u_loss)
    return p, eu_chlg - eu_sq
