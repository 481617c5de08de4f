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

# Columns of Candidates.const (float) and .ints (int). i's and j's values sit side by side so that
# both partners are evaluated in one (m, 2) operation: column 0 is i (supplier of q), 1 is j.
T = slice(0, 2)  # the partner's round-start position on the supplied issue (the move's target)
S_SUP = slice(2, 4)  # salience on the supplied issue: s_iq, s_jp
S_DEM = slice(4, 6)  # salience on the demanded issue: s_ip, s_jq
K = slice(6, 8)  # NBS shift per unit move on the supplied issue: c s / W
CS = slice(8, 10)  # c s on the supplied issue
X0 = slice(10, 12)  # own round-start position on the supplied issue
W = slice(12, 14)  # W of the supplied issue
NUM = slice(14, 16)  # sum of c s x0 on the supplied issue
RATIO = 16  # equal-gain rate dq / dp = (s_ip + s_jp) / (s_iq + s_jq)
N_CONST = 17
MEM, AI, AJ, P, Q = range(5)
SUP = slice(5, 7)  # supply keys (i, q) and (j, p)
DEM = slice(7, 9)  # the partner's demand key on the supplied issue: (j, q) and (i, p)
KIQ, KJP, KJQ, KIP = range(5, 9)
FI = slice(9, 11)  # F entry (demander, issue, supplier) of i's and j's supply, compactly numbered
N_INTS = 11


@dataclass
class Candidates:
    """The candidate exchanges of a round (n rows, member-contiguous, in enumeration order).

    ints:  member, actor i, actor j, issue p, issue q, and the state keys (see the column names).
    const: per partner, the target, saliences, NBS shift per unit move, c s, x0, W and
           sum(c s x0) of the supplied issue; and the equal-gain rate dq/dp.
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

    # F entries: "supplier k supplied issue d to demander b this round" (SPEC detail 4), one number
    # per (b, d, k) that occurs; i's is (j, q, i), j's is (i, p, j)
    f_keys = np.concatenate([key(aj, q) * n_a + ai, key(ai, p) * n_a + aj])
    f_idx = np.unique(f_keys, return_inverse=True)[1].reshape(2, -1)
    ints = np.column_stack(
        [mem, ai, aj, p, q, key(ai, q), key(aj, p), key(aj, q), key(ai, p), f_idx[0], f_idx[1]]
    ).astype(np.int64, order="F")
    # column-major: an evaluation reads a few columns of every row, and a column of a row-major
    # (n, 17) table is strided through all of it (at 10^5 rows and more, memory-bound)
    const = np.empty((len(mem), N_CONST), order="F")
    const[:, T] = np.column_stack([cell(aj, q, x0), cell(ai, p, x0)])
    const[:, S_SUP] = np.column_stack([cell(ai, q, s), cell(aj, p, s)])
    const[:, S_DEM] = np.column_stack([cell(ai, p, s), cell(aj, q, s)])
    const[:, CS] = np.column_stack([cell(ai, q, cs), cell(aj, p, cs)])
    const[:, W] = np.column_stack([w[mem, q], w[mem, p]])
    const[:, K] = const[:, CS] / const[:, W]
    s_sup, s_dem = const[:, S_SUP], const[:, S_DEM]
    const[:, RATIO] = (s_dem[:, 0] + s_sup[:, 1]) / (s_sup[:, 0] + s_dem[:, 1])
    const[:, X0] = np.column_stack([cell(ai, q, x0), cell(aj, p, x0)])
    const[:, NUM] = np.column_stack([num[mem, q], num[mem, p]])
    return Candidates(ints=ints, const=const)
