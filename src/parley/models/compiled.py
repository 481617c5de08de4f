"""Compiled CPU kernels: numba when it is installed (the `fast` extra), the array-API path otherwise.

Why: a forecast-only batch of small problems (20 actors, a few issues) spends most of its time in
the overhead of hundreds of small NumPy calls per round, not in arithmetic. A kernel compiled per
member runs a member's whole simulation in machine code, which is what ensembles, levers and
sensitivity need. The array-API kernels stay the reference: they run full detail, on GPUs, and
wherever numba is missing or a model's parameters are outside what its compiled kernel covers.

Contract for a model that has a compiled kernel:

- it is used only for `detail="forecast"` runs on NumPy arrays, when `enabled()` is True;
- it agrees with the array-API path to round-off (the tests compare them, 1e-9) except at
  knife-edges, where one ulp may decide a tie differently; the same holds between CPU and GPU;
- a batch equals the same members run one by one (each member is computed on its own).

Kernels are compiled with `cache=True` (the first run on a machine compiles them, later runs
load the cache, kept in `kernel_cache_dir()`) and `nogil=True`, so `map_blocks` runs blocks of
members in threads on every core without numba's own threading layer (which is not safe for
concurrent callers, such as the workbench's request threads). Process pools set `set_threads(1)` in each worker.

`PARLEY_COMPILED=0` in the environment, or `with compiled.disabled():`, runs the array-API path
everywhere (the tests use it to compare the two).

>>> from parley.models import compiled
>>> with compiled.disabled():
...     compiled.enabled()
False
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def kernel_cache_dir() -> str:
    """numba's disk cache for parley: one folder per version of the sources under parley/models.

    Why: numba keys a cached function on the file it is defined in, while a kernel compiles in
    the helpers it calls from other files (eum's powers, the pairwise sums, the median); after
    such a helper changes, the caller's cache would still load the old machine code. A folder
    named by a hash of every source under parley/models is never stale. Used unless
    NUMBA_CACHE_DIR is set; an unwritable folder only means numba compiles without caching.

    >>> len(Path(kernel_cache_dir()).name)
    16
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "parley", "numba", digest.hexdigest()[:16])


_state = threading.local()
_threads: int | None = None
_numba: list[Any] = []  # numba once imported (None where it is not installed)


def _load() -> Any:
    """numba, imported on first use: importing it (about 0.2 s) and the kernel modules is left
    to the runs that use them, not paid by every command (the models import their kernel
    modules inside the functions that run them)."""
    if not _numba:
        if "NUMBA_CACHE_DIR" not in os.environ:  # read by numba when it is imported
            os.environ["NUMBA_CACHE_DIR"] = kernel_cache_dir()
        module: Any
        try:  # the `fast` extra
            import numba as module
        except ImportError:  # pragma: no cover - exercised where numba is not installed
            module = None
        if module is not None and not module.config.CACHE_DIR:
            # numba was imported before parley (its config is read once, at import): set the
            # folder there too, or the kernels would cache beside the sources, keyed on their
            # own files only, and load stale code after a helper changed
            module.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
        _numba[:] = [module]
    return _numba[0]


def available() -> bool:
    """numba is importable (the `fast` extra is installed)."""
    return _load() is not None


def enabled() -> bool:
    """Whether models use their compiled kernels now: numba installed, not switched off."""
    if os.environ.get("PARLEY_COMPILED", "1") == "0" or getattr(_state, "off", False):
        return False
    return available()


@contextmanager
def disabled() -> Iterator[None]:
    """Run the array-API kernels inside the block (in this thread)."""
    before = getattr(_state, "off", False)
    _state.off = True
    try:
        yield
    finally:
        _state.off = before


#: numba's options for every kernel: cached on disk, GIL released, IEEE arithmetic as written.
_OPTIONS: dict[str, Any] = {
    "cache": True,
    "nogil": True,
    "fastmath": False,
    "error_model": "numpy",
}


def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn compiled by numba (no Python objects, cached on disk, GIL released), or fn itself.

    Without numba the plain function is returned; callers check `enabled()` before using it, so
    the Python version of a kernel is only ever run by tests that call it directly.
    """
    numba = _load()
    return fn if numba is None else numba.njit(**_OPTIONS)(fn)


def inlined(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Like `jit`, for a small helper that compiled kernels call in their inner loops: numba
    inlines it into each caller (`inline="always"`; LLVM does not always, and a call that passes
    arrays passes each one's shape, strides and pointers). Called only from compiled code."""
    numba = _load()
    return fn if numba is None else numba.njit(**_OPTIONS, inline="always")(fn)


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_threads(n: int | None) -> None:
    """Threads `map_blocks` may use (None: every core). Pool workers set 1."""
    global _threads
    _threads = n


def threads() -> int:
    """Threads `map_blocks` uses now."""
    return max(1, _threads if _threads is not None else cores())


#: Guided self-scheduling in `map_blocks`: each block is this fraction of the members left per
#: thread (at least `min_block`). Members differ in cost (on the peer's eum benchmark one member
#: in twenty plays 100 rounds and most play 5), so a fixed split leaves a thread waiting on the
#: slowest block; blocks that shrink as the work runs out end the threads within a small block of
#: each other, with a few dozen blocks in all (each costs a Python call and its work arrays).
GUIDE = 0.5


def map_blocks(kernel: Callable[[int, int], None], members: int, min_block: int = 16) -> None:
    """Call kernel(start, stop) on contiguous blocks of members, in threads on every core.

    The kernel writes its members' results into arrays it closes over; blocks never overlap, so
    the result does not depend on how the members were split (each member is computed alone).
    Each thread takes the next block when it finishes one: `GUIDE` x (members left) / threads
    members, at least `min_block` (guided self-scheduling, as OpenMP's `schedule(guided)`).

    >>> import numpy as np
    >>> out = np.zeros(100)
    >>> def fill(start, stop):
    ...     out[start:stop] = np.arange(start, stop)
    >>> map_blocks(fill, 100)
    >>> float(out.sum())
    4950.0
    """
    n = threads()
    smallest = max(1, min_block)
    if n <= 1 or members < 2 * smallest:
        kernel(0, members)
        return
    lock = threading.Lock()
    taken = [0]

    def work() -> None:
        while True:
            with lock:
                start = taken[0]
                if start >= members:
                    return
                size = max(smallest, int(GUIDE * (members - start) / n))
                stop = taken[0] = min(members, start + size)
            kernel(start, stop)

    with ThreadPoolExecutor(n) as pool:
        for done in [pool.submit(work) for _ in range(n)]:
            done.result()
