"""Candidate exchanges of one round, as arrays (Stokman & Van Oosten 1994, section 2).

On an issue pair (p, q) two actors can trade only if they lie on opposite sides of the NBS on both
issues: an actor right of both NBSs with one left of both (group (0,0) x (1,1)), or an actor left
on p and right on q with one right on p and left on q ((1,0) x (0,1)). Each gives ground on the
issue that is relatively less salient to it. The enumeration order (issue pairs in case order, the
(0,0)x(1,1) group first, then the outer actor, then the inner one, all in case order) is the order
in which exact ties are broken.

Every candidate is stored by its two roles: `i` supplies q and demands p, `j` supplies p and demands
q. Keys index the flat (member, actor, issue) state: key = (member * A + actor) * I + issue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE_TOL = 1e-9  # SPEC point 9: the side test needs a tolerance in float64

# columns of Candidates.const (float) and Candidates.ints (int)
TI, TJ, SIP, SIQ, SJP, SJQ, KI, KJ, RATIO, CSI, CSJ, X0I, X0J, WQ, WP, NUMQ, NUMP = range(17)
N_CONST = 17
MEM, AI, AJ, P, Q, KIQ, KJP, KIP, KJQ = range(9)
N_INTS = 9


@dataclass
class Candidates:
    """The candidate exchanges of a round (n rows, member-contiguous, in enumeration order).

    ints:  member, actor i, actor j, issue p, issue q, and the state keys (i,q) (j,p) (i,p) (j,q).
    const: targets (partner's round-start position on the supplied issue), saliences, NBS shift per
           unit move k = c s / W on the supplied issue, the equal-gain ratio dq/dp, c s, x0 and
           W and sum(c s x0) of the supplied issue, for i and j.
    """

    ints: np.ndarray  # (n, N_INTS) int64
    const: np.ndarray  # (n, N_CONST) float64

    def __len__(self) -> int:
        return self.ints.shape[0]


def nbs(x0: np.ndarray, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(numerator, W, NBS) per member and issue: NBS_d = sum c s x / sum c s (SPEC step 1).

    `cs` is 0 for actors without a position, so they drop out of both sums. Where W = 0 nobody
    trades on the issue and the NBS is left as NaN here (the model reports a fallback).
    """
    num = (cs * x0).sum(axis=1)
    w = cs.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num, w, np.where(w > 0, num / np.where(w > 0, w, 1.0), np.nan)


def enumerate_candidates(
    x0: np.ndarray, s: np.ndarray, cs: np.ndarray, tradable: np.ndarray
) -> Candidates:
    """All candidate exchanges of a round from round-start positions x0 (B, A, I) on 0-100.

    `tradable` (B, A, I) marks actor-issue cells that can trade: a position, salience > 0 and
    capability > 0. The reference has no salience 0; here such an actor simply does not trade.
    """
    n_b, n_a, n_i = x0.shape
    num, w, centre = nbs(x0, cs)
    left = x0 <= centre[:, None, :] + SIDE_TOL  # SPEC detail 2: equality counts as left
    p_idx, q_idx = np.triu_indices(n_i, k=1)
    both = tradable[:, :, p_idx] & tradable[:, :, q_idx]  # (B, A, pairs)
    code = np.where(both, left[:, :, p_idx] + 2 * left[:, :, q_idx], -1)  # (B, A, pairs)
    code = code.transpose(0, 2, 1)  # (B, pairs, A)
    outer = np.stack([code == 0, code == 1], axis=2)  # (B, pairs, 2, A): (0,0) and (1,0)
    inner = np.stack([code == 3, code == 2], axis=2)  # partners: (1,1) and (0,1)
    hit = outer[..., :, None] & inner[..., None, :]  # (B, pairs, 2, A_outer, A_inner)
    mem, pair, _, a_out, a_in = np.nonzero(hit)
    p, q = p_idx[pair], q_idx[pair]

    def cell(actor: np.ndarray, issue: np.ndarray, arr: np.ndarray) -> np.ndarray:
        return arr[mem, actor, issue]

    # i supplies p when s_ip s_jq < s_jp s_iq (outer = i of the SPEC); the supplier of p is our j
    outer_supplies_p = cell(a_out, p, s) * cell(a_in, q, s) < cell(a_in, p, s) * cell(a_out, q, s)
    ai = np.where(outer_supplies_p, a_in, a_out)  # supplies q, demands p
    aj = np.where(outer_supplies_p, a_out, a_in)  # supplies p, demands q

    def key(actor: np.ndarray, issue: np.ndarray) -> np.ndarray:
        return (mem * n_a + actor) * n_i + issue

    ints = np.column_stack(
        [mem, ai, aj, p, q, key(ai, q), key(aj, p), key(ai, p), key(aj, q)]
    ).astype(np.int64)
    const = np.empty((len(mem), N_CONST))
    const[:, TI] = cell(aj, q, x0)
    const[:, TJ] = cell(ai, p, x0)
    const[:, SIP] = cell(ai, p, s)
    const[:, SIQ] = cell(ai, q, s)
    const[:, SJP] = cell(aj, p, s)
    const[:, SJQ] = cell(aj, q, s)
    const[:, CSI] = cell(ai, q, cs)
    const[:, CSJ] = cell(aj, p, cs)
    const[:, WQ] = w[mem, q]
    const[:, WP] = w[mem, p]
    const[:, KI] = const[:, CSI] / const[:, WQ]
    const[:, KJ] = const[:, CSJ] / const[:, WP]
    const[:, RATIO] = (const[:, SIP] + const[:, SJP]) / (const[:, SIQ] + const[:, SJQ])
    const[:, X0I] = cell(ai, q, x0)
    const[:, X0J] = cell(aj, p, x0)
    const[:, NUMQ] = num[mem, q]
    const[:, NUMP] = num[mem, p]
    return Candidates(ints=ints, const=const)
