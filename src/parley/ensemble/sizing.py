"""How many members run at once: chunks sized from the models' measured memory per member.

The memory one more member costs is measured, not guessed: every model of the plan runs on two
small batches under `tracemalloc` (NumPy reports its buffers to it), and the growth of the peak
per member is the cost. A chunk is as many members as fit the budget (default 32 MiB per worker),
so 10^6 members hold one chunk per worker plus the results (issues x 8 bytes per member and
model), never the whole ensemble's intermediate arrays. Chunk boundaries depend only on the plan
and the budget, never on the executor or the number of workers.

>>> chunk_bounds(10, 4)
[(0, 4), (4, 8), (8, 10)]
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from parley.ensemble.plan import EnsemblePlan

BUDGET = 32 * 2**20
MIN_CHUNK = 256
MAX_CHUNK = 1 << 17
_SMALL, _LARGE = 4, 36
MEASURED = _LARGE  # the largest batch `member_cost` runs: every model must fit it


@dataclass(frozen=True)
class Cost:
    """What one member costs: peak host bytes (of the costliest model) and seconds (all models)."""

    bytes: int
    seconds: float


def member_cost(plan: EnsemblePlan) -> Cost:
    """Measured on the plan's likeliest world, on batches of 4 and 36 members: the growth of the
    peak traced memory per member (at least the member's own arrays) and the time per member of
    the 36-member batch."""
    world = max(plan.worlds, key=lambda w: w.probability)
    n_a, n_i = world.arrays.shape[1:]
    floor = 8 * 8 * n_a * n_i  # the member's arrays and their copies, as a lower bound
    base = np.array([[i.value for i in world.inputs]])
    small, large = (world.batch(np.repeat(base, n, 0)) for n in (_SMALL, _LARGE))
    peaks, seconds = [], 0.0
    for _, model in world.models:
        grown = _peak(model, large) - _peak(model, small)
        peaks.append(grown / (_LARGE - _SMALL))
        began = time.perf_counter()
        model.run(large, detail="forecast")
        seconds += (time.perf_counter() - began) / _LARGE
    return Cost(int(max([floor, *peaks])), seconds)


def _peak(model, arrays) -> int:
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        model.run(arrays, detail="forecast")
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()


def chunk_size(plan: EnsemblePlan, cost: Cost, budget: int = BUDGET) -> int:
    """Members per chunk: what fits `budget` bytes, between MIN_CHUNK and MAX_CHUNK, and no more
    than a 32nd of the ensemble when that is larger than MIN_CHUNK (so that workers share it)."""
    fits = budget // max(1, cost.bytes)
    share = max(MIN_CHUNK, -(-plan.members // 32))
    return int(max(1, min(fits, share, MAX_CHUNK)))


def chunk_bounds(members: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of `size` members."""
    return [(s, min(s + size, members)) for s in range(0, members, size)]
