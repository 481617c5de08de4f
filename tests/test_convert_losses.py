"""`convert` never drops content silently: one warning per kind the target cannot hold."""

from __future__ import annotations

import doctest
from pathlib import Path

import yaml

import parley.io.losses
from parley.cli import app
from parley.io import read_case

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


def test_doctests() -> None:
    assert doctest.testmod(parley.io.losses).failed == 0


def _warnings(result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith("warning: ")]


def test_yaml_and_json_lose_nothing(runner, tmp_path: Path) -> None:
    for name in ("case.json", "case.yaml"):
        result = runner.invoke(app, ["convert", str(SEED), str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert _warnings(result) == []
        assert read_case(tmp_path / name) == read_case(SEED)


def test_stakeholder_csv_names_each_kind_once(runner, tmp_path: Path) -> None:
    target = tmp_path / "case.csv"
    result = runner.invoke(app, ["convert", str(SEED), str(target)])
    assert result.exit_code == 0
    kinds = [
        ln.split("does not hold the case's ", 1)[1].split(" (")[0].split(";")[0]
        for ln in _warnings(result)
    ]
    # the seed case has each of these and the stakeholder table holds none of them (it holds
    # tags, in its `tags` column)
    assert kinds == [
        "title",
        "description",
        "date",
        "sources",
        "scenarios",
        "actor descriptions",
        "issue descriptions",
        "anchors",
    ]
    assert all(ln.endswith("; not written") for ln in _warnings(result))
    assert "warning: " + str(target) in _warnings(result)[0]


def test_bdm_names_actors_without_position_and_a_salience_without_position(
    runner, tmp_path: Path
) -> None:
    data = {
        "actors": [{"id": a, "capability": 1} for a in ("a", "b", "c", "d")],
        "issues": [{"id": "x", "lower": 0, "upper": 10, "status_quo": 0, "outcome": 4}],
        "stances": {
            "a": {"x": {"position": 0, "salience": 0.5}},
            "b": {"x": {"position": 10, "salience": {"value": 0.5, "low": 0.2, "high": 0.9}}},
            "c": {"x": {"position": None, "salience": 0.4}},
        },
    }
    src = tmp_path / "case.yaml"
    src.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["convert", str(src), str(tmp_path / "bdm.csv"), "--to", "bdm"])
    assert result.exit_code == 0, result.output
    text = "\n".join(_warnings(result))
    assert "actors without any position (2 actors: c, d)" in text
    assert "status quo (1 issue: x)" in text
    assert "recorded outcomes (1 issue: x)" in text
    assert "saliences without a position (1 stance: c on x)" in text
    assert "uncertainty ranges (low/high) (1 stance: b on x)" in text
    assert "issue bounds" not in text  # 0-10 is the positions' range: the reader restores it
