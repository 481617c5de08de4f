"""eum with a stop rule on a batch: the compacted round loop against the plain one, same run.

The peer's benchmark shape of `bench_ensemble.py` (b): 20 actors on one issue with a range on
every input, members drawn as an ensemble draws them, eum stopping when its median moves < 0.5 on
the 0-100 scale for 2 rounds in a row (at most 100 rounds). Times `simulate` on the batch's
(B, 20) problems with `compact=False` (every member plays until the slowest stops: the loop
before) and `compact=True` (finished members leave the batch, members in a cycle are copied from
it), then `model.run(detail="forecast")` end to end on the array-API path (`compiled.disabled()`)
and on the compiled kernel (`models/eum/compiled_kernel.py`, members on every core). Medians over repeats, members per second by
wall time and by this process's CPU time (steadier on a shared machine), and the ratio.

    .venv/bin/python benchmarks/bench_eum_stop.py            # B = 1000, 3 repeats
    .venv/bin/python benchmarks/bench_eum_stop.py --members 200 --repeats 1
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from bench_ensemble import PEER_MEMBERS_PER_S, batch, twenty_actor_case
from bench_smp import calibration

from parley.ensemble.plan import make_plan
from parley.forecast import ModelSpec
from parley.models import compiled
from parley.models.eum.simulate import simulate


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of this process (on a shared machine the CPU
    time is the steadier figure: it does not count the time other processes held the cores)."""
    wall, cpu = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"numpy yardstick: {calibration():.3f} s")
    case = twenty_actor_case()
    positions = [s["q"].position.value for s in case.stances.values()]
    spread = max(positions) - min(positions)  # eum's D, the range of the input positions
    params = {"stop": "median", "tolerance": 0.5 / spread, "patience": 2, "rounds": 100}
    plan = make_plan(case, [ModelSpec("eum", params=params)], members=args.members, mix=False)
    arrays = batch(plan, args.members, "cpu")
    model = plan.worlds[0].models[0][1]
    x, c, s = (v[:, :, 0] for v in (arrays.positions, arrays.capability, arrays.salience))
    bounds = np.tile(arrays.bounds[0], (args.members, 1))
    n = args.members
    plain, plain_cpu = timed(lambda: simulate(x, c, s, bounds, model, compact=False), args.repeats)
    compact, compact_cpu = timed(lambda: simulate(x, c, s, bounds, model), args.repeats)
    model.run(arrays, detail="forecast")  # the compiled kernel loaded (or built) before timing
    run, run_cpu = timed(lambda: model.run(arrays, detail="forecast"), args.repeats)
    with compiled.disabled():
        api, api_cpu = timed(lambda: model.run(arrays, detail="forecast"), args.repeats)
    rounds = model.run(arrays, detail="forecast").rounds
    print(f"B = {n:,}; rounds played: median {np.median(rounds):.0f}, mean {rounds.mean():.1f}, "
          f"max {rounds.max()}, at the cap {(rounds == params['rounds']).sum()}")  # fmt: skip
    print("  members/s by wall time (by CPU time of this process)")
    for label, wall, cpu in (
        ("simulate, plain loop", plain, plain_cpu),
        ("simulate, compacted", compact, compact_cpu),
        ("model.run, array-API", api, api_cpu),
        (f"model.run, compiled ({compiled.threads()} threads)", run, run_cpu),
    ):
        print(f"  {label:<32} {n / wall:>8,.0f}/s ({n / cpu:>8,.0f}/s)  {wall:.2f} s ({cpu:.2f} s)")
    print(f"  ratio compacted / plain  {plain / compact:.1f}x ({plain_cpu / compact_cpu:.1f}x)")
    print(f"  ratio compiled / array-API model.run  {api / run:.1f}x ({api_cpu / run_cpu:.1f}x)")
    print(f"  model.run against the peer's {PEER_MEMBERS_PER_S:.0f}/s: "
          f"{n / run / PEER_MEMBERS_PER_S:.2f}x ({n / run_cpu / PEER_MEMBERS_PER_S:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
