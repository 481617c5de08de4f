"""The compiled weighted median (the `median` model's forecast-only path) equals
`baselines.weighted_median` exactly, ties included: the same stable order, cumulative sums and
threshold. Hand-worked cases fix the tie rule itself."""

from __future__ import annotations

import numpy as np
import pytest

from parley.case.arrays import CaseArrays
from parley.models import compiled, get_model
from parley.models.baselines import weighted_median
from parley.models.compiled_median import median_forecast


def column(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float)[None, :, None]


def compiled_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The compiled median of positions x with weights w (capabilities w, saliences 1)."""
    return median_forecast(x, w, np.ones_like(w), np.ones(x.shape[1:], dtype=bool))


@pytest.mark.parametrize(
    ("x", "w", "expected"),
    [
        # weights 1, 1, 1, 1 at 10, 20, 30, 40: cumulative 1, 2 reaches half (2) at 20
        ([40, 10, 30, 20], [1, 1, 1, 1], 20.0),
        # equal positions keep their actor order: 20 (w 1), 20 (w 2) -> 3 of 6 reached at 20
        ([20, 50, 20, 10], [1, 2, 2, 1], 20.0),
        # zero weights never decide: 0 (w 0) is skipped, 5 reaches 1 of 2
        ([0, 5, 9], [0, 1, 1], 5.0),
        # every weight zero: half of 0 is reached at the lowest position
        ([7, 3, 9], [0, 0, 0], 3.0),
        # half reached exactly at a boundary (1 + 2 = 3 of 6): the lower position
        ([1, 2, 3], [1, 2, 3], 2.0),
    ],
)
def test_hand_worked_medians(x: list[float], w: list[float], expected: float) -> None:
    assert weighted_median(column(x), column(w))[0, 0] == expected
    assert compiled_median(column(x), column(w))[0, 0] == expected


@pytest.mark.parametrize("ties", [True, False])
def test_equal_to_the_array_api_median_bit_for_bit(ties: bool) -> None:
    rng = np.random.default_rng(7)
    shape = (3000, 17, 5)
    if ties:  # few distinct positions and weights: ties of positions and of cumulative sums
        x = rng.integers(0, 4, shape).astype(float)
        w = rng.integers(0, 3, shape) * 0.1
    else:
        x, w = rng.uniform(0, 100, shape), rng.uniform(0, 1, shape)
    np.testing.assert_array_equal(compiled_median(x, w), weighted_median(x, w))


def test_median_model_forecast_detail_is_compiled_and_equal() -> None:
    rng = np.random.default_rng(3)
    n, a = 500, 20
    arrays = CaseArrays(
        positions=rng.integers(0, 10, (n, a, 1)).astype(float),
        salience=rng.uniform(0, 1, (n, a, 1)).round(1),
        capability=rng.integers(1, 4, (n, a, 1)).astype(float),
        mask=np.ones((a, 1), dtype=bool),
        bounds=np.array([[0.0, 10.0]]),
        actor_ids=tuple(f"a{k}" for k in range(a)),
        issue_ids=("q",),
        status_quo=np.array([np.nan]),
    )
    salience = arrays.salience.copy()
    salience[:50] = 0.0  # no salience at all: capability alone weighs (the array path's fallback)
    arrays = arrays.with_batch(salience=salience)
    model = get_model("median")
    fast = model.run(arrays, detail="forecast")
    with compiled.disabled():
        reference = model.run(arrays, detail="forecast")
    np.testing.assert_array_equal(fast.forecast, reference.forecast)
    np.testing.assert_array_equal(model.run(arrays, detail="full").forecast, fast.forecast)
