"""The input layer of ensembles: schema additions (distribution, scenario probability), the list of
uncertain inputs with default spreads, and input values applied onto batched arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parley.case import build_case, case_arrays
from parley.cli import app
from parley.ensemble import apply_inputs, check_spread, uncertain_inputs
from parley.errors import CaseError, ParleyError
from parley.io import read_case
from parley.scenarios import apply_scenario

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


def small(**extra):
    """Two actors on two issues; `a` has a stated range on position x and on its capability."""
    data = {
        "salience_scale": 100,
        "actors": [
            {"id": "a", "capability": {"value": 10, "low": 5, "high": 20}},
            {"id": "b", "capability": 30},
        ],
        "issues": [{"id": "x", "lower": 0, "upper": 10}, {"id": "y", "lower": -50, "upper": 50}],
        "stances": {
            "a": {
                "x": {"position": {"value": 4, "low": 2, "high": 8}, "salience": 60},
                "y": {"position": 0, "salience": 40, "capability": 12},
            },
            "b": {"x": {"position": 9, "salience": {"value": 50, "high": 80}}},
        },
    }
    data.update(extra)
    return build_case(data, "small.yaml")


def test_stated_ranges_in_fixed_order_with_case_default():
    found = uncertain_inputs(small())
    assert [(u.key, u.value, u.low, u.high, u.stated) for u in found] == [
        ("a.capability", 10, 5, 20, True),
        ("a.x.position", 4, 2, 8, True),
        ("b.x.salience", 50, 50, 80, True),  # a side left out is the value itself
    ]
    assert {u.distribution for u in found} == {"triangular"}
    # a's capability applies where its stance gives none: x, not y (which has 12)
    assert found[0].issues == ("x",)
    assert found[2].scale == 100


def test_case_default_and_per_value_override():
    case = small(uncertainty={"distribution": "pert"})
    data = case.model_dump()
    data["stances"]["a"]["x"]["position"]["distribution"] = "uniform"
    found = {u.key: u.distribution for u in uncertain_inputs(build_case(data))}
    assert found == {"a.capability": "pert", "a.x.position": "uniform", "b.x.salience": "pert"}


def test_spread_gives_ranges_nobody_stated_clipped_to_scales():
    found = {
        u.key: (u.low, u.high, u.stated)
        for u in uncertain_inputs(small(), {"position": 0.2, "salience": 0.1, "capability": 0.5})
    }
    assert found["a.x.position"] == (2, 8, True)  # stated ranges are kept as stated
    assert found["a.y.position"] == (-20, 20, False)  # +/- 0.2 x 100 units of scale
    assert found["b.x.position"] == (7, 10, False)  # 9 +/- 2, clipped to the upper bound 10
    assert found["a.x.salience"] == (50, 70, False)  # +/- 0.1 x the salience scale 100
    assert found["a.y.capability"] == (6, 18, False)  # +/- half of the value 12
    assert found["b.capability"] == (15, 45, False)
    assert found["b.x.salience"] == (50, 80, True)


def test_values_that_cannot_matter_are_left_out():
    data = small().model_dump()
    data["stances"]["a"]["x"]["capability"] = {"value": 3}  # a's actor capability now unused
    data["stances"]["b"]["y"] = {"position": None, "salience": {"value": 5, "low": 0, "high": 9}}
    keys = [u.key for u in uncertain_inputs(build_case(data), {"capability": 0.5})]
    assert "a.capability" not in keys
    assert not any(k.startswith("b.y") for k in keys)
    assert "a.x.capability" in keys


@pytest.mark.parametrize(
    "spread, message",
    [
        ({"weight": 0.1}, "unknown kind 'weight'"),
        ({"position": 0}, "expected a fraction > 0"),
        ({"position": float("nan")}, "expected a fraction > 0"),
        ({"capability": 1.0}, "below 1"),
        ({"salience": "x"}, "expected a number"),
    ],
)
def test_bad_spread_is_one_error(spread, message):
    with pytest.raises(ParleyError, match=message):
        check_spread(spread)


def test_apply_inputs_sets_each_member_and_keeps_the_rest():
    case = small()
    inputs = uncertain_inputs(case, {"salience": 0.1})
    keys = [u.key for u in inputs]
    values = np.tile([u.value for u in inputs], (3, 1))
    values[0, keys.index("a.capability")] = 5.0
    values[1, keys.index("a.x.position")] = 7.5
    values[2, keys.index("b.x.salience")] = 80.0
    base = case_arrays(case)
    out = apply_inputs(case, inputs, values)
    assert out.positions.shape == (3, 2, 2)
    expected_cap = np.repeat(base.capability, 3, axis=0)
    expected_cap[0, 0, 0] = 5.0  # actor-level capability on x only: y keeps its own 12
    np.testing.assert_array_equal(out.capability, expected_cap)
    expected_pos = np.repeat(base.positions, 3, axis=0)
    expected_pos[1, 0, 0] = 7.5
    np.testing.assert_array_equal(out.positions, expected_pos)
    expected_sal = np.repeat(base.salience, 3, axis=0)
    expected_sal[2, 1, 0] = 0.8  # 80 on the 0-100 scale
    np.testing.assert_array_equal(out.salience, expected_sal)
    np.testing.assert_array_equal(out.mask, base.mask)


def test_apply_inputs_at_the_values_is_the_case():
    case = read_case(SEED)
    inputs = uncertain_inputs(case)
    out = apply_inputs(case, inputs, np.array([[u.value for u in inputs]]))
    base = case_arrays(case)
    for name in ("positions", "salience", "capability"):
        np.testing.assert_array_equal(getattr(out, name), getattr(base, name))


def test_apply_inputs_checks_the_shape():
    case = small()
    with pytest.raises(ValueError, match=r"\(B, 3\)"):
        apply_inputs(case, uncertain_inputs(case), np.zeros((2, 4)))


def test_seed_case_inputs_are_its_stated_ranges():
    case = read_case(SEED)
    found = uncertain_inputs(case)
    text = SEED.read_text(encoding="utf-8")
    assert len(found) == text.count("low:")  # every stated range in the seed has a low
    assert all(u.stated and u.low < u.high for u in found)


def test_scenario_probabilities_sum_to_at_most_one(tmp_path, runner):
    scenarios = [
        {"name": "s1", "probability": 0.6, "set": [{"actor": "b", "capability": 10}]},
        {"name": "s2", "probability": 0.5, "set": [{"actor": "b", "capability": 50}]},
    ]
    with pytest.raises(CaseError, match="sum to 1.1 by here; they must sum to at most 1"):
        small(scenarios=scenarios)
    scenarios[1]["probability"] = 0.4
    assert [s.probability for s in small(scenarios=scenarios).scenarios] == [0.6, 0.4]
    path = tmp_path / "c.yaml"
    path.write_text(
        "actors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "issues: [{id: x, lower: 0, upper: 1}]\n"
        "stances: {a: {x: {position: 0, salience: 1}}, b: {x: {position: 1, salience: 1}}}\n"
        "scenarios:\n"
        "  - {name: s1, probability: 0.7}\n"
        "  - {name: s2, probability: 1.5}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path}: line 6: scenarios.1.probability: input should be less than or equal to 1"
    )


def test_unknown_distribution_is_a_located_error(tmp_path, runner):
    path = tmp_path / "c.yaml"
    path.write_text(
        "actors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "issues: [{id: x, lower: 0, upper: 1}]\n"
        "stances:\n"
        "  a: {x: {position: {value: 0, high: 1, distribution: normal}, salience: 1}}\n"
        "  b: {x: {position: 1, salience: 1}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "line 4" in result.stderr and "distribution" in result.stderr
    assert "'triangular', 'pert' or 'uniform'" in result.stderr


def test_capability_factor_keeps_the_distribution():
    case = small(
        scenarios=[{"name": "s", "set": [{"actor": "a", "capability_factor": 2}]}],
    )
    data = case.model_dump()
    data["actors"][0]["capability"]["distribution"] = "pert"
    patched = apply_scenario(build_case(data), "s")
    cap = patched.actors[0].capability
    assert (cap.value, cap.low, cap.high, cap.distribution) == (20, 10, 40, "pert")


def test_distribution_and_probability_round_trip_through_yaml(tmp_path):
    from parley.io import write_case

    case = small(
        uncertainty={"distribution": "uniform"},
        scenarios=[{"name": "s", "probability": 0.25, "set": [{"actor": "b", "capability": 5}]}],
    )
    path = tmp_path / "round.yaml"
    write_case(case, path)
    again = read_case(path)
    assert again == case
