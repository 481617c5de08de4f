"""One member's whole forecast-only SMP run in machine code (numba, `parley.models.compiled`).

Why: a forecast-only batch of small cases spends its time in the overhead of hundreds of NumPy
calls per turn and in the challenge tensor's element-wise passes over memory; here every turn of
one member runs as loops over actors with no temporaries, and `compiled.map_blocks` runs blocks
of members on every core. The array-API kernels (`turn.py`, `queues.py`, `voting.py`, ...) stay
the reference: this file follows SPEC steps 1-8 in their order of operations, so that a member
agrees with them to round-off (tests: 1e-9). In particular every sum over actors, options or
classes is NumPy's pairwise sum (`parley.models.pairwise_sum`), sums over issues and the ideal update are sequential,
as NumPy's reductions are, and exact ties (the first best target, the first most probable
option) break the same way. What differs is the last bit of `exp` and `log` (NumPy has its own
SIMD versions), which is why agreement is to 1e-9 and not bitwise.

Options arrive as integer codes (`CODES`); `compiled_run.py` prepares the inputs on the host with
the same NumPy expressions as the array path (start positions, saliences, capabilities, the
accommodation matrix) and turns the results into an `Outcome`.

numba's disk cache keys a function on its own file, not on the helpers it compiles in from other
files (the pairwise sums); `compiled.kernel_cache_dir` keeps the cache in a folder named by a hash
of every source under parley/models, so a changed helper never leaves stale code behind.

>>> import numpy as np
>>> from parley.models.pairwise_sum import pw
>>> pw(np.arange(20.0), 0, 20)  # NumPy's pairwise order: 8 accumulators from 8 terms on
190.0
"""

from __future__ import annotations

import math

import numpy as np

from parley.models import compiled
from parley.models.pairwise_sum import pw_block as _pw_block
from parley.models.pairwise_sum import pw_long as _pw_long

#: Option names in code order, per KTAB parameter (the kernel receives the index).
CODES: dict[str, tuple[str, ...]] = {
    "VotingRule": ("Proportional", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"),
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "BigRRange": ("Min", "Mid", "Max"),
    "BigRAdjust": ("Full", "TwoThirds", "Half", "OneThird", "No"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
#: Order of the integer options in the kernel's `opts` array.
OPTION_ORDER = tuple(CODES)
#: Order of the real parameters in the kernel's `reals` array.
REAL_ORDER = ("min_delta_ratio", "min_sig_delta", "position_tolerance")

CONVERGED, ROUND_LIMIT, NO_ROUNDS = 0, 1, 2  # status codes the kernel writes

_MIN_COALITION = 1e-8  # voting.MIN_COALITION
_MIN_CHALLENGE = 1e-10  # challenge.MIN_CHALLENGE_COALITION
_MIN_SIG_GAIN = 1e-5  # turn.MIN_SIG_GAIN
_MIN_W = 1e-6  # bargain._MIN_W
_BINARY_TIE = 1e-12  # voting._BINARY_TIE
_BINARY_SLOPE = 1e-8  # voting._BINARY_SLOPE
_MARKOV_MAX_ITER = 1000


@compiled.jit
def _binary(du):
    """voting._binary for one difference."""
    if abs(du) <= _BINARY_TIE:
        return 0.0
    return min(max(du / _BINARY_SLOPE, -1.0), 1.0)


@compiled.jit
def _vote(rule, w, du):
    """voting.vote for one voter: Proportional, Binary, PropBin, PropCbc, Cubic, ASymProsp."""
    if rule == 0:
        return w * du
    if rule == 1:
        return w * _binary(du)
    if rule == 2:
        return w * (0.8 * du + 0.2 * _binary(du))
    if rule == 3:
        return w * (0.5 * du + 0.5 * du**3)
    if rule == 4:
        return w * du**3
    if du < 0.0:
        return w * du
    return (2.0 / 3.0) * w * du


@compiled.jit
def _victory(model, s1, s2):
    """voting.victory_probability: the chance that strength s1 defeats s2."""
    if model == 0:
        x1, x2 = s1, s2
    elif model == 1:
        x1, x2 = s1 * s1, s2 * s2
    elif model == 2:
        x1, x2 = s1**4, s2**4
    elif model == 3:
        x1, x2 = s1**8, s2**8
    else:
        p12 = ((s1 / (s1 + s2)) * (1.10 + 1.0) - 1.0) / (1.10 - 1.0)
        if s1 >= 1.10 * s2:
            x1, x2 = 1.0, 1e-6
        elif s2 >= 1.10 * s1:
            x1, x2 = 1e-6, 1.0
        else:
            x1, x2 = p12, 1.0 - p12
    return x1 / (x1 + x2)


@compiled.jit
def _victory_matrix(vp, c, m, vm):
    """vm[:m, :m] = voting.victory_matrix of the coalitions c[:m, :m] (diagonal 1/2)."""
    for i in range(m):
        for j in range(m):
            vm[i, j] = 0.5 if i == j else _victory(vp, c[i, j], c[j, i])


@compiled.jit
def _pce(model, vp, c, m, out, vm, work, row):
    """out[:m] = voting.pce over m options with coalitions c[:m, :m], every option valid.

    Conditional: p_i proportional to prod_j P[i > j], in logs; MarkovIncentive and
    MarkovUniform: KTAB's damped chains (voting._markov). vm, work: (>= m, >= m) scratch;
    row: (>= m,) scratch."""
    _victory_matrix(vp, c, m, vm)
    if model == 0:
        for i in range(m):
            for j in range(m):
                row[j] = math.log(max(vm[i, j], 1e-300))
            out[i] = _pw_block(row, 0, m) if m <= 128 else _pw_long(row, 0, m)
        top = out[0]
        for i in range(1, m):
            top = max(top, out[i])
        for i in range(m):
            out[i] = math.exp(out[i] - top)
        total = _pw_block(out, 0, m) if m <= 128 else _pw_long(out, 0, m)
        for i in range(m):
            out[i] = out[i] / total
        return
    # Markov chains: work holds chlg transposed (incentive) or nothing (uniform)
    tol = 1e-8 if model == 1 else 1e-6
    if model == 1:
        for j in range(m):  # column sums of the incentive matrix, in row order
            col = c[0, j] * vm[0, j] + (1e-10 if j == 0 else 0.0)
            for i in range(1, m):
                col += c[i, j] * vm[i, j] + (1e-10 if i == j else 0.0)
            for i in range(m):
                inc = c[i, j] * vm[i, j] + (1e-10 if i == j else 0.0)
                work[j, i] = inc / col if col > 0 else 0.0  # chlg[i, j] stored transposed
    ones = float(m)
    for i in range(m):
        out[i] = 1.0 / ones
    new = np.empty(m)
    for _ in range(_MARKOV_MAX_ITER):
        change = 0.0
        for i in range(m):
            for j in range(m):
                if model == 1:
                    ct_ij = out[i] * work[i, j]  # p_i chlg(j, i)
                    ct_ji = out[j] * work[j, i]
                    row[j] = vm[i, j] * (ct_ij + ct_ji)
                else:
                    row[j] = vm[i, j] * (out[i] + out[j])
            q = _pw_block(row, 0, m) if m <= 128 else _pw_long(row, 0, m)
            if model == 2:
                q = q / ones
            new[i] = q
            change = max(change, abs(q - out[i]))
        for i in range(m):
            out[i] = (out[i] + new[i]) / 2.0
        if not change > tol:
            break


@compiled.jit
def _distance_row(y, a, s2, den, pt, out):
    """out[p] = utility.distances from actor a's ideal y[a] to every point pt[:, p] (points
    given issue by issue, (D, P)), with a's saliences: the sum over issues in issue order, as
    the array path's loop over issues, each issue one pass over the row."""
    d_n, p_n = pt.shape
    ya, sa = y[a, 0], s2[a, 0]
    for p in range(p_n):
        t = ya - pt[0, p]
        t *= t
        out[p] = t * sa
    for k in range(1, d_n):
        ya, sa = y[a, k], s2[a, k]
        for p in range(p_n):
            t = ya - pt[k, p]
            t *= t
            out[p] += t * sa
    held = den[a]
    if held > 0:
        for p in range(p_n):
            out[p] = math.sqrt(out[p] / held)
    else:
        for p in range(p_n):
            out[p] = 0.0


@compiled.jit
def _utility(d, r):
    """utility.utility: KTAB's bsUtil."""
    return (1.0 - d) * (1.0 + min(d, 1.0) * r)


@compiled.jit
def _coalitions(rule, cap, util, cols, m, c, wu, buf, buf2, colsum):
    """c[:m, :m] = voting.coalitions(rule, cap, util[:, cols[:m]]): the voters are every actor.

    As the array path: utilities laid out per option (pre-weighted for Proportional, whose upper
    triangle comes from column sums), positive parts summed per lower-triangle pair. wu:
    (>= m, >= A) scratch; buf, buf2, colsum: (>= A,) scratch."""
    a_n = cap.shape[0]
    for o in range(m):
        for k in range(a_n):
            wu[o, k] = cap[k] * util[k, cols[o]] if rule == 0 else util[k, cols[o]]
        if rule == 0:
            colsum[o] = _pw_block(wu[o], 0, a_n) if a_n <= 128 else _pw_long(wu[o], 0, a_n)
    for i in range(m):
        c[i, i] = _MIN_COALITION
        for j in range(i):
            if rule == 0:
                for k in range(a_n):
                    buf[k] = max(wu[i, k] - wu[j, k], 0.0)
                total = colsum[i] - colsum[j]
            else:
                for k in range(a_n):
                    v = _vote(rule, cap[k], wu[i, k] - wu[j, k])
                    buf2[k] = v
                    buf[k] = max(v, 0.0)
                total = _pw_block(buf2, 0, a_n) if a_n <= 128 else _pw_long(buf2, 0, a_n)
            pos = _pw_block(buf, 0, a_n) if a_n <= 128 else _pw_long(buf, 0, a_n)
            c[i, j] = pos + _MIN_COALITION
            c[j, i] = (pos - total) + _MIN_COALITION


@compiled.jit
def _assess(x, y, s2, den, cap, opts, mats, vecs, ints, xt, dist, risk, perc, own):
    """turn.assess: distances, the risk-neutral PCE, risk attitudes, perceived risks, utilities.

    mats (>= 5, O, O), vecs (>= 5, O), ints (>= 1, O) and xt (D, A) are scratch (see
    run_members)."""
    a_n, d_n = x.shape
    rule, vp, pce_model, r_range, r_adjust = opts[0], opts[1], opts[2], opts[3], opts[4]
    u0, c, vm, work, wu = mats[0], mats[1], mats[2], mats[3], mats[4]
    win, buf, buf2, colsum, row = vecs[0], vecs[1], vecs[2], vecs[3], vecs[4]
    for i in range(a_n):
        for k in range(d_n):
            xt[k, i] = x[i, k]
    for i in range(a_n):
        _distance_row(y, i, s2, den, xt, dist[i])
        for j in range(a_n):
            d = dist[i, j]
            u0[i, j] = (1.0 - d) * (1.0 + min(d, 1.0) * 0.0)
    _coalitions(rule, cap, u0, ints[0], a_n, c, wu, buf, buf2, colsum)
    _pce(pce_model, vp, c, a_n, win, vm, work, row)
    lo, hi = win[0], win[0]
    for i in range(1, a_n):
        lo = min(lo, win[i])
        hi = max(hi, win[i])
    span = hi - lo
    safe = span if span > 0 else 1.0
    for i in range(a_n):
        p = win[i]
        if not span > 0:
            r = 0.0
        elif r_range == 0:
            r = (p - lo) / safe
        elif r_range == 1:
            r = (3 * p - (hi + 2 * lo)) / (2 * safe)
        else:
            r = (2 * p - (hi + lo)) / safe
        risk[i] = r
    for h in range(a_n):
        rh = risk[h]
        for i in range(a_n):
            ri = risk[i]
            if r_adjust == 0:
                perc[h, i] = ri
            elif r_adjust == 1:
                perc[h, i] = (rh + 2.0 * ri) / 3.0
            elif r_adjust == 2:
                perc[h, i] = (rh + ri) / 2.0
            elif r_adjust == 3:
                perc[h, i] = (2.0 * rh + ri) / 3.0
            else:
                perc[h, i] = rh
        for j in range(a_n):
            own[h, j] = _utility(dist[h, j], rh)


@compiled.jit
def _challenges(dist, perc, w, tsal, opts, ut, at, bt, vbuf, pbuf, e, wt, gain, pwin):
    """gain[i, j], pwin[i, j]: i's expected gain from challenging j and its chance, as i sees
    it (challenge.challenges with estimator = initiator = i; SPEC step 4). j = i is left out.

    ut: (A, A) scratch; at, bt: (A, A) scratch; vbuf, pbuf, e, wt: (A,) scratch; e holds e
    and 2e in its two halves when given (2A,)."""
    a_n = dist.shape[0]
    rule, commit = opts[0], opts[5]
    e1, e2 = e[:a_n], e[a_n:]
    for q in range(a_n):
        for n in range(a_n):
            d = dist[n, q]
            at[q, n] = 1.0 - d
            bt[q, n] = (1.0 - d) * min(d, 1.0)
    for i in range(a_n):
        r = perc[i]
        for q in range(a_n):  # ut[q, n] = U^i(n, q) = a + b r[i, n]
            for n in range(a_n):
                ut[q, n] = bt[q, n] * r[n] + at[q, n]
        uii = ut[i, i]
        w_i = w[i]
        for n in range(a_n):
            e1[n] = ut[i, n] - ut[n, n]  # U(n, i) - U(n, n)
            e2[n] = 2 * e1[n]
            wt[n] = 0.0 if n == i else w[n]
        for j in range(a_n):
            if j == i:
                continue
            row_i = ut[j, i]  # U(i, j)
            if rule == 0:
                c_i = w_i * (uii - row_i)
                c_j = w[j] * e1[j]
            else:
                c_i = _vote(rule, w_i, uii - row_i)
                c_j = _vote(rule, w[j], e1[j])
            ch_ij = _MIN_CHALLENGE + max(c_i, 0.0) + max(c_j, 0.0)
            ch_ji = _MIN_CHALLENGE + max(-c_i, 0.0) + max(-c_j, 0.0)
            if commit == 1:  # SemiCommit: third parties join the likelier side they prefer
                both = ch_ij + ch_ji
                if rule == 0:
                    # v0 = w_n nd sets p_in; n votes wt_n ((e + nd) + q (nd + 2e)), q = -p_in:
                    # a branch-free loop over contiguous rows, run in SIMD lanes
                    for n in range(a_n):
                        nd = ut[j, n] - ut[i, n]  # U(n, j) - U(n, i)
                        a = nd * w[n]
                        b = min(a, 0.0)
                        a = abs(a) + both
                        b = (b - ch_ij) / a
                        a = (nd + e2[n]) * b
                        v = ((nd + e1[n]) + a) * wt[n]
                        vbuf[n] = v
                        pbuf[n] = max(v, 0.0)
                else:
                    for n in range(a_n):
                        nd = ut[j, n] - ut[i, n]
                        a = -_vote(rule, w[n], -nd)
                        b = min(a, 0.0)
                        a = abs(a) + both
                        b = (b - ch_ij) / a
                        a = (nd + e2[n]) * b
                        v = _vote(rule, wt[n], (nd + e1[n]) + a)
                        vbuf[n] = v
                        pbuf[n] = max(v, 0.0)
                vbuf[j] = 0.0  # j is a principal, not a third party
                pbuf[j] = 0.0
                total = _pw_block(vbuf, 0, a_n) if a_n <= 128 else _pw_long(vbuf, 0, a_n)
                pos = _pw_block(pbuf, 0, a_n) if a_n <= 128 else _pw_long(pbuf, 0, a_n)
                ch_ij = ch_ij + pos
                ch_ji = ch_ji + (pos - total)
            p = ch_ij / (ch_ij + ch_ji)
            s_j = tsal[j]
            u_vict = 2 * uii
            u_loss = 2 * row_i
            eu_sq = uii + row_i
            eu_chlg = (1 - s_j) * u_vict + s_j * (p * u_vict + (1 - p) * u_loss)
            gain[i, j] = eu_chlg - eu_sq
            pwin[i, j] = p


@compiled.jit
def _chance(dist, perc, w, opts, h, i, j, e, vbuf, pbuf):
    """P^h(i > j): i's chance against j as h estimates it, the one entry of `_challenges` with
    estimator h (KTAB probEduChlg(h, i, i, j); the receiver's own view for InitRcvrInterp and
    PWCompInterp), its utilities U^h(n, q) = (1 - d_nq)(1 + d_nq r[h, n]) made on the spot."""
    a_n = dist.shape[0]
    rule, commit = opts[0], opts[5]
    r = perc[h]
    for n in range(a_n):  # e[n] = U(n, i) - U(n, n); e[A + n] = U(n, j) - U(n, i)
        d_ni, d_nn, d_nj = dist[n, i], dist[n, n], dist[n, j]
        u_ni = ((1.0 - d_ni) * min(d_ni, 1.0)) * r[n] + (1.0 - d_ni)
        u_nn = ((1.0 - d_nn) * min(d_nn, 1.0)) * r[n] + (1.0 - d_nn)
        u_nj = ((1.0 - d_nj) * min(d_nj, 1.0)) * r[n] + (1.0 - d_nj)
        e[n] = u_ni - u_nn
        e[a_n + n] = u_nj - u_ni
    d_ii, d_ij = dist[i, i], dist[i, j]
    uii = ((1.0 - d_ii) * min(d_ii, 1.0)) * r[i] + (1.0 - d_ii)
    row_i = ((1.0 - d_ij) * min(d_ij, 1.0)) * r[i] + (1.0 - d_ij)  # U(i, j)
    c_i = _vote(rule, w[i], uii - row_i)
    c_j = _vote(rule, w[j], e[j])
    ch_ij = _MIN_CHALLENGE + max(c_i, 0.0) + max(c_j, 0.0)
    ch_ji = _MIN_CHALLENGE + max(-c_i, 0.0) + max(-c_j, 0.0)
    if commit == 1:
        both = ch_ij + ch_ji
        for n in range(a_n):
            nd = e[a_n + n]
            a = nd * w[n] if rule == 0 else -_vote(rule, w[n], -nd)
            b = min(a, 0.0)
            a = abs(a) + both
            b = (b - ch_ij) / a
            a = (nd + 2 * e[n]) * b
            t = (nd + e[n]) + a
            wt = 0.0 if n == i else w[n]
            v = t * wt if rule == 0 else _vote(rule, wt, t)
            vbuf[n] = v
            pbuf[n] = max(v, 0.0)
        vbuf[j] = 0.0
        pbuf[j] = 0.0
        total = _pw_block(vbuf, 0, a_n) if a_n <= 128 else _pw_long(vbuf, 0, a_n)
        pos = _pw_block(pbuf, 0, a_n) if a_n <= 128 else _pw_long(pbuf, 0, a_n)
        ch_ij = ch_ij + pos
        ch_ji = ch_ji + (pos - total)
    return ch_ij / (ch_ij + ch_ji)


@compiled.jit
def _round4(v):
    """bargain.round4."""
    return math.floor(0.5 + v * 10000.0) / 10000.0


@compiled.jit
def _interpolate(rule, x, sal, i, j, p_i, pos_init, pos_rcvr, g):
    """bargain.interpolate for initiator i and target j into slot g (S1P1, S2P2, S2PMax)."""
    p_j = 1.0 - p_i
    for k in range(x.shape[1]):
        s_i, s_j, x_i, x_j = sal[i, k], sal[j, k], x[i, k], x[j, k]
        if rule == 2:
            di = max(p_j - p_i, 0.0)
            dj = max(p_i - p_j, 0.0)
            si2, sj2 = s_i * s_i, s_j * s_j
            dik = (di * sj2) / (di * sj2 + _MIN_W + (1 - di) * si2)
            djk = (dj * si2) / (dj * si2 + _MIN_W + (1 - dj) * sj2)
            pos_init[k, g] = x_i + dik * (x_j - x_i)
            pos_rcvr[k, g] = x_j + djk * (x_i - x_j)
            continue
        if rule == 0:
            a, b = s_i * p_i, s_j * p_j
        else:
            a, b = (s_i * s_i) * (p_i * p_i), (s_j * s_j) * (p_j * p_j)
        den = a + b + _MIN_W
        pos_init[k, g] = _round4(((a + _MIN_W) * x_i + b * x_j) / den)
        pos_rcvr[k, g] = _round4((a * x_i + (b + _MIN_W) * x_j) / den)


@compiled.jit
def _twins(x, y, sal, cap, twin):
    """twins.first_twin: the first actor alike in position, ideal, saliences and capability."""
    a_n, d_n = x.shape
    for i in range(a_n):
        twin[i] = i
        for j in range(i):
            same = cap[i] == cap[j]
            for k in range(d_n):
                same = same and sal[i, k] == sal[j, k] and x[i, k] == x[j, k]
                same = same and y[i, k] == y[j, k]
            if same:
                twin[i] = j
                break


@compiled.jit
def _resolve(
    x, vals, cap, has, init, tgt, pos_init, pos_rcvr, opts, uniform, mats, vecs, queue, xn
):
    """queues.resolve_queues: every actor k picks an option of its queue (KTAB's order) by a
    capability-weighted PCE and takes its side of it; xn gets the new positions.

    Option o = 0 is the status quo, 1 + g the bargain in slot g (initiator init[g], receiver
    tgt[g], made when has[g]; slots in initiator order); vals (O, A) their values to
    every actor. KTAB votes the later option q1 of a queue against the earlier q2: positive
    votes make C[later, earlier] = pos[q1, q2], negative ones C[earlier, later] = neg[q1, q2].
    A pair's strengths do not depend on whose queue holds it, so they are kept for the turn
    (NaN: not yet computed; queues._option_coalitions computes every pair). Under the rules
    whose vote is antisymmetric bit for bit, neg[q1, q2] is pos[q2, q1], and both come from one
    pass (the array path takes neg = pos transposed)."""
    a_n = x.shape[0]
    rule, vp, pce_model = opts[0], opts[1], opts[2]
    pos, neg, c, vm, work = mats[5], mats[6], mats[1], mats[2], mats[3]
    prob, buf, buf2, row = vecs[0], vecs[1], vecs[2], vecs[4]
    pos[:, :] = math.nan
    for k in range(a_n):
        m_n = 0
        g_n = init.shape[0]
        for g in range(g_n):  # proposals k received from earlier initiators
            if has[g] and init[g] < k and tgt[g] == k:
                queue[m_n] = 1 + g
                m_n += 1
        queue[m_n] = 0  # then k's status quo
        m_n += 1
        for g in range(g_n):  # then k's own proposals and those of later initiators
            if has[g] and init[g] >= k and (init[g] == k or tgt[g] == k):
                queue[m_n] = 1 + g
                m_n += 1
        chosen = 0
        if m_n > 1:
            for m1 in range(m_n):
                c[m1, m1] = _MIN_COALITION
                for m2 in range(m1):
                    q1, q2 = queue[m1], queue[m2]  # m1 is the later option
                    if math.isnan(pos[q1, q2]):
                        for a in range(a_n):
                            du = vals[q1, a] - vals[q2, a]
                            v = du * cap[a] if rule == 0 else _vote(rule, cap[a], du)
                            buf[a] = max(v, 0.0)
                            buf2[a] = max(-v, 0.0)
                        pos[q1, q2] = (
                            _pw_block(buf, 0, a_n) if a_n <= 128 else _pw_long(buf, 0, a_n)
                        )
                        later = _pw_block(buf2, 0, a_n) if a_n <= 128 else _pw_long(buf2, 0, a_n)
                        if rule > 2:  # PropCbc, Cubic, ASymProsp: not antisymmetric
                            neg[q1, q2] = later
                        else:
                            pos[q2, q1] = later
                    c[m1, m2] = pos[q1, q2] + _MIN_COALITION
                    c[m2, m1] = (neg[q1, q2] if rule > 2 else pos[q2, q1]) + _MIN_COALITION
            _pce(pce_model, vp, c, m_n, prob, vm, work, row)
            if math.isnan(uniform[k]):  # Deterministic: the first most probable option
                for m in range(1, m_n):
                    if prob[m] > prob[chosen]:
                        chosen = m
            else:  # Stochastic: where the cumulative probability first exceeds the draw
                total = 0.0
                below = 0
                for m in range(m_n):
                    total += prob[m]
                    if total <= uniform[k]:
                        below += 1
                chosen = min(below, m_n - 1)
        option = queue[chosen]
        for d in range(x.shape[1]):
            if option == 0:
                xn[k, d] = x[k, d]
            elif init[option - 1] == k:
                xn[k, d] = pos_init[d, option - 1]
            else:
                xn[k, d] = pos_rcvr[d, option - 1]


@compiled.jit
def _forecast(x, own, cap, opts, tol, mats, vecs, reps, dbuf, out):
    """out (D,) = the probability-weighted position of x's classes (classes.py, lean.py)."""
    a_n, d_n = x.shape
    vp, pce_model = opts[1], opts[2]
    c, vm, work, wu = mats[1], mats[2], mats[3], mats[4]
    prob, buf, buf2, colsum, row = vecs[0], vecs[1], vecs[2], vecs[3], vecs[4]
    k_n = 0
    for i in range(a_n):  # KTAB ueIndices: a position starts a class unless an earlier one is near
        rep = True
        for r in range(k_n):
            j = reps[r]
            for d in range(d_n):
                t = x[i, d] - x[j, d]
                dbuf[d] = t * t
            if math.sqrt(_pw_block(dbuf, 0, d_n) if d_n <= 128 else _pw_long(dbuf, 0, d_n)) < tol:
                rep = False
                break
        if rep:
            reps[k_n] = i
            k_n += 1
    _coalitions(0, cap, own, reps, k_n, c, wu, buf, buf2, colsum)
    _pce(pce_model, vp, c, k_n, prob, vm, work, row)
    for d in range(d_n):
        acc = 0.0
        r = 0
        for i in range(a_n):
            term = 0.0
            if r < k_n and reps[r] == i:
                term = prob[r] * x[i, d]
                r += 1
            acc = term if i == 0 else acc + term
        out[d] = acc


@compiled.jit
def run_members(
    start, stop, order, x0, sal, s2, den, cap, tsal, w, acc, lag, uniforms, opts, reals,
    max_turns, min_turns, forecast, rounds, status, ratios,
):  # fmt: skip
    """Members order[start:stop] from their start positions to the stop rule (model._run's loop):
    forecast (B, D) on the 0-1 scale, rounds (B,), status (B,) codes, ratios (B,) last step
    ratio. uniforms (T, A): row t holds turn t's Stochastic draws; one row of NaN:
    Deterministic."""
    _, a_n, d_n = x0.shape
    bargn = opts[7]
    g_n = 2 * a_n if bargn == 1 else a_n  # bargain slots: InitRcvrInterp has two per initiator
    o_n = g_n + 1
    mats = np.empty((7, o_n, o_n))  # u0, c, vm, work, wu, pos, neg
    vecs = np.empty((5, o_n))  # win / prob, buf, buf2, colsum, row
    ints = np.empty((3, o_n), dtype=np.int64)  # 0..A, queue, reps
    for o in range(o_n):
        ints[0, o] = o
    x, y = np.empty((a_n, d_n)), np.empty((a_n, d_n))
    xn, yn = np.empty((a_n, d_n)), np.empty((a_n, d_n))
    dist, perc, own = np.empty((a_n, a_n)), np.empty((a_n, a_n)), np.empty((a_n, a_n))
    ut, at, bt = np.empty((a_n, a_n)), np.empty((a_n, a_n)), np.empty((a_n, a_n))
    gain, pwin = np.empty((a_n, a_n)), np.empty((a_n, a_n))
    risk, vbuf, pbuf = np.empty(a_n), np.empty(a_n), np.empty(a_n)
    e, wt, steps = np.empty(2 * a_n), np.empty(a_n), np.empty(a_n)
    dbuf = np.empty(d_n)
    vals = np.empty((o_n, a_n))  # option by option, as queues._option_coalitions
    pos_init, pos_rcvr = np.zeros((d_n, g_n)), np.zeros((d_n, g_n))  # issue by issue
    j_init, j_rcvr = np.zeros((d_n, a_n)), np.zeros((d_n, a_n))  # the receiver's view
    u_i, u_r = np.empty(g_n), np.empty(g_n)
    s_init = np.zeros(g_n, dtype=np.int64)
    s_tgt = np.zeros(g_n, dtype=np.int64)
    s_has = np.zeros(g_n, dtype=np.bool_)
    xt = np.empty((d_n, a_n))
    has = np.zeros(a_n, dtype=np.bool_)
    tgt = np.zeros(a_n, dtype=np.int64)
    twin = np.zeros(a_n, dtype=np.int64)
    stochastic = not math.isnan(uniforms[0, 0])
    for slot in range(start, stop):
        b = order[slot]
        sal_b, s2_b, den_b, cap_b = sal[b], s2[b], den[b], cap[b]
        alike = False  # any two actors alike in saliences and capability (twins.fixed_twins)
        for i in range(a_n):
            for j in range(i):
                same = cap_b[i] == cap_b[j]
                for k in range(d_n):
                    same = same and sal_b[i, k] == sal_b[j, k]
                alike = alike or same
        x[:, :] = x0[b]
        y[:, :] = x0[b]
        _assess(x, y, s2_b, den_b, cap_b, opts, mats, vecs, ints, xt, dist, risk, perc, own)
        turn = 0
        first = 0.0
        ratio = 0.0
        code = NO_ROUNDS
        while turn < max_turns:
            _challenges(dist, perc, w[b], tsal[b], opts, ut, at, bt, vbuf, pbuf, e, wt, gain, pwin)
            if alike:
                _twins(x, y, sal_b, cap_b, twin)
            else:
                for i in range(a_n):
                    twin[i] = i
            for i in range(a_n):  # the first best target (KTAB bestChallenge), twins as one
                best = -math.inf
                has[i] = False
                tgt[i] = 0
                for j in range(a_n):
                    if twin[j] == twin[i]:
                        continue
                    g = gain[i, twin[j]]
                    if g > _MIN_SIG_GAIN and g > best:
                        best = g
                        tgt[i] = j
                        has[i] = True
                if has[i]:
                    j = tgt[i]
                    p_ij = pwin[i, twin[j]]
                    g = 2 * i if bargn == 1 else i
                    _interpolate(opts[6], x, sal_b, i, j, p_ij, pos_init, pos_rcvr, g)
                    if bargn > 0:  # turn.step: the target's own estimate of i's chance
                        p_ji = _chance(dist, perc, w[b], opts, j, i, j, e, vbuf, pbuf)
                        if bargn == 1:  # InitRcvrInterp: both views are bargains
                            _interpolate(opts[6], x, sal_b, i, j, p_ji, pos_init, pos_rcvr, g + 1)
                        else:  # PWCompInterp: capability x salience weighted compromise
                            _interpolate(opts[6], x, sal_b, i, j, p_ji, j_init, j_rcvr, i)
                            w_i, w_j = w[b, i], w[b, j]
                            for k in range(d_n):
                                pos_init[k, i] = (w_i * pos_init[k, i] + w_j * j_init[k, i]) / (
                                    w_i + w_j
                                )
                                pos_rcvr[k, i] = (w_i * pos_rcvr[k, i] + w_j * j_rcvr[k, i]) / (
                                    w_i + w_j
                                )
            for g in range(g_n):
                i = g // 2 if bargn == 1 else g
                s_init[g], s_tgt[g], s_has[g] = i, tgt[i], has[i]
            for a in range(a_n):  # queues.bargain_values, every slot (empty ones unused)
                base = _pw_block(own[a], 0, a_n) if a_n <= 128 else _pw_long(own[a], 0, a_n)
                vals[0, a] = base / a_n
                _distance_row(y, a, s2_b, den_b, pos_init, u_i)
                _distance_row(y, a, s2_b, den_b, pos_rcvr, u_r)
                r_a = risk[a]
                for g in range(g_n):
                    v = base - own[a, s_init[g]] - own[a, s_tgt[g]]
                    v = v + _utility(u_i[g], r_a) + _utility(u_r[g], r_a)
                    vals[1 + g, a] = v / a_n
            uniform = uniforms[turn] if stochastic else uniforms[0]
            _resolve(x, vals, cap_b, s_has, s_init, s_tgt, pos_init, pos_rcvr, opts, uniform, mats, vecs,
                     ints[1], xn)  # fmt: skip
            for i in range(a_n):  # ideals: y' = A x' + (1 - sum A) y, sums in actor order
                for d in range(d_n):
                    pulled = acc[i, 0] * xn[0, d]
                    for j in range(1, a_n):
                        pulled += acc[i, j] * xn[j, d]
                    yn[i, d] = pulled + lag[i] * y[i, d]
            for i in range(a_n):  # KTAB stateDist: sum_i ||x_i(t) - x_i(t-1)||
                for d in range(d_n):
                    t = xn[i, d] - x[i, d]
                    dbuf[d] = t * t
                steps[i] = math.sqrt(
                    _pw_block(dbuf, 0, d_n) if d_n <= 128 else _pw_long(dbuf, 0, d_n)
                )
            moved = _pw_block(steps, 0, a_n) if a_n <= 128 else _pw_long(steps, 0, a_n)
            x, xn = xn, x
            y, yn = yn, y
            turn += 1
            _assess(x, y, s2_b, den_b, cap_b, opts, mats, vecs, ints, xt, dist, risk, perc, own)
            if turn == 1:
                first = moved
            base_move = first + reals[1]
            ratio = moved / base_move if base_move > 0 else 0.0
            if turn >= min_turns and ratio < reals[0]:
                code = CONVERGED
                break
            if turn >= max_turns:
                code = ROUND_LIMIT
                break
        _forecast(x, own, cap_b, opts, reals[2], mats, vecs, ints[2], dbuf, forecast[b])
        rounds[b] = turn
        status[b] = code
        ratios[b] = ratio
