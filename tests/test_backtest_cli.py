"""`parley backtest`: the README's baseline errors, the JSON contract, cases folders, failures,
and the `combined` forecaster through `parley forecast`."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import DATA

from parley.backtest.deu3 import read_deu3
from parley.backtest.runner import run_backtest
from parley.cli import app
from parley.models import registry
from parley.models.baselines import static_outcome

DEV = str(DATA / "deu3" / "deu3_dev.tsv")


def _json(runner, *args):
    result = runner.invoke(app, ["backtest", *args, "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["models"]


def test_readme_baselines_gdp(runner):
    # ../shared/reference/deu3/README.md: compromise (GDP) 21.43, unweighted mean 22.09,
    # weighted median (GDP x salience) 25.43, on the 200 scored issues
    models = _json(runner, "deu3", DEV, "-m", "compromise", "-m", "mean", "-m", "median")
    assert {m: v["n"] for m, v in models.items()} == {"compromise": 200, "mean": 200, "median": 200}
    assert models["compromise"]["mae"] == pytest.approx(21.43, abs=0.005)
    assert models["mean"]["mae"] == pytest.approx(22.09, abs=0.005)
    assert models["median"]["mae"] == pytest.approx(25.43, abs=0.005)


def test_readme_baseline_equal_capability(runner, tmp_path):
    models = _json(runner, "deu3", DEV, "-c", "equal", "-m", "compromise")
    assert models["compromise"]["mae"] == pytest.approx(22.42, abs=0.005)
    # a capability CSV giving every actor the same number is equal capability
    actors = [a.id for c in read_deu3(DEV, "equal").cases for a in c.case.actors]
    caps = tmp_path / "caps.csv"
    caps.write_text("".join(f"{a},7\n" for a in dict.fromkeys(actors)))
    again = _json(runner, "deu3", DEV, "-c", str(caps), "-m", "compromise")
    assert again["compromise"]["mae"] == pytest.approx(models["compromise"]["mae"], abs=1e-12)


def test_first_dev_issue_compromise_by_hand():
    # d00032i1 (line 3): position, salience, GDP of the 17 actors holding a position; outcome 100
    rows = [
        (100, 50, 4.1), (100, 50, 4.1), (40, 40, 0.48), (40, 20, 0.58), (100, 80, 0.37),
        (100, 80, 0.28), (40, 20, 2.8), (0, 80, 4.1), (40, 20, 0.22), (40, 20, 0.5),
        (0, 60, 2.09), (40, 20, 0.08), (100, 20, 1.03), (40, 20, 0.27), (0, 80, 1.46),
        (100, 80, 0.55), (100, 60, 2.64),
    ]  # fmt: skip
    w = np.array([s * c for _, s, c in rows])
    expected = (w * [x for x, _, _ in rows]).sum() / w.sum()
    result = run_backtest(read_deu3(DEV), ["compromise"])
    k = result.issues.index("d00032i1")
    assert result.forecasts["compromise"][k] == pytest.approx(expected, rel=1e-12)
    assert result.outcomes[k] == 100


def test_json_shape(runner):
    models = _json(runner, "deu3", DEV, "-m", "mean")
    assert set(models) == {"mean"}
    row = models["mean"]
    assert set(row) == {"n", "mae", "rmse", "median_ae", "hit5", "hit10", "vs_compromise"}
    assert isinstance(row["n"], int)
    assert all(isinstance(row[k], float) for k in ("mae", "rmse", "median_ae", "hit5", "hit10"))
    assert 0 <= row["hit5"] <= row["hit10"] <= 1
    vs = row["vs_compromise"]
    assert set(vs) == {"mean_diff", "ci95", "win_rate"}
    lo, hi = vs["ci95"]
    assert lo <= vs["mean_diff"] <= hi and 0 <= vs["win_rate"] <= 1


CASE_A = """
title: a
salience_scale: 1
actors: [{id: x, capability: 1}, {id: y, capability: 3}]
issues:
  - {id: i, lower: 0, upper: 10, outcome: 6}
  - {id: j, lower: 0, upper: 100}
stances:
  x: {i: {position: 2, salience: 1}, j: {position: 10, salience: 1}}
  y: {i: {position: 8, salience: 1}, j: {position: 90, salience: 1}}
"""
CASE_B = """
title: b
salience_scale: 1
actors: [{id: x, capability: 1}, {id: y, capability: 1}, {id: z, capability: 2}]
issues: [{id: k, lower: 0, upper: 100, outcome: 30}]
stances:
  x: {k: {position: 0, salience: 0.5}}
  y: {k: {position: 60, salience: 1}}
  z: {k: {position: 30, salience: 0.5}}
"""


@pytest.fixture
def case_dir(tmp_path):
    (tmp_path / "a.yaml").write_text(CASE_A)
    (tmp_path / "b.yaml").write_text(CASE_B)
    (tmp_path / "notes.txt").write_text("not a case")
    return tmp_path


def test_cases_folder_by_hand(runner, case_dir):
    models = _json(runner, "cases", str(case_dir), "-m", "compromise", "-m", "mean", "-m", "median")
    # a, issue i (0-10, outcome 6): compromise (2*1 + 8*3)/4 = 6.5 -> error 0.5 = 5 on 0-100;
    #   mean 5 -> 10; weighted median: cumulative weight 1, 4 reaches 2 at 8 -> 20. j has no outcome.
    # b, issue k (outcome 30): weights .5, 1, 1 -> (0 + 60 + 30)/2.5 = 36 -> 6; mean 30 -> 0;
    #   median: sorted 0 (.5), 30 (1), 60 (1), half of 2.5 reached at 30 -> 0.
    c, m, d = models["compromise"], models["mean"], models["median"]
    assert c["n"] == m["n"] == d["n"] == 2
    assert c["mae"] == pytest.approx(5.5) and c["rmse"] == pytest.approx(np.sqrt(30.5))
    assert m["mae"] == pytest.approx(5.0) and m["median_ae"] == pytest.approx(5.0)
    assert d["mae"] == pytest.approx(10.0)
    # hit rates (errors within 5 / 10 points; an error equal to the threshold is a hit):
    #   compromise 5, 6 -> 1/2, 1; mean 10, 0 -> 1/2, 1; median 20, 0 -> 1/2, 1/2
    assert (c["hit5"], c["hit10"]) == (0.5, 1.0)
    assert (m["hit5"], m["hit10"]) == (0.5, 1.0)
    assert (d["hit5"], d["hit10"]) == (0.5, 0.5)
    # mean vs compromise: differences 10 - 5 = 5 and 0 - 6 = -6
    assert m["vs_compromise"]["mean_diff"] == pytest.approx(-0.5)
    assert m["vs_compromise"]["win_rate"] == pytest.approx(0.5)


@dataclass(frozen=True)
class Flaky:
    """A model that raises on issue k (to check that one failure does not end the run)."""

    def run(self, arrays, detail="full"):
        if "k" in arrays.issue_ids:
            raise RuntimeError("boom")
        return static_outcome(arrays, arrays.positions.mean(axis=1), detail)


def test_a_failing_model_is_reported_not_fatal(runner, case_dir, monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # undone after the test
    monkeypatch.setattr(registry, "_TRAITS", dict(registry._TRAITS))
    registry.register("flaky")(Flaky)
    result = runner.invoke(app, ["backtest", "cases", str(case_dir), "-m", "flaky", "-m", "mean"])
    assert result.exit_code == 0, result.output
    assert "model 'flaky' failed on b.yaml issue k: RuntimeError: boom" in result.output
    models = _json(runner, "cases", str(case_dir), "-m", "flaky", "-m", "mean")
    assert models["flaky"]["n"] == 1 and models["mean"]["n"] == 2


def test_multi_issue_models_see_the_proposal(monkeypatch):
    seen = []

    @dataclass(frozen=True)
    class Spy:
        def run(self, arrays, detail="full"):
            seen.append(arrays.shape)
            return static_outcome(arrays, arrays.positions.mean(axis=1), detail)

    @dataclass(frozen=True)
    class OneDim(Spy):
        pass

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # undone after the test
    monkeypatch.setattr(registry, "_TRAITS", dict(registry._TRAITS))
    registry.register("spy", multi_issue=True)(Spy)
    data = read_deu3(DEV)
    d = next(c for c in data.cases if c.group == "d00032")
    run_backtest(type(data)(data.source, [d]), ["spy"])
    assert seen == [(1, len(d.case.actors), len(d.case.issues))]
    seen.clear()
    registry.register("onedim")(OneDim)
    run_backtest(type(data)(data.source, [d]), ["onedim"])
    held = [sum(d.case.issue(i).id in s for s in d.case.stances.values()) for i in d.scored]
    assert seen == [(1, n, 1) for n in held]


def test_bad_input_exits_2(runner, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("prnr\tisnr\tpat\tsat\tout\np1\ti1\tx\t10\t50\n")
    result = runner.invoke(app, ["backtest", "deu3", str(bad), "-c", "equal"])
    assert result.exit_code == 2
    assert f"{bad}: line 2: column pat (3): expected a number or a blank, got 'x'" in result.output
    result = runner.invoke(app, ["backtest", "deu3", DEV, "-m", "nosuch"])
    assert result.exit_code == 2 and "unknown model 'nosuch'" in result.output
    result = runner.invoke(app, ["backtest", "cases", str(tmp_path)])
    assert result.exit_code == 2 and "no case file" in result.output


def test_combined_is_cross_validated_in_backtests(runner, monkeypatch):
    # only the baselines as base models, to keep the test fast (slow models are benchmarked in docs)
    keep = ("compromise", "mean", "median", "combined")
    monkeypatch.setattr(registry, "_REGISTRY", {k: registry._REGISTRY[k] for k in keep})
    models = _json(runner, "deu3", DEV, "-m", "combined")
    assert models["combined"]["n"] == 200
    result = runner.invoke(app, ["backtest", "deu3", DEV, "-m", "combined", "-q"])
    assert "cross-validation grouped by proposal" in result.output


def test_combined_forecast_uses_stored_weights(runner, case_dir, tmp_path):
    result = runner.invoke(
        app, ["forecast", str(case_dir / "b.yaml"), "-m", "combined", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)["models"]["combined"]
    assert 0 <= out["forecast"]["k"] <= 100
    assert out["combined"]["fitted_on"]["file"] == "deu3_dev.tsv"
    assert any("neutral default" in n for n in out["combined"]["notes"])
    # a weights file naming a model this installation lacks is a clear error
    from parley.models.combined.weights import load_weights

    _, record = load_weights()
    record["models"] = [*record["models"], "ghost"]
    record["weights"]["ghost"] = 0.1  # a model with weight: needed at run time
    path = tmp_path / "w.json"
    path.write_text(json.dumps(record))
    args = ["forecast", str(case_dir / "b.yaml"), "-m", "combined", "-p", f"weights={path}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "ghost is not available in this installation" in result.output


def test_fit_combined_records_its_data(runner, tmp_path, case_dir):
    out = tmp_path / "w.json"
    result = runner.invoke(app, ["backtest", "fit-combined", str(case_dir), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    assert record["fitted_on"]["n_issues"] == 2 and record["fitted_on"]["n_proposals"] == 2
    assert "combined" not in record["models"]
    assert sum(record["weights"].values()) == pytest.approx(1.0)


def test_table_lists_each_model(runner):
    result = runner.invoke(app, ["backtest", "deu3", DEV, "-m", "compromise", "-m", "median", "-q"])
    assert result.exit_code == 0, result.output
    assert "200 scored issues" in result.output
    assert "21.43" in result.output and "25.43" in result.output


def test_a_learner_without_cross_validation_is_a_reported_failure(runner, case_dir, monkeypatch):
    @dataclass(frozen=True)
    class Oracle:
        def run(self, arrays, detail="full"):  # pragma: no cover - never run by a backtest
            raise AssertionError

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_TRAITS", dict(registry._TRAITS))
    registry.register("oracle", learns_from_outcomes=True)(Oracle)
    result = runner.invoke(app, ["backtest", "cases", str(case_dir), "-m", "oracle", "-m", "mean"])
    assert result.exit_code == 0, result.output
    assert "model 'oracle' failed on all proposals" in result.output
