"""One SMP state: its assessment (risk attitudes, utilities) and the turn that leads to the next.

KTAB `SMPState::setAllAUtil` (assessment) and `SMPState::doBCN` (proposals, queues, new positions,
ideal update); SPEC steps 3-7. Arrays are on the 0-1 scale with the batch axis first.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from parley.models.smp.backend import (
    contiguous,
    device,
    into,
    namespace,
    scratch,
    take_last,
    take_rows,
)
from parley.models.smp.bargain import interpolate
from parley.models.smp.challenge import challenges
from parley.models.smp.queues import Bargains, Resolution, bargain_values, resolve_queues
from parley.models.smp.twins import first_twin, fixed_twins
from parley.models.smp.utility import distances, perceived_risk, risk_from_probability, utility
from parley.models.smp.voting import coalitions, pce

MIN_SIG_GAIN = 1e-5  # KTAB bestChallenge: minSigEDU, a challenge must promise more than this


def threads(requested: int) -> int:
    """Worker threads for the challenge tensor: `requested`, or for 0 one per core up to 8."""
    return requested if requested > 0 else min(8, os.cpu_count() or 1)


@dataclass(frozen=True)
class Setup:
    """What stays fixed over a run: saliences, capabilities, options, accommodation."""

    salience: Any  # (B, A, D) 0-1, each actor's total at most 1
    capability: Any  # (B, A)
    accommodation: Any  # (A, A) ideal adjustment matrix (identity by default)
    params: Any  # the SMP model instance (KTAB option names as attributes)

    @cached_property
    def total_salience(self) -> Any:
        return namespace(self.salience).sum(self.salience, axis=-1)

    @cached_property
    def twins(self) -> Any:
        """(B, A, A) actors alike in saliences and capability (see twins.py)."""
        return fixed_twins(self.salience, self.capability)

    def take(self, idx: Any) -> Setup:
        """The setup of some batch members (integer indices, e.g. those still running)."""
        xp = namespace(self.salience, idx)
        sub = Setup(
            xp.take(self.salience, idx, axis=0),
            xp.take(self.capability, idx, axis=0),
            self.accommodation,
            self.params,
        )
        for name in ("total_salience", "twins"):  # computed once per run, then taken along
            if name in self.__dict__:
                sub.__dict__[name] = xp.take(self.__dict__[name], idx, axis=0)
        return sub


@dataclass(frozen=True)
class Assessment:
    dist: Any  # (B, A, A) d(ideal_i, position_j; s_i)
    risk: Any  # (B, A) R_i
    perceived: Any  # (B, A, A) r[h, i]
    own_util: Any  # (B, A, A) U^i(i, j) = u(d_ij, R_i)

    def take(self, idx: Any) -> Assessment:
        """The assessment of some batch members (integer indices)."""
        xp = namespace(self.dist, idx)
        return Assessment(
            *(
                xp.take(a, idx, axis=0)
                for a in (self.dist, self.risk, self.perceived, self.own_util)
            )
        )


@dataclass(frozen=True)
class Turn:
    """What happened in one turn, for the events table."""

    target: Any  # (B, A) each initiator's target (-1: no proposal)
    gain: Any  # (B, A) expected gain of the best challenge
    p_win: Any  # (B, A) initiator's estimate of winning against its target
    bargains: Bargains
    resolution: Resolution


def assess(positions: Any, ideals: Any, setup: Setup) -> Assessment:
    """Risk attitudes from a risk-neutral PCE over current positions, then all utilities."""
    p = setup.params
    dist = distances(ideals, positions, setup.salience)
    coal = coalitions(p.VotingRule, setup.capability, utility(dist, 0.0))
    win = pce(p.PCEModel, p.VictoryProbModel, coal)
    risk = risk_from_probability(win, p.BigRRange)
    perceived = perceived_risk(risk, p.BigRAdjust)
    return Assessment(dist, risk, perceived, utility(dist, risk[:, :, None]))


def _estimates(
    state: Assessment, setup: Setup, estimator: Any, init: Any, max_elements: int
) -> tuple[Any, Any]:
    """P and gain (B, T, A) of init[t] challenging every j, as estimator[t] sees it.

    U^h(n, q) = (1 - d_nq)(1 + d_nq r[h, n]) = a_nq + b_nq r[h, n]; the tensor is built transposed
    ([t, q, n]) in tiles of members and rows small enough to stay in cache.
    """
    xp = namespace(state.dist, init)
    b_n, t_n = init.shape
    a_n = state.dist.shape[-1]
    d = state.dist
    a_t = contiguous(xp.matrix_transpose(1.0 - d))[:, None, ...]
    b_t = contiguous(xp.matrix_transpose((1.0 - d) * xp.minimum(d, 1.0)))[:, None, ...]
    # tiles of members x rows small enough to stay in cache: a tile's buffers are reused by the
    # next tile, and every element-wise pass runs over cache-resident memory
    per_member = a_n * a_n
    b_step = max(1, min(b_n, max_elements // max(1, per_member)))
    step = max(1, max_elements // max(1, b_step * per_member))
    total_salience = setup.total_salience
    rule, commit = setup.params.VotingRule, setup.params.ThirdPartyCommit

    def work(tile: tuple[int, int], bufs: list[Any]) -> tuple[Any, Any]:
        # each tile computes its own members and rows: the result cannot depend on the number
        # of threads
        b0, t0 = tile
        mem, rows = slice(b0, min(b_n, b0 + b_step)), slice(t0, min(t_n, t0 + step))
        ut_buf, a_buf, b_buf = (
            None if buf is None else buf[: mem.stop - b0, : rows.stop - t0] for buf in bufs
        )
        r = take_rows(state.perceived[mem, ...], estimator[mem, rows])  # (B, T, N): r[h, n]
        ut = into(ut_buf, "multiply", b_t[mem, ...], r[:, :, None, :])
        ut += a_t[mem, ...]
        return challenges(
            ut,
            init[mem, rows],
            total_salience[mem, ...],
            setup.capability[mem, ...],
            rule,
            commit,
            (a_buf, b_buf),
        )

    def run(group: list[tuple[int, int]]) -> list[tuple[Any, Any]]:
        shape = (min(b_step, b_n), min(step, t_n), a_n, a_n)
        bufs = scratch(d, shape, 3)  # reused by the group's tiles
        return [work(tile, bufs) for tile in group]

    tiles = [(b0, t0) for b0 in range(0, b_n, b_step) for t0 in range(0, t_n, step)]
    workers = min(threads(setup.params.threads), len(tiles))
    groups = [
        tiles[k * len(tiles) // workers : (k + 1) * len(tiles) // workers] for k in range(workers)
    ]
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            parts = [part for done in pool.map(run, groups) for part in done]
    else:
        parts = run(tiles)
    if len(parts) == 1:
        return parts[0]
    per_chunk = -(-t_n // step)  # tiles per member chunk, in row order
    chunks = [parts[k : k + per_chunk] for k in range(0, len(parts), per_chunk)]
    p_win = xp.concat([xp.concat([p for p, _ in c], axis=1) for c in chunks], axis=0)
    gain = xp.concat([xp.concat([g for _, g in c], axis=1) for c in chunks], axis=0)
    return p_win, gain


def step(
    positions: Any,
    ideals: Any,
    state: Assessment,
    setup: Setup,
    uniforms: Any | None,
    max_elements: int = 1 << 16,
) -> tuple[Any, Any, Turn]:
    """One turn: proposals, queue resolution, ideal update -> (new positions, new ideals, Turn).

    `uniforms` (B, A): the Stochastic transitions' draws (made on the host), None otherwise.
    """
    xp = namespace(positions, ideals)
    p = setup.params
    b_n, a_n, _ = positions.shape
    actors = xp.broadcast_to(xp.arange(a_n, device=device(positions))[None, :], (b_n, a_n))
    p_win, gain = _estimates(state, setup, actors, actors, max_elements)
    # twins are interchangeable targets: each gets its first twin's estimate, so that their tie
    # is exact and the first wins (see twins.py); no one challenges itself or its own twin
    twin = first_twin(positions, ideals, setup.salience, setup.capability, setup.twins)
    twin = twin[:, None, :]
    p_win, gain = take_last(p_win, twin), take_last(gain, twin)
    gain = xp.where(twin == xp.matrix_transpose(twin), -math.inf, gain)
    candidate = gain > MIN_SIG_GAIN
    has = xp.any(candidate, axis=-1)
    # the first best on exact ties (KTAB bestChallenge: strict >, in actor order)
    target = xp.argmax(xp.where(candidate, gain, -math.inf), axis=-1)
    best_gain = take_last(gain, target[..., None])[..., 0]
    p_ij = take_last(p_win, target[..., None])[..., 0]
    x_j = take_rows(positions, target)
    s_i, s_j = setup.salience, take_rows(setup.salience, target)
    init_side, rcvr_side = interpolate(p.InterVecBrgn, positions, s_i, p_ij, x_j, s_j)

    if p.BargnModel == "InitOnlyInterp":
        bargains = Bargains(actors, target, init_side, rcvr_side, has)
    else:
        # the target's own estimate of the initiator's chance (KTAB probEduChlg(j, i, i, j))
        p_r, _ = _estimates(state, setup, target, actors, max_elements)
        p_ji = take_last(p_r, target[..., None])[..., 0]
        j_init, j_rcvr = interpolate(p.InterVecBrgn, positions, s_i, p_ji, x_j, s_j)
        if p.BargnModel == "InitRcvrInterp":
            inter = xp.reshape(xp.stack([init_side, j_init], axis=2), (b_n, 2 * a_n, -1))
            recv = xp.reshape(xp.stack([rcvr_side, j_rcvr], axis=2), (b_n, 2 * a_n, -1))
            bargains = Bargains(
                xp.repeat(actors, 2, axis=1),
                xp.repeat(target, 2, axis=1),
                inter,
                recv,
                xp.repeat(has, 2, axis=1),
            )
        else:  # PWCompInterp: capability x salience weighted compromise of the two views
            w = setup.capability * setup.total_salience
            w_i, w_j = w[..., None], take_last(w, target)[..., None]
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
    lag = 1.0 - xp.minimum(xp.sum(acc, axis=1), 1.0)
    # plain sums, not BLAS, so the result cannot depend on the number of threads
    pulled = xp.sum(acc[None, :, :, None] * new_positions[:, None, :, :], axis=2)
    new_ideals = pulled + lag[None, :, None] * ideals
    turn = Turn(xp.where(has, target, -1), xp.where(has, best_gain, math.nan), p_ij, bargains, res)
    return new_positions, new_ideals, turn
