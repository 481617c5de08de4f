"""What a run costs in memory, known before it starts: refuse up front what cannot fit.

Each model whose memory grows faster than its input declares a `memory_cost` (a `Cost`): the peak
bytes of one run as a function of batch members B, actors A and issues I, measured on this code
(docs/limits.md has the table and the timings). `check_memory` compares it with the limit,
`PARLEY_MAX_MEMORY` (e.g. `8GB`; the command line's `--max-memory` sets it) or half of the
machine's memory, and refuses in one line that names the need and the limit, instead of dying with
a MemoryError traceback or an OOM kill minutes later. `parley.models.chunking.fit_chunk` fits a batch
of members (an ensemble's chunk, lever candidates, a sensitivity design) to it before it runs.

>>> eum_like = Cost("the pair matrices", lambda model, b, a, i: 200.0 * b * i * a * a)
>>> eum_like.describe(None, 1, 10_000, 1)
'10,000 actors x 1 issue need ~20 GB for the pair matrices'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parley.errors import ModelError, setting
from parley.sizes import EXAMPLE as SIZE_EXAMPLE
from parley.sizes import describe_size, parse_size

LIMIT_VARIABLE = "PARLEY_MAX_MEMORY"


@dataclass(frozen=True)
class Cost:
    """Peak memory of one run: `bytes(model, B, A, I)` (the model for its rounds and options),
    spent mostly on `what`."""

    what: str
    bytes: Callable[[Any, int, int, int], float]
    forecast: Callable[[Any, int, int, int], float] | None = None
    """Peak bytes of a forecast-only run, where the model's route for it needs less (a compiled
    kernel that solves each member alone in a per-thread scratch); None: the same as `bytes`."""

    def forecast_bytes(self, model: Any, b: int, a: int, i: int) -> float:
        """What a forecast-only run (`detail="forecast"`: ensembles, levers, fronts) needs.

        >>> Cost("demo", lambda m, b, a, i: 100.0 * b, lambda m, b, a, i: 10.0 * b).forecast_bytes(
        ...     None, 3, 1, 1
        ... )
        30.0
        """
        return (self.forecast or self.bytes)(model, b, a, i)

    def describe(self, model: Any, b: int, a: int, i: int) -> str:
        members = f" x {b:,} members" if b > 1 else ""
        issues = f"{i:,} issue" + ("s" if i != 1 else "")
        need = describe_size(self.bytes(model, b, a, i))
        return f"{a:,} actors x {issues}{members} need ~{need} for {self.what}"


def parse_memory_limit(text: str) -> int:
    """The limit a user gives (`2GB`, `500MB`, bytes) in bytes; a ModelError about `max_memory`
    (the CLI names its `--max-memory`) for anything else.

    >>> parse_memory_limit("2GB")
    2000000000
    >>> parse_memory_limit("lots")
    Traceback (most recent call last):
    ...
    parley.errors.ModelError: max_memory must be a size such as 2GB, 500MB or 5000000 (bytes), got 'lots'
    """
    size = parse_size(text)
    if size is None:
        raise ModelError.about("max_memory", f"must be {SIZE_EXAMPLE}, got {text!r}")
    return size


def max_memory_bytes() -> int:
    """The memory one run may use: `PARLEY_MAX_MEMORY` (`8GB`, `500MB`, bytes; the command line's
    `--max-memory` sets it) or half of the machine's physical memory."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if raw:
        size = parse_size(raw)
        if size is None:
            raise ModelError(f"{LIMIT_VARIABLE}: expected {SIZE_EXAMPLE}, got {raw!r}")
        return size
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):  # not POSIX: assume 8 GB of memory
        return 4 * 10**9


def declared_cost(cls: type) -> Cost | None:
    """The `memory_cost` a model class declares (None: its memory grows like its input)."""
    for base in cls.__mro__:
        if "memory_cost" in vars(base):
            return vars(base)["memory_cost"]
    return None


def check_memory(name: str, model: Any, shape: tuple[int, int, int]) -> None:
    """ModelError when model `name` on `shape` = (B, A, I) needs more than `max_memory_bytes()`."""
    cost = declared_cost(type(model))
    if cost is None:
        return
    b, a, i = shape
    limit = max_memory_bytes()
    if cost.bytes(model, b, a, i) > limit:
        raise ModelError(
            f"{name}: {cost.describe(model, b, a, i)}; the limit is {describe_size(limit)} "
            f"(raise it with {setting('max_memory', 'SIZE')} or {LIMIT_VARIABLE}; docs/limits.md "
            "lists what each model can run)"
        ).suggesting("max_memory", "SIZE")
