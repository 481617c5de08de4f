"""Votes, coalition strengths, victory probabilities and probabilistic Condorcet elections (PCE).

These are KTAB's `Model::vote`, `Model::coalitions`, `Model::vProb` and the three PCE models
(`condPCE`, `markovIncentivePCE`, `markovUniformPCE`) of the KTAB toolkit (KAPSARC, MIT licence;
Wise, Howe & Efird, "KTAB: a Toolkit for Analysis of Bargaining", and the SMP tutorial), written
for arrays: every function takes any leading axes (batch, queue, ...) and works on the last ones.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

VotingRuleName = Literal["Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"]
VPModelName = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModelName = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]

MIN_COALITION = 1e-8  # KTAB Model::coalitions: every coalition starts at 1e-8 (avoids 0/0)
_BINARY_SLOPE = 1e-8  # KTAB: a utility difference of 1e-8 already casts a full binary vote
_MARKOV_MAX_ITER = 1000


def vote(rule: str, weight: np.ndarray, du: np.ndarray) -> np.ndarray:
    """KTAB `Model::vote(vr, w, u_a, u_b)` with `du = u_a - u_b`: the weighted vote for a over b.

    Proportional `w du`; Binary `w clip(du/1e-8, -1, 1)`; PropBin 0.8 proportional + 0.2 binary;
    PropCbc half proportional, half cubic; Cubic `w du^3`; ASymProsp `w du` for losses and
    `2/3 w du` for gains (prospect-theory asymmetry). Not antisymmetric for ASymProsp, which is why
    `coalitions` keeps KTAB's lower-triangle convention.
    """
    if rule == "Proportional":
        return weight * du
    if rule == "Binary":
        return weight * np.clip(du / _BINARY_SLOPE, -1.0, 1.0)
    if rule == "PropBin":
        return weight * (0.8 * du + 0.2 * np.clip(du / _BINARY_SLOPE, -1.0, 1.0))
    if rule == "PropCbc":
        return weight * (0.5 * du + 0.5 * du**3)
    if rule == "Cubic":
        return weight * du**3
    if rule == "ASymProsp":
        return np.where(du < 0.0, weight * du, (2.0 / 3.0) * weight * du)
    raise ValueError(f"unknown VotingRule {rule!r}")


def victory_probability(model: str, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """KTAB `Model::vProb(vpm, s1, s2)`: probability that strength s1 defeats strength s2.

    Linear `s1/(s1+s2)`; Square, Quartic, Octic use the 2nd, 4th, 8th powers; Binary gives
    certainty beyond a 10% advantage and interpolates linearly inside it.
    """
    if model == "Linear":
        x1, x2 = s1, s2
    elif model == "Square":
        x1, x2 = s1**2, s2**2
    elif model == "Quartic":
        x1, x2 = s1**4, s2**4
    elif model == "Octic":
        x1, x2 = s1**8, s2**8
    elif model == "Binary":
        thresh, min_x = 1.10, 1e-6
        p12 = ((s1 / (s1 + s2)) * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, min_x, p12))
        x2 = np.where(s1 >= thresh * s2, min_x, np.where(s2 >= thresh * s1, 1.0, 1.0 - p12))
    else:
        raise ValueError(f"unknown VictoryProbModel {model!r}")
    return x1 / (x1 + x2)


def victory_matrix(model: str, coalitions: np.ndarray) -> np.ndarray:
    """(..., M, M) P[i > j] from coalition strengths C[i, j]; the diagonal is 1/2 (KTAB)."""
    p = victory_probability(model, coalitions, np.swapaxes(coalitions, -1, -2))
    m = coalitions.shape[-1]
    p[..., np.arange(m), np.arange(m)] = 0.5
    return p


def coalitions(
    rule: str, weight: np.ndarray, util: np.ndarray, max_elements: int = 1 << 16
) -> np.ndarray:
    """KTAB `Model::coalitions`: C[i, j] = 1e-8 + sum_k max(v_k(i:j), 0), shape (..., M, M).

    `weight` (..., K) are the voters' weights and `util` (..., K, M) their utilities of the M
    options. Like KTAB, votes are computed once per pair i > j: positive votes strengthen C[i, j],
    negative ones (as magnitudes) C[j, i], which is sum v+ - sum v; so only the lower triangle of
    the (M, M, K) vote tensor is built, in slices of rows small enough for the cache. Proportional
    votes w_k u_ki - w_k u_kj are differences of pre-weighted utilities, and their sum over k is a
    difference of column sums.
    """
    m = util.shape[-1]
    k = util.shape[-2]
    lead = util.shape[:-2]
    batch = int(np.prod(lead)) if lead else 1
    step = max(1, max_elements // max(1, batch * k * m))
    pos = np.zeros((*lead, m, m))
    proportional = rule == "Proportional"
    u_t = np.swapaxes(weight[..., :, None] * util if proportional else util, -1, -2).copy()
    if proportional:
        col = u_t.sum(axis=-1)
        total = col[..., :, None] - col[..., None, :]
    else:
        total = np.zeros((*lead, m, m))
    w = weight[..., None, None, :]
    for start in range(1, m, step):
        rows = slice(start, min(m, start + step))
        cols = slice(0, rows.stop - 1)  # j < i only
        v = u_t[..., rows, None, :] - u_t[..., None, cols, :]  # (..., r, c, K)
        if not proportional:
            v = vote(rule, w, v)
            total[..., rows, cols] = v.sum(axis=-1)
        pos[..., rows, cols] = np.maximum(v, 0.0, out=v).sum(axis=-1)
    lower = np.tri(m, m, -1, dtype=bool)
    c = np.where(lower, pos, np.swapaxes(pos - total, -1, -2)) + MIN_COALITION
    c[..., np.arange(m), np.arange(m)] = MIN_COALITION
    return c


def pce(
    model: str, vp_model: str, coalitions: np.ndarray, valid: np.ndarray | None = None
) -> np.ndarray:
    """Probability of each option winning, (..., M), from coalition strengths (..., M, M).

    `valid` (..., M) marks real options (queues and position classes are padded to a common
    length); padded options get probability 0 and do not affect the others.
    Conditional (KTAB `condPCE`): p_i proportional to prod_j P[i > j], computed in logs so that
    long products do not underflow. MarkovIncentive and MarkovUniform iterate KTAB's Markov chains
    with its damping (p + q)/2 and tolerances (1e-8, 1e-6), each instance stopping on its own.
    """
    if valid is None:
        valid = np.ones(coalitions.shape[:-1], dtype=bool)
    vm = victory_matrix(vp_model, coalitions)
    pair = valid[..., :, None] & valid[..., None, :]
    if model == "Conditional":
        logp = np.where(pair, np.log(np.maximum(vm, 1e-300)), 0.0).sum(axis=-1)
        logp = np.where(valid, logp, -np.inf)
        p = np.exp(logp - logp.max(axis=-1, keepdims=True))
        return p / p.sum(axis=-1, keepdims=True)
    if model == "MarkovIncentive":
        m = coalitions.shape[-1]
        incentive = coalitions * vm + 1e-10 * np.eye(m)
        incentive = np.where(pair, incentive, 0.0)
        col = incentive.sum(axis=-2, keepdims=True)
        chlg = np.divide(incentive, col, out=np.zeros_like(incentive), where=col > 0)

        def step(p: np.ndarray) -> np.ndarray:
            # q_i = sum_j V(i,j) (p_i chlg(j,i) + p_j chlg(i,j))
            ct = p[..., :, None] * np.swapaxes(chlg, -1, -2)
            return (vm * (ct + np.swapaxes(ct, -1, -2))).sum(axis=-1)

        return _markov(step, valid, 1e-8)
    if model == "MarkovUniform":
        n = valid.sum(axis=-1, keepdims=True)
        vmv = np.where(pair, vm, 0.0)

        def step(p: np.ndarray) -> np.ndarray:
            return (vmv * (p[..., :, None] + p[..., None, :])).sum(axis=-1) / n

        return _markov(step, valid, 1e-6)
    raise ValueError(f"unknown PCEModel {model!r}")


def _markov(step, valid: np.ndarray, tol: float) -> np.ndarray:
    """Iterate q = step(p), p = (p + q)/2 until max|q - p| <= tol, per instance (KTAB's loop)."""
    p = valid / valid.sum(axis=-1, keepdims=True)
    active = np.ones(valid.shape[:-1], dtype=bool)
    for _ in range(_MARKOV_MAX_ITER):
        q = np.where(valid, step(p), 0.0)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= change > tol
        if not active.any():
            break
    return p
