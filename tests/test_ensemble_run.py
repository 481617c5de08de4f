"""Ensemble runs: reproducible whatever the chunking and executor, scenario probabilities honoured,
summaries checked against closed forms, models that cannot run left out."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import parley
from parley.case import build_case
from parley.ensemble.chunk import run_chunk
from parley.ensemble.device import cuda_available
from parley.ensemble.executors import DaskExecutor, LocalExecutor
from parley.ensemble.plan import make_plan
from parley.ensemble.stats import Threshold, se_median, summary
from parley.errors import ParleyError, ParleyWarning
from parley.forecast import ModelSpec
from parley.models import model_names

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
BATCHED = ["compromise", "mean", "median", "eum", "smp", "exchange"]


def ranged_case(**extra):
    """Four actors on two issues, ranges on positions, saliences and capabilities."""
    rows = {
        "a": (10, 0.9, 20, 80, 0.5),
        "b": (40, 0.6, 60, 30, 0.7),
        "c": (70, 0.8, 30, 20, 0.9),
        "d": (90, 0.5, 25, 60, 0.4),
    }
    actors, stances = [], {}
    for a, (x, s, cap, y, t) in rows.items():
        actors.append({"id": a, "capability": {"value": cap, "low": cap * 0.6, "high": cap * 1.5}})
        stances[a] = {
            "x": {"position": {"value": x, "low": max(0, x - 15), "high": min(100, x + 15)},
                  "salience": {"value": s, "low": s - 0.3, "high": min(1, s + 0.1)}},
            "y": {"position": {"value": y, "low": y - 10, "high": y + 10}, "salience": t},
        }  # fmt: skip
    data = {
        "title": "ranged",
        "actors": actors,
        "issues": [
            {"id": "x", "lower": 0, "upper": 100, "anchors": {0: "none", 50: "half", 100: "all"}},
            {"id": "y", "lower": 0, "upper": 100},
        ],
        "stances": stances,
    }
    data.update(extra)
    return build_case(data, "ranged")


def test_members_do_not_depend_on_chunking_for_every_batched_model():
    plan = make_plan(ranged_case(), [ModelSpec(m) for m in BATCHED], members=60, seed=4)
    whole = run_chunk(plan, 0, 60, keep_inputs=True)
    parts = [run_chunk(plan, a, b, keep_inputs=True) for a, b in ((0, 17), (17, 18), (18, 60))]
    np.testing.assert_array_equal(whole.inputs, np.vstack([p.inputs for p in parts]))
    for m in BATCHED:
        joined = np.vstack([p.forecasts[m] for p in parts])
        np.testing.assert_array_equal(whole.forecasts[m], joined, err_msg=m)
        np.testing.assert_array_equal(whole.status[m], np.concatenate([p.status[m] for p in parts]))
        assert np.isfinite(whole.forecasts[m]).all()
    assert not np.allclose(whole.forecasts["eum"][0], whole.forecasts["eum"][1])


def test_each_member_is_the_model_run_on_its_own_draw():
    # the batch path gives, for every member, what the model gives on that member alone
    plan = make_plan(ranged_case(), [ModelSpec("compromise"), ModelSpec("eum")], members=8)
    chunk = run_chunk(plan, 0, 8, keep_inputs=True)
    world = plan.worlds[0]
    for k in range(8):
        one = world.batch(chunk.inputs[k : k + 1])
        for name, model in world.models:
            got = model.run(one, detail="forecast").forecast[0]
            np.testing.assert_allclose(chunk.forecasts[name][k], got, rtol=0, atol=1e-12)


def test_same_seed_same_numbers_other_seed_other_numbers():
    first = parley.ensemble(ranged_case(), 300, ["compromise", "median"], seed=7)
    again = parley.ensemble(ranged_case(), 300, ["compromise", "median"], seed=7)
    other = parley.ensemble(ranged_case(), 300, ["compromise", "median"], seed=8)
    np.testing.assert_array_equal(first.forecasts["median"], again.forecasts["median"])
    assert not np.array_equal(first.forecasts["compromise"], other.forecasts["compromise"])


def test_local_processes_equal_inline_bit_for_bit():
    case = ranged_case()
    plan = make_plan(case, [ModelSpec("compromise"), ModelSpec("eum")], members=40, seed=2)
    ranges = [(0, 13), (13, 26), (26, 40)]
    inline = sorted(LocalExecutor(workers=1).run(plan, ranges, True), key=lambda c: c.start)
    pooled = sorted(LocalExecutor(workers=2).run(plan, ranges, True), key=lambda c: c.start)
    for a, b in zip(inline, pooled, strict=True):
        np.testing.assert_array_equal(a.inputs, b.inputs)
        for m in plan.models:
            np.testing.assert_array_equal(a.forecasts[m], b.forecasts[m])


def test_a_script_without_main_guard_can_use_the_process_pool(tmp_path):
    # the worker processes must not run the calling script again (spawn/forkserver would)
    script = tmp_path / "script.py"
    script.write_text(
        "import parley\n"
        "from parley.ensemble.executors import LocalExecutor\n"
        f"r = parley.ensemble({str(SEED)!r}, 600, ['compromise'], "
        "executor=LocalExecutor(workers=2))\n"
        "print(r.settings['executor'], r.forecasts['compromise'].shape)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "local (2 processes) (600, 5)"


def test_dask_local_cluster_of_two_workers_equals_local_bit_for_bit():
    pytest.importorskip("distributed")
    case = ranged_case()
    models = ["compromise", "median", "eum"]
    local = parley.ensemble(case, 600, models, seed=3)
    dask = parley.ensemble(case, 600, models, seed=3, executor=DaskExecutor(workers=2))
    assert dask.settings["executor"] == "dask LocalCluster (2 workers)"
    assert local.settings["chunk"] == dask.settings["chunk"]
    for m in models:
        np.testing.assert_array_equal(local.forecasts[m], dask.forecasts[m])
        np.testing.assert_array_equal(local.status[m], dask.status[m])
    np.testing.assert_array_equal(local.scenario, dask.scenario)


def test_unreachable_scheduler_is_one_clear_error():
    pytest.importorskip("distributed")
    executor = DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=1)
    with pytest.raises(ParleyError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
        parley.ensemble(ranged_case(), 10, ["compromise"], executor=executor)


def scenario_case(p_win, p_lose):
    """b's capability is 1 in the base case, 3 if it wins, 0.5 if it loses; nothing else varies,
    so each member's compromise forecast tells its scenario."""
    return build_case(
        {
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x", "lower": 0, "upper": 10}],
            "stances": {
                "a": {"x": {"position": 0, "salience": 1}},
                "b": {"x": {"position": 10, "salience": 1}},
            },
            "scenarios": [
                {"name": "win", "probability": p_win, "set": [{"actor": "b", "capability": 3}]},
                {"name": "lose", "probability": p_lose, "set": [{"actor": "b", "capability": 0.5}]},
                {"name": "unweighted", "set": [{"actor": "b", "capability": 100}]},
            ],
        }
    )


def test_scenario_probabilities_are_honoured_and_split():
    n = 6000
    result = parley.ensemble(scenario_case(0.5, 0.2), n, ["compromise"], seed=1)
    forecast = result.column("compromise", "x")
    # closed forms: 10 * c_b / (1 + c_b)
    expected = {"base": 5.0, "win": 7.5, "lose": 10 / 3}
    names = [name for name, _ in result.scenarios]
    assert names == ["base", "win", "lose"]
    for k, name in enumerate(names):
        np.testing.assert_allclose(forecast[result.scenario == k], expected[name], rtol=1e-12)
    split = result.to_json()["scenarios"]
    for name, p in (("base", 0.3), ("win", 0.5), ("lose", 0.2)):
        assert split[name]["probability"] == pytest.approx(p)
        assert abs(split[name]["share"] - p) < 4 * math.sqrt(p * (1 - p) / n)
        assert split[name]["median"]["compromise"]["x"] == pytest.approx(expected[name])
    # the ensemble's distribution is the mixture: P(forecast <= 5) = P(base) + P(lose)
    obj = parley.ensemble(
        scenario_case(0.5, 0.2), n, ["compromise"], seed=1, thresholds=["x<=5"]
    ).to_json()
    p = obj["models"]["compromise"]["issues"]["x"]["thresholds"]["<=5"]
    assert abs(p - 0.5) < 4 * math.sqrt(0.25 / n)


def test_fixed_scenario_and_no_mix():
    case = scenario_case(0.5, 0.2)
    fixed = parley.ensemble(case, 50, ["compromise"], scenario="unweighted")
    np.testing.assert_allclose(fixed.column("compromise", "x"), 1000 / 101, rtol=1e-12)
    assert [n for n, _ in fixed.scenarios] == ["unweighted"]
    base = parley.ensemble(case, 50, ["compromise"], mix=False)
    np.testing.assert_allclose(base.column("compromise", "x"), 5.0)


def test_uniform_input_gives_its_closed_form_distribution():
    # compromise with equal weights: forecast = (x_a + 10) / 2 with x_a ~ uniform(0, 6), so the
    # forecast is uniform on [5, 8]: quantiles 5 + 3q, band of anchor 6 ([5, 6.5)) has p = 0.5
    case = build_case(
        {
            "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
            "issues": [{"id": "x", "lower": 0, "upper": 10, "anchors": {5: "five", 8: "eight"}}],
            "stances": {
                "a": {
                    "x": {
                        "position": {"value": 3, "low": 0, "high": 6, "distribution": "uniform"},
                        "salience": 1,
                    }
                },
                "b": {"x": {"position": 10, "salience": 1}},
            },
        }
    )
    n = 20_000
    obj = parley.ensemble(case, n, ["compromise"], thresholds=["x>7.4"]).to_json()
    s = obj["models"]["compromise"]["issues"]["x"]
    for key, q in (("q05", 0.05), ("q25", 0.25), ("median", 0.5), ("q75", 0.75), ("q95", 0.95)):
        assert s[key] == pytest.approx(5 + 3 * q, abs=4 * 3 * math.sqrt(q * (1 - q) / n))
    assert s["mean"] == pytest.approx(6.5, abs=4 * 3 / math.sqrt(12 * n))
    # the median's standard error of a uniform of width 3: 1 / (2 f sqrt(n)) = 3 / (2 sqrt(n))
    assert s["se_median"] == pytest.approx(3 / (2 * math.sqrt(n)), rel=0.15)
    assert s["bands"]["five"] == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / n))
    assert s["bands"]["five"] + s["bands"]["eight"] == pytest.approx(1.0)
    assert s["thresholds"][">7.4"] == pytest.approx(0.2, abs=4 * math.sqrt(0.16 / n))


def test_an_ensemble_whose_results_cannot_fit_is_refused_before_any_work():
    with pytest.raises(ParleyError, match="for their results, more than the limit"):
        parley.ensemble(ranged_case(), 10**13, ["compromise"])


def test_one_member_gives_valid_json_without_an_error_estimate():
    obj = parley.ensemble(ranged_case(), 1, ["compromise"]).to_json()
    issue = obj["models"]["compromise"]["issues"]["x"]
    assert issue["se_median"] is None and issue["median"] == issue["q05"]
    json.dumps(obj, allow_nan=False)


def test_se_median_matches_normal_theory():
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.normal(0, 2, size=n)
    # asymptotic standard error of the median of N(0, s^2): s sqrt(pi / 2) / sqrt(n)
    assert se_median(x) == pytest.approx(2 * math.sqrt(math.pi / 2) / math.sqrt(n), rel=0.15)
    medians = [np.median(rng.normal(0, 2, size=n)) for _ in range(300)]
    assert se_median(x) == pytest.approx(np.std(medians), rel=0.2)
    assert summary(x)["q95"] == pytest.approx(stats.norm(0, 2).ppf(0.95), abs=0.15)


@pytest.mark.parametrize(
    "text, message",
    [("x=3", "expects ISSUE<=VALUE"), ("x<=y", "expects ISSUE<=VALUE"), ("<=3", "expects")],
)
def test_bad_thresholds(text, message):
    with pytest.raises(ParleyError, match=message):
        Threshold.parse(text)
    assert Threshold.parse(" withdrawal <= 2 ") == Threshold("withdrawal", "<=", 2.0)


def test_model_that_cannot_run_is_left_out_unless_asked_for():
    # every salience 0 on y: eum cannot forecast y (it says so with a ParleyError)
    case = ranged_case()
    data = case.model_dump()
    for stance in data["stances"].values():
        stance["y"]["salience"] = {"value": 0}
    zero = build_case(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = parley.ensemble(
            zero, 20, [ModelSpec("compromise", required=False), ModelSpec("eum", required=False)]
        )
    assert result.models == ["compromise"]
    assert "eum" in result.left_out
    assert any(issubclass(w.category, ParleyWarning) and "eum" in str(w.message) for w in caught)
    with pytest.raises(ParleyError):
        parley.ensemble(zero, 20, ["eum"])


def test_every_registered_model_runs_in_an_ensemble():
    result = parley.ensemble(ranged_case(), 12, model_names())
    for m in result.models:
        assert np.isfinite(result.forecasts[m]).all(), m
        assert result.to_json()["models"][m]["status"]


@pytest.mark.skipif(not cuda_available(), reason="no CUDA device")
def test_cuda_agrees_with_cpu():
    case = ranged_case()
    models = ["compromise", "median", "eum", "smp"]
    cpu = parley.ensemble(case, 256, models, seed=5)
    gpu = parley.ensemble(case, 256, models, seed=5, device="cuda")
    for m in models:
        np.testing.assert_allclose(gpu.forecasts[m], cpu.forecasts[m], rtol=0, atol=1e-9)


def test_cuda_without_a_device_is_one_clear_error():
    if cuda_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(ParleyError, match="^device cuda needs PyTorch with a CUDA device") as info:
        parley.ensemble(ranged_case(), 10, ["compromise"], device="cuda")
    assert info.value.parameter == "device"  # the CLI says --device
