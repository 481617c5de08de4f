"""eum's forecast-only path compiled: one problem's whole simulation in machine code.

Why: with 20 actors a round of the array-API kernels (`round.play_round`) is about 200 small NumPy
calls, so an ensemble member costs tens of microseconds per round in call overhead, not in
arithmetic. Here each problem (one issue of one member) runs all its rounds, its stop rule and its
cycle detection in one compiled loop; `compiled.map_blocks` splits the problems over the cores.

What it computes is SPEC steps 0-8 (/work/shared/reference/eum/SPEC.md; Scholz, Calbert & Smith
2011) as `round.play_round` and `simulate._simulate_compact` compute them, in their operation
order so that ties and knife-edges break the same way:

- votes by the fast kernel (sorted positions, prefix and suffix sums of
  G[k, a] = c_k s_k (|x_k - x_a| / D)^rho_k, the supporters of a pair found by counting the
  positions below its midpoint) or the plain n^3 formula (`kernel`);
- P by either normaliser, the risk pass with every r = 1, security, R and r, the second pass,
  a = E_i(U_ij) and b = i's estimate of E_j(U_ji) with every variant of the parameters
  (`opponent_risk`, `opponent_salience`, the (1 - Q) term with T by the rule or fixed);
- offers (conflict, compromise, capitulation where on) and either choice rule, all actors moving
  at once; the Condorcet scan or the weighted median (`compiled_median.median_of`);
- the stop rule (`stop`, `tolerance`, `patience`, the `rounds` cap) and, as in `cycles.py`, a
  problem whose state (x_t, x_{t-1}, r_t) equals that of p <= PERIODS rounds earlier (exactly,
  or within `cycle_tolerance`) is
  not played on: its later medians are those of its cycle.

It covers every value of every `EumParams` field, so the defaults and both presets
(`scholz_code`, `scholz_paper`) run here; `events` and `quadrants` do not matter to a forecast.
Sums are taken left to right, where NumPy may pair them, and NumPy's vectorised `**` may differ
from libm's by an ulp: the two paths agree to round-off (tests: 1e-9), except where a knife-edge
comparison falls the other way on one ulp.

>>> import numpy as np
>>> from parley.models.eum.params import EumParams
>>> x, c, s = np.array([[0.0, 100.0]]), np.array([[3.0, 1.0]]), np.array([[1.0, 1.0]])
>>> med, rounds, converged = simulate_forecast(x, c, s, np.array([[0.0, 100.0]]), EumParams())
>>> med.tolist(), rounds.tolist(), converged.tolist()
([0.0], [10], [False])
"""

from __future__ import annotations

import math

import numpy as np

from parley.models import compiled
from parley.models.compiled_median import median_of, stable_order
from parley.models.eum.cycles import PERIODS
from parley.models.eum.params import EumParams
from parley.models.eum.powers import exp_into, log_into
from parley.models.pairwise_sum import pw_block, pw_long

# integer settings, in this order, in the kernel's `flags` array
(
    ROUNDS, PAIRWISE, VOTE_ONE, OPPONENT_R, CHALLENGER_S, CHANGE_TERM, FIXED_T, CONFLICT,
    CAPITULATION, LEAST_MOVE, WEIGHTED_MEDIAN, RANGE, PREVIOUS_R, STOP_MEDIAN, PATIENCE, PLAIN,
) = range(16)  # fmt: skip
RANGE_INITIAL, RANGE_ROUND, RANGE_BOUNDS = 0, 1, 2
LN_HALF = math.log(0.5)
# real settings, in this order, in `reals`
Q, T, COINCIDENT, MEDIAN_TIE, TOLERANCE, CYCLE_TOLERANCE = range(6)


def settings(params: EumParams) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's (flags, reals) for these parameters."""
    flags = np.zeros(16, dtype=np.int64)
    flags[ROUNDS] = params.rounds
    flags[PAIRWISE] = params.probability == "pairwise"
    flags[VOTE_ONE] = params.vote_exponent == "one"
    flags[OPPONENT_R] = params.opponent_risk == "opponent"
    flags[CHALLENGER_S] = params.opponent_salience == "challenger"
    flags[CHANGE_TERM] = params.change_term and params.q != 1.0  # as round._challenge_terms
    flags[FIXED_T] = params.t is not None
    flags[CONFLICT] = params.conflict == "full"
    flags[CAPITULATION] = params.capitulation
    flags[LEAST_MOVE] = params.offer_choice == "least_move"
    flags[WEIGHTED_MEDIAN] = params.median == "weighted"
    flags[RANGE] = ("initial", "round", "bounds").index(params.range)
    flags[PREVIOUS_R] = params.degenerate_risk == "previous"
    flags[STOP_MEDIAN] = params.stop == "median"
    flags[PATIENCE] = params.patience
    flags[PLAIN] = params.kernel == "plain"
    reals = np.zeros(6)
    reals[Q] = params.q
    reals[T] = 0.0 if params.t is None else params.t
    reals[COINCIDENT] = params.coincident
    reals[MEDIAN_TIE] = params.median_tie
    reals[TOLERANCE] = params.tolerance
    reals[CYCLE_TOLERANCE] = params.cycle_tolerance
    return flags, reals


@compiled.jit
def _condorcet(x: np.ndarray, w: np.ndarray, delta: float, tie: float, totals: np.ndarray) -> float:
    """`median.condorcet_scan` of one problem: the lowest position whose weighted distance sum
    is within tie x sum(w) of the smallest. The n sums grow side by side, voter k after voter
    k - 1 (each in the order a sum of its own would take, so the same bits), which the compiler
    vectorises across candidates; totals: scratch of len(x)."""
    n = x.shape[0]
    total_w = 0.0
    for k in range(n):
        total_w += w[k]
        totals[k] = 0.0
    for k in range(n):
        xk, wk = x[k], w[k]
        for c in range(n):
            totals[c] += abs(xk - x[c]) * wk
    best = np.inf
    for c in range(n):
        best = min(best, totals[c] / delta)
    limit = best + tie * total_w
    mu = np.inf
    for c in range(n):
        if totals[c] / delta <= limit and x[c] < mu:
            mu = x[c]
    return mu


@compiled.jit
def _median(x, w, delta, flags, reals, order, totals):
    """mu by the chosen rule (`median.median_position`); order, totals: scratch."""
    if flags[WEIGHTED_MEDIAN]:
        return median_of(x, w, order)
    return _condorcet(x, w, delta, reals[MEDIAN_TIE], totals)


@compiled.jit
def _sort(x, w, order, rank, xs, ws):
    """Stable order of the positions (as argsort(stable=True)), ranks, sorted x and w."""
    n = x.shape[0]
    stable_order(x, order)
    for k in range(n):
        rank[order[k]] = k
        xs[k] = x[order[k]]
        ws[k] = w[order[k]]


@compiled.jit
def _below(xs, below):
    """below[a, b]: how many sorted positions lie strictly below the midpoint of xs[a], xs[b].
    Counted without a branch (each count a sum of n comparisons, which the compiler vectorises):
    a scan that stops at the midpoint takes a different number of steps for every pair, and its
    mispredicted exits cost more than the comparisons."""
    n = xs.shape[0]
    for a in range(n):
        for b in range(a, n):
            mid = 0.5 * (xs[a] + xs[b])
            count = 0
            for t in range(n):
                count += xs[t] < mid
            below[a, b] = count
            below[b, a] = count


@compiled.jit
def _pair_rows(rank, below, idx):
    """For every pair (i, j), input order: where in the stacked prefix and suffix sums (rows
    0..n: sums over the first t sorted voters; rows n+1..2n+1: over the last m) the gain of i
    over j is read, at i's column (idx[0]) and j's (idx[1]), as `votes.sorted_pairs`: the lower
    of a pair is backed by the voters below its midpoint, the higher one by the rest."""
    n = rank.shape[0]
    for i in range(n):
        ri = rank[i]
        for j in range(n):
            rj = rank[j]
            row = below[ri, rj] if ri < rj else 2 * n + 1 - below[ri, rj]
            idx[0, i * n + j] = row * n + ri
            idx[1, i * n + j] = row * n + rj


@compiled.jit
def _gains_fast(powered, ws, idx, sums, num):
    """Num[i, j] (input order) by sorted positions and prefix sums, as `votes.vote_gains_fast`:
    G[k, a] = w_k powered[k n + a] over sorted voters k and sorted actors a, where powered is
    (|x_k - x_a| / D)^rho_k (or the plain ratio in the risk pass), the sums stacked as `votes`
    stacks them and read at `_pair_rows`."""
    n = ws.shape[0]
    for a in range(n):
        sums[a] = 0.0
        sums[(n + 1) * n + a] = 0.0
    for t in range(n):
        wt, wb = ws[t], ws[n - 1 - t]
        for a in range(n):  # prefix row t + 1, suffix row n + 2 + t (the last t + 1 voters)
            sums[(t + 1) * n + a] = sums[t * n + a] + wt * powered[t * n + a]
            sums[(n + 2 + t) * n + a] = (
                sums[(n + 1 + t) * n + a] + wb * powered[(n - 1 - t) * n + a]
            )
    ia, ib = idx[0], idx[1]
    for i in range(n):
        for j in range(n):
            gain = sums[ib[i * n + j]] - sums[ia[i * n + j]]
            num[i, j] = gain if gain >= 0.0 else 0.0


@compiled.jit
def _sorted_powers(log_d, order, rs, y, out, bits):
    """out[k n + a] = (|x_k - x_a| / D)^rs_k over voters and actors in `order` (sorted, or input
    order for the plain kernel), from the logarithms of the distances in input order
    (`_pair_logs`); y: scratch."""
    n = order.shape[0]
    for k in range(n):
        row = order[k] * n
        for a in range(n):
            y[k * n + a] = rs[k] * log_d[row + order[a]]
    exp_into(y, out, bits)


@compiled.jit
def _pair_logs(x, delta, d, cache, logs):
    """logs[0], logs[1], logs[2][i n + j] = log d_ij, log(0.5 - 0.5 d_ij), log(0.5 + 0.5 d_ij),
    d_ij = |x_i - x_j| / D (given, n x n): every logarithm a round takes (`powers.log_into`), kept from round
    to round. Why: most actors do not move in a round (6 of 20 on the peer's benchmark), and a
    pair's logarithms change only when one of its actors moved (or D did), so only those pairs
    are taken again, once for i < j (d is symmetric to the bit). The same numbers as taking them
    all every round. cache: (x, D) of the last call (NaN: none, at the start of a problem),
    the actors that moved, the pairs taken again and their scratch."""
    n = x.shape[0]
    seen, moved, pairs, pack, out, bits = cache
    full = delta != seen[n]  # NaN: a new problem
    count = 0  # the actors that moved, ascending, in moved[:count]
    for i in range(n):
        if full or x[i] != seen[i]:
            moved[count] = i
            count += 1
    m = 0  # the pairs taken again, i < j (and i = j when all are), in pairs[0], pairs[1]
    step = 0
    for i in range(n):
        if full or (step < count and moved[step] == i):
            step += 1
            for j in range(i if full else i + 1, n):
                pairs[0, m], pairs[1, m] = i, j
                m += 1
        else:
            for k in range(step, count):
                pairs[0, m], pairs[1, m] = i, moved[k]
                m += 1
    for k in range(m):
        dk = d[pairs[0, k], pairs[1, k]]
        pack[k] = dk
        pack[m + k] = 0.5 - 0.5 * dk
        pack[2 * m + k] = 0.5 + 0.5 * dk
    log_into(pack[: 3 * m], out[: 3 * m], bits[: 3 * m])
    for f in range(3):
        for k in range(m):
            i, j = pairs[0, k], pairs[1, k]
            logs[f, i * n + j] = out[f * m + k]
            logs[f, j * n + i] = out[f * m + k]
    for i in range(n):
        seen[i] = x[i]
    seen[n] = delta


@compiled.jit
def _gains_plain(g, w, num):
    """Num[a, b] = sum_k max(0, w_k (g[k n + b] - g[k n + a])), voters and actors in input order,
    g = (|x_k - x_a| / D)^rho_k: `votes.vote_gains_plain`."""
    n = w.shape[0]
    for a in range(n):
        for b in range(n):
            total = 0.0
            for k in range(n):
                v = w[k] * (g[k * n + b] - g[k * n + a])
                total += v if v >= 0.0 else 0.0
            num[a, b] = total


@compiled.jit
def _gains(powered, w, ws, plain, idx, sums, num):
    """Num by the chosen kernel, from the powered distances in `order` (sorted for the fast
    kernel, input order for the plain one)."""
    if plain:
        _gains_plain(powered, w, num)
    else:
        _gains_fast(powered, ws, idx, sums, num)


@compiled.jit
def _utility_powers(logs, r, by_row, out, y, bits):
    """out[i n + j] = exp(r_i logs[i n + j]) (by_row) or exp(r_j logs[i n + j]): the
    (0.5 -+ 0.5 d_ij)^r of the utilities from their logarithms (`powers`); y: scratch."""
    n = r.shape[0]
    for i in range(n):
        for j in range(n):
            y[i * n + j] = (r[i] if by_row else r[j]) * logs[i * n + j]
    exp_into(y, out, bits)


@compiled.jit
def _probability(num, pairwise, p, buf):
    """P[i, j] from Num, as `votes.win_probability`; the all-pairs sum of Num in NumPy's pairwise
    order (`pairwise_sum`), as `xp.sum(num, axis=(1, 2))` takes it. buf: n^2 scratch."""
    n = num.shape[0]
    if pairwise:
        for i in range(n):
            for j in range(n):
                total = num[i, j] + num[j, i]
                p[i, j] = num[i, j] / total if total > 0 else 0.5
        return
    for i in range(n):
        for j in range(n):
            buf[i * n + j] = num[i, j]
    den = 2.0 * (pw_block(buf, 0, n * n) if n * n <= 128 else pw_long(buf, 0, n * n))
    for i in range(n):
        for j in range(n):
            p[i, j] = num[i, j] / den if den > 0 else 0.0


@compiled.jit
def _u(base, r):
    """2 - 4 base^r (SPEC step 3)."""
    return 2.0 - 4.0 * base**r


@compiled.jit
def _round(x, w, s, delta, r_prev, mu, flags, reals, scratch, new_x, r):
    """One round of one problem (`round.play_round`): new positions into new_x, r into r.
    scratch: the work arrays of `_scratch`."""
    n = x.shape[0]
    mats, vecs, ints, below, flat, bits, idx, sums = scratch[:8]
    logs, cache = scratch[11], scratch[12]
    dist, d, num, p1, p2 = mats[0, :n], mats[1, :n], mats[3, :n], mats[4, :n], mats[5, :n]
    xs, ws, rs, dmu, sec, sq = vecs[0], vecs[1], vecs[2], vecs[3], vecs[4], vecs[5]
    order, rank = ints[0], ints[1]
    q = reals[Q]
    term = flags[CHANGE_TERM] != 0
    fixed_t = flags[FIXED_T] != 0
    t_fixed = reals[T]
    plain = flags[PLAIN] != 0
    for i in range(n):
        for j in range(n):
            dist[i, j] = abs(x[i] - x[j])
            d[i, j] = dist[i, j] / delta
        dmu[i] = abs(x[i] - mu) / delta
    _pair_logs(x, delta, d, cache, logs)
    if not plain:
        _sort(x, w, order, rank, xs, ws)
        _below(xs, below)
        _pair_rows(rank, below, idx)
    else:  # the plain sums take voters and actors in input order
        for k in range(n):
            order[k] = k
    dbase = flat[0]  # d over voters and actors in `order`, |x_k - x_a| / D
    for k in range(n):
        row = order[k]
        for a in range(n):
            dbase[k * n + a] = d[row, order[a]]
    _gains(dbase, w, ws, plain, idx, sums, num)
    _probability(num, flags[PAIRWISE] != 0, p1, flat[2])
    # risk pass, every r = 1: sec_i = sum_{j != i} E_j(U_ji), the challenged actor's salience s_i;
    # E_j(U_ji) as `utility.challenge_eu` computes it (U_sq = 0), row j at a time (vectorised
    # across i), laid out as row i of `against` with 0 on the diagonal, and each row summed in
    # NumPy's pairwise order, as `utility.security` sums it
    against = flat[2]
    for j in range(n):
        dmu_j = dmu[j]
        for i in range(n):
            dji = d[j, i]
            us = 2.0 - 4.0 * (0.5 - 0.5 * dji)
            uf = 2.0 - 4.0 * (0.5 + 0.5 * dji)
            pji = p1[j, i]
            eu = s[i] * (pji * us + (1.0 - pji) * uf)
            eu = eu + (1.0 - s[i]) * us - q * 0.0
            if term:
                t = t_fixed if fixed_t else (1.0 if dmu_j < dji else 0.0)
                spread = 0.25 * (dmu_j + dji)
                ub = 2.0 - 4.0 * (0.5 - spread)
                uw = 2.0 - 4.0 * (0.5 + spread)
                eu = eu - (1.0 - q) * (t * ub + (1.0 - t) * uw)
            against[i * n + j] = eu if j != i else 0.0
    for i in range(n):
        sec[i] = pw_block(against, i * n, n) if n <= 128 else pw_long(against, i * n, n)
    hi = -np.inf
    lo = np.inf
    for i in range(n):
        hi = max(hi, sec[i])
        lo = min(lo, sec[i])
    level = hi == lo  # max = min: R = 0 (SPEC point 9)
    for i in range(n):
        if level:
            r[i] = r_prev[i] if flags[PREVIOUS_R] else 1.0
        else:
            big_r = (2.0 * sec[i] - hi - lo) / (hi - lo)
            r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    # second pass with the new exponents
    if flags[VOTE_ONE]:
        p = p1
    else:
        for k in range(n):
            rs[k] = r[order[k]]
        _sorted_powers(logs[0], order, rs, flat[8], flat[1], bits)
        _gains(flat[1], w, ws, plain, idx, sums, num)
        _probability(num, flags[PAIRWISE] != 0, p2, flat[2])
        p = p2
    for i in range(n):
        sq[i] = 2.0 - 4.0 * math.exp(r[i] * LN_HALF)  # 2 - 4 (0.5)^r, U_sq
    # (0.5 - 0.5 d)^r and (0.5 + 0.5 d)^r for every pair, with i's r (and j's for b when
    # opponent_risk = 'opponent'), vectorised: most of a round's arithmetic
    base, log_s, log_f = flat[8], logs[1], logs[2]
    e_s, e_f, o_s, o_f = flat[4], flat[5], flat[6], flat[7]
    _utility_powers(log_s, r, True, e_s, base, bits)
    _utility_powers(log_f, r, True, e_f, base, bits)
    if flags[OPPONENT_R]:
        _utility_powers(log_s, r, False, o_s, base, bits)
        _utility_powers(log_f, r, False, o_f, base, bits)
    opponent_r = flags[OPPONENT_R] != 0
    challenger_s = flags[CHALLENGER_S] != 0
    conflict = flags[CONFLICT] != 0
    capitulation = flags[CAPITULATION] != 0
    least_move = flags[LEAST_MOVE] != 0
    coincident = reals[COINCIDENT]
    # a = E_i(U_ij) and b = i's estimate of E_j(U_ji) for every pair, as `utility.challenge_eu`
    # computes them, in passes with no branch per pair (the compiler vectorises them)
    pt, a_all, b_all = flat[0], flat[1], flat[8]
    for i in range(n):
        for j in range(n):
            pt[i * n + j] = p[j, i]
    for i in range(n):
        for j in range(n):
            us = 2.0 - 4.0 * e_s[i * n + j]
            uf = 2.0 - 4.0 * e_f[i * n + j]
            pij = p[i, j]
            a = s[j] * (pij * us + (1.0 - pij) * uf)
            a_all[i * n + j] = a + (1.0 - s[j]) * us - q * sq[i]
    for i in range(n):
        for j in range(n):
            if opponent_r:
                ous = 2.0 - 4.0 * o_s[i * n + j]
                ouf = 2.0 - 4.0 * o_f[i * n + j]
            else:
                ous = 2.0 - 4.0 * e_s[i * n + j]
                ouf = 2.0 - 4.0 * e_f[i * n + j]
            s_o = s[j] if challenger_s else s[i]
            sq_o = sq[j] if opponent_r else sq[i]
            pji = pt[i * n + j]
            b = s_o * (pji * ous + (1.0 - pji) * ouf)
            b_all[i * n + j] = b + (1.0 - s_o) * ous - q * sq_o
    if term:  # - (1 - Q)(T U_b + (1 - T) U_w) on both
        for i in range(n):
            for j in range(n):
                dij = d[i, j]
                ro = r[j] if opponent_r else r[i]
                t_row = t_fixed if fixed_t else (1.0 if dmu[i] < dij else 0.0)
                t_col = t_fixed if fixed_t else (1.0 if dmu[j] < dij else 0.0)
                ub = _u(0.5 - 0.25 * (dmu[i] + dij), r[i])
                uw = _u(0.5 + 0.25 * (dmu[i] + dij), r[i])
                ob = _u(0.5 - 0.25 * (dmu[j] + dij), ro)
                ow = _u(0.5 + 0.25 * (dmu[j] + dij), ro)
                a_all[i * n + j] = a_all[i * n + j] - (1.0 - q) * (t_row * ub + (1.0 - t_row) * uw)
                b_all[i * n + j] = b_all[i * n + j] - (1.0 - q) * (t_col * ob + (1.0 - t_col) * ow)
    for i in range(n):
        xi = x[i]
        best_c = best_p = best_k = best_m = np.inf
        jc = jp = jk = jm = -1
        target_p = target_m = xi
        for j in range(n):
            if not d[i, j] > coincident:  # no offers between (nearly) coincident actors
                continue
            a = a_all[i * n + j]
            b = b_all[i * n + j]
            is_conflict = conflict and b > a and a > 0
            is_compromise = a < 0 and b > -a
            is_capitulation = capitulation and a < 0 and b > 0 and -a > b
            if least_move:
                if is_compromise:
                    to = (x[j] - xi) * abs(a / b) + xi
                    key = abs(to - xi)
                elif is_conflict or is_capitulation:
                    to = x[j]
                    key = dist[i, j]
                else:
                    continue
                if key < best_m:
                    best_m, jm, target_m = key, j, to
                continue
            if is_conflict and dist[i, j] < best_c:
                best_c, jc = dist[i, j], j
            if is_compromise:
                key = (abs(a) * xi + abs(b) * x[j]) / (abs(a) + abs(b))
                if key < best_p:
                    best_p, jp = key, j
                    target_p = (x[j] - xi) * abs(a / b) + xi
            if is_capitulation and dist[i, j] < best_k:
                best_k, jk = dist[i, j], j
        if least_move:
            new_x[i] = target_m if jm >= 0 else xi
        elif jc >= 0:
            new_x[i] = x[jc]
        elif jp >= 0:
            new_x[i] = target_p
        elif jk >= 0:
            new_x[i] = x[jk]
        else:
            new_x[i] = xi


@compiled.jit
def _period(ring_x, ring_r, head, tol_x, tol_r):
    """The shortest p <= PERIODS with (x_t, x_{t-1}, r_t) == (x_{t-p}, x_{t-1-p}, r_{t-p})
    (`cycles.Ring.periods`): exactly when tol_x is 0, else positions within tol_x and exponents
    within tol_r; 0 where none. Slots not yet played hold NaN (never equal, never within)."""
    depth, n = ring_x.shape
    now = head
    before = (head - 1) % depth
    for p in range(1, PERIODS + 1):
        then = (head - p) % depth
        earlier = (head - 1 - p) % depth
        same = True
        for a in range(n):
            if tol_x > 0:
                near = (
                    abs(ring_x[now, a] - ring_x[then, a]) <= tol_x
                    and abs(ring_x[before, a] - ring_x[earlier, a]) <= tol_x
                    and abs(ring_r[now, a] - ring_r[then, a]) <= tol_r
                )
            else:
                near = (
                    ring_x[now, a] == ring_x[then, a]
                    and ring_x[before, a] == ring_x[earlier, a]
                    and ring_r[now, a] == ring_r[then, a]
                )
            if not near:
                same = False
                break
        if same:
            return p
    return 0


@compiled.jit
def _simulate_one(x0, w, s, span, flags, reals, scratch):
    """One problem's rounds (`simulate._simulate_compact`): (median, rounds, converged, played):
    rounds as `simulate` counts them (a cycle's copies included), played the rounds computed."""
    n = x0.shape[0]
    vecs, ints = scratch[1], scratch[2]
    ring_x, ring_r, ring_med = scratch[8], scratch[9], scratch[10]
    x, new_x, r_prev, r, totals = vecs[6], vecs[7], vecs[8], vecs[9], vecs[10]
    order = ints[0]
    hi = -np.inf
    lo = np.inf
    for a in range(n):
        x[a] = x0[a]
        r_prev[a] = 1.0
        hi = max(hi, x0[a])
        lo = min(lo, x0[a])
    delta0 = span if flags[RANGE] == RANGE_BOUNDS else hi - lo
    safe0 = delta0 if delta0 > 0 else 1.0
    mu = _median(x, w, safe0, flags, reals, order, totals)
    rounds = flags[ROUNDS]
    if not delta0 > 0 or rounds == 0:  # no range: no dynamics (SPEC point 9)
        return mu, 0, False, 0
    depth = ring_x.shape[0]
    scratch[12][0][:] = np.nan  # no logarithms kept from the last problem (`_pair_logs`)
    ring_x[:] = np.nan
    ring_r[:] = np.nan
    ring_med[:] = np.nan
    head = 0
    ring_x[0, :] = x
    ring_r[0, :] = 1.0
    ring_med[0] = mu
    stop_median = flags[STOP_MEDIAN] != 0
    patience = flags[PATIENCE]
    limit = reals[TOLERANCE] * safe0
    cycle_r = reals[CYCLE_TOLERANCE]
    cycle_x = cycle_r * safe0
    streak = 0
    for t in range(1, rounds + 1):
        if flags[RANGE] == RANGE_ROUND:
            hi = -np.inf
            lo = np.inf
            for a in range(n):
                hi = max(hi, x[a])
                lo = min(lo, x[a])
            delta = hi - lo
            delta = delta if delta > 0 else 1.0
        else:
            delta = safe0
        _round(x, w, s, delta, r_prev, mu, flags, reals, scratch, new_x, r)
        for a in range(n):
            x[a] = new_x[a]
            r_prev[a] = r[a]
        med = _median(x, w, delta, flags, reals, order, totals)
        if stop_median:
            streak = streak + 1 if abs(med - mu) < limit else 0
            if streak >= patience:
                return med, t, True, t
        mu = med
        head = (head + 1) % depth
        ring_x[head, :] = x
        ring_r[head, :] = r
        ring_med[head] = med
        period = _period(ring_x, ring_r, head, cycle_x, cycle_r)
        if period == 0:
            continue
        # a cycle: rounds t + 1 .. are copies of rounds t - period + 1 .. t (`cycles.Replay`)
        for t2 in range(t + 1, rounds + 1):
            k = period - 1 - ((t2 - t - 1) % period)
            med = ring_med[(head - k) % depth]
            if stop_median:
                streak = streak + 1 if abs(med - mu) < limit else 0
                if streak >= patience:
                    return med, t2, True, t
            mu = med
        return mu, rounds, False, t
    return mu, rounds, False, rounds


@compiled.jit
def _scratch(n):
    """The work arrays of one thread, as one tuple: mats, vecs, ints, below, flat, bits, idx,
    sums (a round's, `_round`) and the ring of the last rounds (x, r, median) that finds
    cycles."""
    # dist, d, -, Num, P (risk pass), P (second pass)
    mats = np.empty((8, n + 1, n))
    # sorted x, sorted w, sorted r, d to mu, security, U_sq; x, new x, previous r, r; the
    # median's distance sums
    vecs = np.empty((11, n))
    ints = np.empty((2, n), dtype=np.int64)  # order, rank
    below = np.empty((n, n), dtype=np.int64)
    flat = np.empty((9, n * n))  # pair values laid flat for the vectorised powers
    bits = np.empty(n * n, dtype=np.int64)
    idx = np.empty((2, n * n), dtype=np.int64)  # where each pair's vote gains are read
    sums = np.empty((2 * n + 2) * n)  # prefix and suffix sums of G, stacked
    depth = PERIODS + 2
    ring = (np.empty((depth, n)), np.empty((depth, n)), np.empty(depth))
    logs = np.empty((3, n * n))  # the pairs' logarithms, kept across rounds (`_pair_logs`)
    # x and D of the last round, the actors that moved, the pairs taken again, their values,
    # logarithms and bits
    cache = (
        np.empty(n + 1),
        np.empty(n, dtype=np.int64),
        np.empty((2, n * n), dtype=np.int64),
        np.empty(3 * n * n),
        np.empty(3 * n * n),
        np.empty(3 * n * n, dtype=np.int64),
    )
    return (mats, vecs, ints, below, flat, bits, idx, sums) + ring + (logs, cache)


@compiled.jit
def _simulate_block(x0, w, s, span, flags, reals, out_med, out_rounds, out_conv, start, stop):
    """Problems start .. stop - 1, with one set of scratch arrays for the block."""
    scratch = _scratch(x0.shape[1])
    for m in range(start, stop):
        med, rounds, conv, _ = _simulate_one(x0[m], w[m], s[m], span[m], flags, reals, scratch)
        out_med[m] = med
        out_rounds[m] = rounds
        out_conv[m] = conv


def run_bytes(members: int, actors: int, issues: int, threads: int) -> float:
    """Peak bytes of a forecast-only run of `members` x `issues` problems of at most `actors`:
    each problem's copies of its inputs (the picks and transposes of positions, capabilities and
    saliences and the weights: at most 80 bytes per actor) and its results (about 60 bytes), and
    one thread's work arrays (`_scratch`: 296 n^2 + 616 n + 216 bytes) per thread.

    >>> run_bytes(1, 20, 1, 2)  # 1,660 + 2 x (118,400 + 12,320 + 216)
    263532.0
    """
    n = float(actors)
    problems = float(members) * issues
    return (80.0 * n + 60.0) * problems + threads * (296.0 * n * n + 616.0 * n + 216.0)


def simulate_forecast(
    x0: np.ndarray, c: np.ndarray, s: np.ndarray, bounds: np.ndarray, params: EumParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Final median, rounds played and whether the median rule fired, for (N, n) problems.

    The numbers of `simulate.simulate(x0, c, s, bounds, params)` (last median, stopped_at,
    converged), computed problem by problem in compiled code on every core.
    """
    x = np.ascontiguousarray(x0, dtype=np.float64)
    w = np.ascontiguousarray(c * s, dtype=np.float64)
    sal = np.ascontiguousarray(s, dtype=np.float64)
    span = np.ascontiguousarray(bounds[:, 1] - bounds[:, 0], dtype=np.float64)
    flags, reals = settings(params)
    n_p = x.shape[0]
    med = np.empty(n_p)
    rounds = np.empty(n_p, dtype=np.int64)
    conv = np.zeros(n_p, dtype=np.bool_)

    def block(start: int, stop: int) -> None:
        _simulate_block(x, w, sal, span, flags, reals, med, rounds, conv, start, stop)

    compiled.map_blocks(block, n_p, min_block=8)
    return med, rounds, conv
