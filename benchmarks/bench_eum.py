"""Benchmark of model eum: seconds per round and peak memory for one issue of n actors.

    .venv/bin/python benchmarks/bench_eum.py            # n = 10, 50, 200, 1000
    .venv/bin/python benchmarks/bench_eum.py --quick    # fewer repeats

Times the whole round (risk pass, second pass, offers, moves, median) of the scholz_code preset
through `parley.models.eum.simulate`, with the fast kernel (sorted positions and prefix sums) and
with the plain kernel (the n x n x n formula, one temporary per pass up to 2^23 elements), in the
same run. Reports the median over repeats of seconds per round, the ratio plain / fast, and peak
traced memory (tracemalloc, measured in a separate untimed run). The plain kernel is skipped at
n = 1000 unless --plain-1000 is given (about 10^9 terms per pass).

A second table times batches (N problems of n actors in one call, as a multi-issue case or an
ensemble runs them) with the fast kernel: seconds per round for the whole batch.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from parley.models.eum.params import SCHOLZ_CODE, EumParams
from parley.models.eum.simulate import simulate


def problem(n: int, seed: int = 0, n_batch: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, size=(n_batch, n))
    c = rng.uniform(0.1, 1, size=(n_batch, n))
    s = rng.uniform(0.1, 1, size=(n_batch, n))
    return x, c, s, np.tile([0.0, 100.0], (n_batch, 1))


def per_round(
    n: int, kernel: str, rounds: int, repeats: int, n_batch: int = 1
) -> tuple[float, np.ndarray]:
    x, c, s, bounds = problem(n, n_batch=n_batch)
    params = EumParams(**{**SCHOLZ_CODE, "kernel": kernel, "rounds": rounds})
    times, last = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        last = simulate(x, c, s, bounds, params)
        times.append((time.perf_counter() - start) / rounds)
    return statistics.median(times), last.positions  # type: ignore[union-attr]


def peak_memory(n: int, kernel: str) -> float:
    x, c, s, bounds = problem(n)
    params = EumParams(**{**SCHOLZ_CODE, "kernel": kernel, "rounds": 1})
    tracemalloc.start()
    simulate(x, c, s, bounds, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--plain-1000", action="store_true", help="also time the plain kernel at 1000")
    args = ap.parse_args()
    plan = {10: (10, 31), 50: (10, 15), 200: (5, 9), 1000: (3, 3)}
    if args.quick:
        plan = {n: (r, max(3, k // 3)) for n, (r, k) in plan.items()}
    print(
        f"{'n':>5} {'fast s/round':>13} {'plain s/round':>14} {'plain/fast':>10} "
        f"{'fast peak MiB':>14} {'plain peak MiB':>15} {'max |diff|':>11}"
    )
    for n, (rounds, repeats) in plan.items():
        fast, fast_pos = per_round(n, "fast", rounds, repeats)
        fast_mem = peak_memory(n, "fast")
        if n < 1000 or args.plain_1000:
            plain, plain_pos = per_round(
                n, "plain", rounds, max(3, repeats // 3 if n == 1000 else repeats)
            )
            plain_mem = peak_memory(n, "plain")
            diff = float(np.abs(fast_pos - plain_pos).max())
            cols = f"{plain:14.6f} {plain / fast:10.1f} {fast_mem:14.1f} {plain_mem:15.1f} {diff:11.1e}"
        else:
            cols = f"{'-':>14} {'-':>10} {fast_mem:14.1f} {'-':>15} {'-':>11}"
        print(f"{n:5d} {fast:13.6f} {cols}", flush=True)
    batches = {(256, 10): (10, 15), (64, 50): (10, 9), (8, 200): (5, 5)}
    print(f"\n{'N':>5} {'n':>5} {'fast s/round':>13} {'per problem':>12}")
    for (n_batch, n), (rounds, repeats) in batches.items():
        repeats = max(3, repeats // 3) if args.quick else repeats
        fast, _ = per_round(n, "fast", rounds, repeats, n_batch)
        print(f"{n_batch:5d} {n:5d} {fast:13.6f} {fast / n_batch:12.2e}", flush=True)


if __name__ == "__main__":
    main()
