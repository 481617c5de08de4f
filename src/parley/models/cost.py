"""What a run costs in memory, known before it starts: refuse up front what cannot fit.

Each model whose memory grows faster than its input declares a `memory_cost` (a `Cost`): the peak
bytes of one run as a function of batch members B, actors A and issues I, measured on this code
(docs/limits.md has the table and the timings). `check_memory` compares it with the limit,
`PARLEY_MAX_MEMORY` (e.g. `8GB`) or half of the machine's memory, and refuses in one line that names
the need and the limit, instead of dying with a MemoryError traceback or an OOM kill minutes later.

>>> eum_like = Cost("the pair matrices", lambda model, b, a, i: 200.0 * b * i * a * a)
>>> eum_like.describe(None, 1, 10_000, 1)
'10,000 actors x 1 issue need ~20 GB for the pair matrices'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parley.errors import ModelError

LIMIT_VARIABLE = "PARLEY_MAX_MEMORY"
_UNITS = {"": 1, "b": 1, "kb": 1000, "k": 1000, "mb": 10**6, "m": 10**6, "gb": 10**9, "g": 10**9}


@dataclass(frozen=True)
class Cost:
    """Peak memory of one run: `bytes(model, B, A, I)` (the model for its rounds and options),
    spent mostly on `what`."""

    what: str
    bytes: Callable[[Any, int, int, int], float]

    def describe(self, model: Any, b: int, a: int, i: int) -> str:
        members = f" x {b:,} members" if b > 1 else ""
        issues = f"{i:,} issue" + ("s" if i != 1 else "")
        need = human(self.bytes(model, b, a, i))
        return f"{a:,} actors x {issues}{members} need ~{need} for {self.what}"


def human(n: float) -> str:
    """Bytes for messages: `20 GB`, `512 MB`."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def max_memory_bytes() -> int:
    """The memory one run may use: `PARLEY_MAX_MEMORY` (`8GB`, `500MB`, bytes) or half of the
    machine's physical memory."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if raw:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmg]?b?)", raw.lower())
        if match is None or float(match.group(1)) <= 0:
            raise ModelError(f"{LIMIT_VARIABLE}: expected a size such as 8GB or 500MB, got {raw!r}")
        return int(float(match.group(1)) * _UNITS[match.group(2)])
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
            f"{name}: {cost.describe(model, b, a, i)}; the limit is {human(limit)} (set "
            f"{LIMIT_VARIABLE} to change it; docs/limits.md lists what each model can run)"
        )
