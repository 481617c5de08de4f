"""The smp model's parameters, batch axis, scale invariance and building blocks (hand calculations)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from casebuilders import SMP_OPTIONS, make_case
from test_smp_reference import ktab_arrays

from parley.case.arrays import CaseArrays
from parley.errors import ModelError
from parley.forecast import ModelSpec, run_models
from parley.models import get_model
from parley.models.smp.bargain import interpolate, round4
from parley.models.smp.classes import position_classes
from parley.models.smp.queues import Bargains, resolve_queues
from parley.models.smp.utility import distances, risk_from_probability, utility
from parley.models.smp.voting import coalitions, pce, victory_probability, vote

DUMMY = Path(__file__).parent / "data" / "smp" / "dummyData_3Dim.csv"


@pytest.fixture(scope="module")
def dummy():
    return ktab_arrays(DUMMY)


@pytest.fixture(scope="module")
def default_run(dummy):
    return get_model("smp").run(dummy)


# ---------------------------------------------------------------- parameters


def test_defaults_are_ktab_defaults():
    m = get_model("smp")
    assert (m.VictoryProbModel, m.PCEModel, m.StateTransitions, m.VotingRule) == (
        "Linear",
        "Conditional",
        "Deterministic",
        "Proportional",
    )
    assert (m.BigRAdjust, m.BigRRange, m.ThirdPartyCommit, m.InterVecBrgn, m.BargnModel) == (
        "OneThird",
        "Mid",
        "SemiCommit",
        "S2P2",
        "InitOnlyInterp",
    )
    assert (m.max_turns, m.min_turns, m.min_delta_ratio) == (100, 2, 0.02)


@pytest.mark.parametrize(
    "name, value",
    [
        ("VotingRule", "PropCbc"),
        ("BigRRange", "Max"),
        ("BigRAdjust", "Full"),
        ("PCEModel", "MarkovIncentive"),
        ("PCEModel", "MarkovUniform"),
        ("VictoryProbModel", "Quartic"),
        ("ThirdPartyCommit", "NoCommit"),
        ("InterVecBrgn", "S1P1"),
        ("InterVecBrgn", "S2PMax"),
        ("BargnModel", "InitRcvrInterp"),
        ("BargnModel", "PWCompInterp"),
    ],
)
def test_non_default_parameter_changes_the_run(dummy, default_run, name, value):
    out = get_model("smp", params={name: value}).run(dummy)
    assert out.params[name] == value
    same = out.history.shape == default_run.history.shape and np.allclose(
        out.history, default_run.history
    )
    assert not same
    assert np.isfinite(out.history).all() and np.isfinite(out.forecast).all()
    assert (out.history >= 0).all() and (out.history <= 100).all()


def test_case_model_params_are_honoured(dummy, default_run):
    case = make_case(
        {a: {"x": float(dummy.positions[0, k, 0])} for k, a in enumerate(dummy.actor_ids)},
        {a: {"x": float(dummy.salience[0, k, 0])} for k, a in enumerate(dummy.actor_ids)},
        {a: float(dummy.capability[0, k, 0]) for k, a in enumerate(dummy.actor_ids)},
        {"x": (0.0, 100.0)},
    )
    plain = run_models(case, [ModelSpec("smp")])["smp"]
    carried = case.model_copy(update={"model_params": {"smp": {"BigRRange": "Max"}}})
    changed = run_models(carried, [ModelSpec("smp")])["smp"]
    assert changed.params["BigRRange"] == "Max"
    assert not np.allclose(plain.history[:, : changed.history.shape[1]], changed.history)
    # the command line overrides what the case carries
    back = run_models(carried, [ModelSpec("smp", params={"BigRRange": "Mid"})])["smp"]
    np.testing.assert_array_equal(back.history, plain.history)


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"VotingRule": "Proportionl"}, "expected one of Binary, PropBin, Proportional"),
        ({"PCEModel": "Markov"}, "Conditional, MarkovIncentive, MarkovUniform"),
        ({"BigRAdjust": "Third"}, "Full, TwoThirds, Half, OneThird, No"),
        ({"VictoryProbModel": "linear"}, "Linear, Square, Quartic, Octic, Binary"),
        ({"Votingrule": "Binary"}, "has no parameter 'Votingrule'"),
        ({"accommodation": "[[1, 2]]"}, "adjusting_actor, reference_actor, adjust"),
        ({"max_turns": "-1"}, "max_turns"),
    ],
)
def test_invalid_parameters_error_clearly(params, fragment):
    with pytest.raises(ModelError, match="smp") as err:
        get_model("smp", params=params)
    assert fragment in str(err.value)


def test_invalid_name_carried_by_case_errors_clearly():
    case = make_case(
        {"a": {"x": 10.0}, "b": {"x": 90.0}, "c": {"x": 50.0}},
        {"a": {"x": 0.5}, "b": {"x": 0.5}, "c": {"x": 0.5}},
        {"a": 1.0, "b": 2.0, "c": 3.0},
        {"x": (0.0, 100.0)},
        model_params={"smp": {"StateTransitions": "Random"}},
    )
    with pytest.raises(ModelError, match="StateTransitions: expected one of Deterministic"):
        run_models(case, [ModelSpec("smp")])


def test_direct_construction_checks_ktab_names():
    with pytest.raises(ValueError, match="smp.BargnModel: expected one of"):
        get_model("smp").__class__(BargnModel="InitOnly")


def test_stop_rule_thresholds_are_parameters(dummy, default_run):
    assert default_run.history.shape[1] == 11
    capped = get_model("smp", params={"max_turns": "4"}).run(dummy)
    assert capped.history.shape[1] == 5 and capped.status.tolist() == ["round_limit"]
    np.testing.assert_array_equal(capped.history[0], default_run.history[0, :5])
    loose = get_model("smp", params={"min_delta_ratio": "0.5"}).run(dummy)
    assert loose.history.shape[1] < 11
    np.testing.assert_array_equal(loose.history, default_run.history[:, : loose.history.shape[1]])
    late = get_model("smp", params={"min_turns": "15"}).run(dummy)
    assert late.history.shape[1] >= 16


# ---------------------------------------------------------------- accommodation, seed, batch


def test_accommodation_identity_triples_equal_default(dummy, default_run):
    ids = dummy.actor_ids
    same = get_model("smp", params={"accommodation": [[a, a, 1.0] for a in ids]}).run(dummy)
    np.testing.assert_array_equal(same.history, default_run.history)


def test_accommodation_slows_ideals(dummy, default_run):
    ids = dummy.actor_ids
    slow = [[a, a, 0.5] for a in ids] + [[ids[0], ids[1], 0.2]]
    out = get_model("smp", params={"accommodation": slow}).run(dummy)
    assert out.params["accommodation"][-1] == [ids[0], ids[1], 0.2]
    n = min(out.history.shape[1], default_run.history.shape[1])
    assert not np.allclose(out.history[:, :n], default_run.history[:, :n])


@pytest.mark.parametrize(
    "triples, message",
    [
        ([["SActor-00", "Nobody", 0.5]], "unknown actor 'Nobody'"),
        ([["SActor-00", "SActor-00", 1.5]], "must be in [0, 1]"),
        ([["SActor-00", "SActor-01", 0.5]], "sum to more than 1"),
    ],
)
def test_accommodation_errors(dummy, triples, message):
    with pytest.raises(ModelError) as err:
        get_model("smp", params={"accommodation": triples}).run(dummy)
    assert message in str(err.value)


def test_stochastic_transitions_are_reproducible_from_seed(dummy, default_run):
    params = {"StateTransitions": "Stochastic", "seed": "7"}
    first = get_model("smp", params=params).run(dummy)
    again = get_model("smp", params=params).run(dummy)
    np.testing.assert_array_equal(first.history, again.history)
    assert first.events == again.events
    others = [get_model("smp", params={**params, "seed": str(s)}).run(dummy) for s in range(1, 4)]
    assert any(
        o.history.shape != first.history.shape or not np.allclose(o.history, first.history)
        for o in others
    )


def test_batch_members_run_as_if_alone(dummy, default_run):
    rng = np.random.default_rng(3)
    other = np.clip(dummy.positions + rng.normal(0, 10, dummy.positions.shape), 0, 100)
    batch = dummy.with_batch(
        positions=np.concatenate([dummy.positions, other]),
        salience=np.concatenate([dummy.salience, dummy.salience]),
        capability=np.concatenate([dummy.capability, dummy.capability]),
    )
    both = get_model("smp").run(batch)
    alone = get_model("smp").run(dummy.with_batch(positions=other))
    n0, n1 = default_run.history.shape[1], alone.history.shape[1]
    np.testing.assert_allclose(both.history[0, :n0], default_run.history[0], atol=1e-12)
    np.testing.assert_allclose(both.history[1, :n1], alone.history[0], atol=1e-12)
    np.testing.assert_allclose(both.forecast, [default_run.forecast[0], alone.forecast[0]])
    states = [b["state_count"] for b in both.extra["batches"]]
    assert states == [n0, n1]
    assert {e["batch"] for e in both.events} == {0, 1}


def test_any_position_scale(dummy, default_run):
    """Positions on -1..1 instead of 0..100 give the same run in the new units."""
    scaled = dummy.with_batch(positions=dummy.positions / 50.0 - 1.0)
    scaled = replace(scaled, bounds=np.array([[-1.0, 1.0]] * 3))
    out = get_model("smp").run(scaled)
    np.testing.assert_allclose((out.history + 1.0) * 50.0, default_run.history, atol=1e-9)


def test_events_record_proposals_and_choices(default_run, dummy):
    events = default_run.events
    turns = default_run.history.shape[1] - 1
    choices = [e for e in events if e["event"] == "choice"]
    assert len(choices) == turns * len(dummy.actor_ids)
    proposals = [e for e in events if e["event"] == "proposal"]
    assert proposals and all(e["expected_gain"] > 1e-5 for e in proposals)
    # state 1 is what the turn-1 choices say
    for e in choices:
        if e["turn"] == 1:
            a = dummy.actor_ids.index(e["actor"])
            got = list(e["position"].values())
            np.testing.assert_allclose(got, default_run.history[0, 1, a])
            if e["chosen"] == "bargain":
                assert e["actor"] in (e["initiator"], e["receiver"])


# ---------------------------------------------------------------- building blocks by hand


def test_vote_rules_by_hand():
    w, du = np.array(2.0), np.array(0.1)
    assert vote("Proportional", w, du) == pytest.approx(0.2)
    assert vote("Binary", w, du) == pytest.approx(2.0)
    assert vote("PropBin", w, du) == pytest.approx(2 * (0.8 * 0.1 + 0.2))
    assert vote("PropCbc", w, du) == pytest.approx(2 * (0.05 + 0.0005))
    assert vote("Cubic", w, du) == pytest.approx(0.002)
    assert vote("ASymProsp", w, du) == pytest.approx(2 * 0.1 * 2 / 3)
    assert vote("ASymProsp", w, -du) == pytest.approx(-0.2)


def test_victory_probabilities_by_hand():
    s1, s2 = np.array(3.0), np.array(1.0)
    assert victory_probability("Linear", s1, s2) == pytest.approx(0.75)
    assert victory_probability("Square", s1, s2) == pytest.approx(0.9)
    assert victory_probability("Quartic", s1, s2) == pytest.approx(81 / 82)
    assert victory_probability("Binary", s1, s2) == pytest.approx(1 / (1 + 1e-6))
    # within 10%: r = 1.05/2.05, p = (2.1 r - 1)/0.1
    r = 1.05 / 2.05
    assert victory_probability("Binary", np.array(1.05), np.array(1.0)) == pytest.approx(
        (2.1 * r - 1) / 0.1
    )


def test_pce_two_options_by_hand():
    """C = [[e, 3], [1, e]]: P[0 > 1] = 3/4. Conditional: p0 ∝ 0.5*0.75, p1 ∝ 0.25*0.5 -> 3/4.
    MarkovUniform's fixed point p0 = (p0 + P01)/2 is P01 = 3/4; MarkovIncentive's chain (only
    the challenger with support moves) also settles at 3/4 up to the 1e-10 self-incentive."""
    e = 1e-8
    c = np.array([[e, 3.0], [1.0, e]])
    for model in ("Conditional", "MarkovUniform", "MarkovIncentive"):
        np.testing.assert_allclose(pce(model, "Linear", c), [0.75, 0.25], atol=1e-5)  # tol 1e-6


def test_coalitions_by_hand():
    """Two voters (weights 1, 2), utilities of options 0/1: voter0 (0.9, 0.5), voter1 (0.2, 0.6).
    v(0:1) = 1*0.4 and 2*(-0.4): C01 = 0.4, C10 = 0.8 (+1e-8)."""
    u = np.array([[0.9, 0.5], [0.2, 0.6]])
    c = coalitions("Proportional", np.array([1.0, 2.0]), u)
    np.testing.assert_allclose(c, [[1e-8, 0.4 + 1e-8], [0.8 + 1e-8, 1e-8]])
    asym = coalitions("ASymProsp", np.array([1.0, 2.0]), u)
    # KTAB counts each pair once, from i > j: v_k(1:0) = -0.4*2/3 ... and +0.8*2/3
    np.testing.assert_allclose(asym[1, 0], 0.8 * 2 / 3 + 1e-8)
    np.testing.assert_allclose(asym[0, 1], 0.4 + 1e-8)


def test_distance_utility_and_risk_by_hand():
    y = np.array([[[0.2, 0.4]]])
    x = np.array([[[0.6, 0.4], [0.2, 0.4]]])
    s = np.array([[[0.3, 0.4]]])
    d = distances(y, x, s)
    # sqrt((0.3*0.4)^2 / (0.09 + 0.16)) = 0.12/0.5
    np.testing.assert_allclose(d, [[[0.24, 0.0]]])
    assert utility(np.array(0.24), np.array(0.5)) == pytest.approx(0.76 * 1.12)
    p = np.array([[0.1, 0.2, 0.7]])
    # Mid: (3p - (pmax + 2 pmin)) / (2 (pmax - pmin))
    np.testing.assert_allclose(risk_from_probability(p, "Mid"), [[-0.5, -0.25, 1.0]])
    np.testing.assert_allclose(risk_from_probability(p, "Min"), [[0.0, 1 / 6, 1.0]])
    np.testing.assert_allclose(risk_from_probability(p, "Max"), [[-1.0, -2 / 3, 1.0]])


def test_s2p2_bargain_by_hand():
    """s_i = 0.5, s_j = 0.25, p = 0.8: a = 0.25*0.64 = 0.16, b = 0.0625*0.04 = 0.0025."""
    xi, xj = np.array([0.2]), np.array([0.6])
    bi, bj = interpolate("S2P2", xi, np.array([0.5]), np.array(0.8), xj, np.array([0.25]))
    a, b = 0.16, 0.0025
    assert bi[0] == round4(((a + 1e-6) * 0.2 + b * 0.6) / (a + b + 1e-6))
    assert bj[0] == round4((a * 0.2 + (b + 1e-6) * 0.6) / (a + b + 1e-6))
    assert bi[0] == pytest.approx(0.2062)


def test_identical_actors_tie_exactly_and_the_first_is_targeted():
    """a3 and a10 are identical (position 97, salience 0.15, capability 2): every challenger's
    gains against them are equal in exact arithmetic, so KTAB's strict '>' over actors in order
    targets a3. Summed pairwise, the two gains differed by round-off and one challenger picked a10
    (this is what made parley depart from KTAB on SOE-Competitive)."""
    pos = [9.0, 24.0, 80.0, 97.0, 9.0, 43.0, 48.0, 16.0, 73.0, 11.0, 97.0, 52.0]
    sal = [0.56, 0.65, 0.74, 0.15, 0.47, 0.69, 0.72, 0.48, 0.3, 0.88, 0.15, 0.49]
    cap = [90.0, 61.0, 50.0, 2.0, 8.0, 72.0, 41.0, 14.0, 68.0, 93.0, 2.0, 65.0]
    n = len(pos)
    arrays = CaseArrays(
        positions=np.array(pos)[None, :, None],
        salience=np.array(sal)[None, :, None],
        capability=np.array(cap)[None, :, None],
        mask=np.ones((n, 1), dtype=bool),
        bounds=np.array([[0.0, 100.0]]),
        actor_ids=tuple(f"a{k}" for k in range(n)),
        issue_ids=("x",),
        status_quo=np.full(1, np.nan),
    )
    out = get_model("smp", params={"max_turns": 1}).run(arrays)
    targets = [e["receiver"] for e in out.events if e["event"] == "proposal"]
    assert targets.count("a3") >= 6
    assert "a10" not in targets


def test_queues_follow_ktab_order():
    """KTAB's doBCN visits initiators in order, appends k's status quo on reaching k, and puts a
    proposal in both parties' queues when it is made. With bargains b0 = 0->2, b1 = 1->0 and
    b2 = 2->1, actor 0 holds [SQ, b0 (its own), b1]; actor 1 [SQ, b1, b2]; actor 2 received b0
    before its turn: [b0, SQ, b2]. With every option valued alike, each takes its queue's first."""
    pos = np.array([[[0.1], [0.5], [0.9]]])
    bargains = Bargains(
        init=np.array([[0, 1, 2]]),
        rcvr=np.array([[2, 0, 1]]),
        pos_init=np.array([[[0.2], [0.4], [0.8]]]),
        pos_rcvr=np.array([[[0.7], [0.3], [0.6]]]),
        valid=np.ones((1, 3), dtype=bool),
    )
    values = np.full((1, 3, 4), 0.5)  # (B, A, 1 + G): all options valued alike: a PCE tie
    res = resolve_queues(
        values, np.ones((1, 3)), pos, bargains, "Proportional", "Linear", "Conditional", None
    )
    assert res.queue_length.tolist() == [[3, 3, 3]]
    assert res.option.tolist() == [[0, 0, 1]]  # SQ, SQ, bargain 0 (first in 2's queue)
    np.testing.assert_array_equal(res.positions[0, :, 0], [0.1, 0.5, 0.7])


def test_an_actor_between_two_classes_reports_the_later_one():
    """Positions 0, 0.0009, 0.0016 (tolerance 0.001): actors 0 and 2 start classes (2 is 0.0016
    from 0); actor 1 is within the tolerance of both and, as in KTAB's posProb, belongs to the
    last."""
    is_rep, cls = position_classes(np.array([[[0.0], [0.0009], [0.0016]]]), 1e-3)
    assert is_rep.tolist() == [[True, False, True]]
    assert cls.tolist() == [[0, 2, 2]]


def test_actor_without_a_position_starts_at_the_holders_weighted_mean():
    """b holds no position on y: it starts at (1*0.8*3 + 1.5*0.5*7)/(0.8 + 0.75) and has no
    salience there; the run still works and the forecast stays inside the scale."""
    case = make_case(
        {"a": {"x": 10.0, "y": 3.0}, "b": {"x": 80.0}, "c": {"y": 7.0, "x": 40.0}},
        {"a": {"x": 0.9, "y": 0.8}, "b": {"x": 0.3}, "c": {"y": 0.5, "x": 0.2}},
        {"a": 1.0, "b": 2.0, "c": 1.5},
        {"x": (0.0, 100.0), "y": (0.0, 10.0)},
    )
    out = run_models(case, [ModelSpec("smp")])["smp"]
    assert out.history[0, 0, 1, 1] == pytest.approx((0.8 * 3 + 0.75 * 7) / (0.8 + 0.75))
    assert out.mask is not None and not out.mask[1, 1]
    assert 0 <= out.forecast[0, 0] <= 100 and 0 <= out.forecast[0, 1] <= 10


def test_results_do_not_depend_on_thread_count():
    """60 actors: the challenge tensor is split into several slices, run on 1 or 4 threads."""
    rng = np.random.default_rng(11)
    n, d = 60, 3
    share = rng.uniform(0.1, 1.0, (n, d))
    arrays = ktab_arrays(DUMMY)
    arrays = replace(
        arrays,
        positions=rng.uniform(0, 100, (1, n, d)),
        salience=(rng.uniform(0.75, 0.99, (n, 1)) * share / share.sum(1, keepdims=True))[None],
        capability=np.repeat(rng.uniform(10, 200, (n, 1)), d, axis=1)[None],
        mask=np.ones((n, d), dtype=bool),
        actor_ids=tuple(f"a{k}" for k in range(n)),
    )
    params = {"StateTransitions": "Stochastic", "seed": "5", "max_turns": "6"}
    one = get_model("smp", params={**params, "threads": "1"}).run(arrays)
    four = get_model("smp", params={**params, "threads": "4"}).run(arrays)
    np.testing.assert_array_equal(one.history, four.history)
    assert one.events == four.events


@pytest.mark.parametrize(("name", "value"), SMP_OPTIONS)
def test_every_ktab_option_runs(dummy, name, value):
    out = get_model("smp", params={name: value}).run(dummy)
    assert np.isfinite(out.history).all()
    assert (out.history >= 0).all() and (out.history <= 100).all()
    assert 3 <= out.history.shape[1] <= 101
    for state in out.extra["states"]:
        assert sum(c["probability"] for c in state["classes"]) == pytest.approx(1.0)


def test_full_and_no_commit_both_keep_third_parties_out(dummy):
    """Under both, joining i and joining j are worth the same to a third party (KTAB's
    thirdPartyVoteSU), so only the principals vote and the two runs coincide."""
    full = get_model("smp", params={"ThirdPartyCommit": "FullCommit"}).run(dummy)
    none = get_model("smp", params={"ThirdPartyCommit": "NoCommit"}).run(dummy)
    np.testing.assert_array_equal(full.history, none.history)


def test_single_actor_keeps_its_position():
    case = make_case({"a": {"x": 30.0}}, {"a": {"x": 0.5}}, {"a": 1.0}, {"x": (0.0, 100.0)})
    out = run_models(case, [ModelSpec("smp")])["smp"]
    assert out.forecast[0, 0] == pytest.approx(30.0)
    assert not [e for e in out.events if e["event"] == "proposal"]


def test_zero_turns_reports_the_input_state(dummy):
    """`--rounds 0` (max_turns 0): no bargaining; the history is the input alone and the forecast
    is the input state's probability-weighted outcome, the same as state 0 of a full run."""
    none = get_model("smp", params={"max_turns": "0"}).run(dummy)
    full = get_model("smp").run(dummy)
    assert none.history.shape[1] == 1
    np.testing.assert_array_equal(none.history[:, 0], full.history[:, 0])
    assert none.extra["states"][0] == full.extra["states"][0]
    np.testing.assert_allclose(none.forecast[0], list(full.extra["states"][0]["weighted"].values()))
