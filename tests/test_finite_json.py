"""JSON is always strict JSON: a NaN or infinity forced into a model's forecast reaches every
JSON path (each command's --format json, the web API, the run store, fit-combined's file) as
`null`, never as `NaN`/`Infinity` (which strict parsers refuse)."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pytest
from test_backtest_cli import CASE_A, CASE_B

import parley.models.baselines as baselines
from parley.cli import app
from parley.io.finite_json import dumps, finite

CASE = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
SRC = Path(__file__).parents[1] / "src" / "parley"


def strict(text: str):
    """json.loads that refuses NaN / Infinity / -Infinity (as JSON.parse or jq do)."""

    def refuse(name: str):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def broken_compromise(monkeypatch):
    """compromise forecasts NaN on the first issue and +inf on the second, for every member
    (levers re-run one issue alone: there the one issue is NaN)."""
    original = baselines.weighted_mean

    def forced(arrays):
        forecast = np.array(original(arrays), dtype=float)
        forecast[..., 0] = np.nan
        if forecast.shape[-1] > 1:
            forecast[..., 1] = np.inf
        return forecast

    monkeypatch.setattr(baselines, "weighted_mean", forced)


def test_finite_replaces_only_non_finite_numbers() -> None:
    assert finite({"a": [1, 2.5, math.nan], "b": (-math.inf, "NaN"), "c": None}) == {
        "a": [1, 2.5, None],
        "b": [None, "NaN"],
        "c": None,
    }
    assert strict(dumps([np.float64("nan"), np.float64(1.5)])) == [None, 1.5]


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "-m", "compromise"],
        ["compare", "-m", "compromise"],
        ["ensemble", "-m", "compromise", "-n", "8"],
        ["levers", "-m", "compromise", "-a", "us_admin"],
    ],
)
def test_every_command_prints_null_for_a_non_finite_forecast(
    runner, broken_compromise, args
) -> None:
    result = runner.invoke(app, [args[0], str(CASE), *args[1:], "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    obj = strict(result.stdout)
    if args[0] == "forecast":
        assert obj["models"]["compromise"]["forecast"]["withdrawal"] is None
        assert obj["recommended"]  # the rest of the result is still there


def test_web_api_answers_null_not_a_500(tmp_path, broken_compromise) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from parley.web import WebSettings, create_app

    client = TestClient(
        create_app(WebSettings(store=str(tmp_path / "w.sqlite"))), raise_server_exceptions=False
    )
    got = client.post(
        "/api/forecast",
        files={"case": (CASE.name, CASE.read_bytes())},
        data={"model": "compromise"},
    )
    assert got.status_code == 200, got.text
    assert strict(got.text)["models"]["compromise"]["forecast"]["withdrawal"] is None


def test_saved_run_and_its_export_hold_null(runner, tmp_path, broken_compromise) -> None:
    store = str(tmp_path / "runs.sqlite")
    ran = runner.invoke(
        app, ["forecast", str(CASE), "-m", "compromise", "--save", "--store", store]
    )
    assert ran.exit_code == 0, ran.output
    shown = runner.invoke(app, ["runs", "show", "1", "--store", store, "-f", "json"])
    assert shown.exit_code == 0, shown.output
    assert strict(shown.stdout)["result"]["models"]["compromise"]["forecast"]["withdrawal"] is None
    target = tmp_path / "run.json"
    exported = runner.invoke(app, ["runs", "export", "1", "--store", store, "-o", str(target)])
    assert exported.exit_code == 0, exported.output
    strict(target.read_text())


def test_fit_combined_file_is_strict_json(runner, tmp_path, monkeypatch) -> None:
    import parley.backtest.combined_fit as combined_fit

    original = combined_fit.fit_record

    def forced(*args, **kwargs):
        record = original(*args, **kwargs)
        record["cross_validation"]["combined"]["rmse"] = math.inf
        return record

    monkeypatch.setattr(combined_fit, "fit_record", forced)
    (tmp_path / "a.yaml").write_text(CASE_A)
    (tmp_path / "b.yaml").write_text(CASE_B)
    target = tmp_path / "w.json"
    result = runner.invoke(
        app,
        [
            "backtest",
            "fit-combined",
            str(tmp_path),
            "-o",
            str(target),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert strict(target.read_text())["cross_validation"]["combined"]["rmse"] is None


def test_no_json_written_around_the_one_writer() -> None:
    """Commands and the web print JSON only through parley.io.finite_json (a `json.dumps` there
    would bring NaN back): only a size and an uploaded case (input) call json.dumps directly."""
    allowed = {("cli/runs.py", "show"), ("web/uploads.py", "read_json_case")}  # size; input
    found = set()
    for folder in ("cli", "web"):
        for path in (SRC / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef):
                    continue
                for node in ast.walk(fn):
                    if (
                        isinstance(node, ast.Attribute)
                        and node.attr == "dumps"
                        and isinstance(node.value, ast.Name)
                        and node.value.id == "json"
                    ):
                        found.add((str(path.relative_to(SRC)), fn.name))
    assert found <= allowed, found - allowed
