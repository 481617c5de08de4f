"""Votes and the probability that one position beats another (SPEC steps 1-2).

Voter k prefers position x_a over x_b by

    v_k(a, b) = c_k s_k ((|x_k - x_b| / D)^rho_k - (|x_k - x_a| / D)^rho_k)

(Bueno de Mesquita 1994, p. 80; Scholz, Calbert & Smith 2011, the vote equation), and the support
for a over b is Num(a, b) = sum_k max(0, v_k(a, b)). Every array has the batch axis first: shapes
are (N, n) for N independent one-issue problems of n actors, (N, n, n) for pair matrices with the
challenger on axis 1.

Two ways to get Num for every ordered pair:

* `vote_gains_plain`: the formula as written, one (N, n, chunk, n) temporary at a time: O(n^3).
* `vote_gains_fast`: in one dimension voter k prefers a over b exactly when it lies on a's side of
  the midpoint (x_a + x_b) / 2, whatever its exponent rho_k > 0. With the voters sorted by position
  the supporters of the lower position of a pair are a prefix of that order and the supporters of
  the higher one a suffix, so with G[k, a] = c_k s_k (|x_k - x_a| / D)^rho_k

      Num(a, b) = sum_{k in prefix} (G[k, b] - G[k, a])      (x_a < x_b)

  is a difference of two prefix sums of G. Building G and its prefix and suffix sums is O(n^2), the
  prefix length of every pair is one binary search: O(n^2 log n) in all, for any exponents. Voters
  exactly at a midpoint have v = 0 and may fall on either side.

Both return the same numbers up to rounding (tests/test_eum_kernels.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

#: Elements of the largest temporary the plain path builds at once (64 MiB of float64).
PLAIN_CHUNK_ELEMENTS = 1 << 23


def _scaled_distance(x_from: np.ndarray, x_to: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """|x_from[:, k] - x_to[:, a]| / delta as an (N, k, a) matrix."""
    return np.abs(x_from[:, :, None] - x_to[:, None, :]) / delta[:, None, None]


def _powered(base: np.ndarray, rho: np.ndarray | float) -> np.ndarray:
    """base ** rho with rho per voter (axis 1); rho = 1 skips the power (exactly the same values)."""
    if np.isscalar(rho):
        return base if rho == 1 else base**rho
    return base ** np.asarray(rho)[:, :, None]


def vote_gains_plain(
    x: np.ndarray, w: np.ndarray, rho: np.ndarray | float, delta: np.ndarray
) -> np.ndarray:
    """Num[:, a, b] = sum_k max(0, v_k(a, b)) straight from the formula (the reference path).

    x, w: (N, n) positions and vote weights c*s; rho: scalar or (N, n) voter exponents; delta: (N,).
    The n^3 terms are built in chunks of challengers so that memory stays bounded.
    """
    n_batch, n = x.shape
    g = _powered(_scaled_distance(x, x, delta), rho)  # g[:, k, a] = (|x_k - x_a| / D)^rho_k
    num = np.empty((n_batch, n, n))
    step = max(1, PLAIN_CHUNK_ELEMENTS // max(1, n_batch * n * n))
    for start in range(0, n, step):
        stop = min(n, start + step)
        # v[:, k, a, b] = w_k (g_k(x_b) - g_k(x_a)) for the challengers a in this chunk
        v = w[:, :, None, None] * (g[:, :, None, :] - g[:, :, start:stop, None])
        num[:, start:stop, :] = np.maximum(v, 0.0).sum(axis=1)
    return num


def _ranks_below(sorted_x: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """For each row, how many of sorted_x[b] lie strictly below each query: (N, ...) int64.

    One binary search over all rows at once: the keys are complex numbers b + i*x, which NumPy
    orders lexicographically, so row b's keys form one contiguous sorted block (exact; no offsets
    added to the positions). A single row skips the complex detour (it is about 3x faster).
    """
    n_batch, n = sorted_x.shape
    if n_batch == 1:
        return np.searchsorted(sorted_x[0], queries.ravel(), side="left").reshape(queries.shape)
    rows = np.arange(n_batch, dtype=float).reshape((n_batch,) + (1,) * (queries.ndim - 1))
    keys = (np.arange(n_batch, dtype=float)[:, None] + 1j * sorted_x).ravel()
    found = np.searchsorted(keys, (rows + 1j * queries).ravel(), side="left")
    return found.reshape(queries.shape) - (rows.astype(np.int64) * n)


@dataclass(frozen=True)
class SortedPairs:
    """What the fast kernel needs from the positions alone; both passes of a round share it.

    order: (N, n) actors by position (stable); index_a, index_b: flat indices into the stacked
    prefix/suffix sums (see `vote_gains_fast`) of the entries G-sums at column a and column b of
    the voters on a's side of every pair (a, b), in the input order of the actors.
    """

    order: np.ndarray
    index_a: np.ndarray
    index_b: np.ndarray


@lru_cache(maxsize=16)
def _upper(n: int) -> np.ndarray:
    """(n, n) bool, True above the diagonal: in sorted order a comes before b, x_a <= x_b."""
    return np.triu(np.ones((n, n), dtype=bool), k=1)


def sorted_pairs(x: np.ndarray) -> SortedPairs:
    """Sort the actors and find, for every pair, how many voters lie below its midpoint."""
    n_batch, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    below = _ranks_below(xs, 0.5 * (xs[:, :, None] + xs[:, None, :]))  # rows ascending
    # the lower of a pair is backed by the voters below the midpoint (prefix rows 0..n), the
    # higher one by those from the midpoint up (suffix rows n+1..2n+1); the diagonal gains 0
    rows = np.where(_upper(n), below, below + (n + 1))
    inverse = np.argsort(order, axis=1)  # sorted rank of every actor
    ri, rj = inverse[:, :, None], inverse[:, None, :]
    pick = (ri * n + rj + (np.arange(n_batch) * (n * n))[:, None, None]).ravel()
    row = np.take(rows.ravel(), pick).reshape(n_batch, n, n)  # pair (i, j) in input order
    row *= n
    row += (np.arange(n_batch) * ((2 * n + 2) * n))[:, None, None]
    return SortedPairs(order, (row + ri).ravel(), (row + rj).ravel())


def vote_gains_fast(
    x: np.ndarray,
    w: np.ndarray,
    rho: np.ndarray | float,
    delta: np.ndarray,
    pairs: SortedPairs | None = None,
) -> np.ndarray:
    """Num[:, a, b] by sorted positions and prefix sums: O(n^2 log n) per problem (see module doc).

    `pairs` (from `sorted_pairs(x)`) may be passed in when several passes share the positions.
    """
    n_batch, n = x.shape
    pairs = sorted_pairs(x) if pairs is None else pairs
    order = pairs.order
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    rs = rho if np.isscalar(rho) else np.take_along_axis(np.asarray(rho), order, axis=1)
    g = ws[:, :, None] * _powered(_scaled_distance(xs, xs, delta), rs)  # G[:, k, a], sorted frame
    # stacked[:, t, a] = sum_{k < t} G[k, a] for t <= n, and sum_{k >= t'} G[k, a] at row n+1+t'
    stacked = np.zeros((n_batch, 2 * n + 2, n))
    np.cumsum(g, axis=1, out=stacked[:, 1 : n + 1])
    np.cumsum(g[:, ::-1], axis=1, out=stacked[:, n + 2 :])  # S[n-1], ..., S[0] after a zero row
    stacked[:, n + 1 :] = stacked[:, n + 1 :][:, ::-1].copy()  # row n+1+t holds S[t]
    flat = stacked.ravel()
    gain = np.take(flat, pairs.index_b) - np.take(flat, pairs.index_a)  # sum of G[k,b] - G[k,a]
    np.maximum(gain, 0.0, out=gain)  # a sum of non-negative terms; clip rounding below zero
    return gain.reshape(n_batch, n, n)


def vote_gains(
    x: np.ndarray,
    w: np.ndarray,
    rho: np.ndarray | float,
    delta: np.ndarray,
    kernel: Literal["fast", "plain"] = "fast",
    pairs: SortedPairs | None = None,
) -> np.ndarray:
    """Num[:, a, b] = sum_k max(0, v_k(a, b)) by the chosen kernel."""
    if kernel == "plain":
        return vote_gains_plain(x, w, rho, delta)
    return vote_gains_fast(x, w, rho, delta, pairs)


def win_probability(num: np.ndarray, rule: Literal["all_pairs", "pairwise"]) -> np.ndarray:
    """P[:, i, j], the probability that i's position beats j's (SPEC step 2).

    pairwise (the printed equation): P_ij = Num(i, j) / (Num(i, j) + Num(j, i)), so P_ij + P_ji = 1;
        1/2 where no voter prefers either (the same position).
    all_pairs (Scholz's code): P_ij = Num(i, j) / sum over every voter and every ordered pair of
        actors of |v_k(a, b)| = Num(i, j) / (2 sum_{a,b} Num(a, b)); 0 when that sum is 0.
    """
    if rule == "pairwise":
        total = num + np.swapaxes(num, 1, 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, num / np.where(total > 0, total, 1.0), 0.5)
    den = 2.0 * num.sum(axis=(1, 2))
    safe = np.where(den > 0, den, 1.0)
    return np.where((den > 0)[:, None, None], num / safe[:, None, None], 0.0)
