"""Running one range of ensemble members: draw, build the batch, run every model forecast-only.

`run_chunk(plan, start, stop)` is the unit of work of every executor (inline, local processes,
Dask workers): a pure function of the plan and the member range, so the members' results are the
same whichever executor ran them and however the range was cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from parley.ensemble.device import to_device, to_host
from parley.ensemble.draws import member_uniforms
from parley.ensemble.mix import pick_scenarios
from parley.ensemble.plan import EnsemblePlan
from parley.errors import ParleyError
from parley.models.status import STATUSES


@dataclass
class Chunk:
    """Members start..stop-1: their world (index into `plan.worlds`), and per model the forecast
    (n, I), status (n,) as an index into `STATUSES` and rounds (n,); the input values (n, K) over
    `plan.input_keys` (NaN where a member's world leaves an input fixed) when asked for; models
    that failed on this chunk with their error."""

    start: int
    stop: int
    world: np.ndarray
    forecasts: dict[str, np.ndarray]
    status: dict[str, np.ndarray]
    rounds: dict[str, np.ndarray]
    inputs: np.ndarray | None = None
    failed: dict[str, str] = field(default_factory=dict)


def run_chunk(plan: EnsemblePlan, start: int, stop: int, keep_inputs: bool = False) -> Chunk:
    """Members start..stop-1 of the plan, every model of the plan on each member's world.

    A model that raises a ParleyError on this chunk is reported in `Chunk.failed` (the caller
    decides whether that fails the run) and its rows are NaN."""
    n, n_i = stop - start, len(plan.issue_ids)
    u = member_uniforms(plan.seed, start, stop, plan.width)
    world = pick_scenarios(u[:, 0], plan.weights)
    chunk = Chunk(
        start=start,
        stop=stop,
        world=world.astype(np.int16),
        forecasts={m: np.full((n, n_i), np.nan) for m in plan.models},
        status={m: np.zeros(n, dtype=np.uint8) for m in plan.models},
        rounds={m: np.zeros(n, dtype=np.int32) for m in plan.models},
        inputs=np.full((n, len(plan.input_keys)), np.nan) if keep_inputs else None,
    )
    columns = {k: j for j, k in enumerate(plan.input_keys)}
    code = {s: k for k, s in enumerate(STATUSES)}
    for w, spec in enumerate(plan.worlds):
        rows = np.flatnonzero(world == w)
        if rows.size == 0:
            continue
        values = spec.values(u[rows, 1 : 1 + len(spec.inputs)])
        if chunk.inputs is not None and spec.inputs:
            chunk.inputs[np.ix_(rows, np.array([columns[i.key] for i in spec.inputs]))] = values
        arrays = to_device(spec.batch(values), plan.device)
        for name, model in spec.models:
            if name in chunk.failed:
                continue
            try:
                out = model.run(arrays, detail="forecast")
            except ParleyError as exc:
                chunk.failed[name] = str(exc)
                continue
            chunk.forecasts[name][rows] = to_host(out.forecast)
            found, inverse = np.unique(np.asarray(out.status), return_inverse=True)
            chunk.status[name][rows] = np.array([code[s] for s in found.tolist()])[inverse]
            chunk.rounds[name][rows] = to_host(out.rounds)
    return chunk
