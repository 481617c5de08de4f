"""The exchange rate, the caps and the validity of candidate exchanges, evaluated as arrays.

Stokman & Van Oosten (1994), and the SPEC's "details an exact match needs" (points 3-6), on the
0-100 scale. For a candidate, i supplies q and demands p; j supplies p and demands q.

- If j moved fully from its current position to i's round-start position on p, the NBS on p would
  shift by dp = |x0_ip - x_jp| c_jp s_jp / W_p. At the equal-gain rate i's concession on q shifts
  that NBS by dq = dp (s_ip + s_jp) / (s_iq + s_jq) (both gain g = |dp s_ip - dq s_iq|), which
  asks i to move dq W_q / (c_iq s_iq). If that overshoots j's round-start position, the roles
  swap: i moves fully and j partly.
- Cap (checked for i, then j): a move that would carry the adjusted NBS past the demanding
  partner's own round-start position t is cut to reach t exactly; the other move follows at the
  same rate (j's cap may change i's move again; i is not re-checked).
- Validity: gain >= 1e-10 before the cap; both moves, before and after the cap, non-trivial, at
  most 100, inside [0, 100], in the direction of the actor's earlier executed moves on that issue
  this round, and with the signed sum of this candidate's superseded moves plus the move <= 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parley.models.exchange.candidates import (
    CSI,
    CSJ,
    KI,
    KIP,
    KIQ,
    KJ,
    KJP,
    KJQ,
    NUMP,
    NUMQ,
    RATIO,
    SIP,
    SIQ,
    SJP,
    SJQ,
    TI,
    TJ,
    WP,
    WQ,
    X0I,
    X0J,
)

MIN_GAIN = 1e-10
MIN_MOVE = 1e-10
TOL = 1e-9  # bound, sum and cap tests (SPEC point 9)


@dataclass
class Evaluation:
    """Signed moves of i (on q) and j (on p), the gain of i and of j, and validity."""

    move_i: np.ndarray
    move_j: np.ndarray
    gain_i: np.ndarray
    gain_j: np.ndarray
    valid: np.ndarray


def _move_ok(x, sign, move, exec_sign, superseded):
    """The validity of a move of size `move` >= 0 in direction `sign` from position x."""
    signed = sign * move
    end = x + signed
    return (
        (move > MIN_MOVE)
        & (move <= 100 + TOL)
        & (end >= -TOL)
        & (end <= 100 + TOL)
        & ((exec_sign == 0) | (exec_sign == sign))
        & (superseded + signed <= 100 + TOL)
    )


def evaluate(
    ints: np.ndarray,
    const: np.ndarray,
    ratio: np.ndarray,
    x: np.ndarray,
    exec_sign: np.ndarray,
    dsum: np.ndarray,
    superseded: np.ndarray,
    f_pos: np.ndarray,
    in_f: np.ndarray,
) -> Evaluation:
    """Evaluate candidates (rows of `ints`/`const`) at the rate dq/dp = `ratio`.

    x, exec_sign: flat current positions and signs of executed moves, by (member, actor, issue) key.
    dsum: flat, by demander key (b, d): sum over F of c_k s_k (f_k - x0_k), where F holds the actors
    that supplied d to b earlier this round and f_k is k's position after its first such exchange.
    superseded, f_pos, in_f: (m, 2) per-candidate state of i (column 0) and j (column 1).
    """
    xi = x[ints[:, KIQ]]
    xj = x[ints[:, KJP]]
    ti, tj = const[:, TI], const[:, TJ]
    ki, kj = const[:, KI], const[:, KJ]
    dist_i = np.abs(ti - xi)
    dist_j = np.abs(tj - xj)
    sign_i = np.where(xi > ti, -1.0, 1.0)
    sign_j = np.where(xj > tj, -1.0, 1.0)

    # j moves fully; if i's answering move overshoots, i moves fully instead (SPEC detail 3)
    dp_full = dist_j * kj
    dq_eq = dp_full * ratio
    move_i = dq_eq / ki
    over = move_i > dist_i
    dq = np.where(over, dist_i * ki, dq_eq)
    dp = np.where(over, dq / ratio, dp_full)
    move_i = np.where(over, dist_i, move_i)
    move_j = np.where(over, dp / kj, dist_j)

    es_i = exec_sign[ints[:, KIQ]]
    es_j = exec_sign[ints[:, KJP]]
    gain = np.abs(dp * const[:, SIP] - dq * const[:, SIQ])
    valid = (
        (gain >= MIN_GAIN)
        & _move_ok(xi, sign_i, move_i, es_i, superseded[:, 0])
        & _move_ok(xj, sign_j, move_j, es_j, superseded[:, 1])
    )

    # cap for i (supplier of q; demander j; target j's x0 on q), then for j (SPEC detail 5)
    base_i = const[:, NUMQ] + dsum[ints[:, KJQ]]
    own_i = np.where(in_f[:, 0], const[:, CSI] * (f_pos[:, 0] - const[:, X0I]), 0.0)
    n0 = (base_i - own_i + const[:, CSI] * (xi - const[:, X0I])) / const[:, WQ]
    n1 = n0 + sign_i * dq
    cap = valid & ((ti - n0) * (ti - n1) < 0) & (np.abs(ti - n0) > TOL)
    if cap.any():
        n0p = np.where(in_f[:, 0], base_i / const[:, WQ], n0)
        dq = np.where(cap, np.abs(ti - n0p), dq)
        move_i = np.where(cap, dq / ki, move_i)
        dp = np.where(cap, dq / ratio, dp)
        move_j = np.where(cap, dp / kj, move_j)

    base_j = const[:, NUMP] + dsum[ints[:, KIP]]
    own_j = np.where(in_f[:, 1], const[:, CSJ] * (f_pos[:, 1] - const[:, X0J]), 0.0)
    n0 = (base_j - own_j + const[:, CSJ] * (xj - const[:, X0J])) / const[:, WP]
    n1 = n0 + sign_j * dp
    cap = valid & ((tj - n0) * (tj - n1) < 0) & (np.abs(tj - n0) > TOL)
    if cap.any():
        n0p = np.where(in_f[:, 1], base_j / const[:, WP], n0)
        dp = np.where(cap, np.abs(tj - n0p), dp)
        move_j = np.where(cap, dp / kj, move_j)
        dq = np.where(cap, dp * ratio, dq)
        move_i = np.where(cap, dq / ki, move_i)

    valid &= _move_ok(xi, sign_i, move_i, es_i, superseded[:, 0]) & _move_ok(
        xj, sign_j, move_j, es_j, superseded[:, 1]
    )
    return Evaluation(
        move_i=sign_i * move_i,
        move_j=sign_j * move_j,
        gain_i=dp * const[:, SIP] - dq * const[:, SIQ],
        gain_j=dq * const[:, SJQ] - dp * const[:, SJP],
        valid=valid,
    )


def random_ratio(const: np.ndarray, p: float, side: np.ndarray, z: np.ndarray) -> np.ndarray:
    """A randomised rate dq/dp between the equal-gain rate and a rate at which one actor gains 0.

    i gains nothing at dq/dp = s_ip/s_iq, j at s_jp/s_jq; the equal-gain rate lies between. With
    probability 1/2 (side < 0.5) the rate moves a share p z of the way towards i's zero-gain rate
    (favouring j), otherwise towards j's. p = 0 is the equal-gain model; z ~ U(0, 1).
    """
    eq = const[:, RATIO]
    zero_i = const[:, SIP] / const[:, SIQ]
    zero_j = const[:, SJP] / const[:, SJQ]
    return np.where(side < 0.5, eq + p * z * (zero_i - eq), eq - p * z * (eq - zero_j))
