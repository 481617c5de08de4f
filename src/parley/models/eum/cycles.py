"""Problems whose state repeats: their later rounds are copies, so they need not be played.

A round of one problem is a deterministic function of its state: the positions x_t, the positions
x_{t-1} (with range = 'round' the median of x_t is taken with the range of x_{t-1}) and the risk
exponents r_t (with degenerate_risk = 'previous' the next round may keep them). Once the state
after round t equals the state after round t - p, exactly, every later round repeats the rounds
t - p + 1 .. t in turn: positions, risk exponents, moves and medians alike. Many members of an
ensemble end in such a cycle (actors jumping between two or more positions by conflict offers,
periods 2 to 20 seen) and would otherwise play to the round cap.

`Ring` keeps the last `PERIODS + 2` rounds of every problem still playing and finds the shortest
period; `Replay` gives the rounds of the problems in a cycle from those rounds, with no kernel call.
The numbers are those of playing every round (tests/test_eum_compact.py compares bit for bit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from array_api_compat import device as device_of

from parley.models.backend import Array

PERIODS = 24
"""Longest period looked for; longer cycles (rare) are played out."""


@dataclass(frozen=True)
class Ring:
    """The last PERIODS + 2 rounds of the N problems still playing, the latest first: positions
    and risk exponents (N, PERIODS + 2, n), moves and medians (N, PERIODS + 2). Rounds before
    the first are NaN (never equal to anything)."""

    x: Array
    r: Array
    moves: Array
    med: Array

    @staticmethod
    def start(xp: Any, x: Array, r: Array, med: Array) -> Ring:
        """The ring of problems that have played no round: their input, r = 1 and median."""
        n_b, n = x.shape
        depth = PERIODS + 1
        nan = xp.full((n_b, depth, n), xp.nan, dtype=x.dtype, device=device_of(x))
        return Ring(
            x=xp.concat([x[:, None, :], nan], axis=1),
            r=xp.concat([r[:, None, :], nan], axis=1),
            moves=xp.zeros((n_b, depth + 1), dtype=xp.int64, device=device_of(x)),
            med=xp.concat([med[:, None], nan[:, :, 0]], axis=1),
        )

    def push(self, xp: Any, x: Array, r: Array, moves: Array, med: Array) -> Ring:
        """The ring after one more round."""
        return Ring(
            x=xp.concat([x[:, None, :], self.x[:, :-1, :]], axis=1),
            r=xp.concat([r[:, None, :], self.r[:, :-1, :]], axis=1),
            moves=xp.concat([moves[:, None], self.moves[:, :-1]], axis=1),
            med=xp.concat([med[:, None], self.med[:, :-1]], axis=1),
        )

    def take(self, xp: Any, idx: Array) -> Ring:
        return Ring(*(xp.take(v, idx, axis=0) for v in (self.x, self.r, self.moves, self.med)))

    def periods(self, xp: Any, tol_x: Array | None = None, tol_r: float = 0.0) -> Array:
        """(N,) the shortest p <= PERIODS with state_t == state_{t-p}; 0 where none.

        Equal means exactly equal, or with tol_x ((N,) per problem, for positions) and tol_r
        (risk exponents) within those tolerances (EumParams.cycle_tolerance)."""
        if tol_x is None:
            same_x = xp.all(self.x[:, :1, :] == self.x[:, 1:, :], axis=2)  # x_t == x_{t-p}
            same_prev = xp.all(self.x[:, 1:2, :] == self.x[:, 2:, :], axis=2)  # x_{t-1}, x_{t-1-p}
            same_r = xp.all(self.r[:, :1, :] == self.r[:, 1:, :], axis=2)
        else:  # NaN (rounds not yet played) is never within a tolerance
            tx = tol_x[:, None, None]
            same_x = xp.all(xp.abs(self.x[:, :1, :] - self.x[:, 1:, :]) <= tx, axis=2)
            same_prev = xp.all(xp.abs(self.x[:, 1:2, :] - self.x[:, 2:, :]) <= tx, axis=2)
            same_r = xp.all(xp.abs(self.r[:, :1, :] - self.r[:, 1:, :]) <= tol_r, axis=2)
        cycle = same_x[:, :PERIODS] & same_prev & same_r[:, :PERIODS]
        found = xp.any(cycle, axis=1)
        return xp.where(found, xp.argmax(xp.astype(cycle, xp.int8), axis=1) + 1, 0)


@dataclass(frozen=True)
class Replay:
    """Problems in a cycle: `rows` (ascending) in the full batch, their ring when the cycle was
    found in round `since`, its `period`, and the stop rule's state (streak, last median and the
    range that scales its tolerance)."""

    rows: Array
    ring: Ring
    period: Array
    since: Array
    streak: Array
    med: Array
    scale: Array

    @staticmethod
    def found(
        xp: Any,
        rows: Array,
        ring: Ring,
        period: Array,
        t: int,
        streak: Array,
        med: Array,
        scale: Array,
    ) -> Replay:
        """Problems whose cycle was found after round t."""
        since = xp.full(rows.shape, t, dtype=xp.int64, device=device_of(rows))
        return Replay(rows, ring, period, since, streak, med, scale)

    def after(
        self, xp: Any, med: Array, tolerance: float, patience: int
    ) -> tuple[Replay | None, Array]:
        """The median stop rule after a round with medians `med`: the replay of the rows that go
        on (None when none does) and which rows stopped, (N_replayed,) in row order."""
        still = xp.abs(med - self.med) < tolerance * self.scale
        streak = xp.where(still, self.streak + 1, 0)
        done = streak >= patience
        going = Replay(self.rows, self.ring, self.period, self.since, streak, med, self.scale)
        if not bool(xp.any(done)):
            return going, done
        left = xp.nonzero(~done)[0]
        return (going.keep(xp, left) if left.shape[0] else None), done

    def round(self, xp: Any, t: int) -> tuple[Array, Array, Array, Array]:
        """Positions, risk exponents, moves and median of round t: those of round
        t - p (t - p - p ...), i.e. ring entry p - 1 - ((t - since - 1) mod p)."""
        k = self.period - 1 - ((t - self.since - 1) % self.period)
        idx = k[:, None]
        x = xp.take_along_axis(self.ring.x, idx[:, :, None], axis=1)[:, 0, :]
        r = xp.take_along_axis(self.ring.r, idx[:, :, None], axis=1)[:, 0, :]
        moves = xp.take_along_axis(self.ring.moves, idx, axis=1)[:, 0]
        med = xp.take_along_axis(self.ring.med, idx, axis=1)[:, 0]
        return x, r, moves, med

    def keep(self, xp: Any, idx: Array) -> Replay:
        def take(v: Array) -> Array:
            return xp.take(v, idx, axis=0)

        return Replay(
            take(self.rows),
            self.ring.take(xp, idx),
            take(self.period),
            take(self.since),
            take(self.streak),
            take(self.med),
            take(self.scale),
        )

    def join(self, xp: Any, other: Replay) -> Replay:
        """Both sets, ordered by row."""
        joined = Replay(
            xp.concat([self.rows, other.rows]),
            Ring(
                *(
                    xp.concat([a, b], axis=0)
                    for a, b in zip(
                        (self.ring.x, self.ring.r, self.ring.moves, self.ring.med),
                        (other.ring.x, other.ring.r, other.ring.moves, other.ring.med),
                        strict=True,
                    )
                )
            ),
            *(
                xp.concat([a, b])
                for a, b in zip(
                    (self.period, self.since, self.streak, self.med, self.scale),
                    (other.period, other.since, other.streak, other.med, other.scale),
                    strict=True,
                )
            ),
        )
        return joined.keep(xp, xp.argsort(joined.rows))
