"""NumPy's pairwise summation, bit for bit, in compiled code.

Why: `np.sum` of a contiguous run of 8 or more floats does not add them left to right; it keeps
eight running sums and combines them as a tree (blocks of at most 128 terms, longer runs halved
at a multiple of 8). A compiled kernel that adds the same terms left to right gets other last
bits, and at a knife-edge of a model one ulp decides a tie: summing in NumPy's order keeps the
compiled kernels on the array-API path's numbers (and the eight sums are faster than one chain).

>>> import numpy as np
>>> values = np.random.default_rng(0).uniform(size=400)
>>> bool(pw(values, 0, 400) == np.sum(values))
True
"""

from __future__ import annotations

import numpy as np

from parley.models import compiled


@compiled.jit
def pw_block(buf, lo, n):
    """NumPy's pairwise sum of at most 128 terms buf[lo:lo + n]: in order below 8 terms, else 8
    accumulators combined as a tree, then the remainder in order."""
    if n < 8:
        res = -0.0
        for k in range(lo, lo + n):
            res += buf[k]
        return res
    r0, r1, r2, r3 = buf[lo], buf[lo + 1], buf[lo + 2], buf[lo + 3]
    r4, r5, r6, r7 = buf[lo + 4], buf[lo + 5], buf[lo + 6], buf[lo + 7]
    i = 8
    top = n - n % 8
    while i < top:
        k = lo + i
        r0 += buf[k]
        r1 += buf[k + 1]
        r2 += buf[k + 2]
        r3 += buf[k + 3]
        r4 += buf[k + 4]
        r5 += buf[k + 5]
        r6 += buf[k + 6]
        r7 += buf[k + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += buf[lo + i]
        i += 1
    return res


@compiled.jit
def pw(buf, lo, n):
    """NumPy's pairwise sum of buf[lo:lo + n] (its order of additions, bit for bit): blocks of
    at most 128 terms, longer runs halved (at a multiple of 8) and the halves added.

    Small enough to be inlined where it is called (a call that is not costs more than the sum
    of 20 terms); runs of more than 128 terms go to `pw_long`."""
    if n <= 128:
        return pw_block(buf, lo, n)
    return pw_long(buf, lo, n)


@compiled.jit
def _half(n):
    """Where NumPy splits a run of more than 128 terms: half of it, down to a multiple of 8."""
    half = n // 2
    return half - half % 8


@compiled.jit
def _pw_240(buf, lo, n):
    """`pw` of at most 240 terms: both halves are at most 127 terms (n - half <= n / 2 + 7)."""
    if n <= 128:
        return pw_block(buf, lo, n)
    half = _half(n)
    return pw_block(buf, lo, half) + pw_block(buf, lo + half, n - half)


@compiled.jit
def _pw_464(buf, lo, n):
    """`pw` of at most 464 = 2 (240 - 8) terms: halves of at most 240."""
    if n <= 128:
        return pw_block(buf, lo, n)
    half = _half(n)
    return _pw_240(buf, lo, half) + _pw_240(buf, lo + half, n - half)


@compiled.jit
def _pw_912(buf, lo, n):
    """`pw` of at most 912 = 2 (464 - 8) terms: halves of at most 464."""
    if n <= 128:
        return pw_block(buf, lo, n)
    half = _half(n)
    return _pw_464(buf, lo, half) + _pw_464(buf, lo + half, n - half)


@compiled.jit
def pw_long(buf, lo, n):
    """`pw` of more than 128 terms. Up to 912 terms (every n^2 of up to 30 actors) by the
    levels above, which allocate nothing (a kernel sums an n^2 matrix every round, and the
    explicit stack's four small arrays cost four times the sum); longer runs by `_pw_stacked`.

    >>> import numpy as np
    >>> values = np.random.default_rng(1).uniform(size=(3, 700))
    >>> [bool(pw_long(values[0], 0, k) == np.sum(values[0, :k])) for k in (129, 400, 700)]
    [True, True, True]
    """
    if n <= 912:
        return _pw_912(buf, lo, n)
    return _pw_stacked(buf, lo, n)


@compiled.jit
def _pw_stacked(buf, lo, n):
    """`pw` of any length, with an explicit stack: numba's disk cache cannot hold a recursive
    function."""
    los = np.empty(64, dtype=np.int64)
    ns = np.empty(64, dtype=np.int64)
    stage = np.zeros(64, dtype=np.int64)  # 0 new, 1 left half running, 2 right half running
    left = np.empty(64)
    top = 0
    los[0], ns[0] = lo, n
    while True:
        if ns[top] <= 128:
            val = pw_block(buf, los[top], ns[top])
            while True:  # hand the value up until a node still needs its right half
                top -= 1
                if top < 0:
                    return val
                if stage[top] == 1:
                    left[top] = val
                    stage[top] = 2
                    half = _half(ns[top])
                    los[top + 1], ns[top + 1], stage[top + 1] = los[top] + half, ns[top] - half, 0
                    top += 1
                    break
                val = left[top] + val
        else:
            stage[top] = 1
            los[top + 1], ns[top + 1], stage[top + 1] = los[top], _half(ns[top]), 0
            top += 1
