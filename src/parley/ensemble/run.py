"""Running a plan: check the models once, size the chunks, hand them to an executor and gather
every member's results into arrays (in member order, whatever order the chunks finish in).

Models not asked for by name that cannot handle the case (they raise a ParleyError on the case
itself or on some members) are left out with a warning, as `parley forecast` does; a model asked
for by name fails the run with its error.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from parley.ensemble.chunk import Chunk
from parley.ensemble.executors import DaskExecutor, LocalExecutor
from parley.ensemble.plan import EnsemblePlan
from parley.ensemble.sizing import BUDGET, MEASURED, chunk_bounds, chunk_size, member_cost
from parley.errors import ParleyError, ParleyWarning, setting
from parley.models.chunking import fit_chunk
from parley.models.cost import check_memory, max_memory_bytes
from parley.sizes import describe_size

INLINE_SECONDS = 2.0  # below this much estimated work the local executor runs in-process


@dataclass
class Draws:
    """Every member's results: its world (index into `plan.worlds`), per model the forecast
    (N, I), status index into STATUSES (N,) and rounds (N,); the chunk size and the executor
    used; the models left out with why."""

    plan: EnsemblePlan
    world: np.ndarray
    forecasts: dict[str, np.ndarray]
    status: dict[str, np.ndarray]
    rounds: dict[str, np.ndarray]
    chunk: int
    executor: str = "local"
    left_out: dict[str, str] = field(default_factory=dict)


def check_results_fit(plan: EnsemblePlan, extra_per_member: int = 0) -> None:
    """The members' results are held in memory (forecasts, status, rounds, and `extra_per_member`
    bytes more: the model-error term's members): refuse, before any work, an ensemble whose results
    would take more than the memory limit (`max_memory`: `--max-memory`, `PARLEY_MAX_MEMORY`, or
    half of this machine's memory), the same limit every model run is held to."""
    per_member = len(plan.models) * (8 * len(plan.issue_ids) + 5) + 2 + extra_per_member
    need = plan.members * per_member
    limit = max_memory_bytes()
    if need > limit:
        raise ParleyError(
            f"{plan.members:,} members of {len(plan.models)} model{'s' * (len(plan.models) != 1)} need {describe_size(need)} "
            f"for their results, more than the limit of {describe_size(limit)}; run fewer members or "
            f"models, or raise the limit with {setting('max_memory', 'SIZE')}"
        ).suggesting("max_memory", "SIZE")


def checked_plan(plan: EnsemblePlan) -> tuple[EnsemblePlan, dict[str, str]]:
    """The plan without the models that fail on a world's own values (not asked for by name);
    a model asked for by name that fails raises its error."""
    left_out: dict[str, str] = {}
    for world in plan.worlds:
        if world.probability <= 0:
            continue
        for name, model in world.models:
            if name in left_out:
                continue
            try:
                # before it runs (not an OOM kill): the batch that sizing measures must fit
                check_memory(name, model, (MEASURED, *world.arrays.shape[1:]))
                model.run(world.arrays, detail="forecast")
            except ParleyError as exc:
                if name in plan.required:
                    raise
                left_out[name] = str(exc)
    return plan.without(list(left_out)), left_out


def fitting_chunk(plan: EnsemblePlan, size: int) -> int:
    """`size` members per chunk, or fewer where a model's declared memory cost of a chunk would
    exceed the limit (`parley.models.chunking.fit_chunk`): chunks as they will run, checked before."""
    for world in plan.worlds:
        for name, model in world.models:
            size = fit_chunk(name, model, world.arrays, size)
    return size


def run_plan(
    plan: EnsemblePlan,
    executor: LocalExecutor | DaskExecutor | None = None,
    keep_inputs: bool = False,
    on_chunk: Callable[[Chunk], None] | None = None,
    budget: int = BUDGET,
) -> Draws:
    """Run every member of `plan`; `on_chunk` sees each chunk in member order (for a progress bar
    or a draws file; chunks carry their input values when `keep_inputs`)."""
    plan, left_out = checked_plan(plan)
    if not plan.models:
        raise ParleyError("no model can run on this case: " + "; ".join(left_out.values()))
    check_results_fit(plan)
    cost = member_cost(plan)
    size = fitting_chunk(plan, chunk_size(plan, cost, budget))
    executor = executor or LocalExecutor()
    automatic = isinstance(executor, LocalExecutor) and executor.workers is None
    if automatic and cost.seconds * plan.members < INLINE_SECONDS:
        executor = LocalExecutor(workers=1)  # starting processes would cost more than it saves
    n, n_i = plan.members, len(plan.issue_ids)
    draws = Draws(
        plan=plan,
        world=np.zeros(n, dtype=np.int16),
        forecasts={m: np.empty((n, n_i)) for m in plan.models},
        status={m: np.zeros(n, dtype=np.uint8) for m in plan.models},
        rounds={m: np.zeros(n, dtype=np.int32) for m in plan.models},
        chunk=size,
        executor=executor.describe(),
    )
    pending: dict[int, Chunk] = {}
    next_start = 0
    for chunk in executor.run(plan, chunk_bounds(n, size), keep_inputs):
        for name, message in chunk.failed.items():
            if name in plan.required:
                raise ParleyError(f"model {name!r}: {message}")
            left_out.setdefault(name, message)
        rows = slice(chunk.start, chunk.stop)
        draws.world[rows] = chunk.world
        for m in plan.models:
            draws.forecasts[m][rows] = chunk.forecasts[m]
            draws.status[m][rows] = chunk.status[m]
            draws.rounds[m][rows] = chunk.rounds[m]
        if on_chunk is not None:  # in member order: hold chunks that finish early
            pending[chunk.start] = chunk
            while next_start in pending:
                ready = pending.pop(next_start)
                on_chunk(ready)
                next_start = ready.stop
    for name in left_out:
        for table in (draws.forecasts, draws.status, draws.rounds):
            table.pop(name, None)
        warnings.warn(f"model {name!r} left out: {left_out[name]}", ParleyWarning, stacklevel=2)
    draws.left_out = left_out
    return draws
