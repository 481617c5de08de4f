"""What every registered model owes the rest of parley, checked on every model (later ones too)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from casebuilders import make_case

from parley.case import case_arrays
from parley.errors import ModelError
from parley.models import STATUSES, compiled, get_model, model_names

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
    assert out.message


# what each model reports on CASE with its defaults: the baselines and combined have no rounds,
# exchange plays its 10 fixed rounds, eum its 10 fixed rounds (stop="rounds"), smp stops by
# KTAB's step-ratio rule well before its 100-turn cap
EXPECTED_STATUS = {
    "compromise": "no_rounds",
    "mean": "no_rounds",
    "median": "no_rounds",
    "combined": "no_rounds",
    "eum": "fixed_rounds",
    "exchange": "fixed_rounds",
    "smp": "converged",
}


@pytest.mark.parametrize("name", model_names())
def test_status_and_rounds_per_member(outcomes, name):
    out = outcomes[name]
    assert out.status.shape == (1,) and out.rounds.shape == (1,)
    assert out.status[0] in STATUSES
    assert out.status[0] == EXPECTED_STATUS[name]
    assert out.rounds.dtype.kind == "i"
    assert out.rounds[0] == out.history.shape[1] - 1  # the history holds every round played
    assert (out.rounds[0] == 0) == (out.status[0] == "no_rounds")


@pytest.mark.parametrize("name", model_names())
def test_the_model_labels_its_answer_and_serialises_it(outcomes, name):
    out = outcomes[name]
    arrays = case_arrays(CASE)
    assert out.actor_ids == ("a", "b", "c", "d") and out.issue_ids == ("agree", "split", "other")
    np.testing.assert_array_equal(out.mask, arrays.mask)
    obj = json.loads(json.dumps(out.to_json(), allow_nan=False))
    assert obj["status"] == EXPECTED_STATUS[name] and obj["stop_reason"] == out.message
    assert list(obj["forecast"]) == ["agree", "split", "other"]
    assert obj["rounds"][0]["positions"]["d"]["agree"] is None  # d holds no position there
    assert len(obj["rounds"]) == out.rounds[0] + 1


@pytest.mark.parametrize("name", model_names())
def test_forecast_detail_is_lean_and_equal(outcomes, name):
    full = outcomes[name]
    lean = get_model(name).run(case_arrays(CASE), detail="forecast")
    assert lean.detail == "forecast" and lean.history is None
    assert not lean.events and not lean.summaries and not lean.extra
    # a compiled forecast-only kernel agrees to round-off (parley.models.compiled); the array-API
    # forecast-only path is the full run's, bit for bit
    np.testing.assert_allclose(lean.forecast, full.forecast, rtol=0, atol=1e-9)
    with compiled.disabled():
        plain = get_model(name).run(case_arrays(CASE), detail="forecast")
    np.testing.assert_array_equal(plain.forecast, full.forecast)
    assert lean.status.tolist() == full.status.tolist()
    assert lean.rounds.tolist() == full.rounds.tolist()
    obj = lean.to_json()
    assert obj["rounds_played"] == full.rounds[0] and obj["status"] == full.status[0]


@pytest.mark.parametrize("name", model_names())
def test_unknown_detail_is_an_error(name):
    with pytest.raises(ModelError, match="detail must be one of full, forecast"):
        get_model(name).run(case_arrays(CASE), detail="summary")
