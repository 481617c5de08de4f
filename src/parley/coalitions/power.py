"""Power indices of weighted voting games: Shapley-Shubik and Banzhaf.

Both count *swings*: coalitions S of other players that lose without player i and win with it.

* Shapley-Shubik (Shapley & Shubik 1954, "A method for evaluating the distribution of power in a
  committee system", APSR 48: 787-792): phi_i = sum over swings S of |S|! (n-|S|-1)! / n!, the share
  of the n! orders of arrival in which i turns the coalition into a winning one. Sums to 1.
* Banzhaf (Banzhaf 1965, "Weighted voting doesn't work", Rutgers Law Review 19: 317-343): the raw
  (absolute, Penrose-Banzhaf) index beta'_i = swings_i / 2^(n-1), and the normalised index
  beta_i = swings_i / sum_j swings_j, which sums to 1.

Exact computation counts coalitions by size and integer weight with generating functions
(Brams & Affuso 1976; Bilbao, Fernandez, Jimenez Losada & Lopez 2000, "Generating functions for
computing power indices efficiently", TOP 8: 191-213): F[k, w] = number of coalitions with k
members and weight w, built one player at a time, and the coalitions without player i recovered by
"dividing out" i: C_i[k, w] = F[k, w] - C_i[k-1, w - w_i]. Counts are exact integers (int64: up to
60 players). Pairs that refuse to sit together are handled by enumerating the subsets of the few
actors in such pairs (see `parley.coalitions.voting`).

Real weights are made integers by a decimal scale 10^d at which every weight is (to 1e-6 of a unit)
a whole number, which keeps the decimals an analyst writes exactly. If no such scale fits the
size budget, weights are rounded at the largest scale that fits and the rounding is *checked*: with
E the sum of rounding errors, no coalition's integer weight may lie within E of the scaled quota
(then every coalition wins or loses as with the real weights). If the check fails, or there are
more than 60 players, the indices are estimated by Monte Carlo sampling with a stated standard error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, comb, floor

import numpy as np

from parley.coalitions.voting import VotingGame, incompatible_table

MAX_EXACT_PLAYERS = 60
DP_BUDGET = 4_000_000  # players x (total integer weight + 2) cells per step of the count DP


@dataclass(frozen=True)
class PowerResult:
    """Power indices of one game, keyed by player.

    method: 'exact' or 'monte-carlo'. scale: the integer scale of the weights ('exact' only).
    swings: per player the number of swing coalitions ('exact' only).
    stderr: {'shapley_shubik': {...}, 'banzhaf': {...}, 'banzhaf_raw': {...}} ('monte-carlo' only;
    the normalised Banzhaf error ignores the sampling error of the normalising sum).
    """

    players: tuple[str, ...]
    shapley_shubik: dict[str, float]
    banzhaf: dict[str, float]
    banzhaf_raw: dict[str, float]
    method: str
    scale: float | None = None
    samples: int | None = None
    seed: int | None = None
    swings: dict[str, int] = field(default_factory=dict)
    stderr: dict[str, dict[str, float]] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict:
        data: dict = {
            "shapley_shubik": self.shapley_shubik,
            "banzhaf": self.banzhaf,
            "banzhaf_raw": self.banzhaf_raw,
            "method": self.method,
        }
        if self.method == "exact":
            data["scale"] = self.scale
        else:
            data.update(samples=self.samples, seed=self.seed, stderr=self.stderr)
        if self.note:
            data["note"] = self.note
        return data


def power_indices(
    game: VotingGame, method: str = "auto", samples: int = 20_000, seed: int = 0
) -> PowerResult:
    """Shapley-Shubik and Banzhaf indices of `game`.

    method: 'auto' (exact when possible, else sampling), 'exact' (CoalitionError if impossible)
    or 'monte-carlo'.

    >>> from parley.coalitions import parse_quota
    >>> g = VotingGame(("a", "b", "c"), np.array([50, 49, 1]), parse_quota("weight:51"))
    >>> power_indices(g).shapley_shubik  # a needs either partner
    {'a': 0.6666666666666666, 'b': 0.16666666666666666, 'c': 0.16666666666666666}
    """
    from parley.coalitions.voting import CoalitionError

    if method not in ("auto", "exact", "monte-carlo"):
        raise CoalitionError(f"unknown method {method!r}: auto, exact or monte-carlo")
    if samples < 1:  # zero samples gave NaN indices (and NaN in the JSON)
        raise CoalitionError.about("samples", f"must be at least 1, got {samples}")
    note = ""
    if method != "monte-carlo":
        why = None
        if game.n > MAX_EXACT_PLAYERS:
            why = f"{game.n} players (exact counting is limited to {MAX_EXACT_PLAYERS})"
        else:
            scaled = integer_game(game)
            if isinstance(scaled, str):
                why = scaled
            else:
                return _exact(game, *scaled)
        if method == "exact":
            raise CoalitionError(f"no exact power indices: {why}")
        note = f"sampled: {why}"
    return _monte_carlo(game, samples, seed, note)


def integer_game(game: VotingGame) -> tuple[np.ndarray, float, int | None] | str:
    """(integer weights, scale, integer weight threshold or None) for the exact count, or the
    reason there is none. A coalition meets the weight rule when its integer weight >= threshold."""
    w = game.weights
    n = len(w)
    budget = max(DP_BUDGET // (n + 1) - 2, 1)
    rule = game.quota
    for d in range(10):
        scale = 10**d
        r = np.rint(w * scale)
        if np.abs(w * scale - r).max() <= 1e-6:
            ints = r.astype(np.int64)
            g = max(int(np.gcd.reduce(ints)), 1)
            ints //= g
            if ints.sum() > budget:
                break
            if rule.fraction is not None:
                threshold = (rule.fraction * int(ints.sum()), rule.strict)
            elif rule.absolute is not None:
                threshold = (rule.absolute * Fraction(scale, g), False)
            else:
                threshold = None
            return ints, scale / g, _integer_threshold(threshold)
        if r.sum() > budget:
            break
    scale = budget / max(float(w.sum()), 1e-300)
    ints = np.rint(w * scale).astype(np.int64)
    error = float(np.abs(w * scale - ints).sum())
    real = game.weight_rule
    if real is None:
        return ints, scale, None
    target = real[0] * scale
    reach = np.zeros(int(ints.sum()) + 1, dtype=bool)
    reach[0] = True
    for r_i in ints:  # which integer coalition weights occur at all
        if r_i:
            reach[r_i:] |= reach[:-r_i].copy()
    near = np.flatnonzero(reach)
    if np.any(np.abs(near - target) <= error + 1e-9):
        return (
            f"rounding the weights to integers (scale {scale:.6g}) could change which coalitions "
            "win"
        )
    return ints, scale, _integer_threshold((Fraction(target), real[1]))


def _integer_threshold(rule: tuple[Fraction, bool] | None) -> int | None:
    if rule is None:
        return None
    t, strict = rule
    return floor(t) + 1 if strict else ceil(t)


def _exact(game: VotingGame, r: np.ndarray, scale: float, threshold: int | None) -> PowerResult:
    swings = swing_counts(game, r, threshold)
    n = game.n
    ss = [
        float(sum(Fraction(int(c), n * comb(n - 1, s)) for s, c in enumerate(row) if c))
        for row in swings
    ]
    total = swings.sum(axis=1)
    raw = total / 2.0 ** (n - 1)
    norm = total / total.sum() if total.sum() else np.zeros(n)
    p = game.players
    return PowerResult(
        players=p,
        shapley_shubik=dict(zip(p, ss, strict=True)),
        banzhaf=dict(zip(p, map(float, norm), strict=True)),
        banzhaf_raw=dict(zip(p, map(float, raw), strict=True)),
        method="exact",
        scale=scale,
        swings=dict(zip(p, map(int, total), strict=True)),
        note="" if total.sum() else "no coalition can win: every index is 0",
    )


def swing_counts(game: VotingGame, r: np.ndarray, threshold: int | None) -> np.ndarray:
    """(n, n) int64: [i, s] = number of coalitions of s other players for which i is a swing.

    `r` are integer weights and a coalition meets the weight rule when its weight >= `threshold`
    (None: no weight rule). The quota's count rule and the game's incompatible pairs apply.
    """
    n = game.n
    r = np.asarray(r, dtype=np.int64)
    table = incompatible_table(game, r.astype(float))
    inc = table.players
    m = len(inc)
    rest = np.setdiff1d(np.arange(n), inc)
    n_r = len(rest)
    r_rest = r[rest]
    w_r = int(r_rest.sum())
    # t[X, k]: least weight of the other-than-incompatible members Y (|Y| = k) for X u Y to win
    sizes = np.arange(n_r + 2)
    a = np.arange(m + 1)[:, None, None]
    feasible = np.isfinite(table.best)[:, :, None] & (sizes[None, None, :] + a >= game.count_needed)
    base = -np.inf if threshold is None else float(threshold)
    with np.errstate(invalid="ignore"):
        cand = np.where(feasible, base - table.best[:, :, None], np.inf)
    t = np.clip(cand.min(axis=0), 0, w_r + 1).astype(np.int64)  # (2^m, n_r + 2)
    popcount = np.array([bin(x).count("1") for x in range(1 << m)], dtype=np.int64)

    f = np.zeros((n_r + 1, w_r + 1), dtype=np.int64)  # f[k, w]: coalitions of `rest` members
    f[0, 0] = 1
    for r_i in r_rest:
        f[1:, r_i:] += f[:-1, : w_r + 1 - r_i]
    swings = np.zeros((n, n), dtype=np.int64)

    # swings of the players outside incompatible pairs: divide each out of f, one size at a time
    if n_r:
        cols = np.arange(w_r + 1)
        src = cols[None, :] - r_rest[:, None]
        valid = src >= 0
        src = np.clip(src, 0, None)
        c = np.zeros((n_r, w_r + 1), dtype=np.int64)
        c[:, 0] = 1
        rows = np.arange(n_r)[None, :]
        for k in range(n_r):
            if k:
                prev = np.take_along_axis(c, src, axis=1)
                c = f[k][None, :] - np.where(valid, prev, 0)
            prefix = np.zeros((n_r, w_r + 2), dtype=np.int64)
            np.cumsum(c, axis=1, out=prefix[:, 1:])
            lo = np.clip(t[:, k + 1][:, None] - r_rest[None, :], 0, w_r + 1)  # (2^m, n_r)
            hi = np.broadcast_to(t[:, k][:, None], lo.shape)
            count = np.where(hi > lo, prefix[rows, hi] - prefix[rows, lo], 0)
            for p in range(m + 1):
                swings[rest, p + k] += count[popcount == p].sum(axis=0)

    # swings of the players in incompatible pairs: compare X with X + i over all counts of `rest`
    if m:
        prefix_f = np.zeros((n_r + 1, w_r + 2), dtype=np.int64)
        np.cumsum(f, axis=1, out=prefix_f[:, 1:])
        ks = np.arange(n_r + 1)[None, :]
        masks = np.arange(1 << m)
        for b in range(m):
            without = masks[(masks >> b) & 1 == 0]
            hi = t[without][:, : n_r + 1]
            lo = t[without | (1 << b)][:, : n_r + 1]
            count = np.where(hi > lo, prefix_f[ks, hi] - prefix_f[ks, lo], 0)  # (2^(m-1), n_r+1)
            for p in range(m):
                sel = count[popcount[without] == p].sum(axis=0)
                swings[inc[b], p : p + n_r + 1] += sel
    return swings


def _monte_carlo(game: VotingGame, samples: int, seed: int, note: str) -> PowerResult:
    """Shapley-Shubik from random orders (the pivot of each), Banzhaf from random coalitions
    (each other player in with probability 1/2); standard errors sqrt(p (1 - p) / samples)."""
    n = game.n
    rng = np.random.default_rng(seed)
    inc = game.table.players
    in_rest = np.ones(n, dtype=bool)
    in_rest[inc] = False
    bit = np.zeros(n, dtype=np.int64)
    bit[inc] = 1 << np.arange(len(inc), dtype=np.int64)
    w_rest = np.where(in_rest, game.weights, 0.0)
    pivots = np.zeros(n)
    swing = np.zeros(n)
    batch = max(1, 4_000_000 // (n * (len(inc) + 1)))
    done = 0
    while done < samples:
        size = min(batch, samples - done)
        # Shapley-Shubik: the prefixes of a random order, as running sums of the parts
        order = np.argsort(rng.random((size, n)), axis=1)
        weight = np.cumsum(w_rest[order], axis=1)
        count = np.cumsum(in_rest[order], axis=1)
        bits = np.cumsum(bit[order], axis=1)  # each bit is added once: the sum is the union
        win = game.wins(weight, count, bits)
        has = win.any(axis=1)
        first = np.argmax(win, axis=1)
        np.add.at(pivots, order[has, first[has]], 1)
        # Banzhaf: a random coalition of the others, with and without each player
        s = rng.random((size, n)) < 0.5
        weight, count, bits = game.split(s)
        out_w = weight[:, None] - s * w_rest  # (size, n): the coalition without player i
        out_k = count[:, None] - s * in_rest
        out_b = bits[:, None] & ~bit
        with_i = game.wins(out_w + w_rest, out_k + in_rest, out_b | bit)
        swing += (with_i & ~game.wins(out_w, out_k, out_b)).sum(axis=0)
        done += size
    ss = pivots / samples
    raw = swing / samples
    total = raw.sum()
    norm = raw / total if total else np.zeros(n)
    se_ss = np.sqrt(ss * (1 - ss) / samples)
    se_raw = np.sqrt(raw * (1 - raw) / samples)
    se_norm = se_raw / total if total else np.zeros(n)
    p = game.players

    def named(values: np.ndarray) -> dict[str, float]:
        return dict(zip(p, map(float, values), strict=True))

    return PowerResult(
        players=p,
        shapley_shubik=named(ss),
        banzhaf=named(norm),
        banzhaf_raw=named(raw),
        method="monte-carlo",
        samples=samples,
        seed=seed,
        stderr={
            "shapley_shubik": named(se_ss),
            "banzhaf": named(se_norm),
            "banzhaf_raw": named(se_raw),
        },
        note=note,
    )
