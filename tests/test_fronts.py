"""United fronts: merging members into a bloc and the gains it brings, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from parley.case import build_case
from parley.coalitions.fronts import (
    FrontError,
    evaluate_front,
    front_gains,
    fronts_json,
    merge_front,
    search_fronts,
)
from parley.forecast import model_specs

# Three actors on one issue of scale 0-100, salience 1 each:
#   A at 0 with capability 30, B at 40 with 30, C at 100 with 40.
# Compromise (weighted mean): (0*30 + 40*30 + 100*40) / 100 = 52.
# Weighted median (lowest position where cumulative weight reaches half, 50): 30, 60 -> 40.
DATA = {
    "actors": [
        {"id": "A", "capability": 30, "tags": ["g"]},
        {"id": "B", "capability": 30, "tags": ["g"]},
        {"id": "C", "capability": 40, "tags": ["g"]},
    ],
    "issues": [{"id": "x", "lower": 0, "upper": 100}],
    "stances": {
        "A": {"x": {"position": 0, "salience": 1}},
        "B": {"x": {"position": 40, "salience": 1}},
        "C": {"x": {"position": 100, "salience": 1}},
    },
}


@pytest.fixture
def case():
    return build_case(DATA, "test")


def test_merge_front_by_the_default_rules(case):
    # capability 30 + 30 = 60; position their compromise (0*30 + 40*30)/60 = 20; salience 1.
    merged = merge_front(case, ["A", "B"])
    assert [a.id for a in merged.actors] == ["C", "A+B"]
    stance = merged.stances["A+B"]["x"]
    assert stance.position.value == pytest.approx(20)
    assert stance.capability.value == pytest.approx(60)
    assert stance.salience.value == pytest.approx(1)


def test_front_with_compromise_position(case):
    # With the bloc (20, weight 60) and C (100, weight 40):
    #   compromise 0.6*20 + 0.4*100 = 52: unchanged (merging by the default rules keeps the
    #   weighted mean), so both gain 0;
    #   median: 20 carries 60 >= 50 -> 20: from 40 to 20, toward A (at 0) by 20/100 = +0.2, away
    #   from B (at 40) by 20/100 = -0.2. Mean over the two models: A +0.1, B -0.1: not stable.
    r = evaluate_front(case, ["A", "B"], model_specs(["compromise", "median"]))
    assert r.forecast_without == {"compromise": {"x": pytest.approx(52)}, "median": {"x": 40}}
    assert r.forecast_with == {"compromise": {"x": pytest.approx(52)}, "median": {"x": 20}}
    assert r.gain_by_model["compromise"] == {"A": 0, "B": 0}
    assert r.gain_by_model["median"] == {"A": pytest.approx(0.2), "B": pytest.approx(-0.2)}
    assert r.gain == {"A": pytest.approx(0.1), "B": pytest.approx(-0.1)}
    assert not r.stable


def test_front_whose_position_is_the_members_median(case):
    # position_rule model:median: among A (0, 30) and B (40, 30) the cumulative weight reaches half
    # (30) at 0, so the bloc stands at 0 with capability 60.
    #   compromise: 0.6*0 + 0.4*100 = 40 (from 52): A gains 12/100, B gains (12 - 0)/100 = 0.12.
    r = evaluate_front(case, ["A", "B"], model_specs(["compromise"]), position_rule="model:median")
    assert r.bloc["position"] == {"x": 0}
    assert r.forecast_with["compromise"]["x"] == pytest.approx(40)
    assert r.gain == {"A": pytest.approx(0.12), "B": pytest.approx(0.12)}
    assert r.stable
    front = fronts_json([r])["fronts"][0]
    assert set(front) >= {"members", "stable", "gain", "forecast_with", "forecast_without"}
    assert front["members"] == ["A", "B"] and front["stable"] is True


def test_search_finds_only_the_front_every_member_gains_from(case):
    # Bloc at the members' weighted median, forecast by compromise:
    #   {A,B}: bloc at 0 -> 40: A +0.12, B +0.12 (stable).
    #   {A,C}: cumulative 30 < 35 at 0, so the bloc stands at 100 with 70: 0.7*100 + 0.3*40 = 82;
    #          A: (52 - 82)/100 = -0.30 (unstable).
    #   {B,C}: bloc at 100 with 70: 0.3*0 + 0.7*100 = 70; B: (12 - 30)/100 = -0.18 (unstable).
    #   {A,B,C}: bloc at the median 40 = the forecast; C: (48 - 60)/100 = -0.12 (unstable).
    specs = model_specs(["compromise"])
    found = search_fronts(case, "g", specs, position_rule="model:median")
    assert [f.members for f in found] == [("A", "B")]
    everything = search_fronts(
        case, "g", specs, include_unstable=True, position_rule="model:median"
    )
    assert len(everything) == 4 and everything[0].members == ("A", "B")
    by_members = {f.members: f for f in everything}
    assert by_members[("A", "C")].gain["A"] == pytest.approx(-0.30)
    assert by_members[("B", "C")].gain["B"] == pytest.approx(-0.18)
    assert by_members[("A", "B", "C")].gain["C"] == pytest.approx(-0.12)
    assert len(search_fronts(case, "g", specs, max_size=2, include_unstable=True)) == 3
    by_total = search_fronts(
        case, "g", specs, include_unstable=True, rank="total", position_rule="model:median"
    )
    # totals: {A,B} +0.24 (stable, first); then {A,B,C} 0.12+0.12-0.12 = +0.12,
    # {B,C} -0.18+0.18 = 0 and {A,C} -0.30+0.30 = 0 tie, and the larger smallest gain goes first
    assert [f.members for f in by_total] == [("A", "B"), ("A", "B", "C"), ("B", "C"), ("A", "C")]


def test_gain_is_salience_weighted_and_scaled_by_issue_range():
    # A at 0 on x (salience 1, scale 0-100) and at 10 on y (salience 0.5, scale 0-50).
    # Forecasts move x 40 -> 20 and y 50 -> 30:
    #   x: (40 - 20)/100 = 0.2; y: (|50-10| - |30-10|)/50 = 0.4;
    #   gain = (1 * 0.2 + 0.5 * 0.4) / 1.5 = 0.2667
    case = build_case(
        {
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "x", "lower": 0, "upper": 100}, {"id": "y", "lower": 0, "upper": 50}],
            "stances": {
                "A": {"x": {"position": 0, "salience": 1}, "y": {"position": 10, "salience": 0.5}},
                "B": {"x": {"position": 50, "salience": 1}},
            },
        },
        "test",
    )
    gains = front_gains(case, ["A", "B"], np.array([[40.0, 50.0]]), np.array([[20.0, 30.0]]))
    assert gains[0, 0] == pytest.approx((0.2 + 0.5 * 0.4) / 1.5)
    assert gains[0, 1] == pytest.approx((10 - 30) / 100)  # B holds no position on y


def test_bad_fronts_are_clear_errors(case):
    specs = model_specs(["compromise"])
    with pytest.raises(FrontError, match="unknown actor 'Z'"):
        evaluate_front(case, ["A", "Z"], specs)
    with pytest.raises(FrontError, match="at least two"):
        evaluate_front(case, ["A"], specs)
    with pytest.raises(FrontError, match="tagged 'nope'"):
        search_fronts(case, "nope", specs)
    with pytest.raises(FrontError, match="limit"):
        search_fronts(case, "g", specs, limit=2)
    with pytest.raises(FrontError, match="position rule"):
        merge_front(case, ["A", "B"], position_rule="loudest")
    with pytest.raises(FrontError, match="already an actor"):
        merge_front(case, ["A", "B"], name="C")
