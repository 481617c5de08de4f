"""Rounds of the expected utility model for N independent one-issue problems, with stopping.

Each problem (one issue of one batch member) stops on its own: after `rounds` rounds, or, with
stop = 'median', once its median moved less than tolerance x D for `patience` rounds in a row.
A stopped problem keeps its positions while the others go on.

The rounds run in the array library of the inputs (array API; see `parley.models.eum.backend`).
The details kept for events and the quadrant chart are host-side NumPy: only the K problems asked
for are taken out of the round and converted (`to_numpy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from array_api_compat import device as device_of

from parley.models.backend import Array, namespace, to_numpy
from parley.models.eum.cycles import Replay, Ring
from parley.models.eum.median import median_position
from parley.models.eum.params import EumParams
from parley.models.eum.round import RoundResult, play_round
from parley.models.progress import round_reporter


@dataclass
class RoundDetail:
    """What events and the quadrant chart need from one round, for some problems (K of them).

    NumPy arrays on the host. The accepted offer of every receiver is always kept (O(n) per problem); the full (K, n, n)
    matrices of expected utilities and offers only when `full` was asked for.
    """

    rows: np.ndarray  # (K,) indices of the problems along the batch axis N
    active: np.ndarray  # (K,) the problem still played this round
    x: np.ndarray  # (K, n) positions at the start of the round
    chosen: np.ndarray  # (K, n) accepted proposer j, -1 for none
    kind: np.ndarray  # (K, n) kind of the accepted offer (offers.NONE where none)
    eu: np.ndarray  # (K, n) a = E_i(U_ij) of the accepted offer
    eu_other: np.ndarray  # (K, n) b of the accepted offer
    new_x: np.ndarray  # (K, n) position after the round
    all_eu: np.ndarray | None = None  # (K, n, n) a for every pair
    all_eu_other: np.ndarray | None = None  # (K, n, n) b for every pair
    all_kind: np.ndarray | None = None  # (K, n, n) offer kinds
    all_target: np.ndarray | None = None  # (K, n, n) where each offer would move i

    def offers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(kind, target, a, b) for every pair, when the full matrices were kept (all or none)."""
        kind, target, a, b = self.all_kind, self.all_target, self.all_eu, self.all_eu_other
        if kind is None or target is None or a is None or b is None:
            return None
        return kind, target, a, b

    def take(self, row: int) -> RoundDetail | None:
        """The detail of one problem (K = 1), or None when it is not kept."""
        hit = np.flatnonzero(self.rows == row)
        if not hit.size:
            return None
        k = hit[:1]
        pick = {f: getattr(self, f) for f in self.__dataclass_fields__}
        kept: dict[str, Any] = {f: None if v is None else v[k] for f, v in pick.items()}
        return RoundDetail(**kept)

    @staticmethod
    def concat(parts: list[RoundDetail]) -> RoundDetail:
        first = parts[0]
        joined: dict[str, Any] = {
            f: None if getattr(first, f) is None else np.concatenate([getattr(p, f) for p in parts])
            for f in first.__dataclass_fields__
        }
        return RoundDetail(**joined)


@dataclass
class Trace:
    """The history of N problems; R = rounds played by the longest-running one.

    Arrays of the inputs' library (`to_numpy` gives the host copy); details are NumPy.
    """

    positions: Array  # (N, R+1, n); round 0 is the input
    median: Array  # (N, R+1) μ after each round (round 0: of the input)
    r: Array  # (N, R, n) the second-pass risk exponents of each round
    moves: Array  # (N, R) actors that accepted an offer
    stopped_at: Array  # (N,) rounds each problem played
    converged: Array  # (N,) bool: the median rule fired
    details: list[RoundDetail] = field(default_factory=list)

    def to_numpy(self) -> Trace:
        """The same trace with NumPy arrays (itself when they already are)."""
        arrays = {f.name: to_numpy(getattr(self, f.name)) for f in fields(self)[:-1]}
        return Trace(**arrays, details=self.details)


def initial_range(x: Array, bounds: Array, rule: str) -> Array:
    """D per problem: max - min of positions ('initial', 'round') or the issue's scale ('bounds')."""
    if rule == "bounds":
        return bounds[:, 1] - bounds[:, 0]
    xp = namespace(x)
    return xp.max(x, axis=1) - xp.min(x, axis=1)


def simulate(
    x0: Array,
    c: Array,
    s: Array,
    bounds: Array,
    params: EumParams,
    detail: np.ndarray | None = None,
    full_detail: bool = False,
    compact: bool = True,
) -> Trace:
    """Play the model on (N, n) positions x0, capabilities c and saliences s (0-1).

    bounds: (N, 2) each problem's issue scale. detail: indices of problems whose accepted offers
    are kept per round (for events); full_detail: also every pair's expected utilities and offers.
    All four arrays come from one array library; the trace comes back in it. compact: when no
    details are kept and the library allows data-dependent shapes, problems that stopped leave
    the batch (`_simulate_compact`, the same numbers); False plays every problem every round, as
    tests and benchmarks compare.
    """
    xp = namespace(x0, c, s, bounds)
    dev = device_of(x0)
    n_batch, n = x0.shape
    w = c * s
    x = xp.astype(x0, xp.float64)
    delta0 = initial_range(x, bounds, params.range)
    safe0 = xp.where(delta0 > 0, delta0, 1.0)
    positions, medians = [x], [median_position(x, w, safe0, params.median, params.median_tie)]
    rs, moves, details = [], [], []
    active = delta0 > 0  # no range: no dynamics (SPEC point 9)
    stopped_at = xp.zeros(n_batch, dtype=xp.int64, device=dev)
    converged = xp.zeros(n_batch, dtype=xp.bool, device=dev)
    streak = xp.zeros(n_batch, dtype=xp.int64, device=dev)
    r_prev = xp.ones_like(x)
    keep = None
    if detail is not None and len(detail):
        keep = (detail, xp.asarray([int(k) for k in detail], dtype=xp.int64, device=dev))
    if (
        compact and keep is None and _dynamic_shapes(xp)
    ):  # nothing kept: finished problems leave the batch
        return _simulate_compact(xp, x, w, s, safe0, active, positions, medians, params)
    tick = round_reporter("eum")
    for t in range(1, params.rounds + 1):
        if not bool(xp.any(active)):
            break
        tick(t, params.rounds)
        delta = safe0 if params.range != "round" else xp.max(x, axis=1) - xp.min(x, axis=1)
        delta = xp.where(delta > 0, delta, 1.0)
        res: RoundResult = play_round(
            x, w, s, delta, r_prev, params, medians[-1], matrices=keep is not None
        )
        moved = active[:, None] & (res.offers.chosen >= 0)
        if keep is not None:
            details.append(_detail(xp, x, res, active, keep, full_detail))
        x = xp.where(active[:, None], res.offers.new_x, x)
        r_prev = xp.where(active[:, None], res.r, r_prev)
        positions.append(x)
        rs.append(xp.where(active[:, None], res.r, xp.nan))
        moves.append(xp.sum(xp.astype(moved, xp.int64), axis=1))
        med = median_position(x, w, delta, params.median, params.median_tie)
        stopped_at = xp.where(active, t, stopped_at)
        if params.stop == "median":
            still = xp.abs(med - medians[-1]) < params.tolerance * safe0
            streak = xp.where(still, streak + 1, 0)
            done = active & (streak >= params.patience)
            converged = converged | done
            active = active & ~done
        medians.append(xp.where(stopped_at == t, med, medians[-1]))
    return _trace(xp, positions, medians, rs, moves, stopped_at, converged, details)


def _dynamic_shapes(xp: Any) -> bool:
    """Whether the library can take the rows still playing (`nonzero`: a data-dependent shape)."""
    try:
        return bool(xp.__array_namespace_info__().capabilities()["data-dependent shapes"])
    except (AttributeError, KeyError):
        return False


def _trace(
    xp: Any,
    positions: list[Array],
    medians: list[Array],
    rs: list[Array],
    moves: list[Array],
    stopped_at: Array,
    converged: Array,
    details: list[RoundDetail],
) -> Trace:
    """The trace from the per-round (N, ...) arrays of the round loop."""
    x = positions[0]
    n_batch, n = x.shape
    if rs:
        r_arr, moves_arr = xp.stack(rs, axis=1), xp.stack(moves, axis=1)
    else:
        r_arr = xp.zeros((n_batch, 0, n), dtype=x.dtype, device=device_of(x))
        moves_arr = xp.zeros((n_batch, 0), dtype=xp.int64, device=device_of(x))
    return Trace(
        positions=xp.stack(positions, axis=1),
        median=xp.stack(medians, axis=1),
        r=r_arr,
        moves=moves_arr,
        stopped_at=stopped_at,
        converged=converged,
        details=details,
    )


def _simulate_compact(
    xp: Any,
    x: Array,
    w: Array,
    s: Array,
    safe0: Array,
    active: Array,
    positions: list[Array],
    medians: list[Array],
    params: EumParams,
) -> Trace:
    """The rounds of `simulate` when no details are kept: only problems still changing are played.

    A round of one problem depends on its own row only, so each round plays just the problems
    still going (gathered by index: a batch costs the sum of its problems' rounds, not its size x
    the slowest one's) and the (N, ...) trace is rebuilt by spreading each set back to its rows.
    Problems whose state repeats (`parley.models.eum.cycles`) leave the played set too: their
    rounds are copied from the cycle until the stop rule fires or the cap. The numbers are those
    of the plain loop, bit for bit.
    """
    dev = device_of(x)
    n_batch, n = x.shape
    no = xp.zeros(n_batch, dtype=xp.bool, device=dev)
    stopped_at = xp.zeros(n_batch, dtype=xp.int64, device=dev)
    converged = no
    rs: list[Array] = []
    moves: list[Array] = []
    playing = active  # (N,) rows played this round
    repeating = no  # (N,) rows copied from their cycle
    rows = xp.nonzero(playing)[0]

    def take(values: Array, idx: Array) -> Array:
        return xp.take(values, idx, axis=0)

    xa, wa, sa, d0a = take(x, rows), take(w, rows), take(s, rows), take(safe0, rows)
    ra, mua = xp.ones_like(xa), take(medians[0], rows)
    streak = xp.zeros(xa.shape[0], dtype=xp.int64, device=dev)
    ring = Ring.start(xp, xa, ra, mua)
    replay: Replay | None = None
    no_r = xp.full((n_batch, n), xp.nan, dtype=x.dtype, device=dev)
    none_moved = xp.zeros(n_batch, dtype=xp.int64, device=dev)
    tick = round_reporter("eum")
    for t in range(1, params.rounds + 1):
        if xa.shape[0] == 0 and replay is None:
            break
        tick(t, params.rounds)
        x_t, rr_t, moves_t, med_t = x, no_r, none_moved, medians[-1]
        if xa.shape[0]:
            if params.range == "round":
                delta = xp.max(xa, axis=1) - xp.min(xa, axis=1)
                delta = xp.where(delta > 0, delta, 1.0)
            else:
                delta = d0a
            res: RoundResult = play_round(xa, wa, sa, delta, ra, params, mua, matrices=False)
            xa, ra = res.offers.new_x, res.r
            moved = xp.sum(xp.astype(res.offers.chosen >= 0, xp.int64), axis=1)
            med = median_position(xa, wa, delta, params.median, params.median_tie)
            x_t, rr_t = _spread(xp, playing, xa, x_t), _spread(xp, playing, ra, rr_t)
            moves_t = _spread(xp, playing, moved, moves_t)
            med_t = _spread(xp, playing, med, med_t)
        if replay is not None:
            xr, rr, mr, medr = replay.round(xp, t)
            x_t, rr_t = _spread(xp, repeating, xr, x_t), _spread(xp, repeating, rr, rr_t)
            moves_t = _spread(xp, repeating, mr, moves_t)
            med_t = _spread(xp, repeating, medr, med_t)
        x = x_t
        positions.append(x_t)
        rs.append(rr_t)
        moves.append(moves_t)
        medians.append(med_t)
        stopped_at = xp.where(playing | repeating, t, stopped_at)
        if replay is not None and params.stop == "median":
            replay, ended = replay.after(xp, medr, params.tolerance, params.patience)
            ended = _spread(xp, repeating, ended, no)
            converged, repeating = converged | ended, repeating & ~ended
        if not xa.shape[0]:
            continue
        done = xp.zeros(xa.shape[0], dtype=xp.bool, device=dev)
        if params.stop == "median":
            still = xp.abs(med - mua) < params.tolerance * d0a
            streak = xp.where(still, streak + 1, 0)
            done = streak >= params.patience
        mua = med
        ring = ring.push(xp, xa, ra, moved, med)
        if params.cycle_tolerance > 0:
            cycle = ring.periods(xp, params.cycle_tolerance * d0a, params.cycle_tolerance)
        else:
            cycle = ring.periods(xp)
        cycling = (cycle > 0) & ~done
        leaving = done | cycling
        if not bool(xp.any(leaving)):
            continue
        converged = converged | _spread(xp, playing, done, no)
        if bool(xp.any(cycling)):
            found = xp.nonzero(cycling)[0]
            new = Replay.found(
                xp, take(rows, found), ring.take(xp, found), take(cycle, found), t,
                take(streak, found), take(mua, found), take(d0a, found),
            )  # fmt: skip
            replay = new if replay is None else replay.join(xp, new)
            repeating = repeating | _spread(xp, playing, cycling, no)
        playing = playing & ~_spread(xp, playing, leaving, no)
        going = xp.nonzero(~leaving)[0]
        rows = take(rows, going)
        xa, wa, sa, d0a = take(xa, going), take(wa, going), take(sa, going), take(d0a, going)
        ra, mua, streak = take(ra, going), take(mua, going), take(streak, going)
        ring = ring.take(xp, going)
    return _trace(xp, positions, medians, rs, moves, stopped_at, converged, [])


def _spread(xp: Any, on: Array, values: Array, rest: Array) -> Array:
    """(N, ...) with the rows of `values` at the rows where `on` is True (in row order, as many
    as there are), `rest` elsewhere."""
    slot = xp.cumulative_sum(xp.astype(on, xp.int64)) - 1
    picked = xp.take(values, xp.where(slot >= 0, slot, 0), axis=0)
    return xp.where(on[:, None] if values.ndim == 2 else on, picked, rest)


def _detail(
    xp: Any,
    x: Array,
    res: RoundResult,
    active: Array,
    keep: tuple[np.ndarray, Array],
    full: bool,
) -> RoundDetail:
    """The kept problems' part of one round, taken in the array library and moved to the host."""
    rows, idx = keep
    o = res.offers

    def take(m: Array) -> Array:
        return xp.take(m, idx, axis=0)

    chosen = take(o.chosen)
    j = xp.maximum(chosen, 0)[:, :, None]

    def at_chosen(m: Array) -> Array:
        return xp.take_along_axis(take(m), j, axis=2)[:, :, 0]

    assert o.kind is not None and o.target is not None  # the loop asks for them when kept
    kind = xp.astype(xp.where(chosen >= 0, at_chosen(o.kind), 0), xp.int8)
    return RoundDetail(
        rows=rows,
        active=to_numpy(take(active)),
        x=to_numpy(take(x)),
        chosen=to_numpy(chosen),
        kind=to_numpy(kind),
        eu=to_numpy(at_chosen(res.eu)),
        eu_other=to_numpy(at_chosen(res.eu_other)),
        new_x=to_numpy(take(o.new_x)),
        all_eu=to_numpy(take(res.eu)) if full else None,
        all_eu_other=to_numpy(take(res.eu_other)) if full else None,
        all_kind=to_numpy(take(o.kind)) if full else None,
        all_target=to_numpy(take(o.target)) if full else None,
    )
