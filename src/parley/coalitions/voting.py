"""Weighted voting games built from a case: who holds how much weight, and what wins.

A *weighted voting game* gives each player a weight and a quota; a coalition wins when it meets the
quota (Shapley & Shubik 1954; Banzhaf 1965). parley takes the weights from capabilities (optionally
capability x salience on one issue), and adds two things negotiations need:

* a *count* rule (at least K members), alone or together with a weight rule (both must hold, a
  "double majority");
* *incompatible pairs*: actors that refuse to sit together. A coalition containing such a pair is not
  allowed; a coalition *wins* when it contains an allowed sub-coalition that meets the quota (it can
  leave the quarrelling partner out). This keeps the game monotone, so power indices stay >= 0.

Quota strings (`parse_quota`), with W the total weight of the players of the game:

=================  =========================================================================
``majority``       weight > W/2 (strictly more than half; the default)
``unanimity``      every player of the game (count rule with K = number of players)
``2/3``, ``0.6``   weight >= F x W for a fraction F in (0, 1] ("at least two-thirds")
``weight:51``      weight >= 51 in the weights' own units
``count:3``        at least 3 members, whatever their weight
``A+B``            both rules, e.g. ``majority+count:3``
=================  =========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

from parley.case import Case
from parley.errors import ParleyError, setting
from parley.suggest import did_you_mean


class CoalitionError(ParleyError):
    """A voting game cannot be built or analysed as asked (bad quota, unknown actor, too large)."""


@dataclass(frozen=True)
class Quota:
    """What a coalition needs to win.

    fraction: share of the total weight (None: no relative weight rule); `strict` means more than
    that share (">"), otherwise at least (">="). absolute: a weight threshold (>=) in weight units.
    count: least number of members; `unanimity` means every player of the game.
    """

    fraction: Fraction | None = Fraction(1, 2)
    strict: bool = True
    absolute: Fraction | None = None
    count: int | None = None
    unanimity: bool = False
    text: str = "majority"

    def weight_threshold(self, total: Fraction) -> tuple[Fraction, bool] | None:
        """(threshold, strict) on coalition weight for players of total weight `total`."""
        if self.fraction is not None:
            return self.fraction * total, self.strict
        if self.absolute is not None:
            return self.absolute, False
        return None

    def count_threshold(self, n_players: int) -> int:
        if self.unanimity:
            return n_players
        return self.count or 0


def parse_quota(text: str | None) -> Quota:
    """A `Quota` from its command-line form (see the module docstring); CoalitionError if bad."""
    text = (text or "majority").strip()
    fraction: Fraction | None = None
    strict = False
    absolute: Fraction | None = None
    count: int | None = None
    unanimity = False
    for part in (p.strip().lower() for p in text.split("+")):
        if part in ("majority", "simple", "simple-majority"):
            fraction, strict = Fraction(1, 2), True
        elif part in ("unanimity", "unanimous", "all"):
            unanimity = True
        elif part.startswith("count:"):
            count = _positive_int(part[6:], text)
        elif part.startswith("weight:"):
            absolute = _number(part[7:], text)
            if absolute <= 0:
                raise CoalitionError(f"quota {text!r}: weight threshold must be > 0")
        else:
            fraction, strict = _number(part, text), False
            if not 0 < fraction <= 1:
                raise CoalitionError(
                    f"quota {text!r}: a fraction must be in (0, 1]; use weight:{part} for a "
                    "threshold in weight units or count:N for a number of members"
                )
    if fraction is not None and absolute is not None:
        raise CoalitionError(f"quota {text!r}: give a fraction or weight:Q, not both")
    if fraction is None and absolute is None and count is None and not unanimity:
        raise CoalitionError(f"quota {text!r}: no rule given")
    return Quota(fraction, strict, absolute, count, unanimity, text)


def _number(s: str, text: str) -> Fraction:
    try:
        return Fraction(s.strip())
    except (ValueError, ZeroDivisionError):
        raise CoalitionError(
            f"bad quota {text!r}: expected majority, unanimity, a fraction such as 2/3 or 0.6, "
            "weight:Q, count:N, or two of them joined by '+'"
        ) from None


def _positive_int(s: str, text: str) -> int:
    try:
        value = int(s)
    except ValueError:
        value = 0
    if value < 1:
        raise CoalitionError(f"quota {text!r}: count:N needs a whole number N >= 1")
    return value


@dataclass(frozen=True)
class VotingGame:
    """Players, their weights (>= 0), the quota and the pairs that refuse to sit together.

    `incompatible` holds index pairs (i, j) with i < j.
    """

    players: tuple[str, ...]
    weights: np.ndarray
    quota: Quota = field(default_factory=Quota)
    incompatible: frozenset[tuple[int, int]] = frozenset()

    def __post_init__(self) -> None:
        if len(self.players) == 0:
            raise CoalitionError("the game has no players")
        if len(set(self.players)) != len(self.players):
            raise CoalitionError("duplicate players in the game")
        w = np.asarray(self.weights, dtype=float)
        if w.shape != (len(self.players),) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise CoalitionError("weights must be finite and >= 0, one per player")
        object.__setattr__(self, "weights", w)
        if self.quota.count_threshold(self.n) > self.n:
            raise CoalitionError(
                f"quota {self.quota.text!r} asks for more members than the {self.n} players"
            )

    @property
    def n(self) -> int:
        return len(self.players)

    @property
    def count_needed(self) -> int:
        return self.quota.count_threshold(self.n)

    @cached_property
    def weight_rule(self) -> tuple[float, bool] | None:
        """(threshold, strict) in weight units, or None for a count-only quota."""
        total = sum((Fraction(float(x)) for x in self.weights), Fraction(0))
        rule = self.quota.weight_threshold(total)
        return None if rule is None else (float(rule[0]), rule[1])

    def meets_quota(self, weight: np.ndarray, count: np.ndarray) -> np.ndarray:
        """Whether coalitions of the given total weights and sizes meet the quota (vectorised).

        Float sums are compared with a tolerance of 1e-9 of the total weight, so that a coalition
        holding exactly the threshold counts as holding it whatever the rounding of its sum.
        """
        ok = np.asarray(count) >= self.count_needed
        rule = self.weight_rule
        if rule is not None:
            q, strict = rule
            tol = 1e-9 * float(self.weights.sum())
            ok = ok & ((weight > q + tol) if strict else (weight >= q - tol))
        return ok

    @cached_property
    def table(self) -> IncompatibleTable:
        """The `IncompatibleTable` of the game's real weights."""
        return incompatible_table(self)

    def split(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Coalitions (boolean (..., n)) as the parts `wins` needs: the weight and count of the
        members outside incompatible pairs, and the bitmask of those inside (over table.players)."""
        members = np.asarray(members, dtype=bool)
        inc = self.table.players
        rest = np.ones(self.n, dtype=bool)
        rest[inc] = False
        weight = members[..., rest] @ self.weights[rest]
        count = members[..., rest].sum(axis=-1)
        bits = members[..., inc].astype(np.int64) @ (1 << np.arange(len(inc), dtype=np.int64))
        return weight, count, bits

    def wins(self, weight: np.ndarray, count: np.ndarray, bits: np.ndarray) -> np.ndarray:
        """Whether coalitions win, from their parts (see `split`): some allowed subset of the
        members in incompatible pairs, with all the others, meets the quota."""
        best = self.table.best
        win = np.zeros(np.shape(weight), dtype=bool)
        for a in range(best.shape[0]):
            b = best[a][bits]
            ok = np.isfinite(b)
            win |= ok & self.meets_quota(weight + np.where(ok, b, 0.0), count + a)
        return win

    def is_winning(self, members: np.ndarray) -> np.ndarray:
        """(N,) whether each coalition of a boolean (N, n) membership matrix wins.

        A coalition wins when it holds an allowed sub-coalition (no incompatible pair) that meets
        the quota; with no incompatible pairs that is the coalition itself.
        """
        return self.wins(*self.split(np.atleast_2d(members)))

    def allowed(self, members: Sequence[int]) -> bool:
        """Whether a coalition (player indices) contains no incompatible pair."""
        s = set(members)
        return not any(i in s and j in s for i, j in self.incompatible)


@dataclass(frozen=True)
class IncompatibleTable:
    """For the players in incompatible pairs (`players`, m of them) and every subset X of them
    (bitmask over `players`): best[a][X] = the largest weight of an allowed subset of X with exactly
    a members (-inf where there is none). A coalition wins when for some a its other members plus
    that subset meet the quota."""

    players: np.ndarray
    best: np.ndarray  # (m + 1, 2**m)


MAX_INCOMPATIBLE_PLAYERS = 16


def incompatible_table(game: VotingGame, weights: np.ndarray | None = None) -> IncompatibleTable:
    """The `IncompatibleTable` of a game (with `weights` replacing the game's, e.g. integers)."""
    w = game.weights if weights is None else weights
    inc = np.array(sorted({p for pair in game.incompatible for p in pair}), dtype=int)
    m = len(inc)
    if m > MAX_INCOMPATIBLE_PLAYERS:
        raise CoalitionError(
            f"{m} actors are in incompatible pairs; at most {MAX_INCOMPATIBLE_PLAYERS} are supported"
        )
    masks = np.arange(1 << m, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(m)) & 1  # (2^m, m)
    pos = {int(p): b for b, p in enumerate(inc)}
    allowed = np.ones(1 << m, dtype=bool)
    for i, j in game.incompatible:
        allowed &= ~((bits[:, pos[i]] == 1) & (bits[:, pos[j]] == 1))
    weight = bits @ np.asarray(w, dtype=float)[inc] if m else np.zeros(1)
    size = bits.sum(axis=1)
    best = np.full((m + 1, 1 << m), -np.inf)
    for a in range(m + 1):
        best[a] = np.where(allowed & (size == a), weight, -np.inf)
        for b in range(m):  # max over subsets: the subset-sum (zeta) transform with max
            has = (masks >> b) & 1 == 1
            best[a, has] = np.maximum(best[a, has], best[a, masks[has] ^ (1 << b)])
    return IncompatibleTable(inc, best)


def parse_pairs(items: Iterable[str]) -> list[tuple[str, str]]:
    """'A:B' strings (commas also separate several pairs) as actor id pairs."""
    pairs = []
    for item in items:
        for part in filter(None, (p.strip() for p in item.split(","))):
            a, sep, b = part.partition(":")
            if not sep or not a.strip() or not b.strip() or a.strip() == b.strip():
                raise CoalitionError.about(
                    "incompatible", f"expects A:B with two different actors, got {part!r}"
                )
            pairs.append((a.strip(), b.strip()))
    return pairs


def split_ids(items: Iterable[str] | None) -> list[str]:
    """Comma-separated, possibly repeated, option values as one list of ids."""
    return [p.strip() for item in items or () for p in item.split(",") if p.strip()]


def case_weights(case: Case, issue: str | None = None, salience: bool = True) -> dict[str, float]:
    """Each actor's weight: its capability, or capability x salience (0-1) on `issue`.

    Without an issue: the actor's own capability, or where it has none, the mean of its per-issue
    capabilities. On an issue: the capability on that issue, times the salience when `salience`;
    actors taking no position on the issue weigh 0 (they are dummies in that game).
    """
    from parley.case import case_arrays

    arrays = case_arrays(case)
    if issue is None:
        weights = {}
        for a, actor in enumerate(case.actors):
            if actor.capability is not None:
                weights[actor.id] = actor.capability.value
            else:
                held = arrays.capability[0, a][arrays.mask[a]]
                weights[actor.id] = float(held.mean()) if held.size else 0.0
        return weights
    if issue not in arrays.issue_ids:
        known = ", ".join(arrays.issue_ids)
        hint = did_you_mean(issue, arrays.issue_ids) or f" (this case has: {known})"
        raise CoalitionError(f"unknown issue {issue!r}{hint}")
    i = arrays.issue_ids.index(issue)
    w = arrays.capability[0, :, i] * arrays.mask[:, i]
    if salience:
        w = w * arrays.salience[0, :, i]
    return dict(zip(arrays.actor_ids, (float(x) for x in w), strict=True))


def game_from_case(
    case: Case,
    issue: str | None = None,
    quota: str | Quota | None = None,
    exclude: Iterable[str] = (),
    incompatible: Iterable[tuple[str, str]] = (),
    salience: bool = True,
) -> VotingGame:
    """The weighted voting game of a case (see `case_weights`), less the `exclude`d actors."""
    weights = case_weights(case, issue, salience)
    known = set(weights)
    for actor in list(exclude) + [a for pair in incompatible for a in pair]:
        if actor not in known:
            hint = did_you_mean(actor, weights) or f" (this case has: {', '.join(weights)})"
            raise CoalitionError(f"unknown actor {actor!r}{hint}")
    excluded = set(exclude)
    players = tuple(a for a in weights if a not in excluded)
    index = {a: k for k, a in enumerate(players)}
    pairs = frozenset(
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in incompatible
        if a in index and b in index
    )
    q = quota if isinstance(quota, Quota) else parse_quota(quota)
    if q.fraction is not None and players and not any(weights[a] for a in players):
        # a share of nothing: no coalition (or every one) meets it, and the indices are 0/0
        on = f" on issue {issue!r}" if issue else ""
        hint = f" (every salience there is 0: try {setting('salience', False)})"
        err = CoalitionError(
            f"every player weighs 0{on}{hint if issue and salience else ''}; a quota that is a "
            "share of the weight means nothing"
        )
        raise err.suggesting("salience", False) if issue and salience else err
    return VotingGame(players, np.array([weights[a] for a in players]), q, pairs)
