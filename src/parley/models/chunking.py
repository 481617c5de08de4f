"""How many batch members one model run should take: chunks sized from the model's declared cost.

A batched run holds every member's working arrays at once. Past a few tens of MB those arrays
leave the CPU caches and each element costs more, and past the machine's memory the run fails. So callers that solve many candidates (levers, fronts, ensemble members)
cut them into chunks of `chunk_for(model, arrays)` members: as many as keep one run's declared
working set (`parley.models.cost`: eum's pair matrices, smp's challenge tensor, exchange's
candidate exchanges) within `CHUNK_BYTES`. A model that declares no cost grows like its input
(compromise, mean, median), so only the members' own arrays count.

>>> from parley.models.cost import Cost
>>> class Pairwise:  # a model whose one member needs 100 bytes per actor pair per issue
...     memory_cost = Cost("pairs", lambda m, b, a, i: 100.0 * b * a * a * i)
>>> chunk_for(Pairwise(), (1, 50, 5), budget=2**20)  # 1 MiB at 1.25 MB a member: one at a time
1
>>> chunk_for(Pairwise(), (1, 10, 1), budget=2**20)  # 10 kB a member
104
"""

from __future__ import annotations

from typing import Any

from parley.models.cost import check_memory, declared_cost, max_memory_bytes

CHUNK_BYTES = 64 * 2**20
"""Declared working set of one batched run: small enough to stay near the caches, large enough
that per-run overhead (a few ms of Python per round) is spread over many members."""

MAX_CHUNK = 1 << 16
"""Most members in one run, whatever the model: bounds the results held per run."""

OWN_BYTES = 64.0
"""Bytes per actor and issue of a member's own arrays and their copies (positions, saliences,
capabilities, weights, mask): the floor of every model's cost."""


def member_bytes(model: Any, actors: int, issues: int) -> float:
    """What one member of a batched forecast-only run of `model` needs: its declared cost for
    B = 1 (`Cost.forecast_bytes`), or its own arrays for a model that declares none."""
    cost = declared_cost(type(model))
    own = OWN_BYTES * actors * issues
    return own if cost is None else max(own, cost.forecast_bytes(model, 1, actors, issues))


def chunk_for(model: Any, arrays: Any, budget: int = CHUNK_BYTES) -> int:
    """Members per run of `model` on arrays shaped like `arrays` (a CaseArrays or its shape
    (B, A, I)): as many as fit `budget` declared bytes, at least 1, at most MAX_CHUNK."""
    _, actors, issues = arrays if isinstance(arrays, tuple) else arrays.shape
    fits = int(budget // member_bytes(model, actors, issues))
    return max(1, min(fits, MAX_CHUNK))


def fit_chunk(name: str, model: Any, arrays: Any, wanted: int | None = None) -> int:
    """Members per run of model `name` on arrays shaped like `arrays`, within the memory limit
    (`parley.models.cost.max_memory_bytes`, `--max-memory`): `wanted` (default `chunk_for`)
    halved until one run's declared cost fits the limit. A model that cannot fit even one member
    is refused as `check_memory` refuses it, before anything runs.

    >>> import os
    >>> from parley.models.cost import LIMIT_VARIABLE, Cost
    >>> class Linear:  # 1 MB a member
    ...     memory_cost = Cost("demo", lambda m, b, a, i: 1e6 * b)
    >>> os.environ[LIMIT_VARIABLE] = "10MB"
    >>> fit_chunk("demo", Linear(), (1, 5, 1), 256)  # 256 -> 128 -> ... -> 8 members (8 MB)
    8
    >>> del os.environ[LIMIT_VARIABLE]
    """
    _, actors, issues = arrays if isinstance(arrays, tuple) else arrays.shape
    check_memory(name, model, (1, actors, issues))
    size = max(1, wanted if wanted is not None else chunk_for(model, (1, actors, issues)))
    cost = declared_cost(type(model))
    if cost is None:
        return size
    limit = max_memory_bytes()
    while size > 1 and cost.forecast_bytes(model, size, actors, issues) > limit:
        size //= 2
    return size
