"""Calibrate the default spread of DEU III ensembles by cross-validation over proposals.

Usage: .venv/bin/python benchmarks/calibrate_spread.py [FILE] [--members 400] [--model compromise]
       [--folds 5] [--seed 0] [--check MODEL]... [--correlate RHO]

DEU III states no ranges, so an ensemble backtest needs a default spread (`--spread`). Candidates
are one fraction f for every kind: position and salience +/- f of their scale, capability +/- f of
its value (at most 0.9, so that it stays > 0). Every candidate's ensembles are drawn once (the
draws do not depend on the folds); then, in each of the grouped folds (whole proposals,
`parley.models.combined.folds.group_kfold`), the candidate with the lowest mean CRPS of `--model` on the
training proposals is chosen and scored on the held-out proposals. The pooled held-out coverage and
CRPS are what to expect on data the choice has not seen. The value chosen on all proposals is the
default (`parley.backtest.ensemble.DEFAULT_SPREAD`).

CRPS is the criterion because it is a proper score: it cannot be improved by reporting intervals
wider or narrower than the model believes. The script also prints, per candidate, the coverage on
all proposals, so that the gap to the nominal levels is visible. `--check MODEL` prints the held-out
scores of other models at the spread chosen in each fold. `--correlate RHO` is an experiment:
it gives every actor of every proposal one tag and draws the inputs that measure the same thing
(the same field on the same issue) with rank correlation RHO (`parley ensemble --correlate`), i.e.
experts who misjudge an issue misjudge it for everyone alike.

Prints markdown tables (docs/uncertainty.md quotes them). Not a test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from parley.backtest.dataset import Dataset
from parley.backtest.deu3 import read_deu3
from parley.backtest.ensemble import ensemble_forecasts
from parley.backtest.probabilistic import LEVELS, coverage, crps_ensemble
from parley.backtest.runner import run_backtest
from parley.models.combined.folds import group_kfold

GRID = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)


def spread_of(f: float) -> dict[str, float]:
    return {"position": f, "salience": f, "capability": min(f, 0.9)}


def _row(label: str, members: np.ndarray, y: np.ndarray) -> str:
    cov = coverage(members, y)
    crps = crps_ensemble(members, y).mean()
    mae = np.abs(np.median(members, axis=1) - y).mean()
    return (
        f"| {label} | {len(y)} | "
        + " | ".join(f"{cov[str(level)]:.2f}" for level in LEVELS)
        + f" | {crps:.2f} | {mae:.2f} |"
    )


def _one_tag(data: Dataset) -> Dataset:
    """The dataset with every actor tagged 'all' (for --correlate)."""
    cases = []
    for bc in data.cases:
        actors = [a.model_copy(update={"tags": ("all",)}) for a in bc.case.actors]
        cases.append(replace(bc, case=bc.case.model_copy(update={"actors": actors})))
    return replace(data, cases=cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default="tests/data/deu3/deu3_dev.tsv")
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--model", default="compromise")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="append", default=[])
    parser.add_argument("--correlate", type=float, default=None)
    args = parser.parse_args()
    data = read_deu3(Path(args.file), "gdp")
    correlate = None
    if args.correlate is not None:
        data = _one_tag(data)
        correlate = {"all": args.correlate}
    y = run_backtest(data, ["compromise"]).outcomes
    groups = [bc.group for bc in data.cases for _ in bc.scored]
    models = [args.model, *[m for m in args.check if m != args.model]]
    start = time.perf_counter()
    draws = {
        f: ensemble_forecasts(
            data, models, args.members, args.seed, spread_of(f), correlate=correlate
        )
        for f in GRID
    }
    seconds = time.perf_counter() - start
    header = "| {} | n | 50% | 80% | 90% | CRPS | MAE of the ensemble median |"
    rule = "|---|---|---|---|---|---|---|"

    what = f", inputs correlated {args.correlate:g}" if correlate else ""
    print(
        f"## {args.model}, every candidate on all {len(y)} issues ({args.members} members{what})\n"
    )
    print(header.format("spread f"))
    print(rule)
    for f in GRID:
        print(_row(f"{f:g}", draws[f][args.model], y))

    folds = group_kfold(groups, args.folds, args.seed)
    chosen = []
    held = {m: np.full((len(y), args.members), np.nan) for m in models}
    for train, test in folds:
        score = {f: crps_ensemble(draws[f][args.model][train], y[train]).mean() for f in GRID}
        best = min(GRID, key=lambda f: (score[f], f))
        chosen.append(best)
        for m in models:
            held[m][test] = draws[best][m][test]
    print(
        f"\n## Grouped {len(folds)}-fold CV over proposals (seed {args.seed}): "
        f"spread chosen per fold {chosen}\n"
    )
    print(header.format("model (held-out proposals)"))
    print(rule)
    for m in models:
        print(_row(m, held[m], y))
    score_all = {f: crps_ensemble(draws[f][args.model], y).mean() for f in GRID}
    final = min(GRID, key=lambda f: (score_all[f], f))
    print(f"\nchosen on all proposals: f = {final:g} -> --spread {spread_of(final)}")
    print(f"draws and runs: {seconds:.1f} s for {len(GRID)} candidates")


if __name__ == "__main__":
    main()
