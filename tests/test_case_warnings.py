"""Warnings that catch real mistakes in a valid case, and a wrong salience_scale as one error.

Each case is written out by hand so the expected warning can be checked against the numbers: the
weights in the one-actor-holds-all test are capability x salience computed in the comment.
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
import yaml

import parley.case.suspect
from parley.case import build_case, case_warnings
from parley.cli import app
from parley.errors import CaseError


def _case(stances: dict, scale: float = 1.0, caps: dict | None = None) -> dict:
    caps = caps or {a: 1.0 for a in stances}
    return {
        "salience_scale": scale,
        "actors": [{"id": a, "capability": c} for a, c in caps.items()],
        "issues": [{"id": "x", "lower": 0, "upper": 10}, {"id": "y", "lower": 0, "upper": 10}],
        "stances": stances,
    }


def _two(pa, sa, pb, sb, pc=5.0, sc=0.5) -> dict:
    return {
        "a": {"x": {"position": pa, "salience": sa}, "y": {"position": 1, "salience": 0.5}},
        "b": {"x": {"position": pb, "salience": sb}, "y": {"position": 9, "salience": 0.5}},
        "c": {"x": {"position": pc, "salience": sc}, "y": {"position": 4, "salience": 0.4}},
    }


def test_doctests() -> None:
    assert doctest.testmod(parley.case.suspect).failed == 0


def test_a_sound_case_has_no_warnings() -> None:
    assert case_warnings(build_case(_case(_two(0, 0.5, 10, 0.9)))) == []


def test_all_saliences_at_most_one_under_scale_100() -> None:
    (line,) = case_warnings(build_case(_case(_two(0, 0.5, 10, 0.9), scale=100)))
    assert "every salience is <= 1" in line
    assert "0.4-0.9 out of 100" in line
    assert "did you mean salience_scale: 1?" in line


def test_one_salience_far_above_the_rest() -> None:
    # a 0-1 table where one cell was typed on 0-100: every other salience is <= 1
    stances = _two(0, 0.5, 10, 80)
    (line,) = case_warnings(build_case(_case(stances, scale=100)))
    assert "'b' on 'x' (80)" in line and "far above the rest" in line


def test_a_real_0_100_case_is_not_suspected() -> None:
    stances = {
        a: {"x": {"position": p, "salience": s}, "y": {"position": p, "salience": s / 2}}
        for a, p, s in (("a", 0, 80), ("b", 10, 60), ("c", 4, 0.5))
    }
    assert case_warnings(build_case(_case(stances, scale=100))) == []


def test_stance_with_salience_but_no_position() -> None:
    stances = _two(0, 0.5, 10, 0.9)
    stances["c"]["x"] = {"position": None, "salience": 0.7}
    lines = case_warnings(build_case(_case(stances)))
    assert lines == [
        "actor 'c' on issue 'x': salience 0.7 but no position; the actor is left out of this "
        "issue (give a position, or salience 0 to mean no stance)"
    ]


def test_no_position_with_salience_zero_is_a_deliberate_abstention() -> None:
    stances = _two(0, 0.5, 10, 0.9)
    stances["c"]["x"] = {"position": None, "salience": 0}
    assert case_warnings(build_case(_case(stances))) == []


def test_actor_with_no_stance() -> None:
    data = _case(_two(0, 0.5, 10, 0.9), caps={"a": 1, "b": 1, "c": 1, "d": 2})
    (line,) = case_warnings(build_case(data))
    assert line == "actor 'd' takes no position on any issue; it plays no part in any forecast"


def test_one_actor_holds_all_the_weight() -> None:
    # on x: a weighs 1000 x 0.5 = 500, b 1 x 0.9 = 0.9, c 1 x 0.5 = 0.5: 500 / 501.4 = 99.7%
    # on y: a 1000 x 0.5 = 500, b 0.5, c 0.4: 500 / 500.9 = 99.8%
    data = _case(_two(0, 0.5, 10, 0.9), caps={"a": 1000, "b": 1, "c": 1})
    lines = case_warnings(build_case(data))
    assert lines[0].startswith("issue 'x': actor 'a' holds 99.7% of the weight")
    assert lines[1].startswith("issue 'y': actor 'a' holds 99.8% of the weight")
    # 50 / (50 + 0.9 + 0.5) = 97.3%: a strong actor, not one that decides alone
    strong = build_case(_case(_two(0, 0.5, 10, 0.9), caps={"a": 100, "b": 1, "c": 1}))
    assert case_warnings(strong) == []


def test_invalid_salience_scale_is_one_error(tmp_path: Path) -> None:
    stances = {
        a: {"x": {"position": p, "salience": s}, "y": {"position": p, "salience": s}}
        for a, p, s in (("a", 0, 80), ("b", 10, 60), ("c", 4, 50))
    }
    with pytest.raises(CaseError) as info:
        build_case(_case(stances, scale=10))
    assert [p.message for p in info.value.problems] == ["salience_scale: must be 1 or 100, got 10"]


def test_scale_1_with_saliences_on_0_100_is_one_error() -> None:
    stances = {
        a: {"x": {"position": p, "salience": s}, "y": {"position": p, "salience": s}}
        for a, p, s in (("a", 0, 80), ("b", 10, 60), ("c", 4, 50))
    }
    with pytest.raises(CaseError) as info:
        build_case(_case(stances, scale=1))
    assert [p.message for p in info.value.problems] == [
        "salience_scale: 1 (saliences on 0-1, the default) but 6 saliences are above 1 (up to 80): for saliences on "
        "0-100 write salience_scale: 100"
    ]


def test_one_salience_above_1_stays_a_located_range_error() -> None:
    with pytest.raises(CaseError) as info:
        build_case(_case(_two(0, 0.5, 10, 9)))
    assert [p.message for p in info.value.problems] == ["stances.b.x.salience: 9 is outside [0, 1]"]


def test_validate_prints_warnings_and_forecast_once_on_stderr(runner, tmp_path: Path) -> None:
    stances = _two(0, 0.5, 10, 0.9)
    stances["c"]["x"] = {"position": None, "salience": 0.7}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_case(stances)), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.count("warning: actor 'c' on issue 'x': salience 0.7") == 1
    result = runner.invoke(app, ["forecast", str(path), "-m", "compromise"])
    assert result.exit_code == 0
    assert result.stderr.count("salience 0.7 but no position") == 1


@pytest.mark.parametrize("scale", ["10", "1"])
def test_seed_case_with_a_wrong_scale_is_one_error_line(runner, tmp_path: Path, scale) -> None:
    seed = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
    path = tmp_path / "case.yaml"
    path.write_text(
        seed.read_text().replace("salience_scale: 100", f"salience_scale: {scale}"), "utf-8"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    where = seed.read_text().splitlines().index("salience_scale: 100") + 1  # the seed's line
    assert line.startswith(f"error: {path}: line {where}: salience_scale: ")


@pytest.mark.parametrize(
    "command",
    [
        ["ensemble", "-n", "20", "-m", "compromise", "--format", "json"],
        ["front", "--members", "a,b", "-m", "median", "--format", "json"],
        ["coalitions", "--format", "json"],
    ],
    ids=["ensemble", "front", "coalitions"],
)
def test_ensemble_front_and_coalitions_print_case_warnings_once(
    runner, tmp_path: Path, command
) -> None:
    """Like forecast, compare, levers and report: each warning once on stderr, stdout stays the
    JSON (so a pipe into another tool still parses)."""
    stances = _two(0, 0.5, 10, 0.9)
    stances["c"]["x"] = {"position": None, "salience": 0.7}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_case(stances)), encoding="utf-8")
    result = runner.invoke(app, [command[0], str(path), *command[1:]])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning: actor 'c' on issue 'x': salience 0.7 but no position") == 1
    assert json.loads(result.stdout)
