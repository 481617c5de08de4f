"""The `smp` model: KTAB's spatial model of politics with KTAB's parameter names and defaults.

Source: the KTAB toolkit's SMP (KAPSARC, C++, MIT licence, 2015-2019: `smp.cpp`, `smpbcn.cpp`,
`kmodel.cpp`), its SMP tutorial and Wise, Howe & Efird's papers; `docs/models/smp.md` lists every
step, parameter and departure. Positions are mapped to 0-1 by each issue's bounds (KTAB divides its
0-100 inputs by 100), so any scale works; results come back in issue units.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import numpy as np

from parley.case import Case
from parley.case.arrays import CaseArrays, case_arrays
from parley.errors import ModelError
from parley.models import compiled
from parley.models.baselines import weighted_mean
from parley.models.constraints import MAX_ROUNDS, Interval, check_fields
from parley.models.cost import Cost
from parley.models.outcome import Detail, Outcome, check_detail, labels
from parley.models.progress import round_reporter
from parley.models.registry import register
from parley.models.smp import compiled_run
from parley.models.smp.backend import device, namespace, to_numpy
from parley.models.smp.bargain import BargnModelName, InterVecBrgnName
from parley.models.smp.challenge import ThirdPartyCommitName
from parley.models.smp.lean import LeanRecorder
from parley.models.smp.record import Recorder, host_arrays, params_of
from parley.models.smp.turn import Setup, assess, step
from parley.models.smp.utility import BigRAdjustName, BigRRangeName
from parley.models.smp.voting import PCEModelName, VotingRuleName, VPModelName
from parley.suggest import did_you_mean

StateTransitionName = Literal["Deterministic", "Stochastic"]


@register("smp", rounds_param="max_turns")  # `--rounds N` sets max_turns
@dataclass(frozen=True)
class SMP:
    """KTAB's spatial model of politics (SMP): multi-dimensional bargaining by challenges.

    Each turn: risk attitudes are inferred from a PCE over the current positions; every actor
    estimates, with third parties joining, the gain of challenging each other actor and proposes a
    bargain (per-dimension interpolation, S2P2 by default) to the best target; every actor then
    resolves its queue of bargains by a capability-weighted PCE and takes its side of the chosen
    one; ideals follow positions through the accommodation matrix. The run stops after
    `max_turns`, or from `min_turns` on once a step moves less than `min_delta_ratio` of the
    first step (KTAB's smpStopFn). The forecast is the probability-weighted position of the last
    state's distinct positions.

    Parameters keep KTAB's names and option names (the XML `ModelParameters` element).
    `accommodation` lists [adjusting actor, reference actor, adjust] triples that overwrite
    entries of the identity matrix (KTAB's `IdealAdjustment`). `seed` drives Stochastic
    transitions: one NumPy generator from `SeedSequence(seed)`, one uniform draw per actor and
    turn, shared by a batch's members (each reads what it would alone: a batch equals its members
    run one by one), so a run is reproducible whatever the thread count (unlike
    KTAB, 0 is a seed like any other, not 'random'). `threads` (0: one per core, up to 8) only
    splits the array path's challenge tensor between threads; results never depend on it.

    Which code runs: a `detail="forecast"` run on NumPy arrays takes the compiled kernel
    (`compiled_run.py`: every member's whole run in machine code, members on every core, same
    results to round-off) when numba is installed and `compiled.enabled()`, unless someone
    listens to its turns or a Stochastic run needs more draws than it makes up front; full
    detail and every other run take the array-API kernels (`turn.py`), which stay the reference.
    """

    VictoryProbModel: VPModelName = "Linear"
    PCEModel: PCEModelName = "Conditional"
    StateTransitions: StateTransitionName = "Deterministic"
    VotingRule: VotingRuleName = "Proportional"
    BigRAdjust: BigRAdjustName = "OneThird"
    BigRRange: BigRRangeName = "Mid"
    ThirdPartyCommit: ThirdPartyCommitName = "SemiCommit"
    InterVecBrgn: InterVecBrgnName = "S2P2"
    BargnModel: BargnModelName = "InitOnlyInterp"
    accommodation: tuple[tuple[str, str, float], ...] = ()

    max_turns: int = 100
    min_turns: int = 2
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    position_tolerance: float = 1e-3
    seed: int = 0
    threads: int = 0

    #: ~9 bytes per (challenger, target, third party) triple and member: the challenge tensor.
    #: A forecast-only run on the compiled kernel holds each member's own arrays and one
    #: member's scratch per thread (compiled_run.forecast_bytes).
    memory_cost: ClassVar[Cost] = Cost(
        "the challenge tensor (actors^3)",
        lambda m, b, a, i: _array_bytes(m, b, a, i),
        forecast=lambda m, b, a, i: (
            compiled_run.forecast_bytes(m, b, a, i, compiled.threads())
            if compiled.enabled() and compiled_run.covers_params(m, a)
            else _array_bytes(m, b, a, i)
        ),
    )

    #: Declared ranges, checked once at the edge (parley.models.constraints).
    param_ranges: ClassVar[dict[str, Interval]] = {
        "max_turns": Interval(0, MAX_ROUNDS),
        "min_turns": Interval(1, MAX_ROUNDS),
        "min_delta_ratio": Interval(0, None),
        "min_sig_delta": Interval(0, None),
        "position_tolerance": Interval(0, None, "neither"),
        "seed": Interval(0, None),
        "threads": Interval(0, 1024),
    }

    def __post_init__(self) -> None:
        # direct construction: KTAB's option names, the declared types and ranges above
        check_fields(self, "smp")
        object.__setattr__(self, "accommodation", _triples(self.accommodation))

    def check_inputs(self, case: Case) -> None:
        """The accommodation triples against the case's actors (and those its scenarios add),
        checked when a case carrying them is read (parley.io.case_files), as a run would."""
        added = {a.id for s in case.scenarios for a in s.add_actors}
        base = {a.id for a in case.actors}
        if all({a, r} <= base for a, r, _ in self.accommodation):
            _accommodation(self, case_arrays(case))
            return
        ids = base | added
        for name in (n for a, r, _ in self.accommodation for n in (a, r)):
            if name not in ids:
                raise ModelError(
                    f"smp.accommodation: unknown actor {name!r}{did_you_mean(name, ids)}"
                )

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        """Run on the array library of `arrays.positions` (NumPy, CuPy, torch, ...); the stop
        rule's bookkeeping, the random draws and the records are on the host (NumPy).

        Actors holding no position on any issue take no part: in the run they would be a
        position at the holders' weighted mean that nobody stated (see docs/models/smp.md).

        >>> from parley.models.examples import three_actor_arrays
        >>> out = SMP().run(three_actor_arrays())
        >>> out.status.tolist(), out.rounds.tolist()
        (['converged'], [7])
        """
        check_detail(detail)
        held = to_numpy(arrays.mask).any(axis=1)
        if held.all() or not held.any():
            return self._run(arrays, detail)
        _accommodation(self, arrays)  # unknown names and bad values are still errors
        keep = np.flatnonzero(held)
        ids = {arrays.actor_ids[k] for k in keep}
        model = replace(
            self, accommodation=tuple(t for t in self.accommodation if {t[0], t[1]} <= ids)
        )
        xp = namespace(arrays.positions)
        idx = xp.asarray(keep, device=device(arrays.positions))
        sub = replace(
            arrays,
            positions=xp.take(arrays.positions, idx, axis=1),
            salience=xp.take(arrays.salience, idx, axis=1),
            capability=xp.take(arrays.capability, idx, axis=1),
            mask=to_numpy(arrays.mask)[keep],
            actor_ids=tuple(arrays.actor_ids[k] for k in keep),
        )
        out = model._run(sub, detail)
        if out.history is None:
            return replace(out, params=params_of(self), **labels(arrays))
        history = np.repeat(to_numpy(arrays.positions)[:, None], out.history.shape[1], axis=1)
        history[:, :, keep] = out.history
        return replace(out, history=history, params=params_of(self), **labels(arrays))

    def _run(self, arrays: CaseArrays, detail: Detail) -> Outcome:
        """The run loop: members stop independently and leave the running set; `detail` picks
        the recorder (every state and turn, or only each member's last state)."""
        xp = namespace(arrays.positions)
        dev = device(arrays.positions)
        b_n, a_n, _ = arrays.shape
        # mask and bounds may come as NumPy; the array API forbids bool x float, so 0/1 floats
        mask = xp.astype(xp.asarray(arrays.mask, device=dev), arrays.positions.dtype)
        bounds = xp.asarray(arrays.bounds, device=dev)
        setup = Setup(
            _salience(arrays, mask),
            _capability(arrays, mask),
            xp.asarray(_accommodation(self, arrays), device=dev),
            params=self,
        )
        rng = np.random.default_rng(np.random.SeedSequence(self.seed))
        stochastic = self.StateTransitions == "Stochastic"
        x = _start(replace(arrays, mask=mask, bounds=bounds))
        host = host_arrays(arrays)
        if compiled_run.covers(self, x, detail):  # forecast-only on NumPy: machine code
            return compiled_run.run(self, host, x, setup)
        y = x
        rec = Recorder(host, self) if detail == "full" else LeanRecorder(host, self)
        idx = np.arange(b_n)  # the members still running
        sub = setup
        cur = assess(x, y, sub)
        rec.state(idx, x, cur, sub)
        turn = 0
        first_move = np.zeros(b_n)
        if self.max_turns == 0:  # no bargaining: the forecast is the input state's distribution
            rec.stop(idx, idx, 0, np.zeros(b_n))
            idx = idx[:0]
        tick = round_reporter("smp")
        while idx.size:
            tick(turn + 1, self.max_turns)  # turns: at most max_turns, often far fewer
            # one draw per actor and turn, shared by the running members: each reads what it
            # would read alone, so a batch equals its members run one by one
            draws = rng.random((1, a_n)) if stochastic else None
            uniforms = (
                None
                if draws is None
                else xp.asarray(np.repeat(draws, idx.size, axis=0), device=dev)
            )
            xn, yn, record = step(x, y, cur, sub, uniforms)
            turn += 1
            # sum_i ||x_i(t) - x_i(t-1)|| (KTAB stateDist)
            moved = to_numpy(xp.sum(xp.sqrt(xp.sum((xn - x) ** 2, axis=-1)), axis=-1))
            x, y = xn, yn
            cur = assess(x, y, sub)
            rec.turn(turn, idx, record)
            rec.state(idx, x, cur, sub)
            if turn == 1:  # every member is still running after the first turn
                first_move = moved.copy()
            first = first_move[idx] + self.min_sig_delta
            ratio = np.divide(moved, first, out=np.zeros_like(moved), where=first > 0)
            done = (turn >= self.max_turns) | (
                (turn >= self.min_turns) & (ratio < self.min_delta_ratio)
            )
            if done.any():
                rec.stop(idx[done], np.flatnonzero(done), turn, ratio[done])
            if done.any() and not done.all():
                kept = xp.asarray(np.nonzero(~done)[0], device=dev)
                x, y = xp.take(x, kept, axis=0), xp.take(y, kept, axis=0)
                cur = cur.take(kept)
                sub = setup.take(xp.asarray(idx[~done], device=dev))
            idx = idx[~done]
        return rec.outcome()


def _triples(raw: Any) -> tuple[tuple[str, str, float], ...]:
    """Accommodation triples from a list, a tuple, or a JSON string (command line)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except json.JSONDecodeError:
            raise ValueError(
                'accommodation: expected JSON like [["A", "B", 0.5]], got ' + repr(raw)
            ) from None
    out = []
    for item in raw or ():
        try:
            a, r, v = item
            out.append((str(a), str(r), float(v)))
        except (TypeError, ValueError):
            raise ValueError(
                f"accommodation: expected [adjusting_actor, reference_actor, adjust], got {item!r}"
            ) from None
    return tuple(out)


def _accommodation(model: SMP, arrays: CaseArrays) -> np.ndarray:
    """KTAB's accommodation matrix: identity, with the given entries overwritten."""
    ids = {a: k for k, a in enumerate(arrays.actor_ids)}
    acc = np.eye(len(ids))
    for a, r, v in model.accommodation:
        for name in (a, r):
            if name not in ids:
                raise ModelError(
                    f"smp.accommodation: unknown actor {name!r}{did_you_mean(name, ids)}"
                )
        if not 0.0 <= v <= 1.0:
            raise ModelError(
                f"smp.accommodation: adjust for {a!r}, {r!r} must be in [0, 1], got {v}"
            )
        acc[ids[a], ids[r]] = v
    over = acc.sum(axis=1) > 1.0 + 1e-10
    if over.any():
        names = ", ".join(arrays.actor_ids[k] for k in np.nonzero(over)[0])
        raise ModelError(f"smp.accommodation: adjustments of {names} sum to more than 1")
    return acc


def _start(arrays: CaseArrays) -> Any:
    """Positions on 0-1; where an actor holds no position (KTAB cannot express this) it starts at
    the weighted mean of the holders, so that its zero-salience coordinate pulls no one.

    `arrays` holds mask (0/1 floats) and bounds in the namespace of the positions."""
    xp = namespace(arrays.positions)
    x = arrays.normalised()
    lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
    centre = (weighted_mean(arrays) - lo) / (hi - lo)
    return xp.where(arrays.mask[None, ...] > 0, x, centre[:, None, :])


def _salience(arrays: CaseArrays, mask: Any) -> Any:
    """Saliences on 0-1; an actor whose saliences sum to more than 1 is scaled to sum to 1
    (KTAB requires sum <= 1: S_j is used as the probability that j resists). mask: 0/1 floats."""
    xp = namespace(arrays.salience)
    s = arrays.salience * mask
    total = xp.sum(s, axis=-1, keepdims=True)
    return xp.where(total > 1.0, s / xp.where(total > 0, total, 1.0), s)


def _capability(arrays: CaseArrays, mask: Any) -> Any:
    """One capability per actor: the mean over the issues it holds (KTAB has one per actor).
    mask: 0/1 floats."""
    xp = namespace(arrays.capability)
    held = mask[None, ...]
    count = xp.sum(held, axis=-1)
    mean_held = xp.sum(arrays.capability * held, axis=-1) / xp.where(count > 0, count, 1.0)
    return xp.where(count > 0, mean_held, xp.mean(arrays.capability, axis=-1))


def _array_bytes(m: SMP, b: int, a: int, i: int) -> float:
    """Peak bytes of a run on the array-API path: the challenge tensor and the history."""
    return 9.0 * b * a * a * a + 8.0 * b * (m.max_turns + 1) * a * i
