"""One round of eum's compiled kernel, timed over the rounds the peer's benchmark really plays.

Why: `bench_eum_stop.py` times whole members, whose cost is rounds x cost of a round; to work on
the round itself one needs its cost alone, on real states (a fixed state flatters the branch
predictor: the offers, the sort and the midpoint counts see the same data every call). This
script plays the 1,000 members of `bench_eum_stop.py` (20 actors, one issue, the peer's stop rule)
once through `compiled_kernel._round`, records the state every played round starts from (positions,
risk exponents, median, D; the rounds a cycle copies are not played, so not recorded), then times
`_round` over that sequence of states, in compiled code, the logarithms kept from round to round as
a run keeps them (reset at each member's first round). Prints the minimum over repeats of the mean
time per round on one core (the minimum: the least disturbed by other work on a shared machine).

    .venv/bin/python benchmarks/bench_eum_round.py                # 1,000 members, 9 repeats
    .venv/bin/python benchmarks/bench_eum_round.py --members 200 --repeats 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_ensemble import batch, twenty_actor_case
from numba import njit

from parley.ensemble.plan import make_plan
from parley.forecast import ModelSpec
from parley.models.eum import compiled_kernel as kernel
from parley.models.eum.compiled_kernel import settings


@njit
def _record(x0, w, s, played, flags, reals, states, r_in, mus, deltas, owner):
    """Play each member's `played` rounds and record the state each round starts from."""
    n = x0.shape[1]
    scratch = kernel._scratch(n)
    vecs, ints = scratch[1], scratch[2]
    new_x, r, totals = np.empty(n), np.empty(n), vecs[10]
    row = 0
    for m in range(x0.shape[0]):
        x = x0[m].copy()
        r_prev = np.ones(n)
        delta = x.max() - x.min()
        mu = kernel._median(x, w[m], delta, flags, reals, ints[0], totals)
        scratch[12][0][:] = np.nan
        for _ in range(played[m]):
            states[row], r_in[row], mus[row], deltas[row], owner[row] = x, r_prev, mu, delta, m
            row += 1
            kernel._round(x, w[m], s[m], delta, r_prev, mu, flags, reals, scratch, new_x, r)
            x[:] = new_x
            r_prev[:] = r
            mu = kernel._median(x, w[m], delta, flags, reals, ints[0], totals)


@njit
def _replay(states, r_in, mus, deltas, owner, w, s, flags, reals):
    """`_round` over every recorded state, as a run calls it."""
    n = states.shape[1]
    scratch = kernel._scratch(n)
    new_x, r = np.empty(n), np.empty(n)
    last = -1
    for k in range(states.shape[0]):
        m = owner[k]
        if m != last:
            scratch[12][0][:] = np.nan  # a new problem: no logarithms kept
            last = m
        kernel._round(states[k], w[m], s[m], deltas[k], r_in[k], mus[k], flags, reals, scratch,
                      new_x, r)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    case = twenty_actor_case()
    positions = [s["q"].position.value for s in case.stances.values()]
    spread = max(positions) - min(positions)
    params = {"stop": "median", "tolerance": 0.5 / spread, "patience": 2, "rounds": 100}
    plan = make_plan(case, [ModelSpec("eum", params=params)], members=args.members, mix=False)
    arrays = batch(plan, args.members, "cpu")
    model = plan.worlds[0].models[0][1]
    x, c, s = (np.ascontiguousarray(v[:, :, 0]) for v in (arrays.positions, arrays.capability,
                                                          arrays.salience))  # fmt: skip
    w = c * s
    bounds = np.tile(arrays.bounds[0], (args.members, 1))
    flags, reals = settings(model)
    played = _played(x, w, s, bounds, model)
    total = int(played.sum())
    n = x.shape[1]
    states, r_in = np.empty((total, n)), np.empty((total, n))
    mus, deltas, owner = np.empty(total), np.empty(total), np.empty(total, dtype=np.int64)
    _record(x, w, s, played, flags, reals, states, r_in, mus, deltas, owner)
    _replay(states[:10], r_in, mus, deltas, owner, w, s, flags, reals)  # compile
    best = np.inf
    for _ in range(args.repeats):
        began = time.perf_counter()
        _replay(states, r_in, mus, deltas, owner, w, s, flags, reals)
        best = min(best, (time.perf_counter() - began) / total)
    print(f"{args.members:,} members, {total:,} played rounds (cycles' copies excluded)")
    print(f"eum compiled round, 20 actors: {best * 1e6:.2f} us (min over {args.repeats} repeats)")


def _played(x, w, s, bounds, model) -> np.ndarray:
    """Rounds each member plays before it stops or its cycle is copied (not the copies)."""
    flags, reals = settings(model)
    scratch = kernel._scratch(x.shape[1])
    spans = bounds[:, 1] - bounds[:, 0]
    return np.array([
        kernel._simulate_one(x[m], w[m], s[m], spans[m], flags, reals, scratch)[3]
        for m in range(x.shape[0])
    ])  # fmt: skip


if __name__ == "__main__":
    main()
