"""Scenarios as patches on a base case."""

from __future__ import annotations

import numpy as np
import pytest
from casebuilders import make_case

from parley.case import case_arrays
from parley.errors import ScenarioError
from parley.models import get_model
from parley.scenarios import apply_scenario

SCENARIOS = [
    {"name": "stronger-b", "set": [{"actor": "b", "capability": 3}]},
    {"name": "b-cares-less", "set": [{"actor": "b", "issue": "x", "salience": 0.25}]},
    {
        "name": "newcomer",
        "add_actors": [
            {"id": "n", "capability": 2, "stances": {"x": {"position": 0, "salience": 1}}}
        ],
    },
    {"name": "without-a", "drop_actors": ["a"]},
    {"name": "bad", "set": [{"actor": "b", "issue": "x", "position": 20}]},
    {"name": "b-doubled", "set": [{"actor": "b", "capability_factor": 2}]},
    {"name": "b-doubled-on-x", "set": [{"actor": "b", "issue": "x", "capability_factor": 2}]},
    {"name": "both", "set": [{"actor": "b", "capability": 2, "capability_factor": 2}]},
]


def _case():
    return make_case(
        positions={"a": {"x": 0}, "b": {"x": 10}},
        salience={"a": {"x": 1}, "b": {"x": 1}},
        capability={"a": 1, "b": 1},
        bounds={"x": (0, 10)},
        scenarios=SCENARIOS,
    )


def _compromise(case):
    return get_model("compromise").run(case_arrays(case)).forecast[0, 0]


def test_base_case_by_hand():
    assert _compromise(_case()) == pytest.approx(5.0)  # (1*0 + 1*10)/2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stronger-b", 7.5),  # (1*0 + 3*10)/4
        ("b-cares-less", 2.0),  # (1*0 + .25*10)/1.25
        ("newcomer", 10 / 4),  # (0 + 10 + 2*0)/4
        ("without-a", 10.0),
        ("b-doubled", 20 / 3),  # (1*0 + 2*10)/3
        ("b-doubled-on-x", 20 / 3),
    ],
)
def test_scenarios_patch_the_case(name, expected):
    assert _compromise(apply_scenario(_case(), name)) == pytest.approx(expected)


def test_scenario_is_validated_like_a_case():
    with pytest.raises(ScenarioError, match="position: 20 is outside"):
        apply_scenario(_case(), "bad")


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'.*stronger-b"):
        apply_scenario(_case(), "nope")


def test_base_case_untouched_by_a_scenario():
    case = _case()
    apply_scenario(case, "without-a")
    np.testing.assert_array_equal(case_arrays(case).positions, [[[0.0], [10.0]]])


def test_capability_factor_keeps_issue_specific_capabilities_in_proportion():
    # b: capability 1 overall but 3 on x. Doubling keeps the issue-specific value: 6 on x, 2 on y.
    case = make_case(
        positions={"a": {"x": 0, "y": 0}, "b": {"x": 10, "y": 10}},
        salience={"a": {"x": 1, "y": 1}, "b": {"x": 1, "y": 1}},
        capability={"a": 1, "b": 1},
        bounds={"x": (0, 10), "y": (0, 10)},
        scenarios=[{"name": "double", "set": [{"actor": "b", "capability_factor": 2}]}],
    )
    stances = case.model_dump()["stances"]
    stances["b"]["x"]["capability"] = {"value": 3, "low": 2, "high": 4}
    case = case.model_validate({**case.model_dump(), "stances": stances})
    patched = apply_scenario(case, "double")
    assert patched.stances["b"]["x"].capability.model_dump() == {
        "value": 6,
        "low": 4,
        "high": 8,
        "distribution": None,
    }
    # x: (1*0 + 6*10)/7; y: (1*0 + 2*10)/3
    forecast = get_model("compromise").run(case_arrays(patched)).forecast[0]
    np.testing.assert_allclose(forecast, [60 / 7, 20 / 3])


def test_capability_and_factor_together_is_an_error():
    with pytest.raises(ScenarioError, match="capability or capability_factor, not both"):
        apply_scenario(_case(), "both")
