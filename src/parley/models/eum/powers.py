"""base ** r over whole arrays in compiled code, as exp(r log base) with loops the compiler
vectorises: eum's compiled kernel spends most of its round on these powers.

Why: a round of eum with 20 actors takes about 1,200 powers (the votes' G = c s d^r and the
utilities' (0.5 -+ 0.5 d)^r), and libm's `pow`, called one value at a time, costs ~25 ns each:
three quarters of the round. Written as plain arithmetic on arrays (no calls, no branches), the
logarithm and the exponential below compile to SIMD code several values at a time.

Accuracy: `log_into` and `exp_into` are the classic fdlibm algorithms (Sun Microsystems' e_log.c
and e_exp.c: argument reduction by powers of two and ln 2, a minimax polynomial, errors below
one ulp). exp(r log b) then differs from the correctly rounded b^r by about |r log b| ulp, which
for the utilities' bases in [0, 1] and r in [0.5, 2] is at most a few 1e-16 in absolute terms:
round-off, as between NumPy's vectorised `**` and libm's (tests/test_eum_powers.py measures it).
b = 0 gives 0 (every r > 0); b must not be negative (eum's bases never are).

Each function writes into arrays it is given (no allocation in a round); `y` and `out` of
`exp_into` must be different arrays (in place, the compiler cannot vectorise the loop).

>>> import numpy as np
>>> base, r = np.array([0.25, 0.0, 1.0]), np.array([0.5, 2.0, 1.7])
>>> logs, out, bits = np.empty(3), np.empty(3), np.empty(3, dtype=np.int64)
>>> log_into(base, logs, bits)
>>> exp_into(r * logs, out, bits)
>>> out.tolist()
[0.5, 0.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from parley.models import compiled

# fdlibm e_log.c: log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f)
LG1 = 6.666666666666735130e-01
LG2 = 3.999999999940941908e-01
LG3 = 2.857142874366239149e-01
LG4 = 2.222219843214978396e-01
LG5 = 1.818357216161805012e-01
LG6 = 1.531383769920937332e-01
LG7 = 1.479819860511658591e-01
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
# fdlibm e_exp.c: exp(r) = 1 + r + r c / (2 - c), c = r - r^2 (P1 + r^2 (P2 + ...))
P1 = 1.66666666666666019037e-01
P2 = -2.77777777770155933842e-03
P3 = 6.61375632143793436117e-05
P4 = -1.65339022054652515390e-06
P5 = 4.13813679705723846039e-08
INV_LN2 = 1.44269504088896338700e00
SMALLEST_NORMAL = 2.2250738585072014e-308
LOWEST = -708.0
"""exp of anything below is 0: only subnormal results (below 2.2e-308) are lost, and none is
ever made (a subnormal operand costs a CPU a hundred cycles)."""
LOG_ZERO = -1e300
"""log_into's log 0: times any r in (0, 2] it lies below LOWEST, so 0^r comes out 0."""


@compiled.jit
def log_into(x: np.ndarray, out: np.ndarray, bits: np.ndarray) -> None:
    """out = log(x) for x >= 0 (1-D, contiguous; x = 0 gives LOG_ZERO). bits: int64 scratch of len(x). Three passes, each one vectorised."""
    n = x.shape[0]
    for k in range(n):  # subnormals scaled into the normal range by 2^54
        v = x[k]
        out[k] = v * 18014398509481984.0 if v < SMALLEST_NORMAL else v
    words = out.view(np.int64)
    for k in range(n):  # exponent and mantissa, the mantissa reduced to [sqrt(2)/2, sqrt(2))
        ix = words[k]
        top = (ix >> 32) + (0x3FF00000 - 0x3FE6A09E)
        bits[k] = (((top & 0x000FFFFF) + 0x3FE6A09E) << 32) | (ix & 0xFFFFFFFF)
        out[k] = float((top >> 20) - 0x3FF - (54 if x[k] < SMALLEST_NORMAL else 0))
    m = bits.view(np.float64)
    for k in range(n):
        f = m[k] - 1.0
        hfsq = 0.5 * f * f
        s = f / (2.0 + f)
        z = s * s
        w = z * z
        t1 = w * (LG2 + w * (LG4 + w * LG6))
        t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
        dk = out[k]
        value = s * (hfsq + (t2 + t1)) + dk * LN2_LO - hfsq + f + dk * LN2_HI
        out[k] = value if x[k] > 0.0 else LOG_ZERO


@compiled.jit
def exp_into(y: np.ndarray, out: np.ndarray, bits: np.ndarray) -> None:
    """out = exp(y) (1-D, contiguous, out not y) for y <= 709; below LOWEST it is 0.
    bits: int64 scratch of len(y). Two passes, each one vectorised: the reduced exponential, then
    its scale 2^k, made as the bits of a double (k lies in [-1021, 1023] for y in [LOWEST, 709],
    so 2^k and the result are normal and the product is exact)."""
    n = y.shape[0]
    for k in range(n):
        v = min(max(y[k], LOWEST), 709.0)
        kf = np.floor(v * INV_LN2 + 0.5)
        hi = v - kf * LN2_HI
        lo = kf * LN2_LO
        r = hi - lo
        t = r * r
        c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))))
        out[k] = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
        bits[k] = (np.int64(kf) + 1023) << 52
    scale = bits.view(np.float64)
    for k in range(n):
        out[k] = out[k] * scale[k] if y[k] >= LOWEST else 0.0
