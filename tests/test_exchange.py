"""The exchange model against the deterministic-tie reference runs and a hand-worked exchange."""

from __future__ import annotations

import json

import numpy as np
import pytest
from casebuilders import make_case
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.case import case_arrays
from parley.case.arrays import CaseArrays
from parley.cli import app
from parley.errors import ModelError
from parley.io import read_case
from parley.models import get_model

EXCHANGE = DATA / "exchange"
CASES = {"sample_data": "sample_data.txt", "copenhagen": "copenhagen.csv"}
TOL = 1e-9


def _reference(name: str) -> dict:
    return json.loads((EXCHANGE / f"{name}.deterministic.json").read_text())


@pytest.fixture(scope="module", params=list(CASES))
def run(request):
    name = request.param
    arrays = case_arrays(read_case(EXCHANGE / CASES[name]))
    return _reference(name), arrays, get_model("exchange").run(arrays)


def test_round1_exchanges_match_reference(run):
    ref, _, out = run
    mine = [e for e in out.events if e["round"] == 1]
    assert len(mine) == len(ref["exchanges_round1"])
    for k, (m, r) in enumerate(zip(mine, ref["exchanges_round1"], strict=True)):
        assert (m["i"], m["j"], m["supply_i"], m["supply_j"]) == (
            r["i"],
            r["j"],
            r["supply_i"],
            r["supply_j"],
        ), f"exchange {k}"
        for field in ("move_i", "move_j", "gain"):
            assert m[field] == pytest.approx(r[field], abs=TOL), f"exchange {k} {field}"
        # the same moves on the normalised 0-100 scale (decide's exchanges_round1.csv)
        for side, issue in (("i", m["supply_i"]), ("j", m["supply_j"])):
            lo, hi = ref["issues"][issue]["lower"], ref["issues"][issue]["upper"]
            assert m[f"move_{side}"] * 100 / (hi - lo) == pytest.approx(
                r[f"move_{side}_0_100"], abs=TOL
            ), f"exchange {k} move_{side}_0_100"


def test_issue_scales_and_rounds_match_reference(run):
    ref, arrays, out = run
    assert list(ref["issues"]) == list(arrays.issue_ids)
    for k, (issue, scale) in enumerate(ref["issues"].items()):
        assert arrays.bounds[k].tolist() == [scale["lower"], scale["upper"]], issue
    assert out.rounds.tolist() == [ref["rounds"]] == [10]
    assert [r["round"] for r in ref["positions_rounds"]] == list(range(11))
    assert out.history.shape[1] == len(ref["positions_rounds"])


def test_nbs_of_every_round_match_reference(run):
    ref, _, out = run
    assert len(out.extra["nbs_rounds"]) == len(ref["nbs_rounds"]) == 11
    for mine, theirs in zip(out.extra["nbs_rounds"], ref["nbs_rounds"], strict=True):
        assert mine["round"] == theirs["round"]
        for issue, value in theirs["preference"].items():
            assert mine["preference"][issue] == pytest.approx(value, abs=TOL)
        if theirs["voting"] is None:
            assert mine["voting"] is None
        else:
            for issue, value in theirs["voting"].items():
                assert mine["voting"][issue] == pytest.approx(value, abs=TOL)
    last = ref["nbs_rounds"][-1]["preference"]
    np.testing.assert_allclose(out.forecast[0], list(last.values()), atol=TOL)


def test_positions_of_every_round_match_reference(run):
    ref, arrays, out = run
    for k, snapshot in enumerate(ref["positions_rounds"]):
        for actor, row in snapshot["positions"].items():
            a = arrays.actor_ids.index(actor)
            for issue, value in row.items():
                got = out.history[0, k, a, arrays.issue_ids.index(issue)]
                assert got == pytest.approx(value, abs=TOL), (k, actor, issue)
            # actors without data on an issue have no entry in the reference and hold none here
            missing = set(arrays.issue_ids) - set(row)
            assert all(not arrays.mask[a, arrays.issue_ids.index(i)] for i in missing)


def test_candidate_and_execution_counts_match_reference(run):
    ref, _, out = run
    assert out.extra["candidates_per_round"] == ref["candidates_per_round"]
    assert out.extra["executed_per_round"] == ref["executed_per_round"]


def test_recomputing_touched_candidates_equals_recomputing_all(run):
    _, arrays, out = run
    plain = get_model("exchange", params={"incremental": False, "rounds": 4}).run(arrays)
    np.testing.assert_array_equal(plain.history, out.history[:, :5])
    assert plain.events == [e for e in out.events if e["round"] <= 4]


def _two_actors(lower_q: float = 1.0, upper_q: float = 5.0):
    # A wants p low and cares about it (0.9), hardly about q (0.1); B sits high on both, 0.5/0.5.
    return make_case(
        positions={"A": {"p": 0, "q": lower_q}, "B": {"p": 100, "q": upper_q}},
        salience={"A": {"p": 0.9, "q": 0.1}, "B": {"p": 0.5, "q": 0.5}},
        capability={"A": 1.0, "B": 1.0},
        bounds={"p": (0, 100), "q": (lower_q, upper_q)},
    )


def test_two_actor_exchange_by_hand():
    # On 0-100 (q runs 1..5 in its units, so A is at 0 and B at 100 on both issues):
    # W_p = 0.9 + 0.5 = 1.4, W_q = 0.1 + 0.5 = 0.6; NBS_p = 50/1.4 = 35.71, NBS_q = 50/0.6 = 83.33.
    # A is left of both NBSs and B right of both: one candidate. B supplies p because
    # s_Bp s_Aq = 0.05 < s_Ap s_Bq = 0.45; A supplies q.
    # B moving fully (100) to A's 0 on p shifts NBS_p by dp = 100 * 0.5 / 1.4 = 35.71; equal gain
    # needs dq = dp (0.9 + 0.5) / (0.1 + 0.5) = 83.33 on q, i.e. A moves 83.33 * 0.6 / 0.1 = 500 >
    # 100: roles swap. A moves fully, 100 (= 4 units of q); dq = 100 * 0.1 / 0.6 = 50/3,
    # dp = dq * 0.6 / 1.4 = 50/7, and B moves dp * 1.4 / 0.5 = 20 towards 0.
    # Gain = dp s_Ap - dq s_Aq = 45/7 - 5/3 = 100/21 (and B: dq 0.5 - dp 0.5 = 100/21, equal).
    # No cap: A's move takes NBS_q from 83.33 to 100 = B's own position (not beyond it); B's takes
    # NBS_p from 35.71 to 28.57, not past A's 0.
    # Voting positions: A q = 100, B p = 80 -> voting NBS p = 0.5 * 80 / 1.4 = 28.571, q = 100.
    # Next start: A on q moves 0.1 + 0.4 (1 - 0.1) = 0.46 of the way: 46 (= 2.84 units);
    # B on p moves 0.1 + 0.4 (1 - 0.5) = 0.3 of the way: 100 - 6 = 94.
    # Preference NBS after round 1: p = 0.5 * 94 / 1.4 = 33.571, q = (0.1*46 + 50)/0.6 = 91 (4.64).
    out = get_model("exchange", params={"rounds": 1}).run(case_arrays(_two_actors()))
    (event,) = out.events
    assert (event["i"], event["j"], event["supply_i"], event["supply_j"]) == ("A", "B", "q", "p")
    assert event["move_i"] == pytest.approx(4.0, abs=1e-12)
    assert event["move_j"] == pytest.approx(-20.0, abs=1e-12)
    assert event["gain"] == pytest.approx(100 / 21, abs=1e-12)
    rounds = out.extra["nbs_rounds"]
    assert rounds[1]["voting"] == pytest.approx({"p": 40 / 1.4, "q": 5.0}, abs=1e-12)
    assert rounds[1]["preference"] == pytest.approx({"p": 47 / 1.4, "q": 4.64}, abs=1e-12)
    np.testing.assert_allclose(out.history[0, 1], [[0.0, 2.84], [94.0, 5.0]], atol=1e-12)
    np.testing.assert_allclose(out.forecast[0], [47 / 1.4, 4.64], atol=1e-12)


def test_issue_scale_does_not_change_the_result():
    # The model works on 0-100 by each issue's bounds; a different unit for q changes only units.
    small = get_model("exchange").run(case_arrays(_two_actors(1.0, 5.0)))
    large = get_model("exchange").run(case_arrays(_two_actors(-300.0, 500.0)))
    np.testing.assert_allclose((small.forecast[0, 1] - 1) / 4, (large.forecast[0, 1] + 300) / 800)
    np.testing.assert_allclose(small.forecast[0, 0], large.forecast[0, 0])


def _three(salience_c_q: float | None):
    positions = {"A": {"p": 0, "q": 0}, "B": {"p": 100, "q": 100}, "C": {"p": 20, "q": 70}}
    salience = {"A": {"p": 0.9, "q": 0.2}, "B": {"p": 0.4, "q": 0.7}, "C": {"p": 0.6, "q": 0.0}}
    if salience_c_q is None:
        del positions["C"]["q"], salience["C"]["q"]
    return make_case(
        positions=positions,
        salience=salience,
        capability={"A": 1.0, "B": 0.8, "C": 0.5},
        bounds={"p": (0, 100), "q": (0, 100)},
    )


def test_salience_zero_is_like_holding_no_position():
    # The reference divides by zero here; parley lets such an actor simply not trade on the issue.
    zero = get_model("exchange").run(case_arrays(_three(0.0)))
    absent = get_model("exchange").run(case_arrays(_three(None)))
    assert np.isfinite(zero.forecast).all()
    np.testing.assert_allclose(zero.forecast, absent.forecast, atol=1e-12)
    assert zero.events == absent.events and zero.events
    np.testing.assert_allclose(zero.history[0, :, 2, 1], 70.0)  # C never moves on q
    assert not any(
        "C" in (e["i"], e["j"]) and "q" in (e["supply_i"], e["supply_j"]) for e in zero.events
    )


def test_issue_where_every_salience_is_zero_falls_back_to_the_capability_mean():
    case = make_case(
        positions={"A": {"p": 0, "q": 0}, "B": {"p": 100, "q": 100}},
        salience={"A": {"p": 0.9, "q": 0.0}, "B": {"p": 0.5, "q": 0.0}},
        capability={"A": 3.0, "B": 1.0},
        bounds={"p": (0, 100), "q": (0, 100)},
    )
    out = get_model("exchange").run(case_arrays(case))
    assert out.events == []  # a single issue with salience leaves nothing to trade
    # p: (3 * 0.9 * 0 + 1 * 0.5 * 100) / (2.7 + 0.5) = 15.625; q: capability mean (0 * 3 + 100) / 4
    np.testing.assert_allclose(out.forecast[0], [15.625, 25.0], atol=1e-12)


def test_batch_members_play_independently():
    arrays = case_arrays(read_case(EXCHANGE / "sample_data.txt"))
    other = arrays.salience.copy()
    other[0, 3] = np.clip(other[0, 3] * 0.5, 0.05, 1)
    batch = arrays.with_batch(
        positions=np.concatenate([arrays.positions, arrays.positions]),
        salience=np.concatenate([arrays.salience, other]),
        capability=np.concatenate([arrays.capability, arrays.capability]),
    )
    model = get_model("exchange", params={"rounds": 3})
    both = model.run(batch)
    first = model.run(arrays)
    second = model.run(arrays.with_batch(salience=other))
    np.testing.assert_array_equal(both.history[0], first.history[0])
    np.testing.assert_array_equal(both.history[1], second.history[0])
    assert both.events == first.events


def test_randomised_rate_is_seeded_and_gives_both_partners_a_gain():
    arrays = case_arrays(read_case(EXCHANGE / "sample_data.txt"))
    runs = [
        get_model("exchange", params={"p": "0.5", "seed": str(seed), "rounds": "3"}).run(arrays)
        for seed in (1, 1, 2)
    ]
    np.testing.assert_array_equal(runs[0].history, runs[1].history)
    assert not np.allclose(runs[0].history, runs[2].history)
    for event in runs[0].events:
        assert event["gain_i"] >= -1e-12 and event["gain_j"] >= -1e-12
    equal = [e for e in runs[0].events if abs(e["gain_i"] - e["gain_j"]) < 1e-9]
    assert len(equal) < len(runs[0].events) / 2  # the rate really is drawn
    equal_gain = get_model("exchange", params={"rounds": 3}).run(arrays)
    assert not np.allclose(runs[0].forecast, equal_gain.forecast)


@pytest.mark.parametrize(
    "params", [{"p": "1.5"}, {"rounds": "-1"}, {"fixed_weight": "0.7", "salience_weight": "0.4"}]
)
def test_bad_parameters_are_model_errors(params):
    with pytest.raises(ModelError):
        get_model("exchange", params=params)


def test_cli_json_has_nbs_rounds_and_events(runner):
    path = EXCHANGE / "sample_data.txt"
    args = ["forecast", str(path), "--model", "exchange", "--rounds", "10", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    model = json.loads(result.stdout)["models"]["exchange"]
    ref = _reference("sample_data")
    assert len(model["rounds"]) == 11
    for mine, theirs in zip(model["nbs_rounds"], ref["nbs_rounds"], strict=True):
        assert mine["preference"] == pytest.approx(theirs["preference"], abs=TOL)
        assert (mine["voting"] is None) == (theirs["voting"] is None)
        if theirs["voting"] is not None:
            assert mine["voting"] == pytest.approx(theirs["voting"], abs=TOL)
    round1 = [e for e in model["events"] if e["round"] == 1]
    assert [(e["i"], e["j"]) for e in round1] == [(e["i"], e["j"]) for e in ref["exchanges_round1"]]
    assert model["forecast"] == pytest.approx(ref["nbs_rounds"][-1]["preference"], abs=TOL)


@pytest.mark.parametrize("order", [("A", "B", "C"), ("A", "C", "B")])
def test_exact_ties_go_to_the_earliest_candidate(order):
    # B and C are identical, so (B, A) and (C, A) have exactly the same gain: the partner listed
    # first in the case wins the tie (the reference would toss a coin).
    rows = {"A": (0, 0.9, 0.1), "B": (100, 0.5, 0.5), "C": (100, 0.5, 0.5)}
    case = make_case(
        positions={a: {"p": rows[a][0], "q": rows[a][0]} for a in order},
        salience={a: {"p": rows[a][1], "q": rows[a][2]} for a in order},
        capability={a: 1.0 for a in order},
        bounds={"p": (0, 100), "q": (0, 100)},
    )
    out = get_model("exchange", params={"rounds": 1}).run(case_arrays(case))
    assert (out.events[0]["i"], out.events[0]["j"]) == ("A", order[1])


@st.composite
def _random_cases(draw):
    n_a, n_i = draw(st.integers(2, 6)), draw(st.integers(2, 4))
    grid = st.integers(0, 4).map(lambda k: 25.0 * k)  # coarse grid: many ties and sides at the NBS
    sal = st.sampled_from([0.0, 0.2, 0.5, 0.5, 0.8, 1.0])
    shape = (1, n_a, n_i)
    positions = np.array(draw(st.lists(grid, min_size=n_a * n_i, max_size=n_a * n_i)))
    salience = np.array(draw(st.lists(sal, min_size=n_a * n_i, max_size=n_a * n_i)))
    mask = np.array(draw(st.lists(st.booleans(), min_size=n_a * n_i, max_size=n_a * n_i)))
    mask = mask.reshape(n_a, n_i) | (np.arange(n_a)[:, None] < 2)  # two actors on every issue
    capability = np.array(
        draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=n_a, max_size=n_a))
    )
    lower = np.array(draw(st.lists(st.sampled_from([-10.0, 0.0, 1.0]), min_size=n_i, max_size=n_i)))
    span = np.array(draw(st.lists(st.sampled_from([1.0, 6.5, 100.0]), min_size=n_i, max_size=n_i)))
    units = lower + positions.reshape(shape) / 100 * span
    return CaseArrays(
        positions=np.where(mask, units, lower),
        salience=np.where(mask, salience.reshape(shape), 0.0),
        capability=np.broadcast_to(capability[None, :, None], shape).copy(),
        mask=mask,
        bounds=np.column_stack([lower, lower + span]),
        actor_ids=tuple(f"a{k}" for k in range(n_a)),
        issue_ids=tuple(f"i{k}" for k in range(n_i)),
        status_quo=np.full(n_i, np.nan),
    )


@settings(max_examples=40, deadline=None)
@given(_random_cases())
def test_properties_on_random_cases(arrays):
    out = get_model("exchange", params={"rounds": 3}).run(arrays)
    lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
    assert np.isfinite(out.history).all() and np.isfinite(out.forecast).all()
    assert (out.history >= lo - 1e-7).all() and (out.history <= hi + 1e-7).all()
    # actors without a position or with salience 0 never move
    still = ~arrays.mask[None, None] | (arrays.salience[:, None] == 0)
    start = np.broadcast_to(arrays.positions[:, None], out.history.shape)
    np.testing.assert_array_equal(np.where(still, out.history, 0), np.where(still, start, 0))
    for event in out.events:
        assert event["gain"] > 0
    plain = get_model("exchange", params={"rounds": 3, "incremental": False}).run(arrays)
    np.testing.assert_array_equal(plain.history, out.history)
