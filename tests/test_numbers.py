"""Numbers in issue units are never in scientific notation, are thousands-separated on large
scales, and shifts are rounded like the values (forecast, compare, front, report)."""

from __future__ import annotations

import doctest
from pathlib import Path

import yaml

import parley.report.numbers
from parley.cli import app
from parley.report.numbers import fmt_shift, fmt_value, places_for


def test_doctests() -> None:
    assert doctest.testmod(parley.report.numbers).failed == 0


def test_formatting_rules() -> None:
    assert fmt_value(1234567.891) == "1,234,568"
    assert fmt_value(0.000012345) == "0"
    assert fmt_value(0.5) == "0.5"
    assert fmt_value(-0.001) == "0"  # never '-0'
    assert fmt_value(float("nan")) == "-"
    assert places_for(0, 20000) == 0 and places_for(0, 100) == 2 and places_for(-1000, 0) == 0
    assert fmt_value(12.3456, places_for(0, 20000)) == "12"
    assert fmt_shift(0.4, 0) == "0" and fmt_shift(1500.2, 0) == "+1,500"
    assert fmt_shift(-2.346, 2) == "-2.35"


def _centrifuges(tmp_path: Path) -> Path:
    # compromise = capability x salience weighted mean: (5000 + 10958) / 2 = 7979 on the base case;
    # the scenario moves a to 5664.8: (5664.8 + 10958) / 2 = 8311.4, a shift of +332.4
    data = {
        "title": "centrifuges",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "n", "lower": 0, "upper": 20000, "unit": "centrifuges"}],
        "stances": {
            "a": {"n": {"position": 5000, "salience": 1}},
            "b": {"n": {"position": 10958, "salience": 1}},
        },
        "scenarios": [{"name": "more", "set": [{"actor": "a", "issue": "n", "position": 5664.8}]}],
    }
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_forecast_and_compare_read_in_issue_units(runner, tmp_path: Path) -> None:
    path = _centrifuges(tmp_path)
    result = runner.invoke(app, ["forecast", str(path), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    assert "0-20,000 centrifuges" in result.stdout
    assert " 7,979 " in result.stdout and "e+" not in result.stdout
    result = runner.invoke(app, ["forecast", str(path), "-m", "compromise", "--long"])
    assert "7,979 centrifuges" in result.stdout and "e+" not in result.stdout
    result = runner.invoke(app, ["compare", str(path), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    assert "8,311 (+332)" in result.stdout
    assert "7,979" in result.stdout


def test_front_forecasts_in_issue_units(runner, tmp_path: Path) -> None:
    path = _centrifuges(tmp_path)
    result = runner.invoke(app, ["front", str(path), "--members", "a,b", "-m", "compromise"])
    assert result.exit_code == 0, result.output
    assert "7,979" in result.stdout  # the forecast without the front (7.98e+03 before)
    assert "e+0" not in result.stdout
