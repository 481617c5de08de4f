"""The model-error term on recorded decisions: fit its residuals, and score it honestly.

The calibrated predictive distribution of a forecast is the forecast plus a residual drawn from
the model's recorded errors (`parley.ensemble.model_error`). Scored on the issues whose errors it
was built from, it would look better than it is, so a backtest scores it by *cross-conformal*
prediction grouped by proposal: the proposals are dealt into K folds
(`parley.models.combined.folds.group_kfold`); each held-out proposal's distribution is its point
forecast plus the residuals of the other folds' issues, and coverage and CRPS are pooled over the
held-out issues. Nothing of a held-out proposal is used to build its own interval.

`shipped_scores` applies the residuals shipped with parley as they are: held out on any data other
than the file they were fitted on (the remaining DEU III proposals, your own cases), in-sample on
that file. `parley.backtest.calibration_fit` writes the record `parley backtest calibrate` stores.

>>> point = np.array([50.0, 50.0, 40.0, 60.0])
>>> outcomes = np.array([40.0, 70.0, 40.0, 50.0])
>>> s = held_out_scores(point, outcomes, ["a", "b", "c", "d"], folds=4, seed=0)
>>> sorted(s), s["n"]
(['coverage', 'crps', 'n'], 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from parley.backtest.probabilistic import LEVELS, covered, crps_ensemble
from parley.ensemble.model_error import predictive
from parley.models.combined.folds import group_kfold


def residuals_of(point: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """(outcome - forecast) / 100 of the issues a model forecast (forecasts and outcomes on 0-100).

    >>> residuals_of(np.array([40.0, np.nan, 75.0]), np.array([50.0, 10.0, 50.0]))
    array([ 0.1 , -0.25])
    """
    point, y = np.asarray(point, float), np.asarray(outcomes, float)
    ok = np.isfinite(point)
    return (y[ok] - point[ok]) / 100


def _scores(rows: list[np.ndarray], crps: list[np.ndarray]) -> dict[str, Any]:
    """Pooled coverage per level and mean CRPS of held-out issues (nulls when there are none)."""
    if not crps or sum(c.size for c in crps) == 0:
        return {"coverage": dict.fromkeys(map(str, LEVELS)), "crps": None, "n": 0}
    inside = {level: np.concatenate([r[k] for r in rows]) for k, level in enumerate(LEVELS)}
    return {
        "coverage": {str(level): float(inside[level].mean()) for level in LEVELS},
        "crps": float(np.concatenate(crps).mean()),
        "n": int(sum(c.size for c in crps)),
    }


def _score_rows(point: np.ndarray, y: np.ndarray, residuals: np.ndarray):
    members = predictive(point, residuals, np.zeros_like(point), np.full_like(point, 100.0))
    return np.array([covered(members, y, level) for level in LEVELS]), crps_ensemble(members, y)


def held_out_scores(
    point: np.ndarray,
    outcomes: np.ndarray,
    groups: Sequence[str],
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Cross-conformal scores of the calibrated distribution: `{"coverage": {"50", "80", "90"},
    "crps", "n"}`, every issue scored with the residuals of the other folds' proposals only.
    `point` and `outcomes` on 0-100 (NaN where the model gave no forecast: left out)."""
    point, y = np.asarray(point, float), np.asarray(outcomes, float)
    ok = np.flatnonzero(np.isfinite(point))
    kept = [groups[int(i)] for i in ok]
    if len(set(kept)) < 2:
        return _scores([], [])
    rows, crps = [], []
    for train, test in group_kfold(kept, folds, seed):
        tr, te = ok[train], ok[test]
        if tr.size < 2:
            continue
        inside, c = _score_rows(point[te], y[te], residuals_of(point[tr], y[tr]))
        rows.append(inside)
        crps.append(c)
    return _scores(rows, crps)


def shipped_scores(
    point: np.ndarray, outcomes: np.ndarray, residuals: np.ndarray | None
) -> dict[str, Any] | None:
    """Scores of the calibrated distribution built from fixed `residuals` (the shipped ones):
    `{"coverage", "crps", "n"}`, or None when the model has none."""
    if residuals is None:
        return None
    point, y = np.asarray(point, float), np.asarray(outcomes, float)
    ok = np.isfinite(point)
    if not ok.any():
        return _scores([], [])
    inside, c = _score_rows(point[ok], y[ok], residuals)
    return _scores([inside], [c])
