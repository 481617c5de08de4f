"""The model-error term: the calibrated predictive distribution (point forecast + recorded
residuals), its cross-conformal scores by hand, its coverage where the true residual distribution
is known, the shipped residuals file and the backtest's JSON keys."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from test_backtest_ensemble import CASE
from typer.testing import CliRunner

from parley.backtest.calibration import held_out_scores, residuals_of, shipped_scores
from parley.backtest.probabilistic import central_interval
from parley.cli import app
from parley.ensemble.model_error import (
    draw_with_error,
    load_residuals,
    predictive,
    residual_uniforms,
)
from parley.errors import ParleyError

DEV = "tests/data/deu3/deu3_dev.tsv"


def test_predictive_interval_by_hand():
    # residuals -0.2, 0, 0.1, 0.3 of the scale 0..100 around the forecast 50: members 30 50 60 80.
    members = predictive(np.array([50.0]), np.array([-0.2, 0.0, 0.1, 0.3]), [0.0], [100.0])
    assert members.tolist() == [[30.0, 50.0, 60.0, 80.0]]
    # central 50% interval: the 25% and 75% quantiles, linear between order statistics at
    # positions 0.25 * 3 = 0.75 (30 + 0.75 * 20 = 45) and 0.75 * 3 = 2.25 (60 + 0.25 * 20 = 65)
    lo, hi = central_interval(members, 50)
    assert (lo[0], hi[0]) == pytest.approx((45.0, 65.0))
    # cut at the scale's ends: forecast 90 + 0.3 * 100 = 120 -> 100; on a scale 2..12 the
    # residual -0.2 is 2 units
    assert predictive(np.array([90.0]), np.array([0.3]), [0.0], [100.0]).tolist() == [[100.0]]
    assert predictive(np.array([5.0]), np.array([-0.2]), [2.0], [12.0]).tolist() == [[3.0]]


def test_draws_pick_residuals_uniformly_and_reproducibly():
    r = np.array([-0.1, 0.0, 0.2])
    u = np.array([[0.0], [0.34], [0.999999]])  # floor(u * 3) = 0, 1, 2
    got = draw_with_error(np.full((3, 1), 50.0), r, np.array([0.0]), np.array([100.0]), u)
    assert got[:, 0].tolist() == pytest.approx([40.0, 50.0, 70.0])
    u = residual_uniforms(7, 30000, 1)
    counts = np.bincount((u[:, 0] * 3).astype(int), minlength=3)
    assert np.abs(counts / 30000 - 1 / 3).max() < 4 * math.sqrt(2 / 9 / 30000)
    assert np.array_equal(u, residual_uniforms(7, 30000, 1))
    assert not np.array_equal(u, residual_uniforms(8, 30000, 1))


def test_cross_conformal_scores_by_hand():
    # Two proposals of two issues; 2 folds = each proposal held out in turn and given the other's
    # residuals (outcome - forecast, /100):  a: 50 -> 40 (-0.1), 30 -> 50 (0.2);  b: 60 -> 60 (0),
    # 20 -> 10 (-0.1).
    point = np.array([50.0, 30.0, 60.0, 20.0])
    y = np.array([40.0, 50.0, 60.0, 10.0])
    assert residuals_of(point, y) == pytest.approx([-0.1, 0.2, 0.0, -0.1])
    s = held_out_scores(point, y, ["a", "a", "b", "b"], folds=2, seed=0)
    # a held out, residuals {0, -0.1}: a1 members {50, 40}, y 40: 50% interval 42.5-47.5, 90%
    #   40.5-49.5, both miss; CRPS = E|X - y| - E|X - X'| / 2 = 5 - 5 / 2 = 2.5.
    #   a2 members {30, 20}, y 50: misses; CRPS = 25 - 2.5 = 22.5.
    # b held out, residuals {-0.1, 0.2}: b1 members {50, 80}, y 60: 50% interval 57.5-72.5,
    #   80% 53-77, 90% 51.5-78.5: inside all; CRPS = 15 - 15 / 2 = 7.5.
    #   b2 members {10, 40}, y 10: 50% 17.5-32.5, 80% 13-37, 90% 11.5-38.5: misses; CRPS 7.5.
    assert s["coverage"] == {"50": 0.25, "80": 0.25, "90": 0.25}
    assert s["crps"] == pytest.approx((2.5 + 22.5 + 7.5 + 7.5) / 4)
    assert s["n"] == 4
    # an issue a model did not forecast (NaN) is left out, never scored
    gap = held_out_scores(np.append(point, np.nan), np.append(y, 5.0), ["a", "a", "b", "b", "b"], 2)
    assert gap == s
    assert held_out_scores(point, y, ["a"] * 4)["crps"] is None  # one proposal: nothing held out


def test_calibrated_coverage_where_the_residuals_are_known():
    # Outcomes = forecast + N(0, 8) on 0-100, forecasts in 35..65 (the scale's ends are > 4 sd
    # away), 600 independent issues in 300 proposals. Held out, the central p% intervals must
    # cover p within binomial error (3 sd; the share inside varies with the n issues scored and
    # with the m residuals the interval is built from: var = p (1 - p) (1 / n + 1 / m)), and the
    # mean CRPS must be that of N(0, 8) itself, E CRPS = sigma / sqrt(pi) (Gneiting & Raftery
    # 2007, eq. 5, averaged over y ~ N(0, sigma)).
    rng = np.random.default_rng(11)
    n, sigma = 600, 8.0
    point = rng.uniform(35, 65, n)
    y = point + rng.normal(0, sigma, n)
    groups = [f"p{k // 2}" for k in range(n)]

    def tolerance(p: float, m: int) -> float:
        return 3 * math.sqrt(p * (1 - p) * (1 / n + 1 / m))

    s = held_out_scores(point, y, groups, folds=5, seed=0)
    for level in (50, 80, 90):
        p = level / 100
        assert abs(s["coverage"][str(level)] - p) < tolerance(p, 480), level  # 4 of 5 folds
    assert s["crps"] == pytest.approx(sigma / math.sqrt(math.pi), rel=0.08)
    # residuals recorded on other data from the same distribution cover new issues alike
    fresh = rng.normal(0, sigma / 100, 4000)
    shipped = shipped_scores(point, y, fresh)
    assert shipped is not None
    for level in (50, 80, 90):
        p = level / 100
        assert abs(shipped["coverage"][str(level)] - p) < tolerance(p, 4000), level
    assert shipped_scores(point, y, None) is None


def test_shipped_residuals_record_where_they_come_from():
    shipped = load_residuals()
    assert {"compromise", "mean", "median", "eum", "exchange", "smp"} <= set(shipped.by_model)
    fitted = shipped.record["fitted_on"]
    assert fitted["file"] == "deu3_dev.tsv" and fitted["n_issues"] == 200
    assert fitted["n_proposals"] == 81
    for name, r in shipped.by_model.items():
        assert r.size == 200 and np.abs(r).max() <= 1, name
    # the compromise model's residuals are the outcomes minus its forecasts: their mean absolute
    # value is its MAE on the file, 21.43 on 0-100 (tests/data/deu3/README.md)
    assert 100 * np.abs(shipped.by_model["compromise"]).mean() == pytest.approx(21.43, abs=0.01)
    assert "calibrated on DEU III" in shipped.label


def test_a_bad_residuals_file_is_one_message(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps({"residuals": {"compromise": [0.1, 7]}}))
    with pytest.raises(ParleyError, match=r"r.json: not a model residuals file .*-1..1"):
        load_residuals(bad)
    with pytest.raises(ParleyError, match="cannot read model residuals"):
        load_residuals(tmp_path / "missing.json")


def test_backtest_json_gains_calibrated_scores():
    res = CliRunner().invoke(
        app,
        ["backtest", "deu3", DEV, "-m", "compromise", "--ensemble", "10", "-q", "-f", "json"],
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["models"]["compromise"]
    assert set(row) == {
        "n", "mae", "rmse", "median_ae", "hit5", "hit10", "vs_compromise",
        "coverage", "crps", "calibrated", "calibrated_shipped",
    }  # fmt: skip
    for key in ("calibrated", "calibrated_shipped"):
        assert set(row[key]) == {"coverage", "crps", "n"}
        assert set(row[key]["coverage"]) == {"50", "80", "90"}
        assert row[key]["n"] == 200
    # held out, the compromise model's calibrated intervals cover close to nominal (5-fold,
    # grouped by proposal, seed 0: 0.49 / 0.79 / 0.90, docs/uncertainty.md)
    cov = row["calibrated"]["coverage"]
    assert abs(cov["50"] - 0.5) < 0.05 and abs(cov["80"] - 0.8) < 0.05
    assert abs(cov["90"] - 0.9) < 0.05
    assert row["calibrated"]["crps"] < row["crps"]
    assert "cross-conformal" in res.stderr and "in-sample" in res.stderr


def test_calibrate_writes_residuals_that_ensemble_reads(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    # one issue on 0..10, compromise forecast of the case as stated (1 * 4 + 3 * 8) / 4 = 7
    for title, outcome in (("a", 6), ("b", 8), ("c", 7)):
        (folder / f"{title}.yaml").write_text(CASE.format(title=title, outcome=outcome))
    out = tmp_path / "mine.json"
    runner = CliRunner()
    res = runner.invoke(app, ["backtest", "calibrate", str(folder), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    record = json.loads(out.read_text())
    # outcome - forecast over the scale: (6 - 7) / 10, (8 - 7) / 10, 0, in file order
    assert record["residuals"]["compromise"] == pytest.approx([-0.1, 0.1, 0.0])
    assert record["fitted_on"]["n_proposals"] == 3 and record["cross_validation"]["folds"] == 3
    assert load_residuals(out).by_model["compromise"].tolist() == pytest.approx([-0.1, 0.1, 0])
    # the output is never written over the data, and --folds is checked before anything runs
    over = runner.invoke(app, ["backtest", "calibrate", str(folder), "-o", str(folder / "a.yaml")])
    assert over.exit_code == 2 and "never writes over" in over.stderr
    bad = runner.invoke(app, ["backtest", "calibrate", str(folder), "-o", str(out), "--folds", "1"])
    assert bad.exit_code == 2 and "--folds" in bad.stderr
