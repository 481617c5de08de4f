"""Every lever of one actor under every default model, batched against one run per candidate.

Usage: .venv/bin/python benchmarks/bench_levers.py [--actors 50] [--issues 5] [--repeat 3]
       [--seed 0] [-m MODEL]... [--sample K]

Builds a random case (positions uniform on 0-100, saliences on 0.1-1, capabilities on 1-100,
seeded), finds every lever of its first actor with `find_levers` under each default model (one
forecast-only batched run of the non-ally levers and the fronts batched by shape), and times the
same candidates solved one at a time (`model.run` on each candidate's B = 1 arrays, what a
per-candidate search does). Prints per model the median seconds of each and their ratio, and the
totals for compromise/mean/median and for all models. With `--sample K` the one-by-one baseline
solves K candidates spread evenly over the list and is scaled to the full count (marked `est.`):
for the slow models a full one-by-one pass takes many minutes. Issue 12's bar: under 2 s for compromise,
mean and median, under 30 s with eum, smp and exchange (50 actors, 5 issues).
The batched column also gives this process's CPU seconds, the steadier figure on a shared machine.
With `--array` the batched run is also timed on the array-API kernels (`compiled.disabled()`:
what the models' compiled forecast-only kernels replace), once per repeat.
Not a test: timings depend on the machine and its load; ratios are what to compare.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from parley.case import build_case, case_arrays
from parley.coalitions.front_arrays import bloc_rows, merged_arrays
from parley.forecast import model_specs
from parley.levers import KINDS, actor_goals, find_levers
from parley.levers.candidates import ally_fronts, single_levers
from parley.models import compiled, traits

FAST = ("compromise", "mean", "median")


def random_case(n_actors: int, n_issues: int, seed: int):
    rng = np.random.default_rng(seed)
    actors = [f"a{k:02d}" for k in range(n_actors)]
    issues = [f"i{k}" for k in range(n_issues)]
    return build_case(
        {
            "title": f"random {n_actors}x{n_issues}",
            "actors": [{"id": a, "capability": float(rng.uniform(1, 100))} for a in actors],
            "issues": [{"id": i, "lower": 0, "upper": 100} for i in issues],
            "stances": {
                a: {
                    i: {
                        "position": float(rng.uniform(0, 100)),
                        "salience": float(rng.uniform(0.1, 1)),
                    }
                    for i in issues
                }
                for a in actors
            },
        }
    )


def one_by_one(case, spec, actor: str, sample: int = 0) -> tuple[int, float]:
    """Solve the candidates of `actor` under `spec` each with its own B = 1 run (every one, or
    `sample` of them spread evenly); return the count and the seconds scaled to every candidate."""
    arrays = case_arrays(case)
    a = arrays.actor_ids.index(actor)
    goal = actor_goals(arrays, actor)
    model = spec.build(case)
    start = time.perf_counter()
    f0 = np.asarray(model.run(arrays, detail="forecast").forecast)[0]
    levers, batch = single_levers(arrays, a, goal.goal, KINDS, f0)
    singles = [
        batch.with_batch(
            **{k: getattr(batch, k)[n : n + 1] for k in ("positions", "salience", "capability")}
        )
        for n in range(len(levers))
    ]
    if traits(spec.name).uses_capability:
        pool = [k for k in range(len(arrays.actor_ids)) if k != a]
        singles += [
            merged_arrays(arrays, idx, bloc_rows(arrays, idx))
            for _, idx in ally_fronts(arrays, a, goal.weight, pool)
        ]
    chosen = singles
    if sample and sample < len(singles):
        chosen = [singles[k] for k in np.linspace(0, len(singles) - 1, sample).round().astype(int)]
    for one in chosen:
        model.run(one, detail="forecast")
    seconds = (time.perf_counter() - start) * len(singles) / len(chosen)
    return len(singles), seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actors", type=int, default=50)
    parser.add_argument("--issues", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-m", "--model", action="append", help="Model (default: every default)")
    parser.add_argument("--sample", type=int, default=0, help="One-by-one on K candidates only")
    parser.add_argument(
        "--array", action="store_true", help="also time the batched run with compiled.disabled()"
    )
    args = parser.parse_args()
    case = random_case(args.actors, args.issues, args.seed)
    actor = case.actors[0].id
    specs = model_specs(args.model)
    print(
        f"{args.actors} actors x {args.issues} issues, levers of {actor}, median of {args.repeat}"
    )
    head = "| model | levers | batched s (CPU s) | one by one s | ratio |"
    if args.array:
        head += " array-API batched s (CPU s) | compiled / array-API |"
    print(head)
    print("|---" * head.count(" | ") + "|---|")
    batched: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for spec in specs:
        times, base, cpus, slow_times, slow_cpus = [], [], [], [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = find_levers(case, actor, [spec])
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
            if args.array:
                with compiled.disabled():
                    start, start_cpu = time.perf_counter(), time.process_time()
                    find_levers(case, actor, [spec])
                    slow_times.append(time.perf_counter() - start)
                    slow_cpus.append(time.process_time() - start_cpu)
            count, seconds = one_by_one(case, spec, actor, args.sample)
            base.append(seconds)
        n = len(result.effects[spec.name])
        assert n == count, (n, count)
        batched[spec.name] = statistics.median(times)
        cpu[spec.name] = statistics.median(cpus)
        slow = statistics.median(base)
        est = " est." if args.sample and args.sample < n else ""
        row = (
            f"| {spec.name} | {n} | {batched[spec.name]:.3f} ({cpu[spec.name]:.3f}) | "
            f"{slow:.3f}{est} | "
            f"{slow / batched[spec.name]:.1f}x |"
        )
        if args.array:
            array_s = statistics.median(slow_times)
            row += (
                f" {array_s:.3f} ({statistics.median(slow_cpus):.3f}) | "
                f"{array_s / batched[spec.name]:.1f}x |"
            )
        print(row, flush=True)
    fast = sum(v for k, v in batched.items() if k in FAST)
    print(f"\ncompromise + mean + median: {fast:.2f} s (bar: 2 s)")
    print(
        f"every default model ({', '.join(batched)}): {sum(batched.values()):.2f} s, "
        f"CPU {sum(cpu.values()):.2f} s (bar: 30 s)"
    )


if __name__ == "__main__":
    main()
