"""Minimal winning and minimal connected winning coalitions."""

from __future__ import annotations

import numpy as np
import pytest

from parley.case import build_case
from parley.coalitions import CoalitionError, VotingGame, game_from_case, parse_quota, power_indices
from parley.coalitions.winning import connected_winning, issue_order, minimal_winning

# German Bundestag elected 22 September 2013, seats by party (Der Bundeswahlleiter, final result:
# 631 seats; CDU 255, SPD 193, Die Linke 64, Gruene 63, CSU 56). A majority is 316 seats.
BUNDESTAG_2013 = {"CDU": 255, "SPD": 193, "Linke": 64, "Gruene": 63, "CSU": 56}


def bundestag(pairs=()) -> VotingGame:
    names = tuple(BUNDESTAG_2013)
    index = {a: k for k, a in enumerate(names)}
    inc = frozenset(tuple(sorted((index[a], index[b]))) for a, b in pairs)
    return VotingGame(names, np.array(list(BUNDESTAG_2013.values()), float), parse_quota(None), inc)


def as_sets(coalitions):
    return {frozenset(c) for c in coalitions}


def test_bundestag_2013_minimal_winning_coalitions():
    # By hand: CDU with any one of SPD (448), Linke (319), Gruene (318) wins and neither partner can
    # leave; SPD + Linke + Gruene = 320 wins and each is needed (256, 257, 127 without one).
    # CDU + CSU = 311 loses, and the CSU never turns a losing coalition into a winning one
    # (the largest losing coalitions without it, 257 and 255, plus 56 stay below 316): a dummy.
    found = minimal_winning(bundestag())
    assert as_sets(found) == {
        frozenset({"CDU", "SPD"}),
        frozenset({"CDU", "Linke"}),
        frozenset({"CDU", "Gruene"}),
        frozenset({"SPD", "Linke", "Gruene"}),
    }
    assert found[0] == ["CDU", "SPD"]  # heaviest first, members heaviest first
    # Without the dummy this is an apex game: CDU with any one of three, or the three together.
    # CDU is pivotal when it arrives 2nd or 3rd among the four (1/2); the rest is shared equally.
    # Swings: CDU in {S}, {L}, {G}, {S,L}, {S,G}, {L,G} (6); SPD in {CDU}, {L,G} (2), alike for L, G;
    # each with the CSU in or out: twice that.
    power = power_indices(bundestag())
    assert power.shapley_shubik == pytest.approx(
        {"CDU": 1 / 2, "SPD": 1 / 6, "Linke": 1 / 6, "Gruene": 1 / 6, "CSU": 0}
    )
    assert power.swings == {"CDU": 12, "SPD": 4, "Linke": 4, "Gruene": 4, "CSU": 0}


def test_bundestag_2013_with_a_refused_partnership():
    found = minimal_winning(bundestag(pairs=[("CDU", "Linke")]))
    assert as_sets(found) == {
        frozenset({"CDU", "SPD"}),
        frozenset({"CDU", "Gruene"}),
        frozenset({"SPD", "Linke", "Gruene"}),
    }


def test_strict_majority_versus_at_least_half():
    g = VotingGame(("a", "b"), np.array([2.0, 2.0]), parse_quota("majority"))
    assert minimal_winning(g) == [["a", "b"]]  # 2 is not more than half of 4
    g = VotingGame(("a", "b"), np.array([2.0, 2.0]), parse_quota("1/2"))
    assert as_sets(minimal_winning(g)) == {frozenset("a"), frozenset("b")}  # 2 is at least half


def test_limit_gives_a_clear_error():
    g = VotingGame(tuple(f"p{k}" for k in range(16)), np.ones(16), parse_quota(None))
    with pytest.raises(CoalitionError, match="more than 100 minimal winning"):
        minimal_winning(g, limit=100)  # C(16, 9) = 11440 coalitions of 9 equal players


def line_case():
    """Five parties on a left-right issue; capabilities add to 100 (a majority is > 50)."""
    parties = {"A": (0, 10), "B": (25, 30), "C": (50, 15), "D": (75, 25), "E": (100, 20)}
    return build_case(
        {
            "actors": [{"id": a, "capability": c} for a, (_, c) in parties.items()]
            + [{"id": "F", "capability": 5}],
            "issues": [
                {"id": "lr", "lower": 0, "upper": 100},
                {"id": "other", "lower": 0, "upper": 1},
            ],
            "stances": {
                **{a: {"lr": {"position": x, "salience": 1}} for a, (x, _) in parties.items()},
                "F": {"other": {"position": 1, "salience": 1}},
                "A": {
                    "lr": {"position": 0, "salience": 1},
                    "other": {"position": 0, "salience": 1},
                },
            },
        },
        "test",
    )


def test_minimal_connected_winning_by_hand():
    # Along lr: A 10 | B 30 | C 15 | D 25 | E 20 (F takes no position there: weight 0, off the
    # line). ABC = 55 wins, and without A (45) or C (40) it loses; BCD = 70, without B 40, without
    # D 45; CDE = 60, without C 45, without E 40. ABCD (80) can lose A and still win, so it is not
    # minimal; B + D (55) wins but is not connected.
    case = line_case()
    game = game_from_case(case, issue="lr")
    assert game.weights[list(game.players).index("F")] == 0
    order = issue_order(case, "lr", game.players)
    assert order == ["A", "B", "C", "D", "E"]
    assert connected_winning(game, order) == [["A", "B", "C"], ["B", "C", "D"], ["C", "D", "E"]]
    assert frozenset({"B", "D"}) in as_sets(minimal_winning(game))
    refusing = game_from_case(case, issue="lr", incompatible=[("B", "D")])
    assert connected_winning(refusing, order) == [["A", "B", "C"], ["C", "D", "E"]]


def test_exclude_and_unknown_actors():
    case = line_case()
    game = game_from_case(case, issue="lr", exclude=["C"])
    assert "C" not in game.players
    with pytest.raises(CoalitionError, match="unknown actor 'Z'"):
        game_from_case(case, exclude=["Z"])
    with pytest.raises(CoalitionError, match="unknown issue"):
        game_from_case(case, issue="nope")
