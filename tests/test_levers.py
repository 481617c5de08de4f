"""Levers: A's value, the compromise closed form, batch = one by one, fronts = front gains, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from casebuilders import make_case
from conftest import ROOT

import parley
from parley.case import case_arrays
from parley.cli import app
from parley.coalitions.front_arrays import bloc_rows
from parley.coalitions.fronts import evaluate_front
from parley.forecast import model_specs
from parley.io import read_case
from parley.levers import KINDS, LeverError, actor_goals, find_levers
from parley.levers.batch import run_chunked
from parley.levers.candidates import single_levers
from parley.levers.closed_form import (
    compromise_derivatives,
    compromise_forecasts,
    compromise_front_forecast,
)
from parley.models import get_model, model_names

SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"


@pytest.fixture(scope="module")
def seed():
    return read_case(SEED)


def _small():
    # a wants 0 on x (salience 1) and 10 on y (salience 0.5); b and c elsewhere; 0-10 scales
    return make_case(
        positions={"a": {"x": 0, "y": 10}, "b": {"x": 10, "y": 0}, "c": {"x": 6, "y": 4}},
        salience={"a": {"x": 1, "y": 0.5}, "b": {"x": 0.5, "y": 1}, "c": {"x": 1, "y": 1}},
        capability={"a": 1, "b": 2, "c": 1},
        bounds={"x": (0, 10), "y": (0, 10)},
    )


def test_value_by_hand():
    goals = actor_goals(case_arrays(_small()), "a")
    # compromise: x = (1*0 + 1*10 + 1*6)/(1+1+1) = 16/3; y = (0.5*10 + 2*0 + 1*4)/(0.5+2+1) = 9/3.5
    # V = -(1 * (16/3)/10 + 0.5 * (10 - 9/3.5)/10) / 1.5
    expected = -(1 * (16 / 3) / 10 + 0.5 * (10 - 9 / 3.5) / 10) / 1.5
    forecast = get_model("compromise").run(case_arrays(_small())).forecast[0]
    assert goals.value(forecast) == pytest.approx(expected, abs=1e-15)


def test_goal_replaces_the_position():
    goals = actor_goals(case_arrays(_small()), "a", {"y": 5})
    assert goals.goal.tolist() == [0, 5]
    # with the forecast exactly on both goals the value is 0, the best there is
    assert goals.value(np.array([0.0, 5.0])) == 0


def test_persuade_all_the_way_by_hand():
    # b persuaded all the way to a's 0 on x: x = (0 + 1*0 + 6)/3 = 2, so x moves 16/3 - 2 = 10/3
    # and a's value rises by 1 * (10/3)/10 / 1.5 = 2/9
    result = find_levers(_small(), "a", model_specs(["compromise"]), kinds=["persuade"])
    lever = next(e for e in result.ranked("compromise") if e.lever.label == "persuade b on x 100%")
    assert lever.effect == pytest.approx(2 / 9, abs=1e-15)
    assert lever.shifts.tolist() == pytest.approx([-10 / 3, 0], abs=1e-14)


@pytest.mark.parametrize("actor", ["iai", "us_admin", "aqi"])
def test_compromise_closed_form_equals_the_batched_run(seed, actor):
    arrays = case_arrays(seed)
    a = arrays.actor_ids.index(actor)
    goal = actor_goals(arrays, actor)
    f0 = get_model("compromise").run(arrays).forecast[0]
    levers, batch = single_levers(arrays, a, goal.goal, KINDS, f0)
    assert {lv.kind for lv in levers} == {"persuade", "salience", "concede", "resources"}
    closed = compromise_forecasts(arrays, batch)
    run = run_chunked(get_model("compromise"), batch)
    np.testing.assert_allclose(closed, run, rtol=0, atol=1e-12)
    # and the effects find_levers reports are the closed form's
    result = find_levers(seed, actor, model_specs(["compromise"]))
    effects = result.effects["compromise"]
    for n, lever in enumerate(levers):
        want = goal.value(closed[n]) - goal.value(f0)
        assert effects[lever].effect == pytest.approx(want, abs=1e-12)


def test_compromise_derivatives(seed):
    arrays = case_arrays(seed)
    dfdx, dfdw = compromise_derivatives(arrays)
    f0 = get_model("compromise").run(arrays).forecast[0]
    a, k, i = arrays.actor_ids.index("iai"), arrays.actor_ids.index("us_admin"), 0
    goal = actor_goals(arrays, "iai").goal
    levers, batch = single_levers(arrays, a, goal, ["persuade"], f0)
    n = next(
        n for n, lv in enumerate(levers) if lv.target == "us_admin" and lv.issue == "withdrawal"
    )
    step = levers[n].amount * (goal[i] - arrays.positions[0, k, i])
    # f is linear in a position: the step times the derivative, exactly
    shift = compromise_forecasts(arrays, batch)[n, i] - f0[i]
    assert shift == pytest.approx(dfdx[k, i] * step, abs=1e-12)
    # a small weight change: (f' - f) / dw tends to df/dw = (x - f) / W
    w = arrays.weights[0, k, i]
    tiny = arrays.with_batch(salience=arrays.salience.copy())
    tiny.salience[0, k, i] *= 1 + 1e-7
    dw = arrays.capability[0, k, i] * tiny.salience[0, k, i] - w
    slope = (compromise_forecasts(arrays, tiny)[0, i] - f0[i]) / dw
    assert slope == pytest.approx(dfdw[k, i], rel=1e-6)


def test_compromise_front_closed_form(seed):
    arrays = case_arrays(seed)
    result = find_levers(seed, "iai", model_specs(["compromise"]), kinds=["ally"])
    f0 = get_model("compromise").run(arrays).forecast[0]
    goal = actor_goals(arrays, "iai")
    for lever, effect in result.effects["compromise"].items():
        idx = [arrays.actor_ids.index(m) for m in ["iai", *lever.target.split("+")]]
        closed = compromise_front_forecast(arrays, idx, bloc_rows(arrays, idx))
        np.testing.assert_allclose(f0 + effect.shifts, closed, rtol=0, atol=1e-12)
        assert effect.effect == pytest.approx(goal.value(closed) - goal.value(f0), abs=1e-12)


@pytest.mark.parametrize("name", model_names())
def test_batch_equals_one_by_one(seed, name):
    arrays = case_arrays(seed)
    a = arrays.actor_ids.index("iai")
    model = model_specs([name])[0].build(seed)
    f0 = np.asarray(model.run(arrays, detail="forecast").forecast)[0]
    levers, batch = single_levers(arrays, a, actor_goals(arrays, "iai").goal, KINDS, f0)
    every = range(0, len(levers), 7)  # a spread of every kind (the whole batch is solved)
    batched = run_chunked(model, batch, chunk=64)  # chunks too
    for n in every:
        one = batch.with_batch(
            **{k: getattr(batch, k)[n : n + 1] for k in ("positions", "salience", "capability")}
        )
        single = np.asarray(model.run(one, detail="forecast").forecast)[0]
        np.testing.assert_allclose(batched[n], single, rtol=0, atol=1e-12, err_msg=str(levers[n]))


def test_ally_effect_is_the_front_gain(seed):
    specs = model_specs(["median", "eum"])
    result = find_levers(seed, "iai", specs, kinds=["ally"])
    for target in ("rev_1920", "aqi", "rev_1920+baathists"):
        lever = next(lv for lv in result.levers() if lv.target == target)
        front = evaluate_front(seed, ["iai", *target.split("+")], specs)
        for model in ("median", "eum"):
            got = result.effects[model][lever].effect
            assert got == pytest.approx(front.gain_by_model[model]["iai"], abs=1e-12)


def test_fronts_are_not_judged_by_head_counting(seed):
    result = find_levers(seed, "iai", model_specs(["mean", "median"]), kinds=["ally"])
    assert result.effects["mean"] == {}
    assert len(result.effects["median"]) >= 16  # a pair with every other actor, and triples


def test_agree_lists_the_models_with_the_same_sign(seed):
    result = find_levers(seed, "iai", model_specs(["compromise", "median", "eum"]))
    for model in result.models:
        for lever, effect in result.effects[model].items():
            agree = result.agree(lever, model)
            assert model in agree
            for other in result.models:
                same = np.sign(round(result.effects[other][lever].effect, 9)) == np.sign(
                    round(effect.effect, 9)
                )
                assert (other in agree) == bool(same), (lever, other)


def test_levers_json_contract(runner):
    result = runner.invoke(
        app,
        ["levers", str(SEED), "--actor", "iai", "-m", "compromise", "-m", "median", "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["actor"] == "iai" and set(data["value"]) == {"compromise", "median"}
    for model, rows in data["models"].items():
        assert [r["effect"] for r in rows] == sorted((r["effect"] for r in rows), reverse=True)
        for row in rows:
            keys = {"kind", "target", "issue", "amount", "effect", "shifts", "agree", "noise"}
            assert set(row) == keys  # noise: the default small-perturbation ensemble's marks
            assert set(row["noise"]) == set(row["shifts"])
            assert row["kind"] in KINDS and model in row["agree"]
            assert set(row["shifts"]) == {"withdrawal", "unity", "inclusion", "oil", "bases"}
    kinds = {r["kind"] for r in data["models"]["median"]}
    assert kinds == set(KINDS)


def test_levers_table_names_the_models_a_mixed_lever_hurts(runner):
    result = runner.invoke(
        app, ["levers", str(SEED), "--actor", "iai", "-m", "compromise", "-m", "eum", "--top", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "Levers of iai" in result.output
    assert "; hurts: " in result.output  # some lever helps under one model and hurts under another


def test_levers_with_set_equal_an_edited_file(runner, tmp_path):
    text = SEED.read_text().replace(
        "    oil: {position: 5, salience: 40}\n    bases: {position: 0, salience: 70}\n  rev_1920",
        "    oil: {position: 5, salience: 60}\n    bases: {position: 0, salience: 70}\n  rev_1920",
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(text)
    args = ["--actor", "iai", "-m", "median", "-m", "compromise", "-f", "json"]
    got = runner.invoke(app, ["levers", str(SEED), *args, "--set", "iai.oil.salience=60"])
    want = runner.invoke(app, ["levers", str(edited), *args])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout) == json.loads(want.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--actor", "iaj"], "unknown actor 'iaj' (did you mean 'iai'?); actors: us_admin,"),
        (["--actor", "iai", "--goal", "withdrawl=2"], "unknown issue 'withdrawl' (did you mean"),
        (["--actor", "iai", "--goal", "withdrawal=20"], "outside the issue's scale [0, 10]"),
        (["--actor", "iai", "--goal", "withdrawal"], "--goal expects ISSUE=VALUE"),
        (["--actor", "iai", "--kinds", "persuade,alliance"], "unknown lever kind 'alliance'"),
        (["--actor", "iai", "--set", "iai.oil.salinece=3"], "unknown field 'salinece'"),
        (["--actor", "aqi", "--goal", "oil=3"], "aqi holds no position on oil"),
    ],
)
def test_levers_errors_are_one_line_exit_2(runner, args, expected):
    result = runner.invoke(app, ["levers", str(SEED), "-m", "compromise", *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.output


def test_unknown_actor_in_the_library_is_a_lever_error(seed):
    with pytest.raises(LeverError, match="unknown actor 'nobody'"):
        find_levers(seed, "nobody", model_specs(["compromise"]))


def test_robustness_without_uncertain_inputs_is_the_sign_of_the_effect():
    # _small() states no ranges: every member is the case itself
    result = find_levers(_small(), "a", model_specs(["compromise", "median"]), members=5)
    for model, effects in result.effects.items():
        for lever, effect in effects.items():
            assert result.robust[model][lever] == (1.0 if effect.effect > 1e-9 else 0.0)


def _half_persuasion_share(draws, actor: str, target: str, issue: str) -> float:
    """The share of the members of `draws` in which persuading `target` half way to `actor`'s
    goal on `issue` raises `actor`'s value, by the compromise closed form, member by member."""
    k, i = draws.actor_ids.index(target), draws.issue_ids.index(issue)
    n = draws.shape[0]
    helped = 0
    for m in range(n):
        one = draws.with_batch(
            **{f: getattr(draws, f)[m : m + 1] for f in ("positions", "salience", "capability")}
        )
        goal = actor_goals(one, actor)
        moved = one.with_batch(positions=one.positions.copy())
        x = moved.positions[0, k, i]
        moved.positions[0, k, i] = x + 0.5 * (goal.goal[i] - x)
        f0 = compromise_forecasts(one, one)[0]
        f1 = compromise_forecasts(one, moved)[0]
        helped += goal.value(f1) - goal.value(f0) > 1e-9
    return helped / n


def test_robustness_share_by_the_closed_form(seed):
    from parley.levers.robust import member_arrays

    n = 12
    result = find_levers(seed, "iai", model_specs(["compromise"]), kinds=["persuade"], members=n)
    draws = member_arrays(seed, n)
    assert len({float(v) for v in draws.positions[:, 3, 0]}) > 1  # iai's withdrawal is uncertain
    a = draws.actor_ids.index("iai")
    lever = next(lv for lv in result.levers() if lv.label == "persuade aqi on inclusion 50%")
    assert a == 3
    assert result.robust["compromise"][lever] == _half_persuasion_share(
        draws, "iai", "aqi", "inclusion"
    )


def test_spread_gives_ranges_to_a_case_without_them():
    """`spread` (as `parley ensemble --spread`) draws the members within +/- 20% of each scale
    around the stated values; every member's share is then checked by the closed form."""
    from parley.levers.robust import member_arrays

    n, spread = 16, {"position": 0.2}
    case = _small()
    result = find_levers(
        case, "a", model_specs(["compromise"]), kinds=["persuade"], members=n, spread=spread
    )
    draws = member_arrays(case, n, 0, spread)
    base = case_arrays(case).positions[0]
    moved_by = np.abs(draws.positions - base)
    assert moved_by.max() <= 0.2 * 10 + 1e-12 and moved_by.min(axis=0).max() < moved_by.max()
    assert len({float(v) for v in draws.positions[:, 1, 0]}) == n  # b's x varies per member
    # the ensemble's own draws with the same seed and spread: the same members
    ens = parley.ensemble(case, n, ["compromise"], spread=spread, mix=False)
    same = get_model("compromise").run(draws, detail="forecast").forecast
    assert np.allclose(ens.forecasts["compromise"], same, rtol=0, atol=1e-12)
    lever = next(lv for lv in result.levers() if lv.label == "persuade c on x 50%")
    assert result.robust["compromise"][lever] == _half_persuasion_share(draws, "a", "c", "x")


def test_levers_spread_on_the_command_line(runner):
    args = ["levers", str(SEED), "--actor", "iai", "-m", "compromise", "-k", "persuade"]
    args += ["-n", "6", "--spread", "capability=0.3", "-f", "json", "--noise-members", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    seed = read_case(SEED)
    expected = find_levers(
        seed,
        "iai",
        model_specs(["compromise"]),
        kinds=["persuade"],
        members=6,
        spread={"capability": 0.3},
    ).to_json()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    without = find_levers(seed, "iai", model_specs(["compromise"]), kinds=["persuade"], members=6)
    assert expected != json.loads(json.dumps(without.to_json()))  # the spread changed the draws


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--spread", "position=0.1"], "error: --spread sets the ranges of the --members N draws"),
        (["-n", "3", "--spread", "weight=0.1"], "error: --spread: unknown kind 'weight'"),
        (["-n", "3", "--spread", "capability=1.5"], "error: --spread capability: expected a"),
    ],
)
def test_levers_spread_errors_are_one_line_exit_2(runner, extra, expected):
    result = runner.invoke(app, ["levers", str(SEED), "--actor", "iai", *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith(expected) and len(result.stderr.splitlines()) == 1


def test_levers_json_with_members(runner):
    args = [
        "levers",
        str(SEED),
        "--actor",
        "iai",
        "-m",
        "median",
        "-k",
        "ally",
        "-n",
        "4",
        "-f",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["models"]["median"]
    assert rows and all(0 <= r["helps_share"] <= 1 for r in rows)
    assert all(r["robust"] == (r["helps_share"] >= 0.8) for r in rows)


def test_report_levers_section(runner, tmp_path):
    out = tmp_path / "r.html"
    args = ["report", str(SEED), "-o", str(out), "-m", "median", "-m", "compromise"]
    result = runner.invoke(app, [*args, "--levers", "iai"])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert '<section id="levers">' in page and "Levers of Islamic Army in Iraq (IAI)" in page
    assert "Going alone or in a front" in page and "The best lever on each issue" in page
    assert "inputs are analyst judgement" in page
    # the ranked table's first row is the best worst-case lever of `parley levers`
    data = runner.invoke(app, ["levers", str(SEED), "-a", "iai", *args[4:], "-f", "json"])
    rows = json.loads(data.stdout)["models"]
    worst = {}
    for items in rows.values():
        for r in items:
            key = (r["kind"], r["target"], r["issue"], r["amount"])
            worst[key] = min(worst.get(key, 1.0), r["effect"])
    best = max(worst.values())
    assert f"+{best * 100:.2f}".rstrip("0").rstrip(".") in page
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "plain.html")])
    assert '<section id="levers">' not in (tmp_path / "plain.html").read_text()
    bad = runner.invoke(app, [*args, "--levers", "iaj"])
    assert bad.exit_code == 2 and "unknown actor 'iaj' (did you mean 'iai'?)" in bad.output
