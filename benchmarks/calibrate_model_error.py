"""Held-out coverage of the model-error term on DEU III, and why it is added to the point forecast.

Usage: .venv/bin/python benchmarks/calibrate_model_error.py [FILE] [--members 200] [--folds 5]
       [--seeds 0 1 2 3 4] [-m MODEL]...

For each model (default: the three baselines; -m to choose) and each fold seed, the proposals are
dealt into grouped folds (`parley.models.combined.folds.group_kfold`) and every held-out issue gets
three predictive distributions, all scored on the held-out proposals only:

- *inputs*: the ensemble over the default DEU III spread (`parley.backtest.ensemble.DEFAULT_SPREAD`,
  `--members` per proposal), what `backtest --ensemble` scored before;
- *point + error* (parley's choice): the point forecast plus the residuals (outcome - forecast) of
  the training proposals, the split-conformal predictive distribution;
- *members + error*: every input-ensemble member plus a residual of the training proposals drawn
  for it (the alternative: the residuals, measured from point forecasts, counted on top of the
  input spread).

Prints markdown tables (docs/uncertainty.md quotes them). Not a test: the baselines take about a
minute; eum, exchange and smp ensembles take much longer (tens of minutes on 2 cores).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from parley.backtest.calibration import held_out_scores, residuals_of
from parley.backtest.deu3 import read_deu3
from parley.backtest.ensemble import DEFAULT_SPREAD, ensemble_forecasts
from parley.backtest.probabilistic import LEVELS, covered, crps_ensemble
from parley.backtest.runner import run_backtest
from parley.ensemble.model_error import draw_with_error
from parley.models.combined.folds import group_kfold


def _fmt(label: str, scores: dict) -> str:
    cov = " | ".join(f"{scores['coverage'][str(level)]:.2f}" for level in LEVELS)
    return f"| {label} | {cov} | {scores['crps']:.2f} |"


def _held_out_members(ens, point, y, groups, folds, seed, rng) -> dict:
    """Scores of members + a residual of the training proposals drawn for each member."""
    inside, crps = [], []
    for train, test in group_kfold(groups, folds, seed):
        r = residuals_of(point[train], y[train])
        u = rng.random(ens[test].shape)
        members = np.stack(
            [
                draw_with_error(ens[t][:, None], r, np.zeros(1), np.full(1, 100.0), u[k][:, None])[
                    :, 0
                ]
                for k, t in enumerate(test)
            ]
        )
        inside.append(np.array([covered(members, y[test], level) for level in LEVELS]))
        crps.append(crps_ensemble(members, y[test]))
    flags = np.concatenate(inside, axis=1)
    return {
        "coverage": {str(level): float(flags[k].mean()) for k, level in enumerate(LEVELS)},
        "crps": float(np.concatenate(crps).mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default="tests/data/deu3/deu3_dev.tsv")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("-m", "--model", action="append", default=None)
    args = parser.parse_args()
    models = args.model or ["compromise", "median", "mean"]
    data = read_deu3(Path(args.file), "gdp")
    result = run_backtest(data, models)
    y, groups = result.outcomes, result.groups
    ens = ensemble_forecasts(data, models, args.members, 0, DEFAULT_SPREAD)
    rng = np.random.default_rng(0)
    print(
        f"## Held out ({args.folds}-fold grouped CV, fold seed {args.seeds[0]}), {len(y)} issues\n"
    )
    print("| model, distribution | 50% | 80% | 90% | CRPS |")
    print("|---|---|---|---|---|")
    for m in models:
        seed = args.seeds[0]
        inputs = {
            "coverage": {str(level): float(covered(ens[m], y, level).mean()) for level in LEVELS},
            "crps": float(crps_ensemble(ens[m], y).mean()),
        }
        print(_fmt(f"{m}, inputs", inputs))
        print(
            _fmt(
                f"{m}, point + error",
                held_out_scores(result.forecasts[m], y, groups, args.folds, seed),
            )
        )
        print(
            _fmt(
                f"{m}, members + error",
                _held_out_members(ens[m], result.forecasts[m], y, groups, args.folds, seed, rng),
            )
        )
    print(f"\n## point + error, held out, over fold seeds {args.seeds}: min-max\n")
    print("| model | 50% | 80% | 90% | CRPS |")
    print("|---|---|---|---|---|")
    for m in models:
        runs = [held_out_scores(result.forecasts[m], y, groups, args.folds, s) for s in args.seeds]
        cells = [
            f"{min(r['coverage'][str(level)] for r in runs):.2f}-"
            f"{max(r['coverage'][str(level)] for r in runs):.2f}"
            for level in LEVELS
        ]
        crps = [r["crps"] for r in runs]
        print(f"| {m} | {' | '.join(cells)} | {min(crps):.2f}-{max(crps):.2f} |")


if __name__ == "__main__":
    main()
