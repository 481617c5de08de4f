"""One SMP state: its assessment (risk attitudes, utilities) and the turn that leads to the next.

KTAB `SMPState::setAllAUtil` (assessment) and `SMPState::doBCN` (proposals, queues, new positions,
ideal update); SPEC steps 3-7. Arrays are on the 0-1 scale with the batch axis first.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from parley.models.smp.bargain import interpolate
from parley.models.smp.challenge import challenges
from parley.models.smp.queues import Bargains, Resolution, bargain_values, resolve_queues
from parley.models.smp.utility import distances, perceived_risk, risk_from_probability, utility
from parley.models.smp.voting import coalitions, pce

MIN_SIG_GAIN = 1e-5  # KTAB bestChallenge: minSigEDU, a challenge must promise more than this


def threads(requested: int) -> int:
    """Worker threads for the challenge tensor: `requested`, or for 0 one per core up to 8."""
    return requested if requested > 0 else min(8, os.cpu_count() or 1)


@dataclass(frozen=True)
class Setup:
    """What stays fixed over a run: saliences, capabilities, options, accommodation."""

    salience: np.ndarray  # (B, A, D) 0-1, each actor's total at most 1
    capability: np.ndarray  # (B, A)
    accommodation: np.ndarray  # (A, A) ideal adjustment matrix (identity by default)
    params: object  # the SMP model instance (KTAB option names as attributes)

    @property
    def total_salience(self) -> np.ndarray:
        return self.salience.sum(axis=-1)

    def take(self, idx: np.ndarray) -> Setup:
        """The setup of some batch members (those still running)."""
        return Setup(self.salience[idx], self.capability[idx], self.accommodation, self.params)


@dataclass(frozen=True)
class Assessment:
    dist: np.ndarray  # (B, A, A) d(ideal_i, position_j; s_i)
    risk: np.ndarray  # (B, A) R_i
    perceived: np.ndarray  # (B, A, A) r[h, i]
    own_util: np.ndarray  # (B, A, A) U^i(i, j) = u(d_ij, R_i)

    def take(self, keep: np.ndarray) -> Assessment:
        return Assessment(
            self.dist[keep], self.risk[keep], self.perceived[keep], self.own_util[keep]
        )


@dataclass(frozen=True)
class Turn:
    """What happened in one turn, for the events table."""

    target: np.ndarray  # (B, A) each initiator's target (-1: no proposal)
    gain: np.ndarray  # (B, A) expected gain of the best challenge
    p_win: np.ndarray  # (B, A) initiator's estimate of winning against its target
    bargains: Bargains
    resolution: Resolution


def assess(positions: np.ndarray, ideals: np.ndarray, setup: Setup) -> Assessment:
    """Risk attitudes from a risk-neutral PCE over current positions, then all utilities."""
    p = setup.params
    dist = distances(ideals, positions, setup.salience)
    coal = coalitions(p.VotingRule, setup.capability, utility(dist, 0.0))
    win = pce(p.PCEModel, p.VictoryProbModel, coal)
    risk = risk_from_probability(win, p.BigRRange)
    perceived = perceived_risk(risk, p.BigRAdjust)
    return Assessment(dist, risk, perceived, utility(dist, risk[:, :, None]))


def _estimates(
    state: Assessment, setup: Setup, estimator: np.ndarray, init: np.ndarray, max_elements: int
) -> tuple[np.ndarray, np.ndarray]:
    """P and gain (B, T, A) of init[t] challenging every j, as estimator[t] sees it.

    U^h(n, q) = (1 - d_nq)(1 + d_nq r[h, n]) = a_nq + b_nq r[h, n]; the tensor is built transposed
    ([t, q, n]) in slices of rows small enough to stay in cache.
    """
    b_n, t_n = init.shape
    a_n = state.dist.shape[-1]
    d = state.dist
    a_t = np.ascontiguousarray(np.swapaxes(1.0 - d, -1, -2))[:, None]
    b_t = np.ascontiguousarray(np.swapaxes((1.0 - d) * np.minimum(d, 1.0), -1, -2))[:, None]
    p_all = np.empty((b_n, t_n, a_n))
    gain_all = np.empty((b_n, t_n, a_n))
    step = max(1, max_elements // max(1, b_n * a_n * a_n))
    bidx = np.arange(b_n)[:, None]

    def work(start: int) -> None:
        # each slice writes its own rows: the result cannot depend on the number of threads
        rows = slice(start, min(t_n, start + step))
        r = state.perceived[bidx, estimator[:, rows]]  # (B, T, N): r[h, n]
        ut = b_t * r[:, :, None, :]
        ut += a_t
        p_all[:, rows], gain_all[:, rows] = challenges(
            ut,
            init[:, rows],
            setup.total_salience,
            setup.capability,
            setup.params.VotingRule,
            setup.params.ThirdPartyCommit,
        )

    starts = range(0, t_n, step)
    workers = min(threads(setup.params.threads), len(starts))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, starts))
    else:
        for start in starts:
            work(start)
    return p_all, gain_all


def step(
    positions: np.ndarray,
    ideals: np.ndarray,
    state: Assessment,
    setup: Setup,
    uniforms: np.ndarray | None,
    max_elements: int = 1 << 16,
) -> tuple[np.ndarray, np.ndarray, Turn]:
    """One turn: proposals, queue resolution, ideal update -> (new positions, new ideals, Turn)."""
    p = setup.params
    b_n, a_n, _ = positions.shape
    actors = np.broadcast_to(np.arange(a_n), (b_n, a_n))
    p_win, gain = _estimates(state, setup, actors, actors, max_elements)
    gain = np.where(np.eye(a_n, dtype=bool)[None], -np.inf, gain)
    candidate = gain > MIN_SIG_GAIN
    has = candidate.any(axis=-1)
    target = np.where(candidate, gain, -np.inf).argmax(axis=-1)  # first best on ties
    best_gain = np.take_along_axis(gain, target[..., None], -1)[..., 0]
    p_ij = np.take_along_axis(p_win, target[..., None], -1)[..., 0]
    bidx = np.arange(b_n)[:, None]
    x_j = positions[bidx, target]
    s_i, s_j = setup.salience, setup.salience[bidx, target]
    init_side, rcvr_side = interpolate(p.InterVecBrgn, positions, s_i, p_ij, x_j, s_j)

    if p.BargnModel == "InitOnlyInterp":
        bargains = Bargains(actors, target, init_side, rcvr_side, has)
    else:
        # the target's own estimate of the initiator's chance (KTAB probEduChlg(j, i, i, j))
        p_r, _ = _estimates(state, setup, target, actors, max_elements)
        p_ji = np.take_along_axis(p_r, target[..., None], -1)[..., 0]
        j_init, j_rcvr = interpolate(p.InterVecBrgn, positions, s_i, p_ji, x_j, s_j)
        if p.BargnModel == "InitRcvrInterp":
            inter = np.stack([init_side, j_init], axis=2).reshape(b_n, 2 * a_n, -1)
            recv = np.stack([rcvr_side, j_rcvr], axis=2).reshape(b_n, 2 * a_n, -1)
            bargains = Bargains(
                np.repeat(actors, 2, axis=1),
                np.repeat(target, 2, axis=1),
                inter,
                recv,
                np.repeat(has, 2, axis=1),
            )
        else:  # PWCompInterp: capability x salience weighted compromise of the two views
            w = setup.capability * setup.total_salience
            w_i, w_j = w[..., None], w[bidx, target][..., None]
            bargains = Bargains(
                actors,
                target,
                (w_i * init_side + w_j * j_init) / (w_i + w_j),
                (w_i * rcvr_side + w_j * j_rcvr) / (w_i + w_j),
                has,
            )
    values = bargain_values(state.own_util, ideals, setup.salience, state.risk, bargains)
    res = resolve_queues(
        values,
        setup.capability,
        positions,
        bargains,
        p.VotingRule,
        p.VictoryProbModel,
        p.PCEModel,
        uniforms,
    )
    new_positions = res.positions
    acc = setup.accommodation
    lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
    # plain sums, not BLAS, so the result cannot depend on the number of threads
    pulled = (acc[None, :, :, None] * new_positions[:, None, :, :]).sum(axis=2)
    new_ideals = pulled + lag[None, :, None] * ideals
    turn = Turn(np.where(has, target, -1), np.where(has, best_gain, np.nan), p_ij, bargains, res)
    return new_positions, new_ideals, turn
