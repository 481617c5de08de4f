"""Ensemble speed: members per second per model on the forecast-only path, and whole ensembles.

Two cases: (a) the seed case `cases/iraq-2006` (17 actors, 5 issues, its stated ranges) and
(b) the peer's benchmark shape, 20 actors on one issue with a range on every input (positions
uniform on [0, 100] +/- 10, saliences on [0.2, 1] +/- 0.1, capabilities on [10, 100] +/- 30%;
seeded). For each model, member draws (`parley.ensemble` plan, Philox uniforms, inverse CDFs,
`apply_inputs`) are made once and `model.run(batch, detail="forecast")` is timed on them: the
median over repeats, in members per second by wall time and by this process's CPU time, on the
compiled path (numba, where a model has a kernel) and on the array-API path (`compiled.disabled()`)
in the same run, with their ratio. On (b) eum also runs with a stop rule comparable to
the peer's (its median moves < 0.5 on the 0-100 scale for 2 rounds in a row, at most 100 rounds),
against the peer's 550 members/s (single-threaded). Then whole ensembles through `parley.ensemble`
(draws + every model + summaries): 10^5 members of (b) with the baselines, and 1,000 members of
the seed case with every default model on the local executor (all cores).

The NumPy yardstick of `bench_smp.py` is timed in the same run, so runs on a busy machine
compare by ratio.

    .venv/bin/python benchmarks/bench_ensemble.py                 # everything (a few minutes)
    .venv/bin/python benchmarks/bench_ensemble.py --quick         # fewer members and repeats
    .venv/bin/python benchmarks/bench_ensemble.py --device cuda   # kernels on a GPU
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from bench_smp import calibration  # the same NumPy yardstick as the other benchmarks

import parley
from parley.case import Case, build_case
from parley.ensemble.device import to_device
from parley.ensemble.draws import member_uniforms
from parley.ensemble.executors import LocalExecutor
from parley.ensemble.plan import EnsemblePlan, make_plan
from parley.forecast import ModelSpec, model_specs
from parley.io import read_case
from parley.models import compiled

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
PEER_MEMBERS_PER_S = 550.0


def twenty_actor_case() -> Case:
    rng = np.random.default_rng(np.random.SeedSequence(2026))
    actors, stances = [], {}
    for k in range(20):
        cap = float(rng.uniform(10, 100))
        x, s = float(rng.uniform(0, 100)), float(rng.uniform(0.2, 1))
        actors.append({"id": f"a{k:02d}", "capability": {"value": cap, "low": 0.7 * cap,
                                                          "high": 1.3 * cap}})  # fmt: skip
        stances[f"a{k:02d}"] = {
            "q": {
                "position": {"value": x, "low": max(0, x - 10), "high": min(100, x + 10)},
                "salience": {"value": s, "low": s - 0.1, "high": min(1, s + 0.1)},
            }
        }
    return build_case(
        {
            "title": "20 actors, one issue, ranges on every input",
            "actors": actors,
            "issues": [{"id": "q", "lower": 0, "upper": 100}],
            "stances": stances,
        }
    )


def batch(plan: EnsemblePlan, members: int, device: str):
    """The first world's arrays for `members` members drawn as an ensemble draws them."""
    world = plan.worlds[0]
    u = member_uniforms(plan.seed, 0, members, plan.width)[:, 1 : 1 + len(world.inputs)]
    return to_device(world.batch(world.values(u)), device)


def members_per_second(model, arrays, repeats: int) -> tuple[float, float]:
    """Members per second of `model.run(arrays, detail="forecast")`, medians over repeats, by
    wall time and by this process's CPU time (all its threads; steadier on a shared machine).
    One untimed run first: a compiled kernel's first call loads (or builds) it, and the first run
    of a batch this size pays for its memory's first touch."""
    n = arrays.positions.shape[0]
    model.run(arrays, detail="forecast")
    wall, cpu = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        model.run(arrays, detail="forecast")
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return n / statistics.median(wall), n / statistics.median(cpu)


def both_paths(model, arrays, repeats: int) -> tuple[float, float, float, float]:
    """(wall, cpu) members/s on the compiled path (the default) and on the array-API path
    (`compiled.disabled()`), timed in the same run."""
    fast = members_per_second(model, arrays, repeats)
    with compiled.disabled():
        plain = members_per_second(model, arrays, repeats)
    return (*fast, *plain)


def rates_line(rates: tuple[float, float, float, float]) -> str:
    fast_wall, fast_cpu, plain_wall, plain_cpu = rates
    return (
        f"compiled {fast_wall:>12,.0f} /s ({fast_cpu:>11,.0f} /CPU-s)   array-API "
        f"{plain_wall:>10,.0f} /s ({plain_cpu:>10,.0f} /CPU-s)   x{fast_wall / plain_wall:.1f} "
        f"(x{fast_cpu / plain_cpu:.1f})"
    )


def kernel_rows(case: Case, specs: list[ModelSpec], sizes: dict[str, int], repeats: int, device):
    plan = make_plan(case, specs, members=max(sizes.values()), mix=False)
    rows = []
    for name, model in plan.worlds[0].models:
        n = sizes.get(name, sizes["default"])
        rows.append((name, n, both_paths(model, batch(plan, n, device), repeats)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer members and repeats")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    quick = args.quick
    repeats = 3 if quick else 5
    fast = 20_000 if quick else 200_000
    slow = {"eum": 200 if quick else 1000, "smp": 50 if quick else 200}
    slow["exchange"] = slow["smp"]
    slow["combined"] = slow["eum"]
    sizes = {"default": fast, **slow}
    defaults = model_specs(None)
    print(f"numpy yardstick: {calibration():.3f} s (median-free single run; compare runs by it)")

    seed = read_case(SEED)
    twenty = twenty_actor_case()
    for label, case in (("(a) seed case, 17 actors x 5 issues", seed), ("(b) 20 actors x 1 issue", twenty)):  # fmt: skip
        print(f"\n{label}: members/s, forecast-only, median of {repeats}")
        for name, n, rates in kernel_rows(case, defaults, sizes, repeats, args.device):
            print(f"  {name:<11} {rates_line(rates)}   (batch of {n:,})")

    # (b) eum with the peer's stop rule: median moves < 0.5 (scale 0-100) for 2 rounds, cap 100
    positions = [s["q"].position.value for s in twenty.stances.values()]
    spread_d = max(positions) - min(positions)  # eum's D, the range of the input positions
    peer_eum = ModelSpec(
        "eum",
        params={"stop": "median", "tolerance": 0.5 / spread_d, "patience": 2, "rounds": 100},
    )
    plan = make_plan(twenty, [peer_eum], members=slow["eum"], mix=False)
    arrays = batch(plan, slow["eum"], args.device)
    model = plan.worlds[0].models[0][1]
    rates = both_paths(model, arrays, repeats)
    rounds = model.run(arrays, detail="forecast").rounds
    print(
        f"\n(b) eum, stop when the median moves < 0.5 for 2 rounds ({slow['eum']:,} members; "
        f"rounds played: median {np.median(rounds):.0f}, max {np.max(rounds)}):\n  "
        f"{rates_line(rates)}\n  compiled: {rates[0] / PEER_MEMBERS_PER_S:.1f}x the peer's "
        f"{PEER_MEMBERS_PER_S:.0f}/s by wall ({rates[1] / PEER_MEMBERS_PER_S:.1f}x by CPU time)"
    )

    n = 10_000 if quick else 100_000
    baselines = ["compromise", "mean", "median"]
    began = time.perf_counter()
    parley.ensemble(twenty, n, baselines, executor=LocalExecutor(workers=1), device=args.device)
    wall = time.perf_counter() - began
    print(f"\nwhole ensemble, (b), {n:,} members, {', '.join(baselines)}, one process: "
          f"{wall:.2f} s ({n / wall:,.0f} members/s, draws and summaries included)")  # fmt: skip

    n = 1000
    names = [s.name for s in defaults]
    began = time.perf_counter()
    result = parley.ensemble(seed, n, defaults, device=args.device)
    wall = time.perf_counter() - began
    print(f"whole ensemble, (a), {n:,} members, every default model ({', '.join(names)}), "
          f"{result.settings['executor']}: {wall:.1f} s (goal: under 30 s)")  # fmt: skip


if __name__ == "__main__":
    main()
