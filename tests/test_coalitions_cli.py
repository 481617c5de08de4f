"""`parley coalitions` and `parley front` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from parley.cli import app
from parley.io import read_case

ROOT = Path(__file__).parents[1]
SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"

# Bundestag 2013 seats (Der Bundeswahlleiter) as capabilities; positions on a left-right issue
# are illustrative (only their order matters here): Linke, Gruene, SPD, CDU, CSU.
BUNDESTAG = {
    "title": "Bundestag 2013",
    "actors": [
        {"id": "Linke", "capability": 64},
        {"id": "Gruene", "capability": 63},
        {"id": "SPD", "capability": 193},
        {"id": "CDU", "capability": 255},
        {"id": "CSU", "capability": 56},
    ],
    "issues": [{"id": "lr", "lower": 0, "upper": 10}],
    "stances": {
        a: {"lr": {"position": x, "salience": 1}}
        for a, x in {"Linke": 1, "Gruene": 3, "SPD": 3.5, "CDU": 6.5, "CSU": 7.5}.items()
    },
}


@pytest.fixture
def bundestag(tmp_path) -> Path:
    path = tmp_path / "bundestag.yaml"
    path.write_text(yaml.safe_dump(BUNDESTAG))
    return path


def test_coalitions_json(runner, bundestag):
    result = runner.invoke(app, ["coalitions", str(bundestag), "--issue", "lr", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["power"]) >= {"shapley_shubik", "banzhaf"}
    assert data["power"]["shapley_shubik"]["CSU"] == 0
    assert sum(data["power"]["banzhaf"].values()) == pytest.approx(1)
    assert {frozenset(c) for c in data["minimal_winning"]} == {
        frozenset(c)
        for c in (["CDU", "SPD"], ["CDU", "Linke"], ["CDU", "Gruene"], ["SPD", "Linke", "Gruene"])
    }
    # connected along lr (Linke | Gruene | SPD | CDU | CSU): Linke+Gruene+SPD = 320 and
    # SPD+CDU = 448 win with no end member to spare; Gruene+SPD+CDU could lose Gruene.
    assert data["connected_winning"] == [["Linke", "Gruene", "SPD"], ["SPD", "CDU"]]


def test_coalitions_without_issue_has_no_connected_list(runner, bundestag):
    result = runner.invoke(app, ["coalitions", str(bundestag), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["connected_winning"] == []


def test_coalitions_options(runner, bundestag):
    args = ["coalitions", str(bundestag), "-f", "json", "--exclude", "CSU,Linke", "-q", "2/3"]
    data = json.loads(runner.invoke(app, args).stdout)
    assert set(data["weights"]) == {"Gruene", "SPD", "CDU"}
    # 2/3 of 511 = 340.7: CDU + SPD (448) is the only minimal winning coalition
    assert data["minimal_winning"] == [["CDU", "SPD"]]
    args = ["coalitions", str(bundestag), "-f", "json", "--incompatible", "CDU:Linke"]
    data = json.loads(runner.invoke(app, args).stdout)
    assert ["CDU", "Linke"] not in data["minimal_winning"]


def test_coalitions_table(runner, bundestag):
    result = runner.invoke(app, ["coalitions", str(bundestag), "--issue", "lr"])
    assert result.exit_code == 0
    assert "Shapley-Shubik" in result.stdout and "SPD + CDU" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quota", "1.5"], "fraction must be in (0, 1]"),
        (["--quota", "count:9"], "more members"),
        (["--exclude", "FDP"], "unknown actor 'FDP'"),
        (["--issue", "tax"], "unknown issue 'tax'"),
        (["--incompatible", "CDU"], "A:B"),
    ],
)
def test_coalitions_bad_input(runner, bundestag, args, message):
    result = runner.invoke(app, ["coalitions", str(bundestag), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_front_json_and_table(runner, bundestag):
    args = ["front", str(bundestag), "--members", "SPD,Gruene", "-m", "median", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (front,) = json.loads(result.stdout)["fronts"]
    assert front["members"] == ["SPD", "Gruene"]
    assert set(front["gain"]) == {"SPD", "Gruene"}
    assert set(front["forecast_with"]) == {"median"}
    args = ["front", str(bundestag), "--members", "SPD", "--members", "Gruene", "-m", "median"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "Gruene" in table.stdout and "stable" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--members", "SPD,FDP"], "unknown actor 'FDP'"),
        (["--members", "SPD"], "at least two"),
        ([], "--members"),
        (["--search"], "--among"),
        (["--search", "--among", "x"], "tagged 'x'"),
        (["--members", "SPD,CDU", "-m", "nosuchmodel"], "nosuchmodel"),
    ],
)
def test_front_bad_input(runner, bundestag, args, message):
    result = runner.invoke(app, ["front", str(bundestag), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(not SEED.exists(), reason="seed case not present")
def test_seed_case_resistance_fronts(runner):
    resistance = [a.id for a in read_case(SEED).actors if "resistance" in a.tags]
    assert len(resistance) >= 2
    models = ["-m", "compromise", "-m", "median"]
    search = runner.invoke(
        app, ["front", str(SEED), "--search", "--among", "resistance", *models, "-f", "json"]
    )
    assert search.exit_code == 0, search.output
    stable = [f["members"] for f in json.loads(search.stdout)["fronts"]]
    every = runner.invoke(
        app,
        ["front", str(SEED), "--search", "--among", "resistance", "--all", *models, "-f", "json"],
    )
    fronts = json.loads(every.stdout)["fronts"]
    assert [f["members"] for f in fronts if f["stable"]] == stable
    n = len(resistance)
    assert len(fronts) == 2**n - n - 1  # every subset of two or more
    assert sorted(map(sorted, (f["members"] for f in fronts))).count(sorted(resistance)) == 1
    for scenario in ("democratic-congress", "republican-congress"):
        result = runner.invoke(
            app,
            [
                "front",
                str(SEED),
                "--members",
                ",".join(resistance),
                "-s",
                scenario,
                *models,
                "-f",
                "json",
            ],
        )
        assert result.exit_code == 0, result.output
        (front,) = json.loads(result.stdout)["fronts"]
        assert front["members"] == resistance
        assert set(front["forecast_with"]["median"]) == {i.id for i in read_case(SEED).issues}


@pytest.mark.skipif(not SEED.exists(), reason="seed case not present")
def test_seed_case_broader_front(runner):
    # the broader front the seed text proposes: every Iraqi anti-occupation faction
    broad = [a.id for a in read_case(SEED).actors if "anti-occupation" in a.tags]
    args = ["front", str(SEED), "--members", ",".join(broad), "-m", "median", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (front,) = json.loads(result.stdout)["fronts"]
    assert set(front["gain"]) == set(broad)
    assert front["stable"] == all(v > 1e-9 for v in front["gain"].values())


def test_fronts_are_judged_by_capability_models_unless_mean_is_asked_for(runner, bundestag):
    """`mean` counts heads, so a merger always loses there; it is left out by default only."""
    default = runner.invoke(app, ["front", str(bundestag), "--members", "SPD,CDU", "-f", "json"])
    assert default.exit_code == 0, default.output
    models = set(json.loads(default.stdout)["fronts"][0]["forecast_with"])
    assert "mean" not in models and {"compromise", "median"} <= models
    asked = runner.invoke(
        app, ["front", str(bundestag), "--members", "SPD,CDU", "-m", "mean", "-f", "json"]
    )
    assert set(json.loads(asked.stdout)["fronts"][0]["forecast_with"]) == {"mean"}
