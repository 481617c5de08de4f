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

Both return the same numbers up to rounding (tests/test_eum_kernels.py compares them). Both are
written against the array API (see `parley.models.eum.backend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from array_api_compat import device as device_of

from parley.models.backend import Array, namespace

#: Elements of the largest temporary the plain path builds at once (64 MiB of float64).
PLAIN_CHUNK_ELEMENTS = 1 << 23


def _scaled_distance(xp: Any, x_from: Array, x_to: Array, delta: Array) -> Array:
    """|x_from[:, k] - x_to[:, a]| / delta as an (N, k, a) matrix."""
    return xp.abs(x_from[:, :, None] - x_to[:, None, :]) / delta[:, None, None]


def _powered(base: Array, rho: Array | float) -> Array:
    """base ** rho with rho per voter (axis 1); rho = 1 skips the power (exactly the same values)."""
    if isinstance(rho, int | float):
        return base if rho == 1 else base**rho
    return base ** rho[:, :, None]


def vote_gains_plain(x: Array, w: Array, rho: Array | float, delta: Array) -> Array:
    """Num[:, a, b] = sum_k max(0, v_k(a, b)) straight from the formula (the reference path).

    x, w: (N, n) positions and vote weights c*s; rho: scalar or (N, n) voter exponents; delta: (N,).
    The n^3 terms are built in chunks of challengers so that memory stays bounded.
    """
    xp = namespace(x, w, delta)
    n_batch, n = x.shape
    g = _powered(_scaled_distance(xp, x, x, delta), rho)  # g[:, k, a] = (|x_k - x_a| / D)^rho_k
    step = max(1, PLAIN_CHUNK_ELEMENTS // max(1, n_batch * n * n))
    parts = []
    for start in range(0, n, step):
        stop = min(n, start + step)
        # v[:, k, a, b] = w_k (g_k(x_b) - g_k(x_a)) for the challengers a in this chunk
        v = w[:, :, None, None] * (g[:, :, None, :] - g[:, :, start:stop, None])
        parts.append(xp.sum(xp.maximum(v, 0.0), axis=1))
    return parts[0] if len(parts) == 1 else xp.concat(parts, axis=1)


def _ranks_below(xp: Any, sorted_x: Array, queries: Array) -> Array:
    """For each row, how many of sorted_x[b] lie strictly below each query: (N, ...) int64.

    One row: the standard's `searchsorted` (1-D only). Several rows: a branch-free binary search
    run on all queries at once (exact: it only compares values). Each row is padded with +inf to
    a power of two `size` > n and flattened; a query's answer is built bit by bit from the top,
    log2(size) gathers in all.
    """
    n_batch, n = sorted_x.shape
    if n_batch == 1:
        found = xp.searchsorted(sorted_x[0, :], xp.reshape(queries, (-1,)), side="left")
        return xp.reshape(found, queries.shape)
    dev = device_of(sorted_x)
    size = 1 << n.bit_length()
    pad = xp.full((n_batch, size - n), xp.inf, dtype=sorted_x.dtype, device=dev)
    flat = xp.reshape(xp.concat([sorted_x, pad], axis=1), (-1,))
    q = xp.reshape(queries, (n_batch, -1))
    # base: one before the row's first entry; pos - base counts the entries found below so far
    base = xp.arange(n_batch, dtype=xp.int64, device=dev)[:, None] * size - 1
    pos = xp.broadcast_to(base, q.shape)
    step = size >> 1
    while step:
        probe = pos + step
        below = xp.reshape(xp.take(flat, xp.reshape(probe, (-1,)), axis=0), q.shape) < q
        pos = xp.where(below, probe, pos)
        step >>= 1
    return xp.reshape(pos - base, queries.shape)


@dataclass(frozen=True)
class SortedPairs:
    """What the fast kernel needs from the positions alone; both passes of a round share it.

    order: (N, n) actors by position (stable); index_a, index_b: flat indices into the stacked
    (N, 2n+2, n) prefix and suffix sums (see `vote_gains_fast`) of the G-sums at column a and
    column b over the voters on a's side of every pair (a, b), in the input order of the actors.
    """

    order: Array
    index_a: Array
    index_b: Array


@lru_cache(maxsize=16)
def _upper(xp: Any, n: int, dev: Any) -> Array:
    """(n, n) bool, True above the diagonal: in sorted order a comes before b, x_a <= x_b."""
    k = xp.arange(n, device=dev)
    return k[:, None] < k[None, :]


def sorted_pairs(x: Array) -> SortedPairs:
    """Sort the actors and find, for every pair, how many voters lie below its midpoint."""
    xp = namespace(x)
    dev = device_of(x)
    n_batch, n = x.shape
    order = xp.argsort(x, axis=1, stable=True)
    xs = xp.take_along_axis(x, order, axis=1)
    below = _ranks_below(xp, xs, 0.5 * (xs[:, :, None] + xs[:, None, :]))  # rows ascending
    # the lower of a pair is backed by the voters below the midpoint (prefix sums at rows t), the
    # higher one by those from the midpoint up (suffix sums at rows 2n+1-t); the diagonal gains 0
    rows = xp.where(_upper(xp, n, dev), below, (2 * n + 1) - below)
    rows *= n  # in place on fresh temporaries: at n = 1000 each one is 8 MB
    inverse = xp.argsort(order, axis=1, stable=False)  # sorted rank of every actor
    ri, rj = inverse[:, :, None], inverse[:, None, :]
    pick = ri * n + rj
    if n_batch > 1:  # each problem's block of the flattened arrays
        problem = xp.arange(n_batch, dtype=xp.int64, device=dev)[:, None, None]
        rows += problem * ((2 * n + 2) * n)
        pick += problem * (n * n)
    flat_rows = xp.reshape(rows, (-1,))
    row = xp.reshape(xp.take(flat_rows, xp.reshape(pick, (-1,)), axis=0), (n_batch, n, n))
    return SortedPairs(order, xp.reshape(row + ri, (-1,)), xp.reshape(row + rj, (-1,)))


def vote_gains_fast(
    x: Array,
    w: Array,
    rho: Array | float,
    delta: Array,
    pairs: SortedPairs | None = None,
) -> Array:
    """Num[:, a, b] by sorted positions and prefix sums: O(n^2 log n) per problem (see module doc).

    `pairs` (from `sorted_pairs(x)`) may be passed in when several passes share the positions.
    """
    xp = namespace(x, w, delta)
    n_batch, n = x.shape
    pairs = sorted_pairs(x) if pairs is None else pairs
    order = pairs.order
    xs = xp.take_along_axis(x, order, axis=1)
    ws = xp.take_along_axis(w, order, axis=1)
    rs = rho if isinstance(rho, int | float) else xp.take_along_axis(rho, order, axis=1)
    g = ws[:, :, None] * _powered(_scaled_distance(xp, xs, xs, delta), rs)  # G[:, k, a], sorted
    # sums[:, t, a] = sum_{k < t} G[k, a] (rows 0..n), and row n+1+m = the sum over the last m
    # voters, so sum_{k >= t} G[k, a] is at row 2n+1-t
    # (Temporaries are dropped as soon as they are used: with fewer n x n arrays alive at once
    # the allocator keeps its memory between calls instead of page-faulting it in again.)
    zero = xp.zeros((n_batch, 1, n), dtype=g.dtype, device=device_of(g))
    prefix = xp.cumulative_sum(g, axis=1)
    suffix = xp.cumulative_sum(xp.flip(g, axis=1), axis=1)
    del g
    flat = xp.reshape(xp.concat([zero, prefix, zero, suffix], axis=1), (-1,))
    del prefix, suffix
    gain = xp.take(flat, pairs.index_b, axis=0)
    gain -= xp.take(flat, pairs.index_a, axis=0)  # sum of G[k, b] - G[k, a] over a's side
    del flat
    gain = xp.maximum(gain, 0.0)  # a sum of non-negative terms; clip rounding below zero
    return xp.reshape(gain, (n_batch, n, n))


def vote_gains(
    x: Array,
    w: Array,
    rho: Array | float,
    delta: Array,
    kernel: Literal["fast", "plain"] = "fast",
    pairs: SortedPairs | None = None,
) -> Array:
    """Num[:, a, b] = sum_k max(0, v_k(a, b)) by the chosen kernel."""
    if kernel == "plain":
        return vote_gains_plain(x, w, rho, delta)
    return vote_gains_fast(x, w, rho, delta, pairs)


def win_probability(num: Array, rule: Literal["all_pairs", "pairwise"]) -> Array:
    """P[:, i, j], the probability that i's position beats j's (SPEC step 2).

    pairwise (the printed equation): P_ij = Num(i, j) / (Num(i, j) + Num(j, i)), so P_ij + P_ji = 1;
        1/2 where no voter prefers either (the same position).
    all_pairs (Scholz's code): P_ij = Num(i, j) / sum over every voter and every ordered pair of
        actors of |v_k(a, b)| = Num(i, j) / (2 sum_{a,b} Num(a, b)); 0 when that sum is 0.
    """
    xp = namespace(num)
    if rule == "pairwise":
        total = num + xp.permute_dims(num, (0, 2, 1))
        some = total > 0
        return xp.where(some, num / xp.where(some, total, 1.0), 0.5)
    den = 2.0 * xp.sum(num, axis=(1, 2))
    some = den > 0
    safe = xp.where(some, den, 1.0)
    return xp.where(some[:, None, None], num / safe[:, None, None], 0.0)
