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

    def budget() -> None:
        nonlocal steps
        steps += 1
        if steps > NODE_BUDGET:
            raise CoalitionError(
                f"too many coalitions to search ({game.n} players); raise the quota or "
                "exclude actors"
            )

    if wins(0.0, 0):
        return [[]]
    # the depth-first search with an explicit stack: a coalition of thousands of members is as
    # deep, beyond Python's recursion limit. A frame is [next player to try, weight, banned].
    members: list[int] = []
    frames: list[list] = [[0, 0.0, frozenset()]]
    while frames:
        frame = frames[-1]
        j, weight, banned = frame
        child = None
        while j < n:
            budget()
            if not wins(weight + rest_w[j], len(members) + n - j):
                j = n  # even every remaining player would not reach the quota
                break
            if j in banned:
                j += 1
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
                members.pop()
                j += 1
                continue
            child = [j + 1, now, banned | conflicts[j]]
            break
        if child is not None:
            frame[0] = j + 1
            frames.append(child)
            continue
        frames.pop()
        if frames:
            members.pop()  # the player whose frame this was
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
    # Weight and size only grow as an interval [a, b] of the order widens (weights are >= 0), so
    # for each left end a only the narrowest winning interval can be minimal: it is found by a
    # binary search over b for all a at once. O(m log m) time and O(m) memory, where the list of
    # every interval cost O(m^2 n) (3.7 GiB for 2,000 players).
    prefix = np.concatenate([[0.0], np.cumsum(game.weights[seq])])
    left = np.arange(m)

    def meets(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return game.meets_quota(prefix[b + 1] - prefix[a], b - a + 1)

    lo, hi = left.copy(), np.full(m, m - 1)
    wins_at_all = meets(left, hi)
    while True:
        open_ = lo < hi
        if not open_.any():
            break
        mid = (lo + hi) // 2
        ok = meets(left, mid)
        hi = np.where(open_ & ok, mid, hi)
        lo = np.where(open_ & ~ok, mid + 1, lo)
    right = lo
    # an interval holding a pair that refuses to sit together is never allowed: for each left
    # end, the first right end that would take in such a pair
    rank = np.empty(game.n, dtype=int)
    rank.fill(-1)
    rank[seq] = left
    blocked = np.full(m + 1, m)
    for i, j in game.incompatible:
        pi, pj = sorted((rank[i], rank[j]))
        if pi >= 0:
            blocked[pi] = min(blocked[pi], pj)
    blocked = np.minimum.accumulate(blocked[::-1])[::-1][:m]
    single = right == left
    drop_left = ~single & meets(np.minimum(left + 1, m - 1), right)
    keep = wins_at_all & (right < blocked) & ~drop_left
    lo, hi = left, right
    return [list(order[a : b + 1]) for a, b in zip(lo[keep], hi[keep], strict=True)]
