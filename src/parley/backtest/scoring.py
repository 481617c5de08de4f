"""Forecast accuracy: error summaries and the paired comparison with a reference model.

Errors are absolute differences between forecast and outcome on the 0-100 scale (each issue's range
mapped to 0-100; DEU III issues are on 0-100 already).

Beside the mean, the summaries carry losses on which models may rank differently: the median
absolute error and the hit rates `hit5` and `hit10`, the shares of issues forecast within 5 and 10
points of the outcome (an error equal to the threshold, within round-off `TIE`, is a hit).

The paired comparison with the reference (the compromise model) uses the issues both forecast:

- `mean_diff`: mean over issues of |model error| - |reference error| (negative: the model is closer);
- `ci95`: a 95% percentile interval for `mean_diff` from a seeded cluster bootstrap that resamples
  whole groups (proposals), because the issues of one proposal are decided together; with one issue
  per group it is the ordinary bootstrap over issues;
- `win_rate`: the share of issues on which the model is strictly closer to the outcome, a tie
  (errors equal within `TIE`) counting one half, so that the reference against itself scores 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TIE = 1e-9
HITS = {"hit5": 5.0, "hit10": 10.0}
N_BOOT = 2000
SEED = 20240607


def error_summary(abs_errors: np.ndarray) -> dict[str, float | int | None]:
    """n, MAE, RMSE, median absolute error and hit rates of absolute errors (None when there are none).

    >>> error_summary(np.array([2.0, 5.0, 8.0, 30.0]))["hit5"]
    0.5
    """
    e = np.asarray(abs_errors, dtype=float)
    if e.size == 0:
        return {"n": 0, "mae": None, "rmse": None, "median_ae": None, **dict.fromkeys(HITS)}
    return {
        "n": int(e.size),
        "mae": float(e.mean()),
        "rmse": float(np.sqrt((e**2).mean())),
        "median_ae": float(np.median(e)),
        **{key: float(np.mean(e <= limit + TIE)) for key, limit in HITS.items()},
    }


def paired_comparison(
    model_errors: np.ndarray,
    reference_errors: np.ndarray,
    groups: Sequence[str],
    seed: int = SEED,
    n_boot: int = N_BOOT,
) -> dict[str, object]:
    """mean_diff, its cluster-bootstrap ci95 and win_rate of a model against the reference."""
    m = np.asarray(model_errors, dtype=float)
    r = np.asarray(reference_errors, dtype=float)
    if m.size == 0:
        return {"mean_diff": None, "ci95": [None, None], "win_rate": None}
    diff = m - r
    closer = np.where(np.abs(diff) <= TIE, 0.5, (diff < 0).astype(float))
    return {
        "mean_diff": float(diff.mean()),
        "ci95": bootstrap_ci(diff, groups, seed, n_boot),
        "win_rate": float(closer.mean()),
    }


def bootstrap_ci(
    values: np.ndarray, groups: Sequence[str], seed: int = SEED, n_boot: int = N_BOOT
) -> list[float]:
    """95% percentile interval of the mean of `values`, resampling whole groups with replacement.

    Each replicate draws as many groups as there are (multinomial counts) and takes the mean over
    all issues of the drawn groups; the generator is seeded, so the interval is reproducible.
    """
    labels, index = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    n_g = labels.size
    sums = np.bincount(index, weights=values, minlength=n_g)
    counts = np.bincount(index, minlength=n_g).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_g, np.full(n_g, 1.0 / n_g), size=n_boot).astype(float)
    means = (draws @ sums) / (draws @ counts)
    lo, hi = np.quantile(means, [0.025, 0.975])
    return [float(lo), float(hi)]
