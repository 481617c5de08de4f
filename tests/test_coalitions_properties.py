"""Properties of power indices and winning coalitions on random games (hypothesis)."""

from __future__ import annotations

from itertools import product

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parley.coalitions import VotingGame, parse_quota, power_indices
from parley.coalitions.winning import connected_winning, minimal_winning

QUOTAS = ["majority", "2/3", "0.6", "unanimity", "count:2", "majority+count:2", "weight:10"]


@st.composite
def games(draw):
    n = draw(st.integers(2, 7))
    weights = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    quota = draw(st.sampled_from(QUOTAS))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3))
    pairs = frozenset((min(p), max(p)) for p in pairs if p[0] != p[1])
    return VotingGame(
        tuple(f"p{k}" for k in range(n)), np.array(weights, float), parse_quota(quota), pairs
    )


def all_coalitions(n: int) -> np.ndarray:
    return np.array(list(product([False, True], repeat=n)))


@settings(max_examples=60, deadline=None)
@given(games())
@example(VotingGame(("p0", "p1"), np.array([0.0, 0.0]), parse_quota("2/3"), frozenset()))
def test_indices_sum_to_one_when_the_grand_coalition_wins(game):
    r = power_indices(game)
    grand = bool(game.is_winning(np.ones((1, game.n), bool))[0])
    # if even the empty coalition wins (a share quota of all-zero weights), nobody is ever pivotal
    empty = bool(game.is_winning(np.zeros((1, game.n), bool))[0])
    ss, bz = sum(r.shapley_shubik.values()), sum(r.banzhaf.values())
    if grand and not empty:
        assert abs(ss - 1) < 1e-9 and abs(bz - 1) < 1e-9
    else:
        assert ss == 0 and bz == 0
    assert min(r.shapley_shubik.values()) >= 0


@settings(max_examples=60, deadline=None)
@given(games(), st.randoms(use_true_random=False))
def test_relabelling_players_permutes_the_indices(game, random):
    order = list(range(game.n))
    random.shuffle(order)
    where = {old: new for new, old in enumerate(order)}
    relabelled = VotingGame(
        tuple(game.players[k] for k in order),
        game.weights[order],
        game.quota,
        frozenset(tuple(sorted((where[i], where[j]))) for i, j in game.incompatible),
    )
    a, b = power_indices(game), power_indices(relabelled)
    for p in game.players:
        assert abs(a.shapley_shubik[p] - b.shapley_shubik[p]) < 1e-12
        assert a.swings[p] == b.swings[p]


@settings(max_examples=60, deadline=None)
@given(games())
def test_swings_and_minimal_winning_match_enumeration(game):
    s = all_coalitions(game.n)
    win = game.is_winning(s)
    index = {tuple(row): w for row, w in zip(s, win, strict=True)}
    swings = []
    for i in range(game.n):
        count = 0
        for row in s[~s[:, i]]:
            with_i = row.copy()
            with_i[i] = True
            count += index[tuple(with_i)] and not index[tuple(row)]
        swings.append(count)
    assert list(power_indices(game).swings.values()) == swings
    # minimal winning: allowed, winning, and every member needed
    expected = set()
    for row in s[win]:
        members = np.flatnonzero(row)
        if not game.allowed(members):
            continue
        if all(not index[tuple(np.where(np.arange(game.n) == j, False, row))] for j in members):
            expected.add(frozenset(game.players[j] for j in members))
    assert {frozenset(c) for c in minimal_winning(game)} == expected


@settings(max_examples=40, deadline=None)
@given(games())
def test_a_fraction_quota_does_not_depend_on_the_unit_of_weight(game):
    if game.quota.absolute is not None:
        return
    scaled = VotingGame(game.players, game.weights * 0.37, game.quota, game.incompatible)
    a, b = power_indices(game), power_indices(scaled)
    assert a.swings == b.swings


@settings(max_examples=60, deadline=None)
@given(games(), st.randoms(use_true_random=False))
def test_connected_winning_matches_enumeration(game, random):
    # by the definition (Axelrod 1970): every interval of the order that is allowed, wins, and
    # loses when either end member leaves
    order = list(game.players)
    random.shuffle(order)
    order = order[: random.randint(0, len(order))]
    expected = []
    for a in range(len(order)):
        for b in range(a, len(order)):
            members = np.array([game.players.index(p) for p in order[a : b + 1]])
            row = np.isin(np.arange(game.n), members)
            if not game.allowed(members) or not game.is_winning(row[None])[0]:
                continue
            ends = {members[0], members[-1]} if b > a else set()
            if all(not game.is_winning((row & (np.arange(game.n) != e))[None])[0] for e in ends):
                expected.append(order[a : b + 1])
    assert connected_winning(game, order) == expected
