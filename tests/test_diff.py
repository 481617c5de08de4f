"""The diff library and `parley diff` on two case files (forecasts checked by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from casebuilders import make_case

from parley.cli import app
from parley.diff import diff_cases, diff_results

BASE = {
    "title": "hand case",
    "actors": [{"id": "a", "capability": 2}, {"id": "b", "capability": 1}],
    "issues": [{"id": "x", "lower": 0, "upper": 100, "unit": "days"}],
    "stances": {
        "a": {"x": {"position": 0, "salience": 1}},
        "b": {"x": {"position": 30, "salience": 1}},
    },
}


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_case_changes_name_every_kind() -> None:
    old = make_case(
        {"a": {"x": 0, "y": 1}, "b": {"x": 30, "y": 2}},
        {"a": {"x": 1, "y": 1}, "b": {"x": 1, "y": 0.5}},
        {"a": 2, "b": 1},
        {"x": (0, 100), "y": (0, 10)},
    )
    new = make_case(
        {"a": {"x": 0, "y": 1}, "b": {"x": 60}, "c": {"x": 5, "y": 3}},
        {"a": {"x": 1, "y": 1}, "b": {"x": 0.8}, "c": {"x": 1, "y": 1}},
        {"a": 3, "b": 1, "c": 1},
        {"x": (0, 100), "y": (0, 20)},
    )
    got = [str(c) for c in diff_cases(old, new)]
    assert got == [
        "issue y: upper 10 -> 20",
        "actor a: capability 2 -> 3",
        "actor c: added",
        "stance b / x: position 30 -> 60",
        "stance b / x: salience 1 -> 0.8",
        "stance b / y: removed",
        "stance c / x: added",
        "stance c / y: added",
    ]


def test_forecast_changes_pair_models_and_issues() -> None:
    old = {"scenario": None, "models": {"m": {"forecast": {"x": 1.0, "y": 2.0}}}}
    new = {
        "scenario": "s",
        "models": {"m": {"forecast": {"x": 1.0, "y": 5.0}}, "n": {"forecast": {"x": 4.0}}},
    }
    got = [(f.model, f.issue, f.old, f.new, f.shift) for f in diff_results(old, new)]
    # base vs one scenario: the same models side by side (the scenario is an input change)
    assert got == [
        ("m", "x", 1.0, 1.0, 0.0),
        ("m", "y", 2.0, 5.0, 3.0),
        ("n", "x", None, 4.0, None),
    ]


def test_diff_two_case_files(runner, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    changed = json.loads(json.dumps(BASE))
    changed["stances"]["b"]["x"]["position"] = 60
    new = write(tmp_path / "new.yaml", changed)
    result = runner.invoke(app, ["diff", str(old), str(new), "-m", "compromise", "-f", "json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["inputs"] == [
        {
            "where": "stance b / x",
            "field": "position",
            "old": 30.0,
            "new": 60.0,
            "unit": "days",
            "kind": "changed",
        }
    ]
    # compromise = capability x salience weighted mean: (2*0 + 1*30)/3 = 10 -> (2*0 + 1*60)/3 = 20
    [f] = got["forecasts"]
    assert (f["model"], f["issue"], f["unit"]) == ("compromise", "x", "days")
    assert (
        abs(f["old"] - 10) < 1e-12 and abs(f["new"] - 20) < 1e-12 and abs(f["shift"] - 10) < 1e-12
    )
    text = runner.invoke(app, ["diff", str(old), str(new), "-m", "compromise"])
    assert "stance b / x: position 30 -> 60 days" in text.stdout
    assert "+10 days" in text.stdout


def test_diff_bad_inputs_are_one_line(runner, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    result = runner.invoke(app, ["diff", str(old), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing.yaml'}: no such case file (give two case files or two run ids)"
    ]
    bad = json.loads(json.dumps(BASE))
    bad["stances"]["b"]["x"]["salience"] = "high"
    result = runner.invoke(app, ["diff", str(old), str(write(tmp_path / "bad.yaml", bad))])
    assert (
        result.exit_code == 2 and "bad.yaml" in result.stderr and "Traceback" not in result.output
    )
