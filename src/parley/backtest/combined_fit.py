"""The record of the `combined` forecaster's fit: `fit_record` backtests the base models on a
dataset, fits the stack on all its issues (the weights shipped with parley, see
`parley.models.combined.weights`) and stores with them the data they came from and the
cross-validated comparison (`parley.models.combined.crossval`) with the compromise model.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import numpy as np

import parley
from parley.backtest.dataset import Dataset
from parley.errors import ModelError
from parley.io.safe_read import read_bytes
from parley.models.combined.crossval import cross_validate_stack, fit_stack_cv
from parley.models.constraints import Interval

#: The most folds of the grouped cross-validation: the CV is nested (each outer fold chooses its
#: penalty by an inner CV), so its cost grows with folds squared; 20 already leaves each fold a
#: twentieth of the proposals, and more only multiplies the time.
MAX_FOLDS = 20
DEFAULT_FOLDS = 5

#: The fit's options (name -> type, declared range), checked once at the edge as model parameters
#: are (`parley.models.constraints.check_value`): a negative seed, a NaN, infinite or negative
#: penalty, fewer than 2 or more than MAX_FOLDS folds are refused before any model runs.
FIT_OPTIONS: dict[str, tuple[object, Interval]] = {
    "folds": (int | None, Interval(2, MAX_FOLDS)),
    "seed": (int, Interval(0, None)),
    "penalty": (float | None, Interval(0, None)),
}


def fit_folds(dataset: Dataset, folds: int | None) -> int:
    """The folds of the fit: `folds`, or DEFAULT_FOLDS (at most one per proposal) when None;
    a ModelError about `folds` when more were asked for than the data has proposals (each fold
    holds out whole proposals, so the extra folds would be empty).

    >>> from parley.backtest.dataset import BacktestCase
    >>> data = Dataset("d", [BacktestCase(group=g, case=None, scored=("i",)) for g in "ab"])
    >>> fit_folds(data, None), fit_folds(data, 2)
    (2, 2)
    >>> fit_folds(data, 3)
    Traceback (most recent call last):
    ...
    parley.errors.ModelError: folds must be at most 2 (one per proposal with outcomes), got 3
    """
    proposals = len({c.group for c in dataset.cases if c.scored})
    if folds is None:
        return min(DEFAULT_FOLDS, max(proposals, 2))
    if folds > max(proposals, 2):
        raise ModelError.about(
            "folds", f"must be at most {proposals} (one per proposal with outcomes), got {folds}"
        )
    return folds


def fit_record(
    dataset: Dataset,
    data_path: Path,
    capability: str,
    folds: int | None = None,
    seed: int = 0,
    progress: bool = False,
    penalty: float | None = None,
) -> dict:
    """Backtest the base models on `dataset`, fit the stack on every scored issue, and return the
    JSON record: weights, the data fitted on (file, sha256, n, date, version, models) and the
    cross-validated comparison with the compromise model."""
    from parley.backtest.runner import REFERENCE, base_models, run_backtest, stack_inputs
    from parley.backtest.scoring import error_summary

    folds = fit_folds(dataset, folds)
    result = run_backtest(dataset, base_models(), progress=progress)
    usable = [b for b in result.forecasts if not np.isnan(result.forecasts[b]).any()]
    left_out = [b for b in result.forecasts if b not in usable]
    x = stack_inputs(dataset, result, usable)
    y = result.outcomes / 100
    stack = fit_stack_cv(x, y, result.groups, tuple(usable), folds, seed, penalty)
    oof = cross_validate_stack(x, y, result.groups, tuple(usable), folds, seed, penalty)
    ref = result.errors(REFERENCE)
    combined = np.abs(100 * oof - result.outcomes)
    return {
        "model": "combined",
        **stack.to_json(),
        "fitted_on": {
            "file": data_path.name,
            "sha256": data_hash(data_path),
            "capability": capability,
            "n_issues": int(len(y)),
            "n_proposals": len(set(result.groups)),
            "date": datetime.date.today().isoformat(),
            "parley_version": parley.__version__,
            "models_available": base_models(),
            "models_left_out": left_out,
        },
        "cross_validation": {
            "folds": min(folds, len(set(result.groups))),
            "grouped_by": "proposal",
            "seed": seed,
            "penalty": "chosen by nested grouped CV" if penalty is None else penalty,
            "combined": error_summary(combined),
            "compromise": error_summary(ref),
        },
    }


def data_hash(path: Path) -> str:
    """sha256 of a file, or of a folder's files (names and contents, sorted by name)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(p for p in path.iterdir() if p.is_file() and p.stat().st_size):
            digest.update(item.name.encode() + b"\0" + read_bytes(item))
    else:
        digest.update(read_bytes(path))
    return digest.hexdigest()
