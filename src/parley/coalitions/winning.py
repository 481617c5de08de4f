"""Winning coalitions: minimal winning (Riker 1962) and minimal connected winning (Axelrod 1970).

* A coalition is *minimal winning* when it wins and loses as soon as any member leaves (Riker, The
  Theory of Political Coalitions, 1962: the "size principle" predicts that minimal winning
  coalitions form).
* Along one issue, actors are ordered by position; a coalition is *connected* when its members are
  adjacent in that order, and *minimal connected winning* when it is connected, wins, and loses
  when either end member leaves (removing an inner member disconnects it). Axelrod, Conflict of
  Interest, 1970, ch. 8: coalitions of adjacent parties with no unnecessary partner.

A coalition containing a pair that refuses to sit together is never listed. Zero-weight players are
never needed by a weight quota, so they appear only where a count rule needs them.
"""

from __future__ import annotations

import numpy as np

from parley.case import Case
from parley.coalitions.voting import CoalitionError, VotingGame

DEFAULT_LIMIT = 10_000
NODE_BUDGET = 2_000_000


def minimal_winning(game: VotingGame, limit: int = DEFAULT_LIMIT) -> list[list[str]]:
    """Every minimal winning coalition, each listed heaviest member first, largest weight first.

    Depth-first search over players in decreasing weight: once a coalition first wins, the member
    just added is its lightest and the coalition without it lost, so every coalition that first
    wins is minimal (and any extension is not), which is where the search stops. Branches that
    cannot reach the quota with all remaining players are cut. CoalitionError beyond `limit`
    coalitions or NODE_BUDGET search steps (the count can grow like C(n, n/2)).
    """
    order = np.argsort(-game.weights, kind="stable")
    w = game.weights[order]
    rest_w = np.concatenate([np.cumsum(w[::-1])[::-1], [0.0]])  # weight of players j.. onwards
    n = game.n
    conflicts: list[set[int]] = [set() for _ in range(n)]
    pos = {int(p): k for k, p in enumerate(order)}
    for i, j in game.incompatible:
        conflicts[pos[i]].add(pos[j])
        conflicts[pos[j]].add(pos[i])
    found: list[tuple[int, ...]] = []
    steps = 0

    def wins(weight: float, count: int) -> bool:
        return bool(game.meets_quota(np.array(weight), np.array(count)))

    def search(start: int, members: list[int], weight: float, banned: set[int]) -> None:
        nonlocal steps
        for j in range(start, n):
            steps += 1
            if steps > NODE_BUDGET:
                raise CoalitionError(
                    f"too many coalitions to search ({game.n} players); raise the quota or "
                    "exclude actors"
                )
            if not wins(weight + rest_w[j], len(members) + n - j):
                return  # even every remaining player would not reach the quota
            if j in banned:
                continue
            now = weight + w[j]
            members.append(j)
            if wins(now, len(members)):
                found.append(tuple(members))
                if len(found) > limit:
                    raise CoalitionError.about(
                        "limit",
                        f"reached: more than {limit} minimal winning coalitions; raise it or "
                        "simplify the game",
                    )
            else:
                search(j + 1, members, now, banned | conflicts[j])
            members.pop()

    if wins(0.0, 0):
        return [[]]
    search(0, [], 0.0, set())
    found.sort(key=lambda c: (-float(w[list(c)].sum()), c))
    return [[game.players[order[k]] for k in c] for c in found]


def issue_order(case: Case, issue: str, players: tuple[str, ...]) -> list[str]:
    """The players holding a position on `issue`, ordered by position (ties by id)."""
    from parley.case import case_arrays

    arrays = case_arrays(case)
    if issue not in arrays.issue_ids:
        raise CoalitionError(
            f"unknown issue {issue!r} (this case has: {', '.join(arrays.issue_ids)})"
        )
    i = arrays.issue_ids.index(issue)
    index = {a: k for k, a in enumerate(arrays.actor_ids)}
    held = [a for a in players if arrays.mask[index[a], i]]
    return sorted(held, key=lambda a: (arrays.positions[0, index[a], i], a))


def connected_winning(game: VotingGame, order: list[str]) -> list[list[str]]:
    """Minimal connected winning coalitions along `order` (players left to right on the scale).

    Players of the game missing from `order` (no position on the issue) are outside every
    connected coalition. Listed left to right by their first member.
    """
    index = {a: k for k, a in enumerate(game.players)}
    unknown = [a for a in order if a not in index]
    if unknown:
        raise CoalitionError(f"not players of the game: {', '.join(unknown)}")
    seq = np.array([index[a] for a in order], dtype=int)
    m = len(seq)
    if m == 0:
        return []
    lo, hi = np.triu_indices(m)  # every interval [lo, hi] of the order
    members = np.zeros((len(lo), game.n), dtype=bool)
    span = np.arange(m)
    inside = (span[None, :] >= lo[:, None]) & (span[None, :] <= hi[:, None])
    members[:, seq] = inside
    allowed = np.ones(len(lo), dtype=bool)
    for i, j in game.incompatible:
        allowed &= ~(members[:, i] & members[:, j])
    weight = members @ game.weights
    size = members.sum(axis=1)
    meets = game.meets_quota(weight, size) & allowed
    w_lo, w_hi = game.weights[seq[lo]], game.weights[seq[hi]]
    single = lo == hi
    drop_left = game.meets_quota(weight - w_lo, size - 1) & ~single
    drop_right = game.meets_quota(weight - w_hi, size - 1) & ~single
    keep = meets & ~drop_left & ~drop_right
    return [list(order[a : b + 1]) for a, b in zip(lo[keep], hi[keep], strict=True)]
