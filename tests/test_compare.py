"""Scenario comparison: shift = scenario forecast minus base, checked by hand on a tiny case."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from parley.case import build_case
from parley.cli import app
from parley.compare import compare_scenarios
from parley.errors import ScenarioError
from parley.forecast import model_specs

# Three actors, two issues. Weights w = capability x salience.
#   issue x on 0-100: a at 0 (c=1, s=1), b at 50 (c=2, s=0.5), c at 100 (c=1, s=1)
#   issue y on 0-10:  a at 10 (s=0.5),    b at 0 (s=1),        c at 5 (s=0.5)
# Scenario strong-c sets c's capability to 3; scenario no-b drops b.
CASE = {
    "title": "tiny",
    "actors": [
        {"id": "a", "capability": 1},
        {"id": "b", "capability": 2},
        {"id": "c", "capability": 1},
    ],
    "issues": [{"id": "x", "lower": 0, "upper": 100}, {"id": "y", "lower": 0, "upper": 10}],
    "stances": {
        "a": {"x": {"position": 0, "salience": 1}, "y": {"position": 10, "salience": 0.5}},
        "b": {"x": {"position": 50, "salience": 0.5}, "y": {"position": 0, "salience": 1}},
        "c": {"x": {"position": 100, "salience": 1}, "y": {"position": 5, "salience": 0.5}},
    },
    "scenarios": [
        {"name": "strong-c", "set": [{"actor": "c", "capability": 3}]},
        {"name": "no-b", "drop_actors": ["b"]},
    ],
}

# Compromise (weighted mean), by hand:
#   base     x: w = 1, 1, 1          -> (0 + 50 + 100) / 3          = 50
#            y: w = 0.5, 2, 0.5      -> (5 + 0 + 2.5) / 3           = 2.5
#   strong-c x: w = 1, 1, 3          -> (0 + 50 + 300) / 5          = 70     shift +20
#            y: w = 0.5, 2, 1.5      -> (5 + 0 + 7.5) / 4           = 3.125  shift +0.625
#   no-b     x: w = 1, 1             -> (0 + 100) / 2               = 50     shift 0
#            y: w = 0.5, 0.5         -> (5 + 2.5) / 1               = 7.5    shift +5
# Weighted median (lowest position where cumulative weight reaches half), by hand:
#   base     x: cum 1, 2, 3 half 1.5 -> 50;  strong-c x: cum 1, 2, 5 half 2.5 -> 100 (shift +50)
#   base     y: sorted 0 (2), 5 (0.5), 10 (0.5): cum 2 >= 1.5 -> 0
#   strong-c y: sorted 0 (2), 5 (1.5), 10 (0.5): cum 2 >= 2 -> 0 (shift 0)
#   no-b     x: 0 (1), 100 (1): cum 1 >= 1 -> 0 (shift -50)
#            y: sorted 5 (0.5), 10 (0.5): cum 0.5 >= 0.5 -> 5 (shift +5)
EXPECTED = {
    ("strong-c", "compromise"): ([70, 3.125], [20, 0.625]),
    ("no-b", "compromise"): ([50, 7.5], [0, 5]),
    ("strong-c", "median"): ([100, 0], [50, 0]),
}


@pytest.fixture
def case():
    return build_case(CASE, "tiny")


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(CASE), encoding="utf-8")
    return path


def test_shift_is_scenario_minus_base_by_hand(case):
    cmp = compare_scenarios(case, model_specs(["compromise", "median"]))
    assert cmp.scenarios == ["strong-c", "no-b"]  # default: every scenario, in case order
    np.testing.assert_allclose(cmp.forecast("base", "compromise"), [50, 2.5])
    np.testing.assert_allclose(cmp.forecast("base", "median"), [50, 0])
    for (scenario, model), (forecast, shift) in EXPECTED.items():
        np.testing.assert_allclose(cmp.forecast(scenario, model), forecast, atol=1e-12)
        np.testing.assert_allclose(cmp.shift(scenario, model), shift, atol=1e-12)


def test_chosen_scenarios_only_once_each(case):
    cmp = compare_scenarios(case, model_specs(["compromise"]), ["no-b", "no-b"])
    assert list(cmp.runs) == ["base", "no-b"]


def test_unknown_or_reserved_scenario_fails_before_running(case):
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'"):
        compare_scenarios(case, model_specs(["compromise"]), ["nope"])
    with pytest.raises(ScenarioError, match="may not be named 'base'"):
        compare_scenarios(case, model_specs(["compromise"]), ["base"])


def test_json_holds_the_forecast_object_of_each_scenario(runner, case_file):
    result = runner.invoke(
        app, ["compare", str(case_file), "-m", "compromise", "-m", "median", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["scenarios"]) == ["base", "strong-c", "no-b"]
    for name in ("strong-c", "no-b", None):
        args = ["forecast", str(case_file), "-m", "compromise", "-m", "median", "-f", "json"]
        single = runner.invoke(app, args + (["-s", name] if name else []))
        assert data["scenarios"][name or "base"] == json.loads(single.stdout)
    assert data["scenarios"]["strong-c"]["scenario"] == "strong-c"
    assert data["scenarios"]["base"]["scenario"] is None
    assert data["scenarios"]["strong-c"]["models"]["compromise"]["forecast"] == {
        "x": pytest.approx(70),
        "y": pytest.approx(3.125),
    }
    assert data["shift"] == {
        "strong-c": {
            "compromise": {"x": pytest.approx(20), "y": pytest.approx(0.625)},
            "median": {"x": pytest.approx(50), "y": pytest.approx(0)},
        },
        "no-b": {
            "compromise": {"x": pytest.approx(0), "y": pytest.approx(5)},
            "median": {"x": pytest.approx(-50), "y": pytest.approx(5)},
        },
    }


def test_table_shows_forecasts_side_by_side_with_shift(runner, case_file):
    result = runner.invoke(
        app,
        ["compare", str(case_file), "-m", "compromise", "-s", "strong-c"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "strong-c" in result.stdout and "no-b" not in result.stdout
    assert "70 (+20)" in result.stdout
    assert "3.12 (+0.62)" in result.stdout or "3.13 (+0.63)" in result.stdout


def test_unknown_scenario_is_one_line_and_exit_2(runner, case_file):
    result = runner.invoke(app, ["compare", str(case_file), "-s", "nope"])
    assert result.exit_code == 2
    assert "unknown scenario 'nope'" in result.output
    assert "Traceback" not in result.output
