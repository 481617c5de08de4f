"""The backtest record for docs/backtest.md, and how long each model takes on the DEU dev file.

Usage: .venv/bin/python benchmarks/backtest_record.py [FILE] [--repeat N]

Prints (markdown) each registered model's errors on FILE (default tests/data/deu3/deu3_dev.tsv, GDP
capability) and the
median seconds of N backtests per model with its ratio to the compromise model timed in the same run.
Not a test: timings depend on the machine and its load; ratios are what to compare.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from parley.backtest.deu3 import read_deu3
from parley.backtest.runner import run_backtest
from parley.models import model_names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default="tests/data/deu3/deu3_dev.tsv")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = read_deu3(Path(args.file), "gdp")
    print(f"models registered: {', '.join(model_names())}\n")
    seconds: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        result = run_backtest(data)
        for name, s in result.seconds.items():
            seconds.setdefault(name, []).append(s)
    print("| model | n | MAE | RMSE | median AE | hit5 | hit10 | vs compromise [95% CI] | win |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in result.summary()["models"].items():
        v = row["vs_compromise"]
        lo, hi = v["ci95"]
        print(
            f"| {name} | {row['n']} | {row['mae']:.2f} | {row['rmse']:.2f} | "
            f"{row['median_ae']:.2f} | {row['hit5']:.2f} | {row['hit10']:.2f} | {v['mean_diff']:+.2f} [{lo:.2f}, {hi:.2f}] | "
            f"{v['win_rate']:.2f} |"
        )
    for line in [*map(str, result.failures), *result.notes]:
        print(f"\n- {line}")
    base = statistics.median(seconds["compromise"])
    print(f"\n| model | median s of {args.repeat} backtests | ratio to compromise |")
    print("|---|---|---|")
    for name, values in seconds.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.2f} | {med / base:.1f} |")


if __name__ == "__main__":
    main()
