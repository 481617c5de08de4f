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

from parley.models.exchange.candidates import CS, DEM, NUM, RATIO, S_DEM, S_SUP, SUP, X0, K, T, W

MIN_GAIN = 1e-10
MIN_MOVE = 1e-10
TOL = 1e-9  # bound, sum and cap tests (SPEC point 9)


@dataclass
class Evaluation:
    """(m, 2) signed moves of i (on q) and j (on p) and each partner's gain; (m,) validity."""

    move: np.ndarray
    gain: np.ndarray
    valid: np.ndarray


def _move_ok(x, sign, move, exec_sign, superseded):
    """The validity of moves of size `move` >= 0 in direction `sign` from positions x."""
    signed = sign * move
    end = x + signed
    return (
        (move > MIN_MOVE)
        & (move <= 100 + TOL)
        & (end >= -TOL)
        & (end <= 100 + TOL)
        & (exec_sign * sign >= 0)  # no earlier executed move (0) or one the same way
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
    superseded: (m, 2) the signed sums of the candidate's superseded moves of i and j.
    in_f, f_pos: (m, 2) whether i (j) is already in its demander's F, and its f there.
    Arrays of shape (m, 2) hold i's value in column 0 and j's in column 1.
    """
    keys = ints[:, SUP]
    xs = x[keys]
    target, k = const[:, T], const[:, K]
    dist = np.abs(target - xs)
    sign = np.where(xs > target, -1.0, 1.0)
    k_i, k_j = k[:, 0], k[:, 1]

    # j moves fully; if i's answering move overshoots, i moves fully instead (SPEC detail 3)
    dp_full = dist[:, 1] * k_j
    dq_eq = dp_full * ratio
    move = np.empty_like(dist)
    move_i = dq_eq / k_i
    over = move_i > dist[:, 0]
    dq = np.where(over, dist[:, 0] * k_i, dq_eq)
    dp = np.where(over, dq / ratio, dp_full)
    move[:, 0] = np.where(over, dist[:, 0], move_i)
    move[:, 1] = np.where(over, dp / k_j, dist[:, 1])

    es = exec_sign[keys]
    s_sup, s_dem = const[:, S_SUP], const[:, S_DEM]
    ok = _move_ok(xs, sign, move, es, superseded)
    valid = (np.abs(dp * s_dem[:, 0] - dq * s_sup[:, 0]) >= MIN_GAIN) & ok[:, 0] & ok[:, 1]

    # The adjusted NBS N(z) of each supplied issue with the supplier at z: other actors at x0,
    # except those in the demander's F at f (SPEC detail 4); n0 = N(x), n0p = N(f) when in F.
    base = const[:, NUM] + dsum[ints[:, DEM]]
    cs, wt = const[:, CS], const[:, W]
    own = np.where(in_f, cs * (f_pos - const[:, X0]), 0.0)
    n0 = (base - own + cs * (xs - const[:, X0])) / wt

    # cap for i (target j's x0 on q), then for j (SPEC detail 5): t strictly between N(x) and
    # N(x + m), and not within TOL of N(x). Both are tested at once; j's test is redone for the
    # rows where i's cap changed j's move.
    shift = np.empty_like(move)
    shift[:, 0], shift[:, 1] = dq, dp
    d0 = target - n0
    d1 = target - (n0 + sign * shift)  # t - N(x + m)
    # past t by more than TOL: at N(x + m) = t up to round-off (e.g. i moving fully onto t with
    # only the two partners on the issue) round-off would decide whether the cap, measured from f
    # when i is in F, applies (parley's tolerance; SPEC point 9)
    cap = (d0 * d1 < 0) & (np.abs(d0) > TOL) & (np.abs(d1) > TOL) & valid[:, None]
    capped = cap.any()
    if capped:
        t, d0_j = target[:, 1], d0[:, 1]
        cap_i = cap[:, 0]
        if cap_i.any():
            n0p = np.where(in_f[:, 0], base[:, 0] / wt[:, 0], n0[:, 0])
            dq = np.where(cap_i, np.abs(target[:, 0] - n0p), dq)
            dp = np.where(cap_i, dq / ratio, dp)
            move[:, 0] = np.where(cap_i, dq / k_i, move[:, 0])
            move[:, 1] = np.where(cap_i, dp / k_j, move[:, 1])
            d1_j = t - (n0[:, 1] + sign[:, 1] * dp)
            redo = (d0_j * d1_j < 0) & (np.abs(d0_j) > TOL) & (np.abs(d1_j) > TOL) & valid
            cap_j = np.where(cap_i, redo, cap[:, 1])
        else:
            cap_j = cap[:, 1]
        if cap_j.any():
            n0p = np.where(in_f[:, 1], base[:, 1] / wt[:, 1], n0[:, 1])
            dp = np.where(cap_j, np.abs(t - n0p), dp)
            dq = np.where(cap_j, dp * ratio, dq)
            move[:, 1] = np.where(cap_j, dp / k_j, move[:, 1])
            move[:, 0] = np.where(cap_j, dq / k_i, move[:, 0])
        ok = _move_ok(xs, sign, move, es, superseded)  # the moves changed: check them again
        valid &= ok[:, 0] & ok[:, 1]
    gain = np.empty_like(move)
    gain[:, 0] = dp * s_dem[:, 0] - dq * s_sup[:, 0]
    gain[:, 1] = dq * s_dem[:, 1] - dp * s_sup[:, 1]
    return Evaluation(move=sign * move, gain=gain, valid=valid)


def random_ratio(const: np.ndarray, p: float, side: np.ndarray, z: np.ndarray) -> np.ndarray:
    """A randomised rate dq/dp between the equal-gain rate and a rate at which one actor gains 0.

    i gains nothing at dq/dp = s_ip/s_iq, j at s_jp/s_jq; the equal-gain rate lies between. With
    probability 1/2 (side < 0.5) the rate moves a share p z of the way towards i's zero-gain rate
    (favouring j), otherwise towards j's. p = 0 is the equal-gain model; z ~ U(0, 1).
    """
    eq = const[:, RATIO]
    zero_i = const[:, S_DEM][:, 0] / const[:, S_SUP][:, 0]  # s_ip / s_iq
    zero_j = const[:, S_SUP][:, 1] / const[:, S_DEM][:, 1]  # s_jp / s_jq
    return np.where(side < 0.5, eq + p * z * (zero_i - eq), eq - p * z * (eq - zero_j))
