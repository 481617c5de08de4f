"""`parley ensemble` with the model-error term: each member's scenario's forecast plus a drawn
residual, on by default beside the input ensemble, labelled, and off with --no-model-error."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import parley
from parley.cli import app
from parley.ensemble.model_error import LABEL, Residuals
from parley.ensemble.plan import make_plan
from parley.ensemble.run import check_results_fit
from parley.errors import ParleyError
from parley.forecast import ModelSpec

# One issue on 0..10, no ranges. Compromise forecast (capability x salience weighted mean):
# (1 * 2 + 3 * 8) / 4 = 6.5 in the base case; the scenario 'shift' moves y to 4:
# (1 * 2 + 3 * 4) / 4 = 3.5.
CASE = """
title: two actors
salience_scale: 1
actors: [{id: x, capability: 1}, {id: y, capability: 3}]
issues: [{id: i, lower: 0, upper: 10}]
stances:
  x: {i: {position: 2, salience: 1}}
  y: {i: {position: 8, salience: 1}}
scenarios:
  - {name: shift, probability: 0.5, set: [{actor: y, issue: i, position: 4}]}
"""


@pytest.fixture
def case(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE)
    return path


def _residuals(values: list[float]) -> Residuals:
    return Residuals.from_json({"residuals": {"compromise": values}})


def test_members_are_the_scenario_forecast_plus_a_drawn_residual(case):
    n = 4000
    result = parley.ensemble(case, n, ["compromise"], model_error=_residuals([-0.1, 0.2]))
    point = np.where(result.scenario == 0, 6.5, 3.5)[:, None]  # world 0: base, 1: shift
    assert result.scenarios == (("base", 0.5), ("shift", 0.5))
    calibrated = result.calibrated["compromise"]
    low, high = np.isclose(calibrated, point - 1.0), np.isclose(calibrated, point + 2.0)
    assert (low | high).all()  # residual -0.1 or 0.2 of the 0..10 scale, nothing else
    share = high.mean()
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / n)  # each residual picked half the time
    # the input ensemble is the same with or without the term (its draws have their own stream)
    plain = parley.ensemble(case, n, ["compromise"], model_error=False)
    assert np.array_equal(plain.forecasts["compromise"], result.forecasts["compromise"])
    assert plain.calibrated == {} and "model_error" not in plain.to_json()


def test_cut_at_the_scale_and_json(case):
    result = parley.ensemble(
        case, 500, ["compromise"], scenario="shift", model_error=_residuals([-0.5, 0.9])
    )
    # 3.5 - 5 = -1.5 -> 0 (the scale's lower end); 3.5 + 9 = 12.5 -> 10
    assert set(np.round(result.calibrated["compromise"].ravel(), 9)) == {0.0, 10.0}
    obj = result.to_json()
    block = obj["models"]["compromise"]["calibrated"]["issues"]["i"]
    assert set(block) == set(obj["models"]["compromise"]["issues"]["i"])
    assert (block["q05"], block["q95"]) == (0.0, 10.0)
    assert obj["model_error"]["label"] == LABEL
    assert obj["model_error"]["left_out"] == {}


def test_models_without_residuals_or_at_other_parameters_are_named(case):
    result = parley.ensemble(
        case,
        50,
        [ModelSpec("compromise"), "mean"],
        model_error=_residuals([0.0, 0.1]),
    )
    assert list(result.calibrated) == ["compromise"]
    assert "no recorded residuals" in result.to_json()["model_error"]["left_out"]["mean"]
    tuned = parley.ensemble(
        case,
        50,
        [ModelSpec("eum", params={"rounds": 3})],
        model_error=True,
    )
    assert tuned.calibrated == {}
    assert "defaults" in tuned.to_json()["model_error"]["left_out"]["eum"]


def test_cli_on_by_default_with_the_shipped_residuals(case, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["ensemble", str(case), "-m", "compromise", "-n", "200", "-f", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["model_error"]["label"] == "with model error (calibrated on DEU III)"
    assert obj["model_error"]["source"].startswith("deu3_dev.tsv: 200 issues of 81 proposals")
    assert "calibrated" in obj["models"]["compromise"]
    table = runner.invoke(app, ["ensemble", str(case), "-m", "compromise", "-n", "200"])
    assert "+ model error" in table.stdout and "calibrated on DEU III" in table.stdout
    off = runner.invoke(
        app, ["ensemble", str(case), "-m", "compromise", "-n", "200", "-f", "json",
              "--no-model-error"],
    )  # fmt: skip
    assert "model_error" not in json.loads(off.stdout)
    own = tmp_path / "r.json"
    own.write_text(json.dumps({"label": "with my errors", "residuals": {"compromise": [0, 0.1]}}))
    mine = runner.invoke(
        app, ["ensemble", str(case), "-m", "compromise", "-n", "50", "-f", "json",
              "--residuals", str(own)],
    )  # fmt: skip
    assert json.loads(mine.stdout)["model_error"]["label"] == "with my errors"
    both = runner.invoke(app, ["ensemble", str(case), "--residuals", str(own), "--no-model-error"])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_the_term_counts_in_the_memory_refusal(case, monkeypatch):
    # compromise on one issue holds 8 + 5 + 2 = 15 bytes per member (forecast, status, rounds,
    # scenario); the term adds 8 per model and issue and 8 for its uniforms: 31 in all. Under a
    # limit of 20 bytes a member, an ensemble fits without the term and is refused with it.
    members = 100_000
    monkeypatch.setenv("PARLEY_MAX_MEMORY", str(20 * members))
    plan = make_plan(parley.read_case(case), [ModelSpec("compromise")], members)
    check_results_fit(plan)  # 1.5 MB of results under a 2 MB limit: fits
    with pytest.raises(
        ParleyError, match="need 3.1 MB for their results, more than the limit of 2 MB"
    ):
        check_results_fit(plan, extra_per_member=16)  # 3.1 MB
    with pytest.raises(ParleyError, match="more than the limit") as refused:
        parley.ensemble(case, members, ["compromise"])
    assert refused.value.settings == (("max_memory", "SIZE"),)


def test_the_results_limit_is_the_max_memory_option(case):
    # 100,000 members of compromise on one issue with the model-error term (on by default) hold
    # 31 bytes a member: 3.1 MB of results; --max-memory 1MB refuses it in one line
    result = CliRunner().invoke(
        app, ["ensemble", str(case), "-m", "compromise", "-n", "100000", "--max-memory", "1MB"]
    )
    assert result.exit_code == 2
    assert (
        "1 model need 3.1 MB for their results, more than the limit of 1 MB" in result.stderr
        and "--max-memory SIZE" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
