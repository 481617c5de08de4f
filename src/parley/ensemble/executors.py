"""Where chunks of members run: inline, on the local cores, or on a Dask cluster.

Every executor calls the same `run_chunk(plan, start, stop)` on the same chunk boundaries, so the
members' numbers are identical, bit for bit, whichever runs them; an executor only yields the
chunks as they finish (in any order).

- `local` (default): a pool of processes, one per core (`workers` to choose); one chunk, or one
  worker, runs inline in this process with no pool at all.
- `dask`: a Dask distributed cluster: `scheduler="tcp://HOST:PORT"` connects to a running one (its
  workers need the same parley installed); otherwise a `LocalCluster` of `workers` processes
  (one thread each) is started for the run and closed after it. Needs the `distributed` extra.

>>> executor_for(None, None).describe().startswith("local")
True
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from parley.ensemble.chunk import Chunk, run_chunk
from parley.ensemble.plan import EnsemblePlan
from parley.errors import ParleyError
from parley.models import compiled
from parley.models.compiled import cores

Ranges = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class LocalExecutor:
    """Processes on this machine: `workers` of them (None: every core)."""

    workers: int | None = None

    def describe(self) -> str:
        if self.workers == 1:
            return "local (in process)"
        return f"local ({self.workers or cores()} processes)"

    def run(self, plan: EnsemblePlan, ranges: Ranges, keep_inputs: bool) -> Iterator[Chunk]:
        workers = min(self.workers or cores(), len(ranges))
        if workers <= 1:
            for start, stop in ranges:
                yield run_chunk(plan, start, stop, keep_inputs)
            return
        context = multiprocessing.get_context(_start_method())
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_hold, initargs=(plan,))
        try:
            # no list of the futures is kept: a finished chunk is freed once it has been yielded
            for future in as_completed(
                [pool.submit(_run_held, a, b, keep_inputs) for a, b in ranges]
            ):
                yield future.result()
        finally:
            # stopped early (an error, Ctrl-C, SIGTERM): drop the chunks not started rather than
            # run them all before exiting, as leaving a `with ProcessPoolExecutor` block would
            pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> str:
    """'fork' on Linux: workers start at once and never re-run the caller's script (a script that
    calls `parley.ensemble` at its top level, without `if __name__ == "__main__":`, would run
    again in every spawned worker). Elsewhere 'spawn', which needs that guard."""
    return "fork" if sys.platform == "linux" else "spawn"


_HELD: list[EnsemblePlan] = []


def _hold(plan: EnsemblePlan) -> None:
    """Pool initializer: each worker receives the plan once, not with every chunk, and runs its
    compiled kernels on one thread (the pool already has a process per core)."""
    _HELD[:] = [plan]
    compiled.set_threads(1)


def _run_held(start: int, stop: int, keep_inputs: bool) -> Chunk:
    return run_chunk(_HELD[0], start, stop, keep_inputs)


@dataclass(frozen=True)
class DaskExecutor:
    """A Dask distributed cluster: an existing one at `scheduler`, else a LocalCluster of
    `workers` processes started for the run."""

    scheduler: str | None = None
    workers: int | None = None
    connect_timeout: float = 10.0

    def describe(self) -> str:
        if self.scheduler:
            return f"dask ({self.scheduler})"
        return f"dask LocalCluster ({self.workers or cores()} workers)"

    def run(self, plan: EnsemblePlan, ranges: Ranges, keep_inputs: bool) -> Iterator[Chunk]:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise ParleyError(
                "Dask executors need the distributed extra: pip install 'parley[distributed]'"
            ) from None
        cluster = None
        try:
            if self.scheduler:
                client = Client(self.scheduler, timeout=f"{self.connect_timeout}s")
            else:
                cluster = LocalCluster(
                    n_workers=self.workers or cores(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never clash with a running one
                )
                client = Client(cluster)
        except OSError as exc:
            raise ParleyError(f"cannot reach the Dask scheduler {self.scheduler}: {exc}") from None
        try:
            held = client.scatter(plan, broadcast=True)
            tasks = as_completed(
                [client.submit(run_chunk, held, a, b, keep_inputs, pure=False) for a, b in ranges]
            )
            for future in tasks:  # released on the cluster once its chunk has been yielded
                yield future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def executor_for(workers: int | None, scheduler: str | None) -> LocalExecutor | DaskExecutor:
    """The executor asked for: `scheduler` an existing Dask cluster, `workers` a Dask
    LocalCluster of that many workers, neither the local cores."""
    if workers is not None and workers < 1:
        raise ParleyError.about("workers", f"must be >= 1, got {workers}")
    if scheduler is not None:
        return DaskExecutor(scheduler=scheduler)
    if workers is not None:
        return DaskExecutor(workers=workers)
    return LocalExecutor()
