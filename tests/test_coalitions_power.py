"""Power indices: hand-computed small games, the UN Security Council, and `powerindex` on larger
random games."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest

from parley.coalitions import CoalitionError, VotingGame, parse_quota, power_indices


def game(weights, quota="majority", pairs=()) -> VotingGame:
    names = tuple(f"p{k}" for k in range(len(weights)))
    return VotingGame(names, np.array(weights, dtype=float), parse_quota(quota), frozenset(pairs))


def values(d: dict) -> np.ndarray:
    return np.array(list(d.values()))


def test_50_49_1_quota_51_by_hand():
    # Winning: {a,b}, {a,c}, {a,b,c}. In the 6 orders a is pivotal when it comes second or third
    # (4 orders), b when it follows a directly as the 2nd (a b c), c likewise (a c b): 4/6, 1/6, 1/6.
    # Swings: a in {b}, {c}, {b,c} (3); b in {a} (1); c in {a} (1): Banzhaf 3/5, 1/5, 1/5,
    # raw 3/4, 1/4, 1/4 (swings / 2^(n-1)).
    r = power_indices(game([50, 49, 1], "weight:51"))
    assert r.method == "exact"
    assert values(r.shapley_shubik) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert values(r.banzhaf) == pytest.approx([3 / 5, 1 / 5, 1 / 5])
    assert values(r.banzhaf_raw) == pytest.approx([3 / 4, 1 / 4, 1 / 4])
    assert r.swings == {"p0": 3, "p1": 1, "p2": 1}


def test_un_security_council():
    # 5 permanent members with a veto and 10 elected: 9 votes including all 5 permanent, i.e.
    # weights 7 and 1 with quota 39. An elected member is a swing in exactly the coalitions of
    # the 5 permanent and 3 of the 9 other elected: C(9,3) = 84, each of size 8, so
    # SS = 84 * 8! 6! / 15! = 4/2145. A permanent member is a swing with the other 4 permanent and
    # 4..10 elected: sum_{k=4}^{10} C(10,k) = 848 (Banzhaf 848 / (5*848 + 10*84)).
    r = power_indices(game([7] * 5 + [1] * 10, "weight:39"))
    ss = values(r.shapley_shubik)
    assert ss[:5] == pytest.approx([421 / 2145] * 5, rel=1e-12)
    assert ss[5:] == pytest.approx([4 / 2145] * 10, rel=1e-12)
    assert list(r.swings.values()) == [848] * 5 + [84] * 10
    bz = values(r.banzhaf)
    assert bz[0] == pytest.approx(848 / 5080) and bz[-1] == pytest.approx(84 / 5080)
    assert r.banzhaf_raw["p0"] == pytest.approx(848 / 2**14)


def test_count_quota_makes_every_member_symmetric():
    r = power_indices(game([90, 5, 3, 1, 1], "count:3"))
    assert values(r.shapley_shubik) == pytest.approx([0.2] * 5)
    assert values(r.banzhaf) == pytest.approx([0.2] * 5)


def test_unanimity_gives_everyone_a_veto():
    r = power_indices(game([10, 1, 1, 0], "unanimity"))
    assert values(r.shapley_shubik) == pytest.approx([0.25] * 4)


def test_double_majority_weight_and_count():
    # weights 6,1,1,1, majority of weight (> 4.5) and at least 3 members: a coalition wins when it
    # holds the 6 and two others. The 6 is pivotal when at least two small players came before
    # it (it arrives 3rd or 4th: 12 of the 24 orders); the other 12 orders are shared equally by
    # the three symmetric small players: 4 each.
    r = power_indices(game([6, 1, 1, 1], "majority+count:3"))
    assert values(r.shapley_shubik) == pytest.approx([12 / 24, 4 / 24, 4 / 24, 4 / 24])


def test_incompatible_pair_by_hand():
    # weights 3,2,2, quota > 3.5; players 1 and 2 refuse to sit together. Winning: {0,1}, {0,2}
    # and {0,1,2} (it holds {0,1}); {1,2} is not allowed. Player 0 is needed in every winning
    # coalition: the game is that of 50/49/1 above: SS 2/3, 1/6, 1/6; Banzhaf 3/5, 1/5, 1/5.
    r = power_indices(game([3, 2, 2], "majority", {(1, 2)}))
    assert values(r.shapley_shubik) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert values(r.banzhaf) == pytest.approx([3 / 5, 1 / 5, 1 / 5])
    free = power_indices(game([3, 2, 2]))
    assert values(free.shapley_shubik) == pytest.approx([1 / 3] * 3)


def _brute_shapley(g: VotingGame) -> np.ndarray:
    """Shapley-Shubik by walking every order of arrival (independent of the counting DP)."""
    n = g.n
    pivots = np.zeros(n)
    for order in permutations(range(n)):
        members = np.zeros((n, n), dtype=bool)
        for j in range(n):
            members[j:, order[j]] = True
        win = g.is_winning(members)
        if win.any():
            pivots[order[int(np.argmax(win))]] += 1
    return pivots / math.factorial(n)


@pytest.mark.parametrize("seed", range(6))
def test_exact_equals_all_orders_with_pairs_and_counts(seed):
    rng = np.random.default_rng(seed)
    n = 6
    weights = rng.integers(0, 9, n) * 0.5
    quota = ["majority", "2/3", "majority+count:3", "0.6"][seed % 4]
    pairs = {(0, 3), (2, 5)} if seed % 2 else set()
    g = game(weights, quota, pairs)
    assert values(power_indices(g).shapley_shubik) == pytest.approx(_brute_shapley(g), abs=1e-12)


powerindex = pytest.importorskip("powerindex")


@pytest.mark.parametrize("seed", range(5))
def test_matches_powerindex_on_random_games(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(10, 15))
    weights = [int(x) for x in rng.integers(1, 40, n)]
    quota = int(sum(weights) * rng.uniform(0.5, 0.75)) + 1
    quota = max(quota, max(weights) + 1)  # powerindex treats a player above the quota apart
    ref = powerindex.Game(quota, weights=weights)
    ref.calc()
    r = power_indices(game(weights, f"weight:{quota}"))
    assert values(r.shapley_shubik) == pytest.approx(ref.shapley_shubik, rel=1e-9)
    assert values(r.banzhaf) == pytest.approx(ref.banzhaf, rel=1e-9)


def test_forty_players_exact_and_fast():
    rng = np.random.default_rng(7)
    weights = rng.integers(1, 100, 40)
    r = power_indices(game(weights))
    assert r.method == "exact"
    assert sum(r.shapley_shubik.values()) == pytest.approx(1)
    assert sum(r.banzhaf.values()) == pytest.approx(1)
    equal = power_indices(game([3] * 41))
    assert values(equal.shapley_shubik) == pytest.approx([1 / 41] * 41)


def test_decimal_weights_scale_exactly():
    # 0.1, 0.2, 0.3, 0.4: scale 10 gives 1, 2, 3, 4 with nothing rounded; quota >= 0.6 of 1.0 is
    # >= 6: {0.2,0.4}, {0.1,0.2,0.3}... the same game as integer weights 1..4 with weight:6.
    r = power_indices(game([0.1, 0.2, 0.3, 0.4], "0.6"))
    s = power_indices(game([1, 2, 3, 4], "weight:6"))
    assert r.scale == 10
    assert values(r.shapley_shubik) == pytest.approx(values(s.shapley_shubik))


def test_rounding_that_could_change_a_winner_falls_back_to_sampling():
    # thirds are no decimals: {a, b} holds exactly 2/3 of the weight, on the quota's edge.
    r = power_indices(game([1 / 3, 1 / 3, 1 / 3], "2/3"), samples=4000, seed=1)
    assert r.method == "monte-carlo" and "rounding" in r.note
    assert values(r.shapley_shubik) == pytest.approx([1 / 3] * 3, abs=4 * 0.0075 + 0.01)
    # away from the edge the rounded weights are proven safe and the count exact
    safe = power_indices(game([1 / 3, 1 / 3, 1 / 3 + 1e-3]))
    assert safe.method == "exact"
    assert values(safe.shapley_shubik) == pytest.approx([1 / 3] * 3)


def test_monte_carlo_within_its_standard_error_and_seeded():
    rng = np.random.default_rng(11)
    g = game(rng.integers(1, 30, 12), "majority", {(0, 1)})
    exact = power_indices(g)
    mc = power_indices(g, method="monte-carlo", samples=6000, seed=3)
    for index in ("shapley_shubik", "banzhaf"):
        z = (values(mc.__dict__[index]) - values(exact.__dict__[index])) / np.maximum(
            values(mc.stderr[index]), 1e-3
        )
        assert np.abs(z).max() < 4.5
    again = power_indices(g, method="monte-carlo", samples=6000, seed=3)
    assert again.shapley_shubik == mc.shapley_shubik


def test_beyond_sixty_players_samples_with_stated_error():
    r = power_indices(game([1] * 70), samples=500)
    assert r.method == "monte-carlo" and "70 players" in r.note
    assert set(r.stderr) == {"shapley_shubik", "banzhaf", "banzhaf_raw"}
    assert all(v > 0 for v in r.stderr["shapley_shubik"].values())


@pytest.mark.parametrize("bad", ["1.5", "count:0", "count:x", "foo", "2/0", "0.5+weight:3", ""])
def test_bad_quota_is_one_clear_error(bad):
    if bad == "":
        assert parse_quota(bad).fraction == Fraction(1, 2)  # empty means the default
        return
    with pytest.raises(CoalitionError):
        parse_quota(bad)


def test_quota_needing_more_members_than_players():
    with pytest.raises(CoalitionError, match="more members"):
        game([1, 1], "count:3")
