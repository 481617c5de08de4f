"""Time full `smp` runs (KTAB defaults) on random cases of 20, 50, 100 and 200 actors x 3 dimensions.

Random actors follow KTAB's `SMPActor::randomize`: capability uniform on [10, 200], a total salience
uniform on [0.75, 0.99] split over the dimensions by uniform [0.1, 1] shares, positions uniform on
[0, 100]. Cases are seeded, so every run times the same cases.

KTAB itself is not run here (it is C++ that is hard to build); the issue records 166 s for one
100-actor run on this machine with logging off (about 2 hours at 200). The script prints each size's
median over repeats and the ratio to those figures, plus the median of a fixed NumPy workload timed
in the same process, so that runs on a busy machine can be compared by ratio.

    .venv/bin/python benchmarks/bench_smp.py            # sizes 20 50 100 200
    .venv/bin/python benchmarks/bench_smp.py 100 --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from bench_batch import random_case

from parley.models import get_model

KTAB_SECONDS = {100: 166.0, 200: 2 * 3600.0}  # from the issue: KTAB, logging off, this machine


def calibration() -> float:
    """A fixed NumPy workload (elementwise and reductions on 1e6 floats) as a machine-speed yardstick."""
    x = np.random.default_rng(1).random((100, 100, 100))
    t0 = time.perf_counter()
    for _ in range(20):
        np.maximum(x - x.swapaxes(1, 2), 0).sum(axis=1)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20, 50, 100, 200])
    parser.add_argument("--repeats", type=int, default=0, help="0: 5 below 100 actors, 3 at 100+")
    args = parser.parse_args()
    model = get_model("smp")
    cal = statistics.median(calibration() for _ in range(5))
    print(f"calibration workload (median of 5): {cal * 1000:.1f} ms")
    print(f"{'actors':>6} {'states':>6} {'median s':>9} {'ms/turn':>8} {'x calib':>8}  KTAB")
    for n in args.sizes:
        case = random_case(n, 3)  # bench_batch's: KTAB's random actors, seeded
        repeats = args.repeats or (5 if n < 100 else 3)
        times, states = [], 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = model.run(case)
            times.append(time.perf_counter() - t0)
            states = out.history.shape[1]
        med = statistics.median(times)
        ktab = KTAB_SECONDS.get(n)
        versus = f"{ktab:.0f} s -> {ktab / med:.0f}x faster" if ktab else "-"
        per_turn = 1000 * med / max(1, states - 1)
        print(f"{n:>6} {states:>6} {med:>9.3f} {per_turn:>8.1f} {med / cal:>8.1f}  {versus}")


if __name__ == "__main__":
    main()
