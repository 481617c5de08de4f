"""`parley validate` and `parley forecast`: outputs, the JSON contract, the error contract."""

from __future__ import annotations

import json

import pytest

from parley.cli import app

CASE = """\
title: Tiny
actors:
  - {id: a, capability: 2}
  - {id: b, capability: 1}
issues:
  - {id: x, name: Withdrawal, lower: 0, upper: 10, unit: years, anchors: {0: now, 10: never}}
  - {id: y, lower: 0, upper: 1}
stances:
  a: {x: {position: 2, salience: 0.5}, y: {position: 1, salience: 0.5}}
  b: {x: {position: 8, salience: 1}}
scenarios:
  - {name: b-strong, set: [{actor: b, capability: 4}]}
"""


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE)
    return path


def test_validate_ok(runner, case_file):
    result = runner.invoke(app, ["validate", str(case_file)])
    assert result.exit_code == 0, result.output
    assert "ok: 2 actors, 2 issues, scenarios: b-strong" in result.output


def test_forecast_json_contract(runner, case_file):
    result = runner.invoke(app, ["forecast", str(case_file), "-m", "compromise", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"] == "Tiny" and data["scenario"] is None
    model = data["models"]["compromise"]
    # x: (2*.5*2 + 1*1*8)/(2*.5 + 1*1) = (2 + 8)/2 = 5; y: only a holds a position -> 1
    assert model["forecast"] == pytest.approx({"x": 5.0, "y": 1.0})
    assert model["rounds"] == [
        {"round": 0, "positions": {"a": {"x": 2.0, "y": 1.0}, "b": {"x": 8.0, "y": None}}}
    ]
    assert model["status"] == "no_rounds"


def test_forecast_scenario(runner, case_file):
    args = ["forecast", str(case_file), "-m", "compromise", "-f", "json", "-s", "b-strong"]
    data = json.loads(runner.invoke(app, args).stdout)
    # x: (2*.5*2 + 4*1*8)/(1 + 4) = 34/5
    assert data["scenario"] == "b-strong"
    assert data["models"]["compromise"]["forecast"]["x"] == pytest.approx(6.8)


def test_forecast_table_shows_values_and_anchors(runner, case_file):
    """`--long`: the stacked layout, each model's value with its unit and anchor (the default
    80-column layout is tested in test_forecast_summary.py)."""
    result = runner.invoke(app, ["forecast", str(case_file), "--long"])
    assert result.exit_code == 0, result.output
    for text in ("Withdrawal", "compromise", "median", "mean", "2 years", "now"):
        assert text in result.output


def test_forecast_csv(runner, case_file):
    result = runner.invoke(app, ["forecast", str(case_file), "-m", "median", "-f", "csv"])
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "model,issue,forecast,nearest_anchor"
    # x: weights a 1 at 2, b 1 at 8; half of 2 reached at 2 -> 2, nearest anchor 'now'
    assert lines[1] == "median,x,2.0,now"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "nope"], "unknown model 'nope'"),
        (["-s", "nope"], "unknown scenario 'nope'"),
        (["-p", "alpha=1"], "no chosen model has a parameter 'alpha'"),
        (["-p", "alpha"], "--param expects NAME=VALUE"),
        (["--preset", "fast"], "no chosen model has a preset 'fast'"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(runner, case_file, args, message):
    result = runner.invoke(app, ["forecast", str(case_file), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_exit_2(runner, tmp_path):
    result = runner.invoke(app, ["forecast", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_json_records_version_and_case_hash_whatever_the_format(runner, case_file, tmp_path):
    from parley import __version__

    as_json = tmp_path / "case.json"
    assert runner.invoke(app, ["convert", str(case_file), str(as_json)]).exit_code == 0
    runs = []
    for path in (case_file, as_json):
        args = ["forecast", str(path), "-m", "compromise", "-f", "json"]
        runs.append(json.loads(runner.invoke(app, args).stdout)["run"])
    assert runs[0] == runs[1]
    assert runs[0]["parley_version"] == __version__ and len(runs[0]["case_sha256"]) == 64


def test_unwritable_output_is_one_line_and_exit_2(runner, case_file, tmp_path):
    target = tmp_path / "missing-folder" / "out.yaml"
    result = runner.invoke(app, ["convert", str(case_file), str(target)])
    assert result.exit_code == 2
    assert f"{target}: cannot write: No such file or directory" in result.output
    assert "Traceback" not in result.output


ZERO_SALIENCE = """\
actors: [{id: a, capability: 1}, {id: b, capability: 2}, {id: c, capability: 1}]
issues: [{id: x, lower: 0, upper: 10}, {id: y, lower: 0, upper: 10}]
stances:
  a: {x: {position: 1, salience: 0}, y: {position: 1, salience: 1}}
  b: {x: {position: 5, salience: 0}, y: {position: 5, salience: 1}}
  c: {x: {position: 9, salience: 0}, y: {position: 9, salience: 1}}
"""


def test_a_model_that_cannot_forecast_is_left_out_only_when_not_asked_for(runner, tmp_path):
    # Nobody gives issue x any salience: eum has no votes there and refuses; the baselines fall
    # back to capability weights: (1*1 + 2*5 + 1*9)/4 = 5.
    path = tmp_path / "zero.yaml"
    path.write_text(ZERO_SALIENCE)
    every = runner.invoke(app, ["forecast", str(path), "-f", "json"])
    assert every.exit_code == 0, every.output
    assert "warning: model 'eum' left out" in every.stderr
    models = json.loads(every.stdout)["models"]
    assert "eum" not in models and models["compromise"]["forecast"]["x"] == pytest.approx(5.0)
    asked = runner.invoke(app, ["forecast", str(path), "-m", "eum"])
    assert asked.exit_code == 2
    assert "no actor with capability x salience > 0 on issue(s) x" in asked.stderr


def test_rounds_reaches_models_whose_rounds_parameter_has_another_name(runner, case_file):
    args = ["forecast", str(case_file), "-m", "smp", "-m", "eum", "--rounds", "2", "-f", "json"]
    data = json.loads(runner.invoke(app, args).stdout)
    assert data["models"]["smp"]["params"]["max_turns"] == 2
    assert data["models"]["eum"]["params"]["rounds"] == 2
