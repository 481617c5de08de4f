"""One round of the exchange model: execute the best exchange, recompute what it touched, repeat.

Stokman & Van Oosten (1994); SPEC points 4 and 7-8. All batch members play their round in
lockstep: every step executes the best remaining exchange of each member at once.

A candidate's evaluation depends only on the current positions of its two suppliers, the signs of
their executed moves, its own superseded moves and the adjusted-NBS state (F) of its two demanders.
An executed exchange changes exactly those inputs for the candidates that share a supplying
(actor, issue) or a demanding (actor, issue) with it, so only those are evaluated again; the others
would come out the same (`incremental=False` recomputes everything, for checking and benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from parley.models.exchange.candidates import (
    CS,
    DEM,
    FI,
    KIP,
    KIQ,
    KJP,
    KJQ,
    MEM,
    RATIO,
    SUP,
    X0,
    Candidates,
    enumerate_candidates,
)
from parley.models.exchange.rate import evaluate, random_ratio
from parley.models.exchange.stream import SharedStream

TIE = 1e-12  # gains within TIE * max(1, g) of the best are ties: earliest in enumeration wins


@dataclass
class Executed:
    """The exchanges a round executed, in order (arrays over executions)."""

    step: list[np.ndarray] = field(default_factory=list)  # candidate rows
    gain: list[np.ndarray] = field(default_factory=list)  # equal gain (the ranking value)


@dataclass
class RoundResult:
    voting: np.ndarray  # (B, A, I) positions after the round's exchanges (0-100)
    candidates: Candidates
    rows: np.ndarray  # executed candidate rows, in execution order
    gain: np.ndarray  # equal gain of each executed exchange (0-100 scale)
    move_i: np.ndarray
    move_j: np.ndarray
    gain_i: np.ndarray
    gain_j: np.ndarray
    counts: np.ndarray  # (B,) candidates created at round start
    executed: np.ndarray  # (B,) exchanges executed


class _Lookup:
    """Which candidates hold a given (actor, issue) key as supplier or as demander.

    The (key, role) entries are sorted by key once per round, with each key's first entry and
    count in dense arrays indexed by key: a query is two reads, not a binary search."""

    def __init__(self, ints: np.ndarray, n_keys: int) -> None:
        n = ints.shape[0]
        keys = np.concatenate(
            [2 * ints[:, KIQ], 2 * ints[:, KJP], 2 * ints[:, KIP] + 1, 2 * ints[:, KJQ] + 1]
        )
        rows = np.tile(np.arange(n), 4)
        kind = np.repeat(np.arange(4), n)  # i supplies, j supplies, i demands, j demands
        order = np.argsort(keys, kind="stable")
        self.rows, self.kind = rows[order], kind[order]
        self.count = np.bincount(keys, minlength=2 * n_keys)
        self.first = np.cumsum(self.count) - self.count

    def find(self, supply: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, kind) of the candidates supplying a `supply` key or demanding a `demand` key."""
        query = np.concatenate([2 * supply, 2 * demand + 1])
        lo, lens = self.first[query], self.count[query]
        pos = np.arange(int(lens.sum())) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
        return self.rows[pos], self.kind[pos]


def play_round(
    x0: np.ndarray,
    s: np.ndarray,
    cs: np.ndarray,
    tradable: np.ndarray,
    p: float = 0.0,
    stream: SharedStream | None = None,
    incremental: bool = True,
) -> RoundResult:
    """Play one round from round-start positions x0 (B, A, I) on 0-100; positions are not changed.

    p > 0 executes each exchange at a randomised rate (see `rate.random_ratio`) drawn from
    `stream`; exchanges are still ranked by their equal-gain value.
    """
    n_b, n_a, n_i = x0.shape
    cands = enumerate_candidates(x0, s, cs, tradable)
    ints, const = cands.ints, cands.const
    n = len(cands)
    x = x0.reshape(-1).copy()
    exec_sign = np.zeros(n_b * n_a * n_i)
    dsum = np.zeros(n_b * n_a * n_i)
    superseded = np.zeros((n, 2))
    n_f = int(ints[:, FI].max()) + 1 if n else 0
    f_pos = np.zeros(n_f)  # F: position of the supplier after its first exchange of the entry
    in_f = np.zeros(n_f, dtype=bool)
    move = np.zeros((n, 2))
    gains = np.zeros((n, 2))
    rank = np.full(n, -np.inf)  # equal gain of valid candidates, -inf once invalid or executed
    members = ints[:, MEM]
    counts = np.bincount(members, minlength=n_b)
    seg_start = np.flatnonzero(np.r_[True, members[1:] != members[:-1]]) if n else members
    seg_id = np.cumsum(np.r_[0, members[1:] != members[:-1]]) if n else members
    done = Executed()

    def compute(rows: np.ndarray) -> None:
        # all rows (a round's first evaluation): the column-major tables themselves, no copy
        every = rows.size == n
        c_ints, c_const = (ints, const) if every else (ints[rows], const[rows])
        fi = c_ints[:, FI]
        state = (x, exec_sign, dsum, superseded[rows], f_pos[fi], in_f[fi])
        ev = evaluate(c_ints, c_const, c_const[:, RATIO], *state)
        valid = ev.valid
        if p > 0:
            assert stream is not None
            side, z = stream.draw(c_ints[:, MEM])
            rv = evaluate(c_ints, c_const, random_ratio(c_const, p, side, z), *state)
            valid = valid & rv.valid
            move[rows], gains[rows] = rv.move, rv.gain
        else:
            move[rows], gains[rows] = ev.move, ev.gain
        rank[rows] = np.where(valid, np.abs(ev.gain[:, 0]), -np.inf)

    if n:
        compute(np.arange(n))
    lookup = _Lookup(ints, n_b * n_a * n_i)
    touched = np.zeros(n, dtype=bool)
    while n:
        best = _best(rank, members, seg_start, seg_id)
        if best.size == 0:
            break
        e_ints, e_const = ints[best], const[best]
        done.step.append(best)
        done.gain.append(rank[best])
        rank[best] = -np.inf
        # execute: both suppliers move; their direction is fixed for the rest of the round
        supply, demand = e_ints[:, SUP], e_ints[:, DEM]  # (k, 2): i's then j's
        moved = move[best]
        x[supply] += moved
        exec_sign[supply] = np.sign(moved)
        y = x[supply]
        # F: i supplied q to j and j supplied p to i; an actor's first such exchange counts
        e_f = e_ints[:, FI]
        first = ~in_f[e_f]
        dsum[demand[first]] += (e_const[:, CS] * (y - e_const[:, X0]))[first]
        in_f[e_f[first]] = True
        f_pos[e_f[first]] = y[first]
        rows, kind = lookup.find(supply.ravel(), demand.ravel())
        live = rank[rows] > -np.inf
        rows, kind = rows[live], kind[live]
        # superseded: what the candidate asked of this actor just before its executed move
        sup = kind < 2
        sr, sc = rows[sup], kind[sup]
        superseded[sr, sc] += move[sr, sc]
        if incremental:  # the touched rows, sorted and once each
            touched[rows] = True
            todo = np.flatnonzero(touched)
            touched[todo] = False
        else:
            todo = np.flatnonzero(rank > -np.inf)
        if todo.size:
            compute(todo)

    # executed rows are never evaluated again: their moves and gains are still in place
    steps = np.concatenate(done.step) if done.step else np.zeros(0, dtype=np.int64)
    return RoundResult(
        voting=x.reshape(n_b, n_a, n_i),
        candidates=cands,
        rows=steps,
        gain=_cat(done.gain),
        move_i=move[steps, 0],
        move_j=move[steps, 1],
        gain_i=gains[steps, 0],
        gain_j=gains[steps, 1],
        counts=counts,
        executed=np.bincount(members[steps], minlength=n_b),
    )


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0)


def _best(
    rank: np.ndarray, members: np.ndarray, seg_start: np.ndarray, seg_id: np.ndarray
) -> np.ndarray:
    """Per member, the row of the highest-gain valid candidate; ties go to the earliest row."""
    if len(seg_start) == 1:
        top = rank.max()
        if top == -np.inf:
            return np.zeros(0, dtype=np.int64)
        return np.array([np.argmax(rank >= top - TIE * max(1.0, top))])
    top = np.maximum.reduceat(rank, seg_start)
    thr = top - TIE * np.maximum(1.0, top)
    ok = (rank >= thr[seg_id]) & (rank > -np.inf)
    rows = np.flatnonzero(ok)
    m = members[rows]  # ascending: candidates are member-contiguous
    return rows[np.r_[True, m[1:] != m[:-1]]] if rows.size else rows


def next_start(x0: np.ndarray, voting: np.ndarray, s: np.ndarray, fixed: float, weight: float):
    """Next round's start positions x0 + (fixed + weight (1 - s)) (y - x0) (SPEC step 5)."""
    return x0 + (fixed + weight * (1.0 - s)) * (voting - x0)
