"""Forecast-only smp runs through the compiled kernel: which runs it takes, what it is given,
and the `Outcome` it answers.

The kernel (`compiled_kernel.run_members`) runs one member's whole simulation in machine code;
`compiled.map_blocks` runs blocks of members on every core, so there is no per-member Python.
It takes a run when (`covers`):

- the run is `detail="forecast"` on NumPy float64 arrays, `compiled.enabled()`, and nobody
  listens to its turns (`models.progress.listening()`: the CLI's progress bar is told every
  turn by the array path's loop);
- `StateTransitions` is `Deterministic`, or `Stochastic` with at most `MAX_DRAWS` draws
  (`max_turns` x actors: the draws are made up front, turn by turn, as the array path draws
  them).

Every option of every other parameter is covered (each voting rule, victory probability
model, PCE model, BigR range and adjustment, third-party commitment, interpolation, bargain
model, any accommodation, any stop-rule threshold); smp has no named presets. Everything else, full detail
among it, runs the array-API path unchanged.

The inputs are prepared by `model._run` with the array path's own NumPy expressions (start
positions, saliences, capabilities, accommodation); what the kernel needs beyond them (total
saliences, squared saliences and their sums, voting weights, the ideals' lag) is computed here
the way `turn.py` and `utility.py` compute it, so both paths start from the same bits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models import compiled, status
from parley.models.outcome import Outcome, labels
from parley.models.progress import listening
from parley.models.smp.record import params_of
from parley.models.smp.verdict import message
from parley.models.status import statuses

MAX_DRAWS = 1 << 22
"""Most Stochastic draws (max_turns x actors, 32 MB) made up front for the compiled path."""

_NAMES = np.array([status.CONVERGED, status.ROUND_LIMIT, status.NO_ROUNDS], dtype=object)


def covers(model: Any, x: Any, detail: str) -> bool:
    """Whether the compiled kernel runs this run (x: the start positions on 0-1)."""
    if detail != "forecast" or not compiled.enabled() or listening():
        return False  # a listener (the CLI's bar) is told every turn: the array path's loop
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        return False
    return covers_params(model, x.shape[1])


def covers_params(model: Any, actors: int) -> bool:
    """Whether the kernel covers `model`'s parameters on `actors` actors."""
    draws = model.max_turns * actors
    return model.StateTransitions == "Deterministic" or draws <= MAX_DRAWS


MEMBER_BYTES = 80.0
"""Bytes per actor and issue of a member's own arrays on the way in: the case's positions,
saliences and capabilities, the start positions, the saliences and their squares (about ten
float64 arrays of (A, I) while `SMP._run` prepares them)."""

SCRATCH_BYTES = 128.0
"""Bytes per (actor + 1)^2 of one thread's scratch: 16 float64 matrices of about (A + 1, A + 1)
(distances, utilities, perceived risks, the estimator's utilities, gains, coalitions, ...)."""


def forecast_bytes(model: Any, members: int, actors: int, issues: int, threads: int) -> float:
    """Peak bytes of a compiled forecast-only batch: each member's own arrays and 6 float64 per
    actor (weights, capabilities, totals), one thread's scratch per thread, and the Stochastic
    draws made up front. Nothing grows like actors^3 or like the turns.

    >>> from parley.models.smp.model import SMP
    >>> forecast_bytes(SMP(), 1, 50, 5, 2)  # 80 x 250 + 48 x 50 + 128 x 51^2
    355328.0
    """
    draws = 8.0 * model.max_turns * actors if model.StateTransitions == "Stochastic" else 0.0
    own = members * (MEMBER_BYTES * actors * issues + 48.0 * actors)
    return own + min(members, max(1, threads)) * SCRATCH_BYTES * (actors + 1) ** 2 + draws


def run(model: Any, arrays: CaseArrays, x: np.ndarray, setup: Any) -> Outcome:
    """Every member of `arrays` (host arrays; x their start positions on 0-1, setup their
    `turn.Setup`) to the stop rule, in compiled code; the forecast-detail Outcome."""
    b_n, a_n, d_n = x.shape
    sal = np.ascontiguousarray(setup.salience, dtype=np.float64)
    cap = np.ascontiguousarray(setup.capability, dtype=np.float64)
    acc = np.ascontiguousarray(setup.accommodation, dtype=np.float64)
    tsal = np.ascontiguousarray(setup.total_salience)  # turn.Setup.total_salience
    s2 = sal**2  # utility.distances
    den = np.sum(s2, axis=-1)
    w = tsal * cap  # challenge.challenges: principals' and third parties' weights
    lag = 1.0 - np.minimum(np.sum(acc, axis=1), 1.0)  # turn.step's ideal update
    if model.StateTransitions == "Stochastic" and model.max_turns > 0:
        rng = np.random.default_rng(np.random.SeedSequence(model.seed))
        uniforms = rng.random((model.max_turns, a_n))  # row t: turn t's draws, as drawn one by one
    else:
        uniforms = np.full((1, a_n), np.nan)
    from parley.models.smp import compiled_kernel as kernel  # numba: loaded by runs that use it

    opts = np.array([kernel.CODES[k].index(getattr(model, k)) for k in kernel.OPTION_ORDER])
    reals = np.array([float(getattr(model, k)) for k in kernel.REAL_ORDER])
    x0 = np.ascontiguousarray(x, dtype=np.float64)
    forecast = np.zeros((b_n, d_n))
    rounds = np.zeros(b_n, dtype=np.int64)
    codes = np.zeros(b_n, dtype=np.int64)
    ratios = np.zeros(b_n)

    # members dealt round-robin to the blocks map_blocks makes (by thread count), so that each
    # block gets members from all over the batch: neighbours (a lever's steps, an ensemble's
    # chunk) often play alike long runs
    order = np.argsort(np.arange(b_n) % compiled.threads(), kind="stable")

    def block(start: int, stop: int) -> None:
        kernel.run_members(
            start, stop, order, x0, sal, s2, den, cap, tsal, w, acc, lag, uniforms, opts, reals,
            model.max_turns, model.min_turns, forecast, rounds, codes, ratios,
        )  # fmt: skip

    compiled.map_blocks(block, b_n, min_block=1)
    names = _NAMES[codes]
    return Outcome(
        forecast=arrays.to_units(forecast),
        status=statuses(names.tolist()),
        rounds=rounds,
        message=message(model, names, rounds),
        **labels(arrays),
        detail="forecast",
        params=params_of(model),
    )
