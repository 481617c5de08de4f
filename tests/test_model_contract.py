"""What every registered model owes the rest of parley, checked on every model (later ones too)."""

from __future__ import annotations

import numpy as np
import pytest
from casebuilders import make_case

from parley.case import case_arrays
from parley.models import get_model, model_names

# Issue "agree": every actor holding a position takes 30 (a warning, not an error); actor "d"
# takes no position on "agree"; issue "split" is on a 1-5 scale.
CASE = make_case(
    positions={
        "a": {"agree": 30, "split": 1, "other": 10},
        "b": {"agree": 30, "split": 5, "other": 90},
        "c": {"agree": 30, "split": 2, "other": 60},
        "d": {"split": 4, "other": 20},
    },
    salience={
        "a": {"agree": 0.5, "split": 0.9, "other": 0.3},
        "b": {"agree": 0.7, "split": 0.4, "other": 0.8},
        "c": {"agree": 0.2, "split": 0.6, "other": 0.5},
        "d": {"split": 0.8, "other": 0.6},
    },
    capability={"a": 3, "b": 2, "c": 1, "d": 2},
    bounds={"agree": (0, 100), "split": (1, 5), "other": (0, 100)},
)


@pytest.fixture(scope="module")
def outcomes():
    arrays = case_arrays(CASE)
    return {name: get_model(name).run(arrays) for name in model_names()}


@pytest.mark.parametrize("name", model_names())
def test_agreed_issue_forecasts_that_point(outcomes, name):
    assert outcomes[name].forecast[0, 0] == pytest.approx(30.0, abs=1e-9)


@pytest.mark.parametrize("name", model_names())
def test_forecasts_are_finite_and_within_bounds(outcomes, name):
    forecast = outcomes[name].forecast[0]
    assert np.all(np.isfinite(forecast))
    assert np.all(forecast >= [0, 1, 0]) and np.all(forecast <= [100, 5, 100])


@pytest.mark.parametrize("name", model_names())
def test_history_starts_with_the_input(outcomes, name):
    out = outcomes[name]
    arrays = case_arrays(CASE)
    assert out.history.shape[0] == 1 and out.history.shape[2:] == (4, 3)
    held = arrays.mask
    np.testing.assert_allclose(out.history[0, 0][held], arrays.positions[0][held])
    assert out.stop_reason
