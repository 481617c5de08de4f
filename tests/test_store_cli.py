"""`--save` on forecast, compare and front, and `parley runs list|show|diff|export|rm`: a saved
result is exactly what the command prints as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the store extra is not installed")

from parley.cli import app  # noqa: E402
from parley.io import read_case  # noqa: E402
from parley.store import open_store  # noqa: E402

SEED = str(Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml")
FAST = ["-m", "compromise", "-m", "median"]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "runs.sqlite")
    monkeypatch.setenv("PARLEY_STORE", path)
    return path


def saved_equals_printed(runner, args: list[str], store: str) -> int:
    printed = runner.invoke(app, [*args, "-f", "json"])
    assert printed.exit_code == 0, printed.output
    saved = runner.invoke(app, [*args, "-f", "json", "--save", "--label", "week 1"])
    assert saved.exit_code == 0, saved.output
    assert saved.stdout == printed.stdout
    assert saved.stderr.startswith("saved run ")
    run_id = int(saved.stderr.split()[2])
    run = open_store(store).get(run_id)
    assert run.result == json.loads(printed.stdout)
    assert run.label == "week 1" and run.case_source == SEED
    assert run.case_sha256 == read_case(SEED).fingerprint()
    return run_id


def test_forecast_compare_front_save(runner, store: str) -> None:
    a = saved_equals_printed(runner, ["forecast", SEED, *FAST, "-s", "democratic-congress"], store)
    run = open_store(store).get(a)
    assert run.command == "forecast" and run.scenario == ["democratic-congress"]
    assert [m["name"] for m in run.models] == ["compromise", "median"]
    sets = ["--set", "us_admin.withdrawal.position=4"]
    w = saved_equals_printed(runner, ["forecast", SEED, *FAST, *sets], store)
    assert open_store(store).get(w).changes == ["us_admin.withdrawal.position=4"]
    b = saved_equals_printed(runner, ["compare", SEED, *FAST], store)
    assert open_store(store).get(b).scenario == [s.name for s in read_case(SEED).scenarios]
    c = saved_equals_printed(
        runner, ["front", SEED, "--members", "iai,ams", "-m", "compromise"], store
    )
    assert open_store(store).get(c).command == "front"
    # one case, stored once, under three runs
    assert len(open_store(store).cases()) == 1


def test_eum_parameters_recorded_in_full(runner, store: str) -> None:
    result = runner.invoke(app, ["forecast", SEED, "-m", "eum", "-p", "eum.rounds=3", "--save"])
    assert result.exit_code == 0, result.output
    [run] = open_store(store).list_runs()
    [model] = run.models
    assert model["name"] == "eum" and model["params"]["rounds"] == 3
    assert len(model["params"]) > 3  # defaults recorded too, not only what was given


def test_runs_commands(runner, store: str, tmp_path: Path) -> None:
    for label in ("mon", "tue"):
        args = ["forecast", SEED, "-m", "compromise", "--save", "--label", label]
        assert runner.invoke(app, args).exit_code == 0
    listed = json.loads(runner.invoke(app, ["runs", "list", "-f", "json"]).stdout)
    assert [(r["id"], r["label"], r["models"]) for r in listed] == [
        (2, "tue", ["compromise"]),
        (1, "mon", ["compromise"]),
    ]
    table = runner.invoke(app, ["runs", "list"]).stdout
    assert "mon" in table and "tue" in table
    shown = runner.invoke(app, ["runs", "show", "1"]).stdout
    assert "run 1 (mon)" in shown and "withdrawal" in shown
    diff = json.loads(runner.invoke(app, ["runs", "diff", "1", "2", "-f", "json"]).stdout)
    assert diff["inputs"] == [] and all(f["shift"] == 0 for f in diff["forecasts"])
    same = runner.invoke(app, ["diff", "1", "2"]).stdout
    assert "inputs: no changes" in same and "forecasts: 0 of 5 changed" in same
    out = tmp_path / "run1.json"
    assert runner.invoke(app, ["runs", "export", "1", "-o", str(out)]).exit_code == 0
    exported = json.loads(out.read_text())
    assert exported["case"]["title"] == read_case(SEED).title
    assert exported["result"]["models"]["compromise"]["forecast"]["withdrawal"] > 0
    assert runner.invoke(app, ["runs", "rm", "1"]).exit_code == 0
    gone = runner.invoke(app, ["runs", "show", "1"])
    assert gone.exit_code == 2
    assert gone.stderr.strip() == f"error: no run 1 in sqlite:///{store}"


def test_store_errors_are_one_line(runner, store: str) -> None:
    bad = runner.invoke(app, ["runs", "list", "--store", "nosuch://x"])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "error: --store: no database driver for 'nosuch'"
    word = runner.invoke(app, ["runs", "show", "abc"])
    assert word.exit_code == 2 and "run id must be a whole number" in word.stderr
    label = runner.invoke(app, ["forecast", SEED, "-m", "compromise", "--label", "x"])
    assert label.exit_code == 0 and "--label has no effect without --save" in label.stderr
    assert open_store(store).list_runs() == []


def test_ensemble_save_records_seed_and_members(runner, store: str) -> None:
    args = ["ensemble", SEED, "-m", "compromise", "-n", "40", "--seed", "7"]
    run_id = saved_equals_printed(runner, args, store)
    run = open_store(store).get(run_id)
    assert (run.command, run.seed, run.members) == ("ensemble", 7, 40)


def test_sensitivity_and_levers_save(runner, store: str) -> None:
    s = saved_equals_printed(runner, ["sensitivity", SEED, "-m", "compromise"], store)
    assert open_store(store).get(s).command == "sensitivity"
    args = ["levers", SEED, "--actor", "iai", "-m", "compromise", "-k", "salience"]
    lv = saved_equals_printed(runner, args, store)
    assert open_store(store).get(lv).command == "levers"
