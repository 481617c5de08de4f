"""The YAML/JSON case file: schema, uncertainty syntax, located errors, round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parley.case import case_arrays
from parley.errors import CaseError
from parley.io import read_case, write_case

GOOD = """\
title: Tiny
salience_scale: 100
actors:
  - {id: a, name: Alpha, capability: 2}
  - {id: b, capability: {value: 1, low: 0.5, high: 2}}
  - {id: c, capability: 1}
issues:
  - id: x
    name: Withdrawal
    lower: 0
    upper: 10
    unit: years
    anchors: {0: immediate, 10: indefinite}
    status_quo: 8
  - {id: y, lower: 0, upper: 1}
stances:
  a: {x: {position: 2, salience: 50}, y: {position: 1, salience: 50}}
  b: {x: {position: {value: 8, low: 6, high: 9}, salience: 100}, y: {position: 0, salience: 80}}
  c: {x: {position: 10, salience: 100, capability: 3}}
"""


def _write(tmp_path, text, name="case.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_values_scales_and_missing_positions(tmp_path):
    case = read_case(_write(tmp_path, GOOD))
    arrays = case_arrays(case)
    assert arrays.positions.shape == (1, 3, 2)
    np.testing.assert_allclose(arrays.positions[0, :, 0], [2, 8, 10])
    np.testing.assert_allclose(arrays.salience[0, :, 0], [0.5, 1.0, 1.0])  # 0-100 -> 0-1
    np.testing.assert_allclose(arrays.capability[0, :, 0], [2, 1, 3])  # stance overrides actor
    assert arrays.mask.tolist() == [[True, True], [True, True], [True, False]]
    assert arrays.salience[0, 2, 1] == 0  # no position: no weight
    b = case.stances["b"]["x"].position
    assert (b.value, b.low, b.high) == (8, 6, 9)
    assert case.issue("x").nearest_anchor(7.0) == "indefinite"
    assert case.issue("x").nearest_anchor(5.0) == "immediate"  # ties go to the lower anchor


def test_yaml_round_trip_keeps_every_number(tmp_path):
    case = read_case(_write(tmp_path, GOOD))
    for name in ("back.yaml", "back.json"):
        write_case(case, tmp_path / name)
        again = read_case(tmp_path / name)
        assert again == case


def test_json_case_file(tmp_path):
    data = {
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x", "lower": 0, "upper": 1}],
        "stances": {
            "a": {"x": {"position": 0, "salience": 1}},
            "b": {"x": {"position": 1, "salience": 1}},
        },
    }
    case = read_case(_write(tmp_path, json.dumps(data, indent=1), "c.json"))
    assert [a.id for a in case.actors] == ["a", "b"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("position: 2, salience: 50}, y", "position: 12, salience: 50}, y"),
            "line 17: stances.a.x.position: 12 is outside [0, 10]",
        ),
        (
            ("salience: 80}", "salience: 180}"),
            "line 18: stances.b.y.salience: 180 is outside [0, 100]",
        ),
        (
            ("position: 10, salience: 100", "position: ten, salience: 100"),
            "line 19: stances.c.x.position: expected a number, got 'ten'",
        ),
        (("c: {x: {position", "d: {x: {position"), "line 19: stances.d: unknown actor 'd'"),
        (
            ("{id: c, capability: 1}", "{id: a, capability: 1}"),
            "line 6: actors.2.id: duplicate actor 'a'",
        ),
        (
            ("{id: c, capability: 1}", "{id: c, capability: 0}"),
            "line 6: actors.2.capability: capability must be > 0, got 0",
        ),
        (("status_quo: 8", "status_quo: 11"), "line 14: issues.0.status_quo: 11 is outside"),
        (
            ("low: 6, high: 9", "low: 9, high: 9"),
            "line 18: stances.b.x.position.low: low 9 exceeds the value 8",
        ),
    ],
)
def test_errors_name_line_and_field(tmp_path, edit, expected):
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CaseError) as info:
        read_case(path)
    assert f"{path}: {expected}" in str(info.value)


def test_every_problem_is_reported(tmp_path):
    text = (
        GOOD.replace("salience: 80}", "salience: 180}")
        .replace("position: 12", "x")
        .replace("{id: c, capability: 1}", "{id: c, capability: -1}")
    )
    with pytest.raises(CaseError) as info:
        read_case(_write(tmp_path, text))
    assert len(info.value.problems) == 2


def test_unsafe_yaml_is_refused_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n" + GOOD.split("\n", 1)[1]
    with pytest.raises(CaseError, match="invalid YAML"):
        read_case(_write(tmp_path, text))
    assert not marker.exists()


def test_invalid_yaml_and_empty_files(tmp_path):
    with pytest.raises(CaseError, match=r"line 2: invalid YAML"):
        read_case(_write(tmp_path, "title: x\n  actors: [\n"))
    with pytest.raises(CaseError, match="the file is empty"):
        read_case(_write(tmp_path, "  \n"))
    with pytest.raises(CaseError, match="no such file"):
        read_case(tmp_path / "missing.yaml")


def test_no_position_on_an_issue_is_an_error_only_when_nobody_holds_one(tmp_path):
    text = GOOD.replace("stances:", "  - {id: z, lower: 0, upper: 1}\nstances:", 1)
    with pytest.raises(CaseError, match="no actor takes a position on issue 'z'"):
        read_case(_write(tmp_path, text))


def test_a_bad_cell_does_not_hide_the_other_problems(tmp_path):
    text = GOOD.replace("position: 10, salience: 100", "position: ten, salience: 100").replace(
        "salience: 80}", "salience: 180}"
    )
    with pytest.raises(CaseError) as info:
        read_case(_write(tmp_path, text))
    assert [p.message for p in info.value.problems] == [
        "stances.b.y.salience: 180 is outside [0, 100]",  # line 18
        "stances.c.x.position: expected a number, got 'ten'",  # line 19
    ]
