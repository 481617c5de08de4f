"""Members per second of every model's batched run, full detail against forecast-only, in one run.

For each case (the seed case, a 20-actor one-issue case and a 20-actor three-issue case), each
batch size B (1, 100, 1000) and each registered model, the script times `model.run(batch,
detail="full")` and `model.run(batch, detail="forecast")` and prints the median over repeats as
members per second, with the forecast-only speed-up (full time / forecast time, same B, same
process). Members are the case with positions moved by up to 10% of each scale and saliences and
capabilities scaled, from a seeded generator, so every run times the same batches; round-based
models stop at different rounds in a batch, as in an ensemble.

    .venv/bin/python benchmarks/bench_batch.py                       # everything (minutes)
    .venv/bin/python benchmarks/bench_batch.py --sizes 1 100 --models smp eum --repeats 3
    .venv/bin/python benchmarks/bench_batch.py --models smp --cases 20x3 --sizes 1000 --array

With `--array` the forecast-only run is also timed on the array-API kernels
(`compiled.disabled()`), so a model's compiled path and the path it replaces are compared in
the same run, and the table adds the process CPU seconds of both forecast-only runs (medians;
steadier than wall time on a shared machine).

Not a test: timings depend on the machine and its load; compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from parley.case import case_arrays
from parley.case.arrays import CaseArrays
from parley.io import read_case
from parley.models import get_model, model_names

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"


def random_case(n_actors: int, n_issues: int, seed: int = 0) -> CaseArrays:
    """KTAB's random actors (capability on [10, 200], total salience on [0.75, 0.99] split over
    the issues, positions on [0, 100]), seeded."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, n_actors, n_issues]))
    cap = rng.uniform(10.0, 200.0, n_actors)
    share = rng.uniform(0.1, 1.0, (n_actors, n_issues))
    sal = rng.uniform(0.75, 0.99, (n_actors, 1)) * share / share.sum(axis=1, keepdims=True)
    return CaseArrays(
        positions=rng.uniform(0.0, 100.0, (1, n_actors, n_issues)),
        salience=sal[None],
        capability=np.repeat(cap[:, None], n_issues, axis=1)[None],
        mask=np.ones((n_actors, n_issues), dtype=bool),
        bounds=np.array([[0.0, 100.0]] * n_issues),
        actor_ids=tuple(f"A{k:02d}" for k in range(n_actors)),
        issue_ids=tuple(f"d{k}" for k in range(n_issues)),
        status_quo=np.full(n_issues, np.nan),
    )


def members(base: CaseArrays, n: int, seed: int = 1) -> CaseArrays:
    """n members around `base` (member 0 is the case itself)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
    lo, hi = base.bounds[:, 0], base.bounds[:, 1]
    shape = (n, *base.shape[1:])
    moved = np.clip(base.positions + rng.uniform(-0.1, 0.1, shape) * (hi - lo), lo, hi)
    positions = np.where(base.mask, moved, base.positions)
    salience = np.where(base.mask, base.salience * rng.uniform(0.8, 1.0, shape), 0.0)
    capability = base.capability * rng.uniform(0.5, 2.0, (n, base.shape[1], 1))
    positions[0], salience[0], capability[0] = (
        base.positions[0],
        base.salience[0],
        base.capability[0],
    )
    return base.with_batch(positions=positions, salience=salience, capability=capability)


def timed(model, arrays: CaseArrays, detail: str, repeats: int) -> float:
    return timed_cpu(model, arrays, detail, repeats)[0]


def timed_cpu(model, arrays: CaseArrays, detail: str, repeats: int) -> tuple[float, float]:
    """Median wall and process CPU seconds of `model.run(arrays, detail=detail)`."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        model.run(arrays, detail=detail)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=[1, 100, 1000])
    parser.add_argument("--models", nargs="*", default=model_names())
    parser.add_argument("--cases", nargs="*", default=["seed", "20x1", "20x3"])
    parser.add_argument(
        "--repeats", type=int, default=0, help="0: 5 below B = 100, 3 at 100, 1 at 1000+"
    )
    parser.add_argument(
        "--array",
        action="store_true",
        help="also time forecast-only on the array-API kernels (compiled.disabled())",
    )
    args = parser.parse_args()
    cases = {
        "seed": case_arrays(read_case(SEED)),
        "20x1": random_case(20, 1),
        "20x3": random_case(20, 3),
    }
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    head = "| case | B | model | full members/s | forecast members/s | speed-up |"
    if args.array:
        head += " array-API forecast members/s | compiled / array-API | CPU s (array-API) |"
    print(head)
    print("|---" * head.count(" | ") + "|---|")
    for case in args.cases:
        base = cases[case]
        for n in args.sizes:
            batch = members(base, n)
            repeats = args.repeats or (5 if n < 100 else 3 if n < 1000 else 1)
            for name in args.models:
                model = get_model(name)
                model.run(members(base, 1), detail="forecast")  # warm caches and imports
                full = timed(model, batch, "full", repeats)
                lean, lean_cpu = timed_cpu(model, batch, "forecast", repeats)
                row = (
                    f"| {case} {base.shape[1]}x{base.shape[2]} | {n} | {name} | {n / full:,.1f} "
                    f"| {n / lean:,.1f} | {full / lean:.2f} |"
                )
                if args.array:
                    # imported here: bench_speedup runs this module against older trees
                    from parley.models import compiled

                    with compiled.disabled():
                        slow, slow_cpu = timed_cpu(model, batch, "forecast", repeats)
                    row += (
                        f" {n / slow:,.1f} | {slow / lean:.2f} | {lean_cpu:.3f} ({slow_cpu:.3f}) |"
                    )
                print(row, flush=True)


if __name__ == "__main__":
    main()
