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
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.run(arrays, detail=detail)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=[1, 100, 1000])
    parser.add_argument("--models", nargs="*", default=model_names())
    parser.add_argument("--cases", nargs="*", default=["seed", "20x1", "20x3"])
    parser.add_argument(
        "--repeats", type=int, default=0, help="0: 5 below B = 100, 3 at 100, 1 at 1000+"
    )
    args = parser.parse_args()
    cases = {
        "seed": case_arrays(read_case(SEED)),
        "20x1": random_case(20, 1),
        "20x3": random_case(20, 3),
    }
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    print("| case | B | model | full members/s | forecast members/s | speed-up |")
    print("|---|---|---|---|---|---|")
    for case in args.cases:
        base = cases[case]
        for n in args.sizes:
            batch = members(base, n)
            repeats = args.repeats or (5 if n < 100 else 3 if n < 1000 else 1)
            for name in args.models:
                model = get_model(name)
                model.run(members(base, 1), detail="forecast")  # warm caches and imports
                full = timed(model, batch, "full", repeats)
                lean = timed(model, batch, "forecast", repeats)
                print(
                    f"| {case} {base.shape[1]}x{base.shape[2]} | {n} | {name} | {n / full:,.1f} "
                    f"| {n / lean:,.1f} | {full / lean:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
