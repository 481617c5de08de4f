"""The eum kernels on their own: fast vote sums against the plain n^3 formula, probabilities,
risk, offers, and one round of the printed equations (scholz_paper) worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parley.models.eum.median import condorcet_scan
from parley.models.eum.offers import COMPROMISE, CONFLICT, NONE, choose, classify
from parley.models.eum.params import SCHOLZ_PAPER, EumParams
from parley.models.eum.round import play_round
from parley.models.eum.utility import risk_exponents
from parley.models.eum.votes import vote_gains_fast, vote_gains_plain, win_probability


def _problems(seed: int, n_batch: int, n: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    grid = rng.uniform(-3, 12, size=(n_batch, max(2, n // 2)))
    x = np.take_along_axis(grid, rng.integers(0, grid.shape[1], size=(n_batch, n)), axis=1)
    w = rng.uniform(0, 2, size=(n_batch, n))
    rho = rng.uniform(0.5, 2, size=(n_batch, n))
    delta = x.max(axis=1) - x.min(axis=1)
    return x, w, rho, np.where(delta > 0, delta, 1.0)


@pytest.mark.parametrize("n_batch, n", [(1, 2), (1, 9), (4, 7), (3, 40), (1, 120)])
@pytest.mark.parametrize("exponent", ["one", "per_voter"])
def test_fast_vote_sums_equal_the_plain_formula(n_batch: int, n: int, exponent: str) -> None:
    x, w, rho, delta = _problems(n_batch * 100 + n, n_batch, n)
    r = 1.0 if exponent == "one" else rho
    plain = vote_gains_plain(x, w, r, delta)
    fast = vote_gains_fast(x, w, r, delta)
    np.testing.assert_allclose(fast, plain, rtol=1e-12, atol=1e-12 * w.sum())


def test_plain_path_chunks_give_the_same_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    x, w, rho, delta = _problems(5, 2, 15)
    whole = vote_gains_plain(x, w, rho, delta)
    monkeypatch.setattr("parley.models.eum.votes.PLAIN_CHUNK_ELEMENTS", 1)
    np.testing.assert_array_equal(vote_gains_plain(x, w, rho, delta), whole)


def test_vote_sum_by_hand() -> None:
    """Three voters at 0, 1, 3 with weights 1, 2, 1, D = 3, rho = 1.
    Num(0 -> x=0, 1 -> x=1): voters closer to 0 than to 1: only the one at 0, gain 1 x (1-0)/3."""
    x = np.array([[0.0, 1.0, 3.0]])
    w = np.array([[1.0, 2.0, 1.0]])
    num = vote_gains_fast(x, w, 1.0, np.array([3.0]))
    assert num[0, 0, 1] == pytest.approx(1 / 3)
    # 1 over 0: voter at 1 gains 2 x (1 - 0)/3, voter at 3 gains 1 x (3 - 2)/3
    assert num[0, 1, 0] == pytest.approx(2 / 3 + 1 / 3)
    # 2 (x=3) over 0: voter at 3 gains 1 x (3 - 0)/3; voter at 1 is closer to 0 (1 < 2)
    assert num[0, 2, 0] == pytest.approx(1.0)
    p = win_probability(num, "pairwise")
    assert p[0, 0, 1] + p[0, 1, 0] == pytest.approx(1.0)
    assert p[0, 1, 1] == 0.5
    q = win_probability(num, "all_pairs")
    assert q[0].sum() == pytest.approx(0.5)  # Num over 2 x sum(Num)


def test_condorcet_scan_takes_the_lowest_of_tied_medians() -> None:
    # weights 1 at 0 and 1 at 10: every point between wins no vote: the scan keeps 0
    x = np.array([[0.0, 10.0, 10.0], [2.0, 5.0, 9.0]])
    w = np.array([[1.0, 0.5, 0.5], [1.0, 1.0, 3.0]])
    mu = condorcet_scan(x, w, np.array([10.0, 7.0]))
    assert mu.tolist() == [0.0, 9.0]


def test_risk_exponents_and_the_degenerate_rule() -> None:
    sec = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])
    previous = np.array([[1.0, 1.0, 1.0], [0.7, 1.3, 2.0]])
    big_r, r = risk_exponents(sec, previous, "neutral")
    np.testing.assert_allclose(big_r[0], [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(r[0], [2.0, 1.0, 0.5])  # (1 -+ 1/3)/(1 +- 1/3)
    np.testing.assert_allclose(r[1], 1.0)
    _, kept = risk_exponents(sec, previous, "previous")
    np.testing.assert_allclose(kept[1], previous[1])


def test_offer_rules_and_boundaries() -> None:
    x = np.array([[0.0, 4.0, 6.0, 8.0, 2.0, 0.0]])
    #               self  conflict compromise b=|a| a=0   same position
    a = np.array([[0.0, 0.2, -0.1, -0.3, 0.0, 0.5]])
    b = np.array([[0.0, 0.5, 0.4, 0.3, 0.9, 0.9]])
    a_m = np.zeros((1, 6, 6))
    b_m = np.zeros((1, 6, 6))
    a_m[0, 0], b_m[0, 0] = a[0], b[0]
    kind, target = classify(a_m, b_m, x, conflict=True, capitulation=True)
    assert kind[0, 0].tolist() == [NONE, CONFLICT, COMPROMISE, NONE, NONE, NONE]
    assert target[0, 0, 1] == 4.0
    assert target[0, 0, 2] == pytest.approx(6.0 * 0.1 / 0.4)
    scholz = choose(kind, target, a_m, b_m, x, "scholz")
    least = choose(kind, target, a_m, b_m, x, "least_move")
    assert scholz[0, 0] == 1  # any conflict first
    assert least[0, 0] == 2  # the compromise moves 1.5 < 4
    kind_off, _ = classify(a_m, b_m, x, conflict=False, capitulation=False)
    assert kind_off[0, 0, 1] == NONE


def test_scholz_compromise_key_is_a_signed_position() -> None:
    """Two compromises for i at 5: towards 0 (a=-0.1, b=0.2) and towards 10 (a=-0.1, b=0.4).
    Keys (0.1*5 + 0.2*0)/0.3 = 1.67 and (0.1*5 + 0.4*10)/0.5 = 9: the one towards 0 wins although it
    moves i 2.5 and the other only 1.25."""
    x = np.array([[5.0, 0.0, 10.0]])
    a = np.zeros((1, 3, 3))
    b = np.zeros((1, 3, 3))
    a[0, 0, 1:], b[0, 0, 1:] = [-0.1, -0.1], [0.2, 0.4]
    kind, target = classify(a, b, x, conflict=True, capitulation=False)
    assert choose(kind, target, a, b, x, "scholz")[0, 0] == 1
    assert choose(kind, target, a, b, x, "least_move")[0, 0] == 2


def test_one_round_of_the_printed_equations_by_hand() -> None:
    """scholz_paper with Q = 0.5, two actors: x = (0, 1), c = (1, 1), s = (1, 0.5), D = 1.

    Votes: Num(1,2) = 1 (actor 1, gain 1), Num(2,1) = 0.5, so P12 = 2/3, P21 = 1/3 (pairwise).
    Weighted median μ = 0 (weight 1 of 1.5 at 0). Risk pass (r = 1, d = 1): U_s = 2, U_f = -2,
    U_sq = 0.
      E1(U12) = .5(2/3*2 + 1/3*-2) + .5*2 - .5*U_b, T = 1 (0 < 1), U_b = 2-4(.5-.25*(0+1)) = 1
              = 1/3 + 1 - 1/2 = 5/6
      E2(U21) = 1*(1/3*2 + 2/3*-2) - .5*U_w, T = 0 (1 < 1 false), U_w = 2-4(.5+.25*2) = -2
              = -2/3 + 1 = 1/3
    Sec1 = E2(U21) = 1/3, Sec2 = 5/6: R = (-1, 1), r = (2, 0.5).
    Second pass, votes unchanged (distances 0 or 1). Actor 1's view with r1 = 2:
      U_s = 2, U_f = -2, U_sq = 2 - 4/4 = 1, U_b = 2 - 4(1/4)^2 = 1.75
      a = 1/3 + 1 - .5*1 - .5*1.75 = -1/24
    Actor 1's estimate of E2(U21) with r2 = 0.5 (opponent's exponent), s1 = 1:
      U_s = 2, U_f = -2, U_sq = 2 - 4 sqrt(.5), U_w = -2
      b = -2/3 - .5(2 - 4 sqrt(.5)) + 1 = sqrt(2) - 2/3
    a < 0 < b, b > |a|: actor 1 compromises to 0 + 1 * (1/24) / (sqrt(2) - 2/3).
    Actor 2 sees a' = sqrt(2) - 2/3 > 0 > b' = -1/24: no offer."""
    params = EumParams(**{**SCHOLZ_PAPER, "q": 0.5})
    x = np.array([[0.0, 1.0]])
    s = np.array([[1.0, 0.5]])
    res = play_round(x, s * 1.0, s, np.array([1.0]), np.ones((1, 2)), params)
    np.testing.assert_allclose(res.p_risk[0], [[0.5, 2 / 3], [1 / 3, 0.5]], rtol=0, atol=1e-12)
    assert res.median[0] == 0.0
    np.testing.assert_allclose(res.security[0], [1 / 3, 5 / 6], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.r[0], [2.0, 0.5], rtol=0, atol=1e-12)
    exact = {"rel": 0, "abs": 1e-12}
    assert res.eu[0, 0, 1] == pytest.approx(-1 / 24, **exact)
    assert res.eu_other[0, 0, 1] == pytest.approx(math.sqrt(2) - 2 / 3, **exact)
    assert res.eu[0, 1, 0] == pytest.approx(math.sqrt(2) - 2 / 3, **exact)
    assert res.eu_other[0, 1, 0] == pytest.approx(-1 / 24, **exact)
    assert res.offers.chosen[0].tolist() == [1, -1]
    assert res.offers.new_x[0, 0] == pytest.approx((1 / 24) / (math.sqrt(2) - 2 / 3), **exact)
    assert res.offers.new_x[0, 1] == 1.0
