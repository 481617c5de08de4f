"""Near misses get a suggestion everywhere a name is looked up: case ids, scenarios, models,
presets, parameters, formats, front members, tags, coalition issues."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import parley.suggest
from parley.cli import app
from parley.suggest import close_names, did_you_mean

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


def test_doctests() -> None:
    assert doctest.testmod(parley.suggest).failed == 0


def test_close_names_best_first_case_insensitive_at_most_three() -> None:
    assert close_names("DEM_CONGRES", ["dem_congress", "rep_congress"]) == ["dem_congress"]
    assert did_you_mean("congress", ["dem_congress", "rep_congress", "x"]) == (
        " (did you mean 'dem_congress' or 'rep_congress'?)"
    )
    assert len(close_names("a", ["a1", "a2", "a3", "a4"])) == 3
    assert did_you_mean("zzz", ["dem_congress"]) == ""


def _seed_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _error(runner, args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    return result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  dem_congress:\n",
            "  dem_congres:\n",
            "unknown actor 'dem_congres' (did you mean 'dem_congress'?)",
        ),
        (
            "{actor: dem_congress, issue: withdrawal, capability: 60}",
            "{actor: dem_congress, issue: withdrawl, capability: 60}",
            "unknown issue 'withdrawl' (did you mean 'withdrawal'?)",
        ),
        (
            "{actor: dem_congress, issue: bases, capability: 45}",
            "{actor: dem_congres, issue: bases, capability: 45}",
            "unknown actor 'dem_congres' (did you mean 'dem_congress'?)",
        ),
    ],
)
def test_case_file_names(runner, tmp_path: Path, old, new, expected) -> None:
    assert expected in _error(runner, ["validate", str(_seed_with(tmp_path, old, new))])


def test_scenario_name(runner) -> None:
    err = _error(runner, ["forecast", str(SEED), "--scenario", "democratic-congres"])
    assert "unknown scenario 'democratic-congres' (did you mean 'democratic-congress'?)" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-m", "compromize"], "unknown model 'compromize' (did you mean 'compromise'?)"),
        (["-m", "eum", "--preset", "eum:scholz_cod"], "(did you mean 'scholz_code'?) (presets"),
        (["-m", "eum", "-p", "eum.round=3"], "(did you mean 'rounds'?)"),
    ],
)
def test_model_names(runner, args, expected) -> None:
    assert expected in _error(runner, ["forecast", str(SEED), *args])


def test_format_name(runner, tmp_path: Path) -> None:
    err = _error(runner, ["convert", str(SEED), str(tmp_path / "x.out"), "--to", "yml"])
    assert "unknown format 'yml' (did you mean 'yaml'?" in err


def test_front_member_and_tag(runner) -> None:
    err = _error(runner, ["front", str(SEED), "--members", "iai,rev_192"])
    assert "unknown actor 'rev_192' in the front (did you mean 'rev_1920'?)" in err
    err = _error(runner, ["front", str(SEED), "--search", "--among", "resistence"])
    assert "tagged 'resistence' (did you mean 'resistance'?)" in err


def test_coalition_issue(runner) -> None:
    err = _error(runner, ["coalitions", str(SEED), "--issue", "withdrawl"])
    assert "unknown issue 'withdrawl' (did you mean 'withdrawal'?)" in err
