"""Rounds of the expected utility model for N independent one-issue problems, with stopping.

Each problem (one issue of one batch member) stops on its own: after `rounds` rounds, or, with
stop = 'median', once its median moved less than tolerance x D for `patience` rounds in a row.
A stopped problem keeps its positions while the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from parley.models.eum.median import median_position
from parley.models.eum.params import EumParams
from parley.models.eum.round import RoundResult, play_round


@dataclass
class RoundDetail:
    """What events and the quadrant chart need from one round, for some problems (K of them).

    The accepted offer of every receiver is always kept (O(n) per problem); the full (K, n, n)
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

    def take(self, row: int) -> RoundDetail | None:
        """The detail of one problem (K = 1), or None when it is not kept."""
        hit = np.flatnonzero(self.rows == row)
        if not hit.size:
            return None
        k = hit[:1]
        pick = {f: getattr(self, f) for f in self.__dataclass_fields__}
        return RoundDetail(**{f: None if v is None else v[k] for f, v in pick.items()})

    @staticmethod
    def concat(parts: list[RoundDetail]) -> RoundDetail:
        first = parts[0]
        return RoundDetail(
            **{
                f: None
                if getattr(first, f) is None
                else np.concatenate([getattr(p, f) for p in parts])
                for f in first.__dataclass_fields__
            }
        )


@dataclass
class Trace:
    """The history of N problems; R = rounds played by the longest-running one."""

    positions: np.ndarray  # (N, R+1, n); round 0 is the input
    median: np.ndarray  # (N, R+1) μ after each round (round 0: of the input)
    r: np.ndarray  # (N, R, n) the second-pass risk exponents of each round
    moves: np.ndarray  # (N, R) actors that accepted an offer
    stopped_at: np.ndarray  # (N,) rounds each problem played
    converged: np.ndarray  # (N,) bool: the median rule fired
    details: list[RoundDetail] = field(default_factory=list)


def initial_range(x: np.ndarray, bounds: np.ndarray, rule: str) -> np.ndarray:
    """D per problem: max - min of positions ('initial', 'round') or the issue's scale ('bounds')."""
    if rule == "bounds":
        return bounds[:, 1] - bounds[:, 0]
    return x.max(axis=1) - x.min(axis=1)


def simulate(
    x0: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    bounds: np.ndarray,
    params: EumParams,
    detail: np.ndarray | None = None,
    full_detail: bool = False,
) -> Trace:
    """Play the model on (N, n) positions x0, capabilities c and saliences s (0-1).

    bounds: (N, 2) each problem's issue scale. detail: indices of problems whose accepted offers
    are kept per round (for events); full_detail: also every pair's expected utilities and offers.
    """
    n_batch, n = x0.shape
    w = c * s
    x = x0.astype(float).copy()
    delta0 = initial_range(x, bounds, params.range)
    safe0 = np.where(delta0 > 0, delta0, 1.0)
    positions, medians = [x.copy()], [median_position(x, w, safe0, params.median)]
    rs, moves, details = [], [], []
    active = delta0 > 0  # no range: no dynamics (SPEC point 9)
    stopped_at = np.zeros(n_batch, dtype=int)
    converged = np.zeros(n_batch, dtype=bool)
    streak = np.zeros(n_batch, dtype=int)
    r_prev = np.ones_like(x)
    for t in range(1, params.rounds + 1):
        if not active.any():
            break
        delta = safe0 if params.range != "round" else x.max(axis=1) - x.min(axis=1)
        delta = np.where(delta > 0, delta, 1.0)
        res: RoundResult = play_round(x, w, s, delta, r_prev, params, medians[-1])
        moved = active[:, None] & (res.offers.chosen >= 0)
        if detail is not None and len(detail):
            details.append(_detail(x, res, active, detail, full_detail))
        x = np.where(active[:, None], res.offers.new_x, x)
        r_prev = np.where(active[:, None], res.r, r_prev)
        positions.append(x.copy())
        rs.append(np.where(active[:, None], res.r, np.nan))
        moves.append(moved.sum(axis=1))
        med = median_position(x, w, delta, params.median)
        stopped_at = np.where(active, t, stopped_at)
        if params.stop == "median":
            still = np.abs(med - medians[-1]) < params.tolerance * safe0
            streak = np.where(still, streak + 1, 0)
            done = active & (streak >= params.patience)
            converged |= done
            active &= ~done
        medians.append(np.where(stopped_at == t, med, medians[-1]))
    r_arr = np.stack(rs, axis=1) if rs else np.zeros((n_batch, 0, n))
    moves_arr = np.stack(moves, axis=1) if moves else np.zeros((n_batch, 0), dtype=int)
    return Trace(
        positions=np.stack(positions, axis=1),
        median=np.stack(medians, axis=1),
        r=r_arr,
        moves=moves_arr,
        stopped_at=stopped_at,
        converged=converged,
        details=details,
    )


def _detail(
    x: np.ndarray, res: RoundResult, active: np.ndarray, keep: np.ndarray, full: bool
) -> RoundDetail:
    o = res.offers
    j = np.maximum(o.chosen[keep], 0)[:, :, None]

    def at_chosen(m: np.ndarray) -> np.ndarray:
        return np.take_along_axis(m[keep], j, axis=2)[:, :, 0]

    taken = o.chosen[keep] >= 0
    return RoundDetail(
        rows=keep,
        active=active[keep].copy(),
        x=x[keep].copy(),
        chosen=o.chosen[keep],
        kind=np.where(taken, at_chosen(o.kind), 0).astype(np.int8),
        eu=at_chosen(res.eu),
        eu_other=at_chosen(res.eu_other),
        new_x=o.new_x[keep],
        all_eu=res.eu[keep] if full else None,
        all_eu_other=res.eu_other[keep] if full else None,
        all_kind=o.kind[keep] if full else None,
        all_target=o.target[keep] if full else None,
    )
