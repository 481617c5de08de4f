"""`parley front --search` batched against evaluating each front on its own, in the same run.

Usage: .venv/bin/python benchmarks/bench_front_search.py [CASE] [--among TAG] [--max-size K]
       [--repeat N]

Times `search_fronts` (the candidate fronts solved as batched forecast-only runs per model) and
the one-by-one path it replaced (`evaluate_front` per front: a merged case built and every model
run with full detail), with the models that judge fronts by default, and prints the medians and
their ratio. Defaults: the seed case, the 12 actors tagged `iraqi`, fronts of 2-3 members (286).
Not a test: timings depend on the machine and its load; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import combinations

from parley.coalitions.fronts import evaluate_front, search_fronts
from parley.forecast import front_judges, model_specs, run_models
from parley.io import read_case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", default="cases/iraq-2006/case.yaml")
    parser.add_argument("--among", default="iraqi")
    parser.add_argument("--max-size", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    case = read_case(args.case)
    specs = front_judges(model_specs(None))
    group = [a.id for a in case.actors if args.among in a.tags]
    fronts = [list(m) for k in range(2, args.max_size + 1) for m in combinations(group, k)]
    print(f"{len(group)} actors tagged {args.among!r}, {len(fronts)} fronts of 2-{args.max_size}")
    print(f"models: {', '.join(s.name for s in specs)}")

    def batched() -> None:
        search_fronts(case, args.among, specs, args.max_size, include_unstable=True)

    def one_by_one() -> None:
        without = run_models(case, specs)
        for members in fronts:
            evaluate_front(case, members, specs, without=without)

    times: dict[str, list[float]] = {"batched": [], "one by one": []}
    for _ in range(args.repeat):
        for label, run in (("batched", batched), ("one by one", one_by_one)):
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    for label, m in med.items():
        print(f"{label:>11}: median {m:.2f} s over {args.repeat} runs")
    print(f"ratio one-by-one / batched: {med['one by one'] / med['batched']:.1f}x")


if __name__ == "__main__":
    main()
