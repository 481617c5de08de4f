"""Model `eum`: Bueno de Mesquita's expected utility model (Scholz, Calbert & Smith 2011).

The model is one-dimensional, so a case runs issue by issue; issues and batch members together form
the kernel's batch axis N. Actors without a position on an issue take no part in it (issues are
grouped by which actors hold a position). The forecast of an issue is the median after the last
round; the plain and the capability x salience weighted mean of every round are reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from parley.case.arrays import CaseArrays
from parley.errors import ModelError
from parley.models import compiled, status
from parley.models.baselines import weighted_mean
from parley.models.cost import Cost
from parley.models.eum.cycles import PERIODS
from parley.models.eum.events import offer_events, quadrant_rows
from parley.models.eum.params import PRESETS, EumParams
from parley.models.eum.simulate import RoundDetail, Trace, simulate
from parley.models.outcome import Detail, Outcome, check_detail, labels
from parley.models.progress import listening
from parley.models.registry import register
from parley.models.status import statuses

#: Pair-matrix elements one simulation chunk may hold (N x n x n); bigger batches are split.
CHUNK_ELEMENTS = 1 << 22


@register("eum", presets=PRESETS, separable_issues=True)  # issue by issue: see run
@dataclass(frozen=True)
class Eum(EumParams):
    """The expected utility model (Bueno de Mesquita 1985, 1994, 1997; Scholz et al. 2011).

    Each round every actor estimates, for every other actor, the expected utility of challenging
    it and of being challenged (votes weighted by capability x salience decide who would win; risk
    attitudes come from how exposed each actor is), accepts at most one offer (conflict,
    compromise, capitulation) and moves; all move at once. Presets: `scholz_code` (reproduces
    Scholz et al. 2011, Table 2, and the public replication to 1e-9, comparing exactly as the code
    does) and `scholz_paper` (the printed equations). The defaults are `scholz_code` with two
    robustness tolerances (`coincident`, `median_tie`). See docs/models/eum.md.

    Two actors, `a` at 0 with three times `b`'s capability and `b` at 100: no offer is accepted,
    so the median stays at `a`'s position through the ten fixed rounds:

    >>> from parley.models.examples import two_actor_arrays
    >>> out = Eum().run(two_actor_arrays())
    >>> out.forecast.tolist(), out.status.tolist(), out.rounds.tolist()
    ([[0.0]], ['fixed_rounds'], [10])
    """

    #: ~190 bytes per actor pair per issue row held at once (rows are chunked to CHUNK_ELEMENTS
    #: pairs, but one issue's A x A matrices are always whole), plus, per actor of each row, the
    #: ring of its last rounds that finds cycles (positions and risk exponents, PERIODS + 2 rounds,
    #: twice while a round is pushed: 32 x (PERIODS + 2) bytes), plus the position history.
    #: A forecast-only run on the compiled kernel needs far less (`compiled_kernel.run_bytes`).
    memory_cost: ClassVar[Cost] = Cost(
        "the pair matrices",
        lambda m, b, a, i: _array_bytes(m, b, a, i),
        forecast=lambda m, b, a, i: _forecast_bytes(m, b, a, i),
    )

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        check_detail(detail)
        n_b, n_a, n_i = arrays.shape
        weights = arrays.weights
        empty = [
            arrays.issue_ids[i]
            for i in range(n_i)
            if not arrays.mask[:, i].any() or (weights[:, :, i].sum(axis=1) <= 0).any()
        ]
        if empty:
            raise ModelError(
                f"eum: no actor with capability x salience > 0 on issue(s) {', '.join(empty)}"
            )
        if detail == "forecast" and _compiled_applies(arrays):
            return self._forecast_compiled(arrays)
        # a forecast-detail run records no events or quadrants (they never change the numbers)
        model = self if detail == "full" else replace(self, events="none", quadrants=False)
        traces: dict[int, tuple[np.ndarray, Trace]] = {}
        for pattern in np.unique(arrays.mask.T, axis=0):
            issues = np.flatnonzero((pattern == arrays.mask.T).all(axis=1))
            actors = np.flatnonzero(pattern)
            trace = model._run_group(arrays, actors, issues)
            for k, issue in enumerate(issues):
                traces[int(issue)] = (actors, _slice(trace, k, len(issues)))
        if detail == "full":
            return self._outcome(arrays, traces)
        n_r = max(t.positions.shape[1] for _, t in traces.values())
        forecast = np.stack([_pad(traces[i][1].median, n_r)[:, -1] for i in range(n_i)], axis=1)
        return Outcome(
            forecast=forecast, **self._verdict(arrays, *_stops(traces)), params=self.as_dict()
        ).lean()

    def _forecast_compiled(self, arrays: CaseArrays) -> Outcome:
        """The forecast-only run in compiled code (`compiled_kernel`, every parameter value):
        each issue of each member is one problem; the numbers of the array-API path to
        round-off."""
        from parley.models.eum.compiled_kernel import simulate_forecast  # numba: where it is used

        n_b, _, n_i = arrays.shape
        forecast = np.empty((n_b, n_i))
        stopped = np.empty((n_b, n_i), dtype=np.int64)
        converged = np.empty((n_b, n_i), dtype=bool)
        for pattern in np.unique(arrays.mask.T, axis=0):
            issues = np.flatnonzero((pattern == arrays.mask.T).all(axis=1))
            actors = np.flatnonzero(pattern)
            x, c, s, bounds = _problems(arrays, actors, issues)
            med, rounds, conv = simulate_forecast(x, c, s, bounds, self)
            forecast[:, issues] = med.reshape(n_b, len(issues))
            stopped[:, issues] = rounds.reshape(n_b, len(issues))
            converged[:, issues] = conv.reshape(n_b, len(issues))
        return Outcome(
            forecast=forecast, **self._verdict(arrays, stopped, converged), params=self.as_dict()
        ).lean()

    def _verdict(
        self, arrays: CaseArrays, stopped: np.ndarray, converged: np.ndarray
    ) -> dict[str, Any]:
        """Status, rounds and message per batch member from the (B, I) rounds played and
        median-rule verdicts, and the labels (see `_status`)."""
        return {
            "status": _statuses(stopped, converged, self),
            "rounds": stopped.max(axis=1).astype(int),
            "message": _stop_reason(stopped, converged, self),
            **labels(arrays),
        }

    def _run_group(self, arrays: CaseArrays, actors: np.ndarray, issues: np.ndarray) -> Trace:
        """Simulate one group of issues sharing their actors; N = batch x issues, chunked."""
        n_b, n_i, n = arrays.shape[0], len(issues), len(actors)
        x, c, s, bounds = _problems(arrays, actors, issues)
        wanted = self.events != "none" or self.quadrants
        full = n <= self.detail_max_actors and (self.events == "offers" or self.quadrants)
        step = max(1, CHUNK_ELEMENTS // (n * n))
        parts = []
        for start in range(0, n_b * n_i, step):
            stop = min(n_b * n_i, start + step)
            rows = np.arange(start, min(stop, n_i)) - start if wanted else None  # batch member 0
            part = simulate(
                x[start:stop], c[start:stop], s[start:stop], bounds[start:stop], self, rows, full
            ).to_numpy()  # the host edge: the rest is bookkeeping in NumPy
            for det in part.details:
                det.rows = det.rows + start
            parts.append(part)
        return _concat(parts)

    def _outcome(self, arrays: CaseArrays, traces: dict[int, tuple[np.ndarray, Trace]]) -> Outcome:
        n_b, n_a, n_i = arrays.shape
        n_r = max(t.positions.shape[1] for _, t in traces.values()) - 1
        history = np.repeat(arrays.positions[:, None], n_r + 1, axis=1)
        median = np.zeros((n_b, n_r + 1, n_i))
        risk = np.full((n_b, n_r, n_a, n_i), np.nan)
        for i, (actors, t) in traces.items():
            pos, med = _pad(t.positions, n_r + 1), _pad(t.median, n_r + 1)
            history[:, :, actors, i] = pos
            median[:, :, i] = med
            risk[:, : t.r.shape[1], actors, i] = t.r
        flat = arrays.with_batch(
            positions=history.reshape(n_b * (n_r + 1), n_a, n_i),
            salience=np.repeat(arrays.salience, n_r + 1, axis=0),
            capability=np.repeat(arrays.capability, n_r + 1, axis=0),
        )
        wmean = weighted_mean(flat).reshape(n_b, n_r + 1, n_i)
        held = arrays.mask.astype(float)
        mean = (history * held).sum(axis=2) / held.sum(axis=0)
        events, quadrants = self._events(arrays, traces)
        extra: dict[str, Any] = {
            "summaries": {
                name: {iid: values[0, :, k].tolist() for k, iid in enumerate(arrays.issue_ids)}
                for name, values in (("median", median), ("mean", mean), ("weighted_mean", wmean))
            },
            "risk_exponents": {
                iid: [
                    {arrays.actor_ids[a]: _num(risk[0, t, a, k]) for a in traces[k][0]}
                    for t in range(traces[k][1].r.shape[1])
                ]
                for k, iid in enumerate(arrays.issue_ids)
            },
            "moves": {
                iid: traces[k][1].moves[0].tolist() for k, iid in enumerate(arrays.issue_ids)
            },
            "issue_stops": {
                iid: _issue_stop(traces[k][1], self) for k, iid in enumerate(arrays.issue_ids)
            },
        }
        if self.quadrants:
            extra["quadrants"] = quadrants
        return Outcome(
            forecast=median[:, -1, :],
            **self._verdict(arrays, *_stops(traces)),
            history=history,
            summaries={"median": median, "mean": mean, "weighted_mean": wmean},
            events=events,
            extra=extra,
            params=self.as_dict(),
        )

    def _events(
        self, arrays: CaseArrays, traces: dict[int, tuple[np.ndarray, Trace]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        events: list[dict[str, Any]] = []
        quadrants: list[dict[str, Any]] = []
        for k, (actors, trace) in sorted(traces.items()):
            names = [arrays.actor_ids[a] for a in actors]
            issue = arrays.issue_ids[k]
            for t, det in enumerate(trace.details, start=1):
                if self.events != "none":
                    events += offer_events(det, t, issue, names, self.events == "accepted")
                if self.quadrants:
                    quadrants += quadrant_rows(det, t, issue, names)
        return events, quadrants


def _num(value: float) -> float | None:
    """A JSON number; None for the rounds an issue did not play (NaN)."""
    value = float(value)
    return None if np.isnan(value) else value


def _slice(trace: Trace, k: int, n_issues: int) -> Trace:
    """Problems k, k + I_g, k + 2 I_g, ...: issue k of every batch member (details: issue k)."""
    rows = slice(k, None, n_issues)
    details = [d.take(k) for d in trace.details]
    return Trace(
        positions=trace.positions[rows],
        median=trace.median[rows],
        r=trace.r[rows],
        moves=trace.moves[rows],
        stopped_at=trace.stopped_at[rows],
        converged=trace.converged[rows],
        details=[d for d in details if d is not None],
    )


def _pad(values: np.ndarray, length: int) -> np.ndarray:
    """Carry the last round forward along axis 1 up to `length` rounds."""
    missing = length - values.shape[1]
    if missing <= 0:
        return values
    tail = np.repeat(values[:, -1:], missing, axis=1)
    return np.concatenate([values, tail], axis=1)


def _concat(parts: list[Trace]) -> Trace:
    """One trace from the chunks of a batch (rounds padded to the longest-running chunk)."""
    if len(parts) == 1:
        return parts[0]
    n_r = max(p.positions.shape[1] for p in parts)

    def padded(values: np.ndarray, fill: float) -> np.ndarray:
        out = np.full((values.shape[0], n_r - 1) + values.shape[2:], fill, dtype=values.dtype)
        out[:, : values.shape[1]] = values
        return out

    details = []
    for t in range(n_r - 1):
        kept = [p.details[t] for p in parts if t < len(p.details) and len(p.details[t].rows)]
        if kept:
            details.append(RoundDetail.concat(kept))
    return Trace(
        positions=np.concatenate([_pad(p.positions, n_r) for p in parts]),
        median=np.concatenate([_pad(p.median, n_r) for p in parts]),
        r=np.concatenate([padded(p.r, np.nan) for p in parts]),
        moves=np.concatenate([padded(p.moves, 0) for p in parts]),
        stopped_at=np.concatenate([p.stopped_at for p in parts]),
        converged=np.concatenate([p.converged for p in parts]),
        details=details,
    )


def _issue_stop(trace: Trace, params: EumParams) -> dict[str, Any]:
    rounds = int(trace.stopped_at[0])
    if trace.converged[0]:
        reason = f"median change < {params.tolerance:g} x range for {params.patience} rounds"
    elif rounds == 0 and params.rounds > 0:
        reason = "no range: every actor holds the same position"
    else:
        reason = "fixed rounds"
    return {"rounds": rounds, "reason": reason}


def _statuses(stopped: np.ndarray, converged: np.ndarray, params: EumParams) -> np.ndarray:
    """(B,) statuses from the (B, I) rounds played and median-rule verdicts, a member at a time
    in the same order of rules: no rounds asked; every issue without range (nothing to move); the
    median rule fired on every issue that moved; otherwise the cap (stop='median') or the fixed
    rounds (stop='rounds') ended it. Vectorised: no Python per member.

    >>> _statuses(np.array([[0, 0], [4, 0], [9, 3]]), np.array([[0, 0], [1, 0], [0, 1]], bool),
    ...           EumParams(stop="median")).tolist()
    ['no_moves', 'converged', 'round_limit']
    """
    n_b = stopped.shape[0]
    if params.rounds == 0:
        return statuses(status.NO_ROUNDS, n_b)
    idle = (stopped == 0).all(axis=1)
    if params.stop == "median":
        settled = (converged | (stopped == 0)).all(axis=1)
        ended = np.where(settled, status.CONVERGED, status.ROUND_LIMIT)
    else:
        ended = np.full(n_b, status.FIXED_ROUNDS)
    return statuses(np.where(idle, status.NO_MOVES, ended))


def _array_bytes(m: EumParams, b: int, a: int, i: int) -> float:
    """Peak bytes of a run on the array-API path (see `Eum.memory_cost`)."""
    pairs = max(a * a, min(b * i * a * a, CHUNK_ELEMENTS))
    return (190.0 + 32.0 * (PERIODS + 2) / a) * pairs + 8.0 * b * (m.rounds + 1) * a * i


def _forecast_bytes(m: EumParams, b: int, a: int, i: int) -> float:
    """Peak bytes of a forecast-only run: the compiled kernel's where it runs
    (`compiled_kernel.run_bytes`), else the array-API path's."""
    if not compiled.enabled():
        return _array_bytes(m, b, a, i)
    from parley.models.eum.compiled_kernel import run_bytes  # numba: where it is used

    return run_bytes(b, a, i, compiled.threads())


def _compiled_applies(arrays: CaseArrays) -> bool:
    """The compiled kernel runs a forecast-only run: numba there and on, NumPy arrays, and nobody
    listening for rounds (it reports none). It covers every parameter value."""
    return compiled.enabled() and isinstance(arrays.positions, np.ndarray) and not listening()


def _problems(
    arrays: CaseArrays, actors: np.ndarray, issues: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions, capabilities, saliences (B * I_g, n) and bounds (B * I_g, 2) of the problems of
    one group: issue k of member b is row b * I_g + k."""
    n_b = arrays.shape[0]

    def pick(values: np.ndarray) -> np.ndarray:  # (B, A, I) -> (B * I_g, n)
        sub = values[:, actors][:, :, issues]
        return np.transpose(sub, (0, 2, 1)).reshape(n_b * len(issues), len(actors))

    bounds = np.tile(arrays.bounds[issues], (n_b, 1))
    return pick(arrays.positions), pick(arrays.capability), pick(arrays.salience), bounds


def _stops(traces: dict[int, tuple[np.ndarray, Trace]]) -> tuple[np.ndarray, np.ndarray]:
    """(B, I) rounds played and median-rule verdicts of every issue's trace."""
    n_i = len(traces)
    stopped = np.stack([traces[i][1].stopped_at for i in range(n_i)], axis=1)
    converged = np.stack([traces[i][1].converged for i in range(n_i)], axis=1)
    return stopped, converged


def _stop_reason(rounds: np.ndarray, converged: np.ndarray, params: EumParams) -> str:
    """The run's message from the (B, I) rounds played and median-rule verdicts."""
    if params.stop == "median" and (converged | (rounds == 0)).all() and converged.any():
        return (
            f"converged: median change < {params.tolerance:g} x range for {params.patience} "
            f"rounds (by round {int(rounds.max())})"
        )
    if rounds.max() == 0 and params.rounds > 0:
        return "no rounds: every actor holds the same position"
    if params.stop == "median" and converged.any():
        return (
            f"fixed rounds ({params.rounds}); {int(converged.sum())} of {converged.size} "
            "issue runs converged earlier"
        )
    return f"fixed rounds ({params.rounds})"
