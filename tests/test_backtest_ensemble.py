"""`parley backtest ... --ensemble N`: interval coverage and CRPS of each model's ensembles."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from parley.backtest.dataset import read_case_dir
from parley.backtest.runner import run_backtest
from parley.cli import app

DEV = "tests/data/deu3/deu3_dev.tsv"

# One uncertain input: x's position, uniform on 0..8 (scale 0-10). The compromise forecast is
# linear in it: F = (1 * 1 * p_x + 3 * 1 * 8) / 4 = p_x / 4 + 6, so the ensemble is uniform on
# [6, 8] (60..80 on 0-100). Outcomes: 7 (the middle: inside every central interval) and, in a
# second case with the same stances, 7.9 (79 on 0-100: inside the 90% interval 61..79, just; outside
# the 80% one 62..78).
CASE = """
title: {title}
salience_scale: 1
actors: [{{id: x, capability: 1}}, {{id: y, capability: 3}}]
issues: [{{id: i, lower: 0, upper: 10, outcome: {outcome}}}]
stances:
  x: {{i: {{position: {{value: 4, low: 0, high: 8, distribution: uniform}}, salience: 1}}}}
  y: {{i: {{position: 8, salience: 1}}}}
"""


def _uniform_crps(a: float, b: float, y: float) -> float:
    """CRPS of U(a, b) at y in [a, b]: E|X - y| - E|X - X'| / 2 with
    E|X - y| = ((y - a)^2 + (b - y)^2) / (2 (b - a)) and E|X - X'| = (b - a) / 3."""
    return ((y - a) ** 2 + (b - y) ** 2) / (2 * (b - a)) - (b - a) / 6


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.yaml").write_text(CASE.format(title="a", outcome=7))
    (tmp_path / "b.yaml").write_text(CASE.format(title="b", outcome=7.9))
    return tmp_path


def test_coverage_and_crps_of_a_uniform_ensemble(folder):
    result = run_backtest(read_case_dir(folder), ["compromise"], ensemble=4000, spread={})
    row = result.summary()["models"]["compromise"]
    assert row["coverage"] == {"50": 0.5, "80": 0.5, "90": 1.0}
    expected = (_uniform_crps(60, 80, 70) + _uniform_crps(60, 80, 79)) / 2  # 1.667, 3.017
    assert row["crps"] == pytest.approx(expected, rel=0.02)
    # the point forecast (the case as stated: p_x = 4 -> 7) is what MAE and hits score
    assert row["mae"] == pytest.approx((0 + 9) / 2)
    assert (row["hit5"], row["hit10"]) == (0.5, 1.0)
    members = result.ensembles["compromise"]
    assert members.shape == (2, 4000)
    assert members.min() >= 60 - 1e-9 and members.max() <= 80 + 1e-9


def test_ensembles_are_seeded_per_proposal(folder):
    data = read_case_dir(folder)
    one = run_backtest(data, ["compromise"], ensemble=50, spread={}, ensemble_seed=3)
    two = run_backtest(data, ["compromise"], ensemble=50, spread={}, ensemble_seed=3)
    other = run_backtest(data, ["compromise"], ensemble=50, spread={}, ensemble_seed=4)
    a, b = one.ensembles["compromise"], two.ensembles["compromise"]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, other.ensembles["compromise"])
    assert not np.array_equal(a[0], a[1])  # the two proposals draw their own numbers


@pytest.fixture
def runner():
    return CliRunner()


def test_deu3_json_gains_coverage_and_crps(runner):
    res = runner.invoke(
        app,
        ["backtest", "deu3", DEV, "-m", "compromise", "-m", "median", "--ensemble", "20", "-q",
         "-f", "json", "--spread", "position=0.1"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    models = json.loads(res.stdout)["models"]
    for row in models.values():
        assert {"coverage", "crps", "hit5", "hit10", "median_ae"} <= set(row)
        cov = row["coverage"]
        assert set(cov) == {"50", "80", "90"}
        assert 0 <= cov["50"] <= cov["80"] <= cov["90"] <= 1
        assert 0 < row["crps"] < 100
    assert "position=0.1" in res.stderr


def test_cases_table_shows_the_ensemble_table(runner, folder):
    res = runner.invoke(
        app, ["backtest", "cases", str(folder), "-m", "compromise", "--ensemble", "200", "-q"]
    )
    assert res.exit_code == 0, res.output
    assert "90%" in res.stdout and "CRPS" in res.stdout and "+ model error" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spread", "position=0.1"], "--spread needs --ensemble"),
        (["--ensemble", "1"], "at least 2 members"),
        (["--ensemble", "5", "--spread", "position=2x"], "expected a number"),
    ],
)
def test_bad_ensemble_options(runner, args, message):
    res = runner.invoke(app, ["backtest", "deu3", DEV, "-m", "compromise", "-q", *args])
    assert res.exit_code == 2, res.output
    assert message in res.stderr
