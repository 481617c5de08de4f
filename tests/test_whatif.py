"""What-if from the command line: `--set` and several `--scenario` options, against edited files."""

from __future__ import annotations

import json

import pytest
from casebuilders import make_case
from conftest import ROOT

from parley.cli import app
from parley.errors import ScenarioError
from parley.scenarios import apply_scenarios
from parley.whatif import ValueChange, apply_changes

SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"

# The seed case edited by hand, as an analyst would: IAI asks for 3 years instead of 0.5 (its range
# goes with the edit), cares 60 instead of 40 about oil, and the US administration's capability is
# 40 on every issue (the actor's line, and its issue-specific capabilities removed).
EDITS = [
    (
        "    withdrawal: {position: {value: 0.5, low: 0, high: 1}, salience: 95}\n"
        "    unity: {position: {value: 5, low: 0, high: 20}, salience: 80}",
        "    withdrawal: {position: 3, salience: 95}\n"
        "    unity: {position: {value: 5, low: 0, high: 20}, salience: 80}",
    ),
    (
        "    oil: {position: 5, salience: 40}\n    bases: {position: 0, salience: 70}\n  rev_1920",
        "    oil: {position: 5, salience: 60}\n    bases: {position: 0, salience: 70}\n  rev_1920",
    ),
    ("    tags: [us]\n    capability: 100\n", "    tags: [us]\n    capability: 40\n"),
    (
        "salience: 50, capability: 70}\n    inclusion: {position: {value: 45, low: 30, high: 55}, "
        "salience: 60, capability: 70}\n    oil: {position: 35, salience: 50, capability: 50}",
        "salience: 50}\n    inclusion: {position: {value: 45, low: 30, high: 55}, "
        "salience: 60}\n    oil: {position: 35, salience: 50}",
    ),
]
SETS = [
    "--set", "iai.withdrawal.position=3",
    "--set", "iai.oil.salience=60",
    "--set", "us_admin.capability=40",
]  # fmt: skip


def _edited(tmp_path, edits=EDITS):
    text = SEED.read_text()
    for old, new in edits:
        assert text.count(old) == 1, old  # the edit hits exactly one place of the seed file
        text = text.replace(old, new)
    path = tmp_path / "edited.yaml"
    path.write_text(text)
    return path


def _forecasts(runner, args):
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {m: v["forecast"] for m, v in json.loads(result.stdout)["models"].items()}


def test_set_equals_an_edited_file_for_every_model(runner, tmp_path):
    with_set = _forecasts(runner, ["forecast", str(SEED), *SETS])
    edited = _forecasts(runner, ["forecast", str(_edited(tmp_path))])
    assert with_set.keys() == edited.keys() and len(with_set) >= 5
    for model, forecast in edited.items():
        assert with_set[model] == pytest.approx(forecast, abs=1e-12), model
    base = _forecasts(runner, ["forecast", str(SEED)])
    assert base["compromise"] != with_set["compromise"]  # the edits do move the forecast


def test_set_comes_after_the_scenario(runner, tmp_path):
    # democratic-congress sets rep_congress's withdrawal position to 6; --set moves it on to 7.
    text = SEED.read_text().replace(
        "{actor: rep_congress, issue: withdrawal, capability: 30, position: 6}",
        "{actor: rep_congress, issue: withdrawal, capability: 30, position: 7}",
    )
    (tmp_path / "c.yaml").write_text(text)
    args = ["-s", "democratic-congress", "-m", "compromise", "-m", "median"]
    with_set = _forecasts(
        runner, ["forecast", str(SEED), *args, "--set", "rep_congress.withdrawal.position=7"]
    )
    assert with_set == _forecasts(runner, ["forecast", str(tmp_path / "c.yaml"), *args])


def test_set_on_compare_front_and_report(runner, tmp_path):
    # compare: the IAI edits only (the scenarios set us_admin's capability, and --set, applied
    # after them, would override that where the edited file does not)
    iai = str(_edited(tmp_path, EDITS[:2]))
    cmd = ["compare", str(SEED), *SETS[:4], "-m", "median", "-m", "compromise", "-f", "json"]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 0, result.output
    expected = runner.invoke(app, ["compare", iai, *cmd[-6:]])
    got, want = json.loads(result.stdout), json.loads(expected.stdout)
    assert got["shift"] == want["shift"]
    assert got["scenarios"]["base"]["set"] == SETS[1:4:2]
    edited = str(_edited(tmp_path))
    front = ["front", "--members", "iai,rev_1920", "-m", "median", "-f", "json"]
    got = runner.invoke(app, [front[0], str(SEED), *front[1:], *SETS])
    want = runner.invoke(app, [front[0], edited, *front[1:]])
    assert got.exit_code == 0, got.output
    assert (
        json.loads(got.stdout)["fronts"][0]["gain"] == json.loads(want.stdout)["fronts"][0]["gain"]
    )
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(SEED), "-o", str(out), "-m", "median", *SETS])
    assert result.exit_code == 0, result.output
    assert "set iai.withdrawal.position=3, iai.oil.salience=60, us_admin.capability=40" in (
        out.read_text()
    )


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "iaj.withdrawal.position=3",
            "unknown actor 'iaj' (did you mean 'iai'?); actors: us_admin,",
        ),
        (
            "iai.withdrawl.position=3",
            "unknown issue 'withdrawl' (did you mean 'withdrawal'?); issues:",
        ),
        ("iai.withdrawal.postion=3", "unknown field 'postion' (did you mean 'position'?); fields:"),
        ("iai.weight=3", "unknown field 'weight'; fields: position, salience, capability"),
        ("iai.salience=3", "iai.salience=3: salience needs an issue"),
        ("iai.withdrawal.position=30", "iai.withdrawal.position=30: position: 30 is outside"),
        ("iai.withdrawal.salience=300", "salience: 300 is outside [0, 100]"),
        ("iai.withdrawal.position=soon", "expected a number (or none for no position), got 'soon'"),
        ("iai.withdrawal.position=nan", "expected a finite number"),
        ("iai=3", "--set expects ACTOR.ISSUE.FIELD=VALUE or ACTOR.capability=VALUE"),
        ("iai.withdrawal.position", "--set expects ACTOR.ISSUE.FIELD=VALUE"),
    ],
)
@pytest.mark.parametrize("command", ["forecast", "front", "compare"])
def test_a_bad_set_is_one_error_line_exit_2(runner, item, expected, command):
    extra = ["--members", "iai,rev_1920"] if command == "front" else []
    result = runner.invoke(app, [command, str(SEED), *extra, "--set", item])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {SEED}: "), result.output
    assert expected in lines[0]
    assert "Traceback" not in result.output


def _case():
    return make_case(
        positions={"a": {"x": 0}, "b": {"x": 10}},
        salience={"a": {"x": 1}, "b": {"x": 1}},
        capability={"a": 1, "b": 1},
        bounds={"x": (0, 10)},
        scenarios=[
            {"name": "b-moves", "set": [{"actor": "b", "issue": "x", "position": 6}]},
            {"name": "b-moves-more", "set": [{"actor": "b", "issue": "x", "position": 4}]},
            {"name": "b-moves-too", "set": [{"actor": "b", "issue": "x", "position": 6}]},
            {"name": "without-b", "drop_actors": ["b"]},
            {
                "name": "c-joins",
                "add_actors": [
                    {"id": "c", "capability": 1, "stances": {"x": {"position": 2, "salience": 1}}}
                ],
            },
        ],
    )


def test_scenarios_stack_in_the_order_given():
    case = apply_scenarios(_case(), ["c-joins", "b-moves"])
    assert [a.id for a in case.actors] == ["a", "b", "c"]
    assert case.stances["b"]["x"].position.value == 6
    assert case.title == "test case [c-joins + b-moves]"
    # a later scenario sees what an earlier one added: dropping b after moving it leaves a only
    assert [a.id for a in apply_scenarios(_case(), ["b-moves", "without-b"]).actors] == ["a"]


def test_two_scenarios_setting_one_value_differently_is_an_error_naming_both():
    with pytest.raises(ScenarioError, match="scenarios 'b-moves' and 'b-moves-more' both set b.x"):
        apply_scenarios(_case(), ["b-moves", "b-moves-more"])
    # the same value twice is no conflict
    assert (
        apply_scenarios(_case(), ["b-moves", "b-moves-too"]).stances["b"]["x"].position.value == 6
    )


def test_several_scenarios_on_the_command_line(runner, tmp_path):
    # republican-congress then democratic-congress both set rep_congress's withdrawal capability
    result = runner.invoke(
        app, ["forecast", str(SEED), "-s", "republican-congress", "-s", "democratic-congress"]
    )
    assert result.exit_code == 2
    assert "scenarios 'republican-congress' and 'democratic-congress' both set" in result.output


def test_actor_wide_capability_replaces_issue_specific_ones():
    case = make_case(
        positions={"a": {"x": 0, "y": 0}, "b": {"x": 10, "y": 10}},
        salience={"a": {"x": 1, "y": 1}, "b": {"x": 1, "y": 1}},
        capability={"a": 1, "b": 1},
        bounds={"x": (0, 10), "y": (0, 10)},
    )
    stances = case.model_dump()["stances"]
    stances["b"]["x"]["capability"] = {"value": 3}
    case = case.model_validate({**case.model_dump(), "stances": stances})
    changed = apply_changes(case, [ValueChange("b", None, "capability", 5)])
    assert changed.actor("b").capability.value == 5
    assert changed.stances["b"]["x"].capability is None
    assert case.stances["b"]["x"].capability.value == 3  # the input case is untouched


def test_none_position_means_no_position():
    changed = apply_changes(_case(), [ValueChange("a", "x", "position", None)])
    assert changed.stances["a"]["x"].position is None


def test_set_on_ensemble_equals_an_edited_file(runner, tmp_path):
    # the set value is certain, as in the edited file where IAI's withdrawal range is gone
    args = ["-m", "median", "-n", "40", "--seed", "3", "-f", "json"]
    got = runner.invoke(app, ["ensemble", str(SEED), *args, "--set", "iai.withdrawal.position=3"])
    want = runner.invoke(app, ["ensemble", str(_edited(tmp_path, EDITS[:1])), *args])
    assert got.exit_code == 0, got.output
    got_json, want_json = json.loads(got.stdout), json.loads(want.stdout)
    assert got_json["settings"].pop("set") == ["iai.withdrawal.position=3"]
    want_json["settings"].pop("set")
    for obj in (got_json, want_json):
        obj.pop("run", None)
        obj.pop("case", None)
    assert got_json == want_json
    bad = runner.invoke(app, ["ensemble", str(SEED), *args, "--set", "iaj.oil.position=3"])
    assert bad.exit_code == 2 and "unknown actor 'iaj' (did you mean 'iai'?)" in bad.output
