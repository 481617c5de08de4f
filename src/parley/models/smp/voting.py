"""Votes, coalition strengths, victory probabilities and probabilistic Condorcet elections (PCE).

These are KTAB's `Model::vote`, `Model::coalitions`, `Model::vProb` and the three PCE models
(`condPCE`, `markovIncentivePCE`, `markovUniformPCE`) of the KTAB toolkit (KAPSARC, MIT licence;
Wise, Howe & Efird, "KTAB: a Toolkit for Analysis of Bargaining", and the SMP tutorial), written
for arrays: every function takes any leading axes (batch, queue, ...) and works on the last ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from parley.models.smp.backend import (
    contiguous,
    device,
    eye_mask,
    into,
    lower_mask,
    namespace,
    positive_part,
    scratch,
)

VotingRuleName = Literal["Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"]
VPModelName = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModelName = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]

MIN_COALITION = 1e-8  # KTAB Model::coalitions: every coalition starts at 1e-8 (avoids 0/0)
_BINARY_SLOPE = 1e-8  # KTAB: a utility difference of 1e-8 already casts a full binary vote
# Utility differences this small are round-off (utilities are O(1)), not preferences: the binary
# part of a vote counts them as ties. Without this, an actor indifferent in exact arithmetic casts
# a ~1e-9 vote whose sign is round-off, which decides contests everyone else is indifferent to
# (coalitions start at 1e-8) -- e.g. a changed issue scale moved a forecast by 30% of its range.
_BINARY_TIE = 1e-12
_MARKOV_MAX_ITER = 1000


def vote(rule: str, weight: Any, du: Any) -> Any:
    """KTAB `Model::vote(vr, w, u_a, u_b)` with `du = u_a - u_b`: the weighted vote for a over b.

    Proportional `w du`; Binary `w clip(du/1e-8, -1, 1)` (|du| <= 1e-12: a tie); PropBin 0.8
    proportional + 0.2 binary; PropCbc half proportional, half cubic; Cubic `w du^3`; ASymProsp
    `w du` for losses and `2/3 w du` for gains (prospect-theory asymmetry). Not antisymmetric for
    ASymProsp, which is why `coalitions` keeps KTAB's lower-triangle convention.
    """
    if rule == "Proportional":
        return weight * du
    xp = namespace(du)
    if rule == "Binary":
        return weight * _binary(xp, du)
    if rule == "PropBin":
        return weight * (0.8 * du + 0.2 * _binary(xp, du))
    if rule == "PropCbc":
        return weight * (0.5 * du + 0.5 * du**3)
    if rule == "Cubic":
        return weight * du**3
    if rule == "ASymProsp":
        return xp.where(du < 0.0, weight * du, (2.0 / 3.0) * weight * du)
    raise ValueError(f"unknown VotingRule {rule!r}")


def _binary(xp: Any, du: Any) -> Any:
    """KTAB's binary vote clip(du / 1e-8, -1, 1), with |du| <= 1e-12 (round-off) a tie."""
    return xp.where(xp.abs(du) <= _BINARY_TIE, 0.0, xp.clip(du / _BINARY_SLOPE, -1.0, 1.0))


def victory_probability(model: str, s1: Any, s2: Any) -> Any:
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
        xp = namespace(s1, s2)
        thresh, min_x = 1.10, 1e-6
        p12 = ((s1 / (s1 + s2)) * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = xp.where(s1 >= thresh * s2, 1.0, xp.where(s2 >= thresh * s1, min_x, p12))
        x2 = xp.where(s1 >= thresh * s2, min_x, xp.where(s2 >= thresh * s1, 1.0, 1.0 - p12))
    else:
        raise ValueError(f"unknown VictoryProbModel {model!r}")
    return x1 / (x1 + x2)


def victory_matrix(model: str, coalitions: Any) -> Any:
    """(..., M, M) P[i > j] from coalition strengths C[i, j]; the diagonal is 1/2 (KTAB)."""
    xp = namespace(coalitions)
    p = victory_probability(model, coalitions, xp.matrix_transpose(coalitions))
    return xp.where(eye_mask(coalitions, coalitions.shape[-1]), 0.5, p)


def coalitions(rule: str, weight: Any, util: Any, max_elements: int = 1 << 16) -> Any:
    """KTAB `Model::coalitions`: C[i, j] = 1e-8 + sum_k max(v_k(i:j), 0), shape (..., M, M).

    `weight` (..., K) are the voters' weights and `util` (..., K, M) their utilities of the M
    options. Like KTAB, votes are computed once per pair i > j: positive votes strengthen C[i, j],
    negative ones (as magnitudes) C[j, i], which is sum v+ - sum v; so only the lower triangle of
    the (M, M, K) vote tensor is built, in slices of rows small enough for the cache. Proportional
    votes w_k u_ki - w_k u_kj are differences of pre-weighted utilities, and their sum over k is a
    difference of column sums.
    """
    xp = namespace(weight, util)
    m = util.shape[-1]
    k = util.shape[-2]
    lead = tuple(util.shape[:-2])
    step = max(1, max_elements // max(1, math.prod(lead) * k * m))
    dev = device(util)
    pos = xp.zeros((*lead, m, m), dtype=util.dtype, device=dev)
    proportional = rule == "Proportional"
    u_t = contiguous(xp.matrix_transpose(weight[..., :, None] * util if proportional else util))
    if proportional:
        col = xp.sum(u_t, axis=-1)
        total = col[..., :, None] - col[..., None, :]
    else:
        total = xp.zeros((*lead, m, m), dtype=util.dtype, device=dev)
    w = weight[..., None, None, :]
    (buf,) = scratch(util, (math.prod(lead) * min(step, m) * m * k,), 1)
    for start in range(1, m, step):
        rows = slice(start, min(m, start + step))
        cols = slice(0, rows.stop - 1)  # j < i only
        shape = (*lead, rows.stop - start, cols.stop, k)
        out = None if buf is None else xp.reshape(buf[: math.prod(shape)], shape)
        v = into(
            out, "subtract", u_t[..., rows, None, :], u_t[..., None, cols, :]
        )  # (..., r, c, K)
        if not proportional:
            v = vote(rule, w, v)
            total[..., rows, cols] = xp.sum(v, axis=-1)
        pos[..., rows, cols] = xp.sum(positive_part(v), axis=-1)
    c = xp.where(lower_mask(util, m), pos, xp.matrix_transpose(pos - total)) + MIN_COALITION
    return xp.where(eye_mask(c, m), MIN_COALITION, c)


def pce(model: str, vp_model: str, coalitions: Any, valid: Any | None = None) -> Any:
    """Probability of each option winning, (..., M), from coalition strengths (..., M, M).

    `valid` (..., M) marks real options (queues and position classes are padded to a common
    length); padded options get probability 0 and do not affect the others.
    Conditional (KTAB `condPCE`): p_i proportional to prod_j P[i > j], computed in logs so that
    long products do not underflow. MarkovIncentive and MarkovUniform iterate KTAB's Markov chains
    with its damping (p + q)/2 and tolerances (1e-8, 1e-6), each instance stopping on its own.
    """
    xp = namespace(coalitions)
    if valid is None:
        valid = xp.ones(coalitions.shape[:-1], dtype=xp.bool, device=device(coalitions))
    vm = victory_matrix(vp_model, coalitions)
    pair = valid[..., :, None] & valid[..., None, :]
    if model == "Conditional":
        return conditional_pce(log_victory(vm), valid)
    if model == "MarkovIncentive":
        eye = xp.astype(eye_mask(coalitions, coalitions.shape[-1]), coalitions.dtype)
        incentive = coalitions * vm + 1e-10 * eye
        incentive = xp.where(pair, incentive, 0.0)
        col = xp.sum(incentive, axis=-2, keepdims=True)
        chlg = xp.where(col > 0, incentive / xp.where(col > 0, col, 1.0), 0.0)
        chlg_t = xp.matrix_transpose(chlg)

        def step(p: Any) -> Any:
            # q_i = sum_j V(i,j) (p_i chlg(j,i) + p_j chlg(i,j))
            ct = p[..., :, None] * chlg_t
            return xp.sum(vm * (ct + xp.matrix_transpose(ct)), axis=-1)

        return _markov(xp, step, valid, 1e-8)
    if model == "MarkovUniform":
        n = xp.sum(xp.astype(valid, coalitions.dtype), axis=-1, keepdims=True)
        vmv = xp.where(pair, vm, 0.0)

        def step(p: Any) -> Any:
            return xp.sum(vmv * (p[..., :, None] + p[..., None, :]), axis=-1) / n

        return _markov(xp, step, valid, 1e-6)
    raise ValueError(f"unknown PCEModel {model!r}")


def log_victory(vm: Any) -> Any:
    """log P[i > j], with P floored at 1e-300 so that long products in logs stay finite."""
    xp = namespace(vm)
    return xp.log(xp.maximum(vm, 1e-300))


def conditional_pce(log_vm: Any, valid: Any) -> Any:
    """KTAB `condPCE` from log victory probabilities (..., M, M): p_i proportional to
    prod_j P[i > j] over the valid options (padded ones get 0), in logs."""
    xp = namespace(log_vm)
    pair = valid[..., :, None] & valid[..., None, :]
    logp = xp.sum(xp.where(pair, log_vm, 0.0), axis=-1)
    logp = xp.where(valid, logp, -math.inf)
    p = xp.exp(logp - xp.max(logp, axis=-1, keepdims=True))
    return p / xp.sum(p, axis=-1, keepdims=True)


def _markov(xp: Any, step: Callable[[Any], Any], valid: Any, tol: float) -> Any:
    """Iterate q = step(p), p = (p + q)/2 until max|q - p| <= tol, per instance (KTAB's loop)."""
    v = xp.astype(valid, xp.float64)
    p = v / xp.sum(v, axis=-1, keepdims=True)
    active = xp.ones(valid.shape[:-1], dtype=xp.bool, device=device(valid))
    for _ in range(_MARKOV_MAX_ITER):
        q = xp.where(valid, step(p), 0.0)
        change = xp.max(xp.abs(q - p), axis=-1)
        p = xp.where(active[..., None], (p + q) / 2.0, p)
        active = active & (change > tol)
        if not bool(xp.any(active)):
            break
    return p
