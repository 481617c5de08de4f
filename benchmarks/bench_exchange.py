"""Seconds per round of the exchange model on random cases (actors x issues), seeded.

Plain script, not run by CI:  .venv/bin/python benchmarks/bench_exchange.py [--repeats N]

For each size it times the model as shipped (recomputing only the candidates an executed exchange
touches) and the plain recompute-everything NumPy path (`incremental=False`, same results) in the
same run, and reports medians of repeated runs and their ratio; then the forecast-only run on the
compiled kernel (`compiled_kernel.py`, one member's whole run in machine code) against the same
forecast-only run on the array path (`compiled.disabled()`), with the kernel's process CPU time
(one member: one thread), and checks that both give the same forecast. The reference implementation
(decide-exchange-model, Decimal arithmetic) needs about 4.6 s per round at 30 x 10 on the project
machine (issue 4); that number is quoted, not measured here.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models import compiled
from parley.models.exchange import Exchange

# (actors, issues, rounds timed): 100 x 20 times round 1 only, the heaviest, because the plain
# recompute-everything path needs the better part of a minute per round there.
SIZES = [(10, 6, 10), (30, 10, 10), (100, 20, 1)]
REFERENCE_30x10 = 4.6  # s per round, quoted in issue 4


def random_case(n_actors: int, n_issues: int, seed: int) -> CaseArrays:
    """Positions on 0-100 in steps of 5, saliences and capabilities on (0, 1]."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    shape = (1, n_actors, n_issues)
    return CaseArrays(
        positions=rng.integers(0, 21, shape) * 5.0,
        salience=rng.integers(1, 11, shape) / 10.0,
        capability=np.broadcast_to(rng.uniform(0.05, 1.0, (1, n_actors, 1)), shape).copy(),
        mask=np.ones((n_actors, n_issues), dtype=bool),
        bounds=np.tile([0.0, 100.0], (n_issues, 1)),
        actor_ids=tuple(f"a{k}" for k in range(n_actors)),
        issue_ids=tuple(f"i{k}" for k in range(n_issues)),
        status_quo=np.full(n_issues, np.nan),
    )


def per_round(
    model: Exchange, arrays: CaseArrays, repeats: int, detail: str = "full"
) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = model.run(arrays, detail=detail)
        times.append((time.perf_counter() - start) / model.rounds)
    return statistics.median(times), out


def cpu_per_round(model: Exchange, arrays: CaseArrays, repeats: int) -> float:
    """Median process CPU seconds per round of a forecast-only run (the steadier figure)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        model.run(arrays, detail="forecast")
        times.append((time.process_time() - start) / model.rounds)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"exchange model, seconds per round (median of {args.repeats} runs)")
    print(
        f"{'size':>8} {'rounds':>6} {'cands':>6} {'execs':>6} {'incremental':>12} "
        f"{'recompute-all':>14} {'ratio':>6} {'vs ref 4.6s':>11}"
    )
    rows = []
    for n_a, n_i, rounds in SIZES:
        arrays = random_case(n_a, n_i, seed=n_a * 1000 + n_i)
        fast, out = per_round(Exchange(rounds=rounds), arrays, args.repeats)
        plain, slow_out = per_round(
            Exchange(rounds=rounds, incremental=False), arrays, args.repeats
        )
        assert np.allclose(out.history, slow_out.history, atol=1e-9), "paths disagree"
        cands = np.mean(out.extra["candidates_per_round"])
        execs = np.mean(out.extra["executed_per_round"])
        ref = f"{REFERENCE_30x10 / fast:.0f}x" if (n_a, n_i) == (30, 10) else "-"
        print(
            f"{n_a:>4}x{n_i:<3} {rounds:>6} {cands:>6.0f} {execs:>6.0f} {fast:>12.4f} "
            f"{plain:>14.4f} {plain / fast:>5.1f}x {ref:>11}",
            flush=True,
        )
        rows.append((n_a, n_i, rounds, arrays))
    print(
        "\nforecast-only, seconds per round: compiled kernel against the array path "
        f"(median of {args.repeats})"
    )
    print(f"{'size':>8} {'array':>10} {'compiled':>10} {'(CPU)':>10} {'ratio':>7}")
    for n_a, n_i, rounds, arrays in rows:
        model = Exchange(rounds=rounds)
        with compiled.disabled():
            slow, slow_out = per_round(model, arrays, args.repeats, "forecast")
        model.run(arrays, detail="forecast")  # compiles on a machine's first run (cached)
        fast, fast_out = per_round(model, arrays, args.repeats, "forecast")
        cpu = cpu_per_round(model, arrays, args.repeats)
        assert np.allclose(fast_out.forecast, slow_out.forecast, rtol=0, atol=1e-9), "differ"
        print(
            f"{n_a:>4}x{n_i:<3} {slow:>10.4f} {fast:>10.5f} {cpu:>10.5f} {slow / fast:>6.0f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
