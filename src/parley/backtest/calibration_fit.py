"""The record of the model-error term: `fit_residuals` backtests every model on a dataset and
returns the residuals file `parley backtest calibrate` writes (and parley ships as
`parley/ensemble/model_error.json`): each model's residuals, the data they came from, the method
and each model's held-out record (`parley.backtest.calibration`).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import parley
from parley.backtest.calibration import held_out_scores, residuals_of
from parley.backtest.combined_fit import data_hash
from parley.backtest.dataset import Dataset
from parley.backtest.runner import run_backtest
from parley.ensemble.model_error import LABEL, Residuals
from parley.errors import ParleyError

METHOD = (
    "split-conformal predictive distribution: the point forecast plus a residual (outcome - "
    "forecast, fraction of the issue's scale) drawn uniformly from the recorded ones, cut at the "
    "scale's ends"
)
DIGITS = 6  # residuals are stored to 1e-6 of the scale: far below any difference that matters


def fit_residuals(
    dataset: Dataset,
    data_path: Path,
    capability: str,
    folds: int = 5,
    seed: int = 0,
    progress: bool = False,
) -> dict[str, Any]:
    """Backtest every registered model on `dataset` (each at its defaults; `combined` by its own
    grouped cross-validation, so its residuals are out of sample) and return the residuals file:
    label, method, the data fitted on, each model's held-out record and the residuals."""
    result = run_backtest(dataset, progress=progress, folds=folds, seed=seed)
    residuals, record = {}, {}
    for name in result.models:
        r = residuals_of(result.forecasts[name], result.outcomes)
        if r.size < 2:
            continue
        residuals[name] = [round(float(v), DIGITS) for v in r]
        record[name] = held_out_scores(
            result.forecasts[name], result.outcomes, result.groups, folds, seed
        )
    if not residuals:
        raise ParleyError(f"{data_path}: no model forecast at least 2 scored issues")
    return {
        "label": LABEL,
        "method": METHOD,
        "parameters": "each model at its defaults (no preset, no --param)",
        "fitted_on": {
            "file": data_path.name,
            "sha256": data_hash(data_path),
            "capability": capability,
            "n_issues": len(result.outcomes),
            "n_proposals": len(set(result.groups)),
            "date": datetime.date.today().isoformat(),
            "parley_version": parley.__version__,
        },
        "cross_validation": {
            "folds": min(folds, len(set(result.groups))),
            "grouped_by": "proposal",
            "seed": seed,
            "what": "held-out coverage and CRPS (0-100) of the calibrated distribution, each "
            "proposal scored with the residuals of the other folds (cross-conformal)",
            "models": record,
        },
        "residuals": residuals,
    }


def check_residuals(record: dict[str, Any]) -> Residuals:
    """The record as `Residuals` (what `parley ensemble` reads back), checked on the way out."""
    return Residuals.from_json(record)
