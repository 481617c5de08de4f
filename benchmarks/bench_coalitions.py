"""Power indices: parley's counting DP against the `powerindex` package (pure-Python generating
functions) on the same games, and parley alone on 40 and 60 players and by sampling.

Run: .venv/bin/python benchmarks/bench_coalitions.py  (medians of repeated runs; ratios matter,
the machine is shared).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from parley.coalitions import VotingGame, parse_quota, power_indices


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def game(n: int, seed: int, top: int = 100) -> tuple[VotingGame, list[int], int]:
    rng = np.random.default_rng(seed)
    weights = [int(x) for x in rng.integers(1, top, n)]
    quota = sum(weights) // 2 + 1
    g = VotingGame(
        tuple(f"p{k}" for k in range(n)), np.array(weights, float), parse_quota(f"weight:{quota}")
    )
    return g, weights, quota


def main() -> None:
    try:
        import powerindex
    except ImportError:
        powerindex = None
    print(f"{'players':>8} {'parley s':>10} {'powerindex s':>13} {'ratio':>7}")
    for n in (10, 15, 20):
        g, weights, quota = game(n, n)
        ours = median_time(lambda g=g: power_indices(g), 5)
        if powerindex is None:
            print(f"{n:>8} {ours:>10.4f} {'-':>13} {'-':>7}")
            continue

        def ref(weights=weights, quota=quota):
            pg = powerindex.Game(quota, weights=weights)
            pg.calc_banzhaf()
            pg.calc_shapley_shubik()

        theirs = median_time(ref, 3)
        print(f"{n:>8} {ours:>10.4f} {theirs:>13.4f} {theirs / ours:>7.1f}")
    for n in (40, 60):
        g, _, _ = game(n, n)
        print(f"{n:>8} {median_time(lambda g=g: power_indices(g), 5):>10.4f}  exact")
    g, _, _ = game(40, 1)
    with_pairs = VotingGame(
        g.players, g.weights, g.quota, frozenset({(0, 1), (2, 3), (4, 5), (6, 7)})
    )
    t = median_time(lambda: power_indices(with_pairs), 5)
    print(f"{40:>8} {t:>10.4f}  exact, 4 incompatible pairs")
    g, _, _ = game(100, 2)
    t = median_time(lambda: power_indices(g, samples=20_000), 3)
    print(f"{100:>8} {t:>10.4f}  monte-carlo, 20000 samples")


if __name__ == "__main__":
    main()
