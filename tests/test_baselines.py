"""Baseline models against hand calculations, and their invariances (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from casebuilders import make_case
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.case import case_arrays
from parley.models import get_model
from parley.models.baselines import weighted_median


def _tiny():
    # Three actors, one issue on 0-10 and a second on 0-1 where c takes no position.
    return make_case(
        positions={"a": {"x": 2, "y": 1}, "b": {"x": 8, "y": 0}, "c": {"x": 10}},
        salience={"a": {"x": 0.5, "y": 0.5}, "b": {"x": 1.0, "y": 0.8}, "c": {"x": 1.0}},
        capability={"a": 2, "b": 1, "c": 1},
        bounds={"x": (0, 10), "y": (0, 1)},
    )


def _run(name, case):
    return get_model(name).run(case_arrays(case)).forecast[0]


def test_compromise_by_hand():
    # x: weights c*s = a 2*.5 = 1, b 1*1 = 1, c 1*1 = 1 -> (2 + 8 + 10)/3 = 6.6667
    # y: weights a 2*.5 = 1, b 1*.8 = .8, c absent -> (1*1 + .8*0)/1.8 = 0.5556
    np.testing.assert_allclose(_run("compromise", _tiny()), [20 / 3, 1 / 1.8], rtol=1e-12)


def test_mean_by_hand():
    # x: (2 + 8 + 10)/3; y: (1 + 0)/2, c holds no position on y
    np.testing.assert_allclose(_run("mean", _tiny()), [20 / 3, 0.5], rtol=1e-12)


def test_median_by_hand():
    # x: sorted 2 (w 1), 8 (w 1), 10 (w 1); half of 3 is 1.5; cumulative 1, 2 -> 8
    # y: sorted 0 (w .8), 1 (w 1); half of 1.8 is .9; cumulative .8, 1.8 -> 1
    np.testing.assert_allclose(_run("median", _tiny()), [8, 1], rtol=1e-12)


def test_median_exact_half_takes_lowest_position():
    # weights 1 at 2 and 1 at 8: cumulative weight reaches half (1) at 2 already
    x = np.array([[[2.0], [8.0]]])
    w = np.array([[[1.0], [1.0]]])
    assert weighted_median(x, w)[0, 0] == 2.0


def test_all_agree_issue_forecasts_that_point():
    case = make_case(
        positions={"a": {"x": 3}, "b": {"x": 3}},
        salience={"a": {"x": 0.5}, "b": {"x": 0.9}},
        capability={"a": 1, "b": 4},
        bounds={"x": (0, 10)},
    )
    for name in ("compromise", "mean", "median"):
        assert _run(name, case)[0] == pytest.approx(3.0)


def test_zero_salience_issue_falls_back_to_capability_weights():
    # Nobody cares about y (salience 0): capability-weighted mean (1*0 + 3*1)/4 = 0.75, no NaN.
    case = make_case(
        positions={"a": {"x": 0, "y": 0}, "b": {"x": 1, "y": 1}},
        salience={"a": {"x": 1, "y": 0}, "b": {"x": 1, "y": 0}},
        capability={"a": 1, "b": 3},
        bounds={"x": (0, 1), "y": (0, 1)},
    )
    np.testing.assert_allclose(_run("compromise", case), [0.75, 0.75])


# --- invariances -------------------------------------------------------------------------------

actor_rows = st.lists(
    st.tuples(
        st.floats(0, 100, allow_nan=False),  # position
        st.floats(0.05, 1, allow_nan=False),  # salience
        st.floats(0.1, 10, allow_nan=False),  # capability
    ),
    min_size=2,
    max_size=8,
)


def _case_from_rows(rows, order=None, scale=1.0):
    order = order if order is not None else range(len(rows))
    names = [f"a{k}" for k in range(len(rows))]
    return make_case(
        positions={names[k]: {"x": rows[k][0]} for k in order},
        salience={names[k]: {"x": rows[k][1]} for k in order},
        capability={names[k]: rows[k][2] * scale for k in order},
        bounds={"x": (0, 100)},
    )


@settings(max_examples=60, deadline=None)
@given(rows=actor_rows, data=st.data())
def test_relabelling_actors_leaves_forecasts_unchanged(rows, data):
    perm = data.draw(st.permutations(range(len(rows))))
    base, shuffled = _case_from_rows(rows), _case_from_rows(rows, order=perm)
    for name in ("compromise", "mean", "median"):
        np.testing.assert_allclose(_run(name, base), _run(name, shuffled), rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(rows=actor_rows, scale=st.floats(0.01, 1000))
def test_rescaling_capability_leaves_forecasts_unchanged(rows, scale):
    for name in ("compromise", "mean", "median"):
        np.testing.assert_allclose(
            _run(name, _case_from_rows(rows)),
            _run(name, _case_from_rows(rows, scale=scale)),
            rtol=1e-9,
            atol=1e-9,  # positions on 0-100: subnormal values differ only in the last bits
        )


@settings(max_examples=60, deadline=None)
@given(rows=actor_rows)
def test_forecasts_stay_within_the_positions(rows):
    xs = [r[0] for r in rows]
    for name in ("compromise", "mean", "median"):
        value = _run(name, _case_from_rows(rows))[0]
        assert min(xs) - 1e-9 <= value <= max(xs) + 1e-9


@settings(max_examples=30, deadline=None)
@given(rows=actor_rows, data=st.data())
def test_permuting_table_rows_leaves_forecasts_unchanged(rows, data, tmp_path_factory):
    """A stakeholder table read with its rows in any order gives the same forecasts."""
    from parley.io import read_case

    lines = [
        f"a{k},{issue},{x + shift!r},{s!r},{c!r}"
        for k, (x, s, c) in enumerate(rows)
        for issue, shift in (("x", 0.0), ("y", -x / 2))
    ]
    shuffled = data.draw(st.permutations(lines))
    folder = tmp_path_factory.mktemp("rows")
    header = "actor,issue,position,salience,capability,lower,upper\n"
    bounded = [line + ",0,100" for line in lines]
    shuffled_bounded = [line + ",0,100" for line in shuffled]
    (folder / "a.csv").write_text(header + "\n".join(bounded) + "\n")
    (folder / "b.csv").write_text(header + "\n".join(shuffled_bounded) + "\n")
    a, b = read_case(folder / "a.csv"), read_case(folder / "b.csv")
    for name in ("compromise", "mean", "median"):
        fa = dict(zip([i.id for i in a.issues], _run(name, a), strict=True))
        fb = dict(zip([i.id for i in b.issues], _run(name, b), strict=True))
        assert fa == pytest.approx(fb, rel=1e-12)
