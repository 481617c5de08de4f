"""Baseline forecasts: the weighted mean (compromise model), the plain mean and the weighted median.

Written against the array API (array_api_compat) so the same kernels run on NumPy or GPU arrays.

The literature finds these hard to beat (Achen 2006; Thomson et al. 2006), so they are reported
beside every bargaining model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_numpy_namespace

from parley.case.arrays import CaseArrays
from parley.models import compiled
from parley.models.outcome import Detail, Outcome, check_detail, labels
from parley.models.registry import register
from parley.models.status import NO_ROUNDS, statuses


def static_outcome(arrays: CaseArrays, forecast: Any, detail: Detail, **extra: Any) -> Outcome:
    """The Outcome of a model without rounds: the history is the input alone."""
    check_detail(detail)
    n_b = arrays.shape[0]
    out = Outcome(
        forecast=forecast,
        status=statuses(NO_ROUNDS, n_b),
        rounds=np.zeros(n_b, dtype=int),
        message="no rounds",
        **labels(arrays),
        history=arrays.positions[:, None, ...],
        **extra,
    )
    return out if detail == "full" else out.lean()


def weighted_mean(arrays: CaseArrays) -> np.ndarray:
    """(B, I) capability x salience weighted mean of positions over the actors holding one.

    Where every actor holding a position has salience 0, salience carries no information and the
    capability-weighted mean is used instead (no division by zero).
    """
    xp = array_namespace(arrays.positions)
    w = arrays.weights
    total = actor_sum(xp, w)
    if not bool(xp.all(total > 0)):  # rare: only then build the fallback weights
        w = _salience_or_capability_weights(arrays)
        total = actor_sum(xp, w)
    return actor_sum(xp, w * arrays.positions) / total


def actor_sum(xp: Any, values: Any) -> Any:
    """Sum of (B, A, I) values over the actor axis, (B, I).

    With several issues NumPy reduces the middle axis in inner loops of I elements (five on the
    seed case), several times the cost of a pass over the data; `einsum` makes the same additions
    in the same order (actor by actor) in one sweep, about 5x faster on (20,000, 17, 5). With one
    issue the actor axis is contiguous and `sum` is fast and pairwise (accurate for thousands of
    actors), as it is in other array libraries.
    """
    if is_numpy_namespace(xp) and values.shape[2] > 1:
        return np.einsum("bai->bi", values)
    return xp.sum(values, axis=1)


def _salience_or_capability_weights(arrays: CaseArrays):
    """capability x salience, or capability alone on issues where every salience is zero."""
    xp = array_namespace(arrays.positions)
    w = arrays.weights
    total = actor_sum(xp, w)[:, None, :]
    if bool(xp.all(total > 0)):
        return w
    return xp.where(total > 0, w, arrays.capability * xp.astype(arrays.mask, w.dtype))


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median along axis 1 of (B, A, I) arrays: the lowest position at which the
    cumulative weight reaches half the total (the convention of the DEU III literature).

    Zero-weight entries never decide the median. In one dimension with single-peaked preferences
    this is the position no majority of weight can beat (Black 1948).
    """
    xp = array_namespace(positions, weights)
    order = xp.argsort(positions, axis=1, stable=True)
    cum = xp.cumulative_sum(xp.take_along_axis(weights, order, axis=1), axis=1)
    reached = xp.astype(cum >= cum[:, -1:, :] / 2 * (1 - 1e-12), xp.int8)
    idx = xp.argmax(reached, axis=1)[:, None, :]  # in sorted order; the actor is order[idx]
    actor = xp.take_along_axis(order, idx, axis=1)
    return xp.take_along_axis(positions, actor, axis=1)[:, 0, :]


@register("compromise", separable_issues=True)
@dataclass(frozen=True)
class Compromise:
    """The compromise model: capability x salience weighted mean of positions.

    It is the Nash bargaining solution when every actor's loss is quadratic in distance and
    weighted by capability x salience (Achen 2006, "Institutional realism and bargaining models",
    in Thomson et al., The European Union Decides, eq. 4.3).

    forecast_i = sum_a c_ai s_ai x_ai / sum_a c_ai s_ai. With `a` at 0 (capability 3) and `b` at
    100 (capability 1), both fully salient: (3 x 0 + 1 x 100) / 4 = 25.

    >>> from parley.models.examples import two_actor_arrays
    >>> Compromise().run(two_actor_arrays()).forecast.tolist()
    [[25.0]]
    """

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        return static_outcome(arrays, weighted_mean(arrays), detail)


# heads, not capabilities: no basis to judge fronts
@register("mean", uses_capability=False, separable_issues=True)
@dataclass(frozen=True)
class Mean:
    """The unweighted mean of the positions of the actors that hold one (a naive baseline).

    >>> from parley.models.examples import two_actor_arrays
    >>> Mean().run(two_actor_arrays()).forecast.tolist()
    [[50.0]]
    """

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        xp = array_namespace(arrays.positions)
        m = xp.astype(arrays.mask, arrays.positions.dtype)
        forecast = actor_sum(xp, arrays.positions * m) / xp.sum(m, axis=0)
        return static_outcome(arrays, forecast, detail)


@register("median", separable_issues=True)
@dataclass(frozen=True)
class Median:
    """The capability x salience weighted median: the lowest position where cumulative weight
    reaches half (Black's median voter with weighted votes; Thomson et al. 2006).

    With weights 3 at 0 and 1 at 100, half the total (2) is reached at 0:

    >>> from parley.models.examples import two_actor_arrays
    >>> Median().run(two_actor_arrays()).forecast.tolist()
    [[0.0]]

    Forecast-only runs on NumPy arrays use the compiled weighted median when numba is there
    (`parley.models.compiled_median`: the same numbers, bit for bit, the weights computed in it).
    """

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        if detail == "forecast" and compiled.enabled() and isinstance(arrays.positions, np.ndarray):
            from parley.models.compiled_median import median_forecast  # numba: where it is used

            a = arrays
            return static_outcome(
                a, median_forecast(a.positions, a.capability, a.salience, a.mask), detail
            )
        w = _salience_or_capability_weights(arrays)
        return static_outcome(arrays, weighted_median(arrays.positions, w), detail)
