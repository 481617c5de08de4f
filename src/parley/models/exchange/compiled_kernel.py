"""The exchange model's compiled forecast-only kernel: one member's whole run in machine code.

Why: the array path plays every member's round in lockstep, one exchange per member per step, and
a step costs a few dozen array calls however few candidates an exchange touched (on the seed case
about 66 steps a round, each touching some 11 of a member's 330 candidates). Compiled, a member
plays its own rounds: a candidate is five numbers (its actors and issues, and its state), its
constants are read from the round's state when it is evaluated, and finding the touched candidates
and the next best one is a loop over the member's candidates, with no temporaries.

The rules are those of candidates.py, rate.py and rounds.py (Stokman & Van Oosten 1994 and the
SPEC's "details an exact match needs"), written per candidate in the same operation order, so
that the two paths give the same numbers (the tests compare them; a tie decided by one ulp may
go the other way, as between CPU and GPU). Covered: the equal-gain rate (p = 0) with incremental
re-evaluation, any rounds, fixed_weight and salience_weight (the defaults; the model has no
presets). Everything else runs the array path (`covers`).

Memory: a member is solved alone, in a thread's scratch arrays (its candidates, its F entries),
so a batch needs its own inputs and outputs plus one scratch per thread (`forecast_bytes`).

>>> import numpy as np
>>> x0 = np.array([[[0.0, 100.0], [100.0, 0.0]]])  # two actors on opposite sides of two issues
>>> s = np.array([[[0.9, 0.1], [0.1, 0.9]]])  # each cares about one issue
>>> cs = s * 1.0
>>> out = play_members(x0, s, cs, cs > 0, 1, 0.1, 0.4)
>>> out[0].round(3).tolist()  # actor 0 concedes on issue 1, actor 1 on issue 0
[[0.0, 54.0], [54.0, 0.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.models import compiled
from parley.models.exchange.candidates import SIDE_TOL
from parley.models.exchange.rate import MIN_GAIN, MIN_MOVE, TOL
from parley.models.exchange.rounds import TIE

CAP = 100.0 + TOL  # the bound and sum tests' upper limit, computed once as rate.py's `100 + TOL`
FLOOR = -TOL

CANDIDATE_BYTES = 116.0
"""Scratch per candidate (at the bound): actors and issues (4 x int64), moves and superseded
moves (2 x 2 float64), rank (float64), the touch stamp (int64) and its four index entries (row
int64, role int8, each)."""

MEMBER_BYTES = 12 * 8.0
"""Per member, actor and issue: its inputs on the 0-100 scale (positions, saliences, c s, the
tradable mask), the result and the array-side copies model.py makes (~12 float64)."""


def covers(model: Any) -> bool:
    """Whether the compiled kernel reproduces `model`'s parameters: the equal-gain rate (p = 0)
    with incremental re-evaluation (incremental=False is the check path, kept on arrays)."""
    return model.p == 0 and bool(model.incremental)


def max_candidates(actors: int, issues: int) -> int:
    """The most candidates one round can have: per issue pair the two groups' products, at most
    (A / 2)^2 together."""
    return issues * (issues - 1) // 2 * (actors * actors // 4)


def forecast_bytes(members: int, actors: int, issues: int, threads: int) -> float:
    """Peak bytes of a compiled batch: each member's own arrays (`MEMBER_BYTES` per actor and
    issue) and, per thread, one member's scratch: its candidates at their bound, the max tree
    over them, its F entries (in_f, f_pos per demander, issue and supplier) and its state per
    actor and issue (x, signs, sums, sides, key index: ~8 x 8 bytes).

    >>> forecast_bytes(1, 50, 5, 2)  # one member of the levers benchmark's case: about 1 MB
    1008572.0
    """
    bound = max(1, max_candidates(actors, issues))
    tree = 2 * 8.0 * (1 << (bound - 1).bit_length())
    scratch = (
        CANDIDATE_BYTES * bound + tree + 9.0 * actors * issues * actors + 64.0 * actors * issues
    )
    return members * MEMBER_BYTES * actors * issues + min(members, max(1, threads)) * scratch


@compiled.inlined
def _move_ok(x: float, sign: float, move: float, es: float, superseded: float) -> bool:
    """rate._move_ok for one move."""
    signed = sign * move
    end = x + signed
    return (
        (move > MIN_MOVE)
        and (move <= CAP)
        and (end >= FLOOR)
        and (end <= CAP)
        and (es * sign >= 0)
        and (superseded + signed <= CAP)
    )


@compiled.inlined
def _evaluate(ai, aj, p, q, x0, x, s, cs, w, num, exec_sign, dsum, in_f, f_pos, sup0, sup1):
    """rate.evaluate for one candidate (i = ai supplies q, j = aj supplies p): (valid, signed
    move of i, signed move of j, rank = |i's gain|). Same formulas in the same order."""
    xs0, xs1 = x[ai, q], x[aj, p]
    t0, t1 = x0[aj, q], x0[ai, p]
    cs0, cs1 = cs[ai, q], cs[aj, p]
    wt0, wt1 = w[q], w[p]
    k0, k1 = cs0 / wt0, cs1 / wt1
    s_sup0, s_sup1 = s[ai, q], s[aj, p]
    s_dem0, s_dem1 = s[ai, p], s[aj, q]
    ratio = (s_dem0 + s_sup1) / (s_sup0 + s_dem1)
    dist0, dist1 = abs(t0 - xs0), abs(t1 - xs1)
    sign0 = -1.0 if xs0 > t0 else 1.0
    sign1 = -1.0 if xs1 > t1 else 1.0
    es0, es1 = exec_sign[ai, q], exec_sign[aj, p]
    if es0 * sign0 < 0 or es1 * sign1 < 0:  # against an executed move: invalid, caps or not
        return False, 0.0, 0.0, 0.0

    dp_full = dist1 * k1
    dq_eq = dp_full * ratio
    move_i = dq_eq / k0
    if move_i > dist0:  # i's answer overshoots: i moves fully, j partly
        dq = dist0 * k0
        dp = dq / ratio
        m0 = dist0
        m1 = dp / k1
    else:
        dq = dq_eq
        dp = dp_full
        m0 = move_i
        m1 = dist1
    valid = (
        abs(dp * s_dem0 - dq * s_sup0) >= MIN_GAIN
        and _move_ok(xs0, sign0, m0, es0, sup0)
        and _move_ok(xs1, sign1, m1, es1, sup1)
    )

    if not valid:  # dropped for good: its moves are never read again
        return False, sign0 * m0, sign1 * m1, 0.0
    # the adjusted NBS of each supplied issue (SPEC detail 4)
    x00, x01 = x0[ai, q], x0[aj, p]
    f0_in, f1_in = in_f[aj, q, ai], in_f[ai, p, aj]
    base0 = num[q] + dsum[aj, q]
    base1 = num[p] + dsum[ai, p]
    own0 = cs0 * (f_pos[aj, q, ai] - x00) if f0_in else 0.0
    own1 = cs1 * (f_pos[ai, p, aj] - x01) if f1_in else 0.0
    n00 = (base0 - own0 + cs0 * (xs0 - x00)) / wt0
    n01 = (base1 - own1 + cs1 * (xs1 - x01)) / wt1

    # caps: i first, then j (SPEC detail 5)
    d00 = t0 - n00
    d10 = t0 - (n00 + sign0 * dq)
    d01 = t1 - n01
    d11 = t1 - (n01 + sign1 * dp)
    cap0 = valid and d00 * d10 < 0 and abs(d00) > TOL and abs(d10) > TOL
    cap1 = valid and d01 * d11 < 0 and abs(d01) > TOL and abs(d11) > TOL
    if cap0 or cap1:
        if cap0:
            n0p = base0 / wt0 if f0_in else n00
            dq = abs(t0 - n0p)
            dp = dq / ratio
            m0 = dq / k0
            m1 = dp / k1
            d1j = t1 - (n01 + sign1 * dp)
            cap1 = valid and d01 * d1j < 0 and abs(d01) > TOL and abs(d1j) > TOL
        if cap1:
            n0p = base1 / wt1 if f1_in else n01
            dp = abs(t1 - n0p)
            dq = dp * ratio
            m1 = dp / k1
            m0 = dq / k0
        valid = (
            valid and _move_ok(xs0, sign0, m0, es0, sup0) and _move_ok(xs1, sign1, m1, es1, sup1)
        )
    gain0 = dp * s_dem0 - dq * s_sup0
    return valid, sign0 * m0, sign1 * m1, abs(gain0)


@compiled.jit
def _enumerate(s, tradable, left, code, count, cand):
    """candidates.enumerate_candidates for one member: rows of (i, j, p, q) in enumeration order
    (issue pairs, then the (0,0)x(1,1) group before (1,0)x(0,1), outer then inner actor).
    code[k, :] lists the actors of side code k = left_p + 2 left_q on the pair, in case order."""
    n_a, n_i = s.shape
    n = 0
    for p in range(n_i):
        for q in range(p + 1, n_i):
            count[:] = 0
            for a in range(n_a):
                if tradable[a, p] and tradable[a, q]:
                    k = left[a, p] + 2 * left[a, q]
                    code[k, count[k]] = a
                    count[k] += 1
            for group in range(2):
                outer, inner = (0, 3) if group == 0 else (1, 2)
                for u in range(count[outer]):
                    ao = code[outer, u]
                    for v in range(count[inner]):
                        an = code[inner, v]
                        # the outer actor supplies p when s_op s_nq < s_np s_oq: it is then j
                        if s[ao, p] * s[an, q] < s[an, p] * s[ao, q]:
                            cand[n, 0], cand[n, 1] = an, ao
                        else:
                            cand[n, 0], cand[n, 1] = ao, an
                        cand[n, 2], cand[n, 3] = p, q
                        n += 1
    return n


@compiled.jit
def _index(cand, n, n_i, first, entry_row, entry_role):
    """Which candidates hold each (actor, issue) key as a supplier (slot 2 key) or as a demander
    (slot 2 key + 1): entries first[slot] to first[slot + 1] - 1 of entry_row / entry_role (role
    0/1: i/j supplies, 2/3: i/j demands), in row order (rounds._Lookup, as a counting sort)."""
    first[:] = 0
    for r in range(n):
        ai, aj, p, q = cand[r, 0], cand[r, 1], cand[r, 2], cand[r, 3]
        first[2 * (ai * n_i + q) + 1] += 1
        first[2 * (aj * n_i + p) + 1] += 1
        first[2 * (ai * n_i + p) + 2] += 1
        first[2 * (aj * n_i + q) + 2] += 1
    for k in range(1, first.size):
        first[k] += first[k - 1]
    for r in range(n):  # first[slot] runs ahead while filling and ends at the next slot's start
        ai, aj, p, q = cand[r, 0], cand[r, 1], cand[r, 2], cand[r, 3]
        for role, slot in enumerate(
            (2 * (ai * n_i + q), 2 * (aj * n_i + p), 2 * (ai * n_i + p) + 1, 2 * (aj * n_i + q) + 1)
        ):
            e = first[slot]
            entry_row[e], entry_role[e] = r, role
            first[slot] = e + 1
    for k in range(first.size - 1, 0, -1):
        first[k] = first[k - 1]
    first[0] = 0


@compiled.jit
def _tree_size(n):
    """Leaves of the max tree over n ranks: the next power of two."""
    size = 1
    while size < n:
        size *= 2
    return size


@compiled.jit
def _build_tree(rank, n, tree):
    """A max tree over rank[:n] (leaves at size + r, padded with -inf): the best rank is
    tree[1], and the earliest row within the tie threshold is found in log n steps."""
    size = _tree_size(n)
    for r in range(size):
        tree[size + r] = rank[r] if r < n else -np.inf
    for k in range(size - 1, 0, -1):
        tree[k] = max(tree[2 * k], tree[2 * k + 1])
    return size


@compiled.inlined
def _set_rank(tree, size, r, value):
    k = size + r
    tree[k] = value
    k //= 2
    while k:
        top = max(tree[2 * k], tree[2 * k + 1])
        if tree[k] == top:  # the ancestors keep their maxima
            break
        tree[k] = top
        k //= 2


@compiled.inlined
def _first_at_least(tree, size, threshold):
    """The earliest row whose rank is >= threshold (one exists: threshold <= tree[1])."""
    k = 1
    while k < size:
        k = 2 * k if tree[2 * k] >= threshold else 2 * k + 1
    return k - size


@compiled.jit
def _round(x0, s, cs, tradable, x, exec_sign, dsum, in_f, f_pos, num, w, left, code, count, cand,
           move, rank, superseded, first, entry_row, entry_role, stamp, last, tree):  # fmt: skip
    """rounds.play_round for one member: x (set to x0 here) ends at the voting positions."""
    n_a, n_i = x0.shape
    for d in range(n_i):
        nu = 0.0
        wd = 0.0
        for a in range(n_a):
            nu += cs[a, d] * x0[a, d]
        for a in range(n_a):
            wd += cs[a, d]
        num[d], w[d] = nu, wd
        centre = nu / wd if wd > 0 else np.nan
        for a in range(n_a):
            left[a, d] = 1 if x0[a, d] <= centre + SIDE_TOL else 0
            x[a, d] = x0[a, d]
            exec_sign[a, d] = 0.0
            dsum[a, d] = 0.0
    in_f[:] = False
    n = _enumerate(s, tradable, left, code, count, cand)
    for r in range(n):
        ai, aj, p, q = cand[r, 0], cand[r, 1], cand[r, 2], cand[r, 3]
        ok, m0, m1, g = _evaluate(
            ai, aj, p, q, x0, x, s, cs, w, num, exec_sign, dsum, in_f, f_pos, 0.0, 0.0
        )
        move[r, 0], move[r, 1] = m0, m1
        rank[r] = g if ok else -np.inf  # -inf: invalid or executed, for good
        superseded[r, 0], superseded[r, 1] = 0.0, 0.0
        stamp[r] = -1
    if n == 0:
        return
    _index(cand, n, n_i, first, entry_row, entry_role)
    last[:] = first[1:]  # each list's end: dropped candidates are swapped past it
    size = _build_tree(rank, n, tree)
    step = 0
    while True:
        top = tree[1]  # the best rank
        if top == -np.inf:
            break
        best = _first_at_least(tree, size, top - TIE * max(1.0, top))  # ties: earliest row
        ai, aj, p, q = cand[best, 0], cand[best, 1], cand[best, 2], cand[best, 3]
        rank[best] = -np.inf
        _set_rank(tree, size, best, -np.inf)
        # execute: both suppliers move; their direction is fixed for the rest of the round
        x[ai, q] += move[best, 0]
        x[aj, p] += move[best, 1]
        exec_sign[ai, q] = np.sign(move[best, 0])
        exec_sign[aj, p] = np.sign(move[best, 1])
        if not in_f[aj, q, ai]:  # F: an actor's first supply of an issue to a demander counts
            dsum[aj, q] += cs[ai, q] * (x[ai, q] - x0[ai, q])
            in_f[aj, q, ai] = True
            f_pos[aj, q, ai] = x[ai, q]
        if not in_f[ai, p, aj]:
            dsum[ai, p] += cs[aj, p] * (x[aj, p] - x0[aj, p])
            in_f[ai, p, aj] = True
            f_pos[ai, p, aj] = x[aj, p]
        # the live candidates that supply a moved (actor, issue): record what they asked of that
        # supplier just before its move (superseded) and evaluate them again; then those that
        # demand a supplied (actor, issue), whose adjusted NBS changed, once each. An evaluation
        # reads the state above and the candidate's own superseded moves only, and a live
        # candidate supplies at most one of the two moved keys (both would make it the executed
        # one), so evaluating on the spot equals evaluating after every update. Dropped
        # candidates leave the lists for good.
        slots = (2 * (ai * n_i + q), 2 * (aj * n_i + p), 2 * (aj * n_i + q) + 1,
                 2 * (ai * n_i + p) + 1)  # fmt: skip
        for k in range(4):
            slot = slots[k]
            e = first[slot]
            while e < last[slot]:
                r = entry_row[e]
                if rank[r] == -np.inf:
                    last[slot] -= 1
                    entry_row[e], entry_role[e] = entry_row[last[slot]], entry_role[last[slot]]
                    continue
                if k < 2:
                    role = entry_role[e]
                    superseded[r, role] += move[r, role]
                elif stamp[r] == step:
                    e += 1
                    continue
                e += 1
                stamp[r] = step
                ok, m0, m1, g = _evaluate(
                    cand[r, 0], cand[r, 1], cand[r, 2], cand[r, 3], x0, x, s, cs, w, num,
                    exec_sign, dsum, in_f, f_pos, superseded[r, 0], superseded[r, 1],
                )  # fmt: skip
                move[r, 0], move[r, 1] = m0, m1
                rank[r] = g if ok else -np.inf
                _set_rank(tree, size, r, rank[r])
        step += 1


@compiled.jit
def _play_block(x0, s, cs, tradable, rounds, fixed, weight, start, stop, out):
    """Members start..stop-1: every round, then out[b] = the last round's next start positions."""
    _, n_a, n_i = x0.shape
    x = np.empty((n_a, n_i))
    exec_sign = np.empty((n_a, n_i))
    dsum = np.empty((n_a, n_i))
    left = np.empty((n_a, n_i), dtype=np.int64)
    code = np.empty((4, n_a), dtype=np.int64)
    count = np.empty(4, dtype=np.int64)
    in_f = np.zeros((n_a, n_i, n_a), dtype=np.bool_)
    f_pos = np.zeros((n_a, n_i, n_a))
    num = np.empty(n_i)
    w = np.empty(n_i)
    first = np.empty(2 * n_a * n_i + 1, dtype=np.int64)
    bound = max(1, n_i * (n_i - 1) // 2 * (n_a * n_a // 4))
    cand = np.empty((bound, 4), dtype=np.int64)
    move = np.empty((bound, 2))
    rank = np.empty(bound)
    superseded = np.empty((bound, 2))
    stamp = np.empty(bound, dtype=np.int64)
    last = np.empty(2 * n_a * n_i, dtype=np.int64)
    entry_row = np.empty(4 * bound, dtype=np.int64)
    entry_role = np.empty(4 * bound, dtype=np.int8)
    tree = np.empty(2 * _tree_size(bound))
    for b in range(start, stop):
        xb = x0[b].copy()
        sb, csb, tb = s[b], cs[b], tradable[b]
        for _ in range(rounds):
            _round(xb, sb, csb, tb, x, exec_sign, dsum, in_f, f_pos, num, w, left, code, count, cand,
                   move, rank, superseded, first, entry_row, entry_role, stamp, last, tree)  # fmt: skip
            # next start x0 + (fixed + weight (1 - s)) (y - x0) (SPEC step 5)
            for a in range(n_a):
                for d in range(n_i):
                    xb[a, d] = xb[a, d] + (fixed + weight * (1.0 - sb[a, d])) * (x[a, d] - xb[a, d])
        out[b] = xb


def play_members(
    x0: np.ndarray,
    s: np.ndarray,
    cs: np.ndarray,
    tradable: np.ndarray,
    rounds: int,
    fixed_weight: float,
    salience_weight: float,
) -> np.ndarray:
    """(B, A, I) start positions after `rounds` rounds, from start positions x0 (0-100), masked
    saliences s and c s (0 where an actor holds no position) and the tradable cells; members in
    blocks on every core (`compiled.map_blocks`)."""
    x0 = np.ascontiguousarray(x0, dtype=np.float64)
    s = np.ascontiguousarray(np.broadcast_to(s, x0.shape), dtype=np.float64)
    cs = np.ascontiguousarray(np.broadcast_to(cs, x0.shape), dtype=np.float64)
    tradable = np.ascontiguousarray(np.broadcast_to(tradable, x0.shape), dtype=np.bool_)
    if x0.shape[2] < 2 or rounds == 0:  # no issue pairs, nothing to trade: nobody moves
        return x0.copy()
    out = np.empty_like(x0)
    fixed, weight = float(fixed_weight), float(salience_weight)

    def block(start: int, stop: int) -> None:
        _play_block(x0, s, cs, tradable, int(rounds), fixed, weight, start, stop, out)

    compiled.map_blocks(block, x0.shape[0], min_block=1)
    return out
