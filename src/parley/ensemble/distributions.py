"""The distributions of uncertain inputs, as inverse CDFs: uniforms in (0, 1) become values.

Drawing by the inverse CDF keeps a member's values a fixed function of its uniforms (reproducible
whatever the chunking) and lets a Gaussian copula correlate inputs without touching their marginals.

- `triangular(low, mode, high)`: density rising linearly from `low` to the mode and falling to
  `high` (the default for `{value, low, high}`, mode = value).
- `pert`: beta-PERT (Malcolm et al. 1959; Vose, *Risk Analysis*, 2008): a beta distribution on
  `low..high` with shape parameters `alpha = 1 + 4 (mode - low) / (high - low)` and
  `beta = 1 + 4 (high - mode) / (high - low)`, mean `(low + 4 mode + high) / 6`: less weight on the
  extremes than the triangular.
- `uniform`: flat between `low` and `high` (the mode plays no part).

>>> import numpy as np
>>> u = np.array([[0.0, 0.2, 1.0]]).T  # the triangular's CDF at its mode 2 is 2 / 10
>>> ppf(u, np.array([0.0]), np.array([2.0]), np.array([10.0]), ["triangular"]).ravel().tolist()
[0.0, 2.0, 10.0]
>>> u = np.array([[0.0, 0.5, 1.0]]).T
>>> ppf(u, np.array([0.0]), np.array([5.0]), np.array([10.0]), ["pert"]).ravel().tolist()
[0.0, 5.0, 10.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import betaincinv

from parley.case.schema import Distribution

DISTRIBUTIONS: tuple[Distribution, ...] = ("triangular", "pert", "uniform")


def pert_shape(
    low: np.ndarray, mode: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The beta shape parameters (alpha, beta) of beta-PERT on low..high with the given mode."""
    width = high - low
    return 1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width


def ppf(
    u: np.ndarray,
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    kinds: Sequence[Distribution],
) -> np.ndarray:
    """Quantiles of each column's distribution: `u` is (B, K) in [0, 1]; `low`, `mode`, `high` are
    (K,) with low <= mode <= high and low < high; `kinds[k]` names column k's distribution."""
    u = np.asarray(u, dtype=float)
    low, mode, high = (np.asarray(v, dtype=float) for v in (low, mode, high))
    out = np.empty_like(u)
    kinds_arr = np.asarray(kinds, dtype=object)
    for kind in DISTRIBUTIONS:
        cols = np.flatnonzero(kinds_arr == kind)
        if cols.size:
            a, m, b = low[cols], mode[cols], high[cols]
            out[:, cols] = _PPF[kind](u[:, cols], a, m, b)
    unknown = set(kinds_arr.tolist()) - set(DISTRIBUTIONS)
    if unknown:
        raise ValueError(f"unknown distribution {sorted(unknown)}")
    return out


def _triangular(u, a, m, b):
    width = b - a
    left = u * width < (m - a)  # u below the CDF at the mode, (m - a) / (b - a)
    rising = a + np.sqrt(u * width * (m - a))
    falling = b - np.sqrt((1 - u) * width * (b - m))
    return np.where(left, rising, falling)


def _pert(u, a, m, b):
    alpha, beta = pert_shape(a, m, b)
    return a + (b - a) * betaincinv(alpha, beta, u)


def _uniform(u, a, m, b):
    return a + u * (b - a)


_PPF = {"triangular": _triangular, "pert": _pert, "uniform": _uniform}
