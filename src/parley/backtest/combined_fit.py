"""Fitting the `combined` forecaster honestly, and the record of what it was fitted on.

`cross_validate_stack` gives out-of-fold forecasts: the stack is refitted on the training folds
(whole proposals) and forecasts only the held-out proposal's issues, so every number it is scored
by comes from issues it never saw. `fit_record` fits the stack on all issues (the weights shipped
with parley) and stores with them the data they came from and the cross-validated record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

import parley
from parley.backtest.dataset import Dataset
from parley.backtest.folds import group_kfold
from parley.backtest.stack import Inputs, Stack, fit_stack
from parley.errors import CaseError, ModelError
from parley.io.safe_read import read_bytes, read_text

WEIGHTS_FILE = "combined_weights.json"


PENALTIES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)


def choose_penalty(
    x: Inputs,
    y: np.ndarray,
    groups: Sequence[str],
    models: tuple[str, ...],
    folds: int = 5,
    seed: int = 0,
) -> float:
    """The ridge penalty (from `PENALTIES`) with the least grouped out-of-fold MAE on these issues.

    Ties go to the larger penalty (the stack nearer the compromise model). With fewer than two
    groups there is nothing to cross-validate and the largest penalty is used.
    """
    if len(set(groups)) < 2:
        return PENALTIES[-1]
    splits = group_kfold(groups, folds, seed)
    mae = []
    for penalty in PENALTIES:
        err = 0.0
        for train, test in splits:
            stack = fit_stack(x.take(train), y[train], models, penalty)
            err += float(np.abs(stack.predict(x.take(test)) - y[test]).sum())
        mae.append(err / len(y))
    mae = np.array(mae)
    return PENALTIES[int(np.flatnonzero(mae <= mae.min() + 1e-12)[-1])]


def fit_stack_cv(
    x: Inputs,
    y: np.ndarray,
    groups: Sequence[str],
    models: tuple[str, ...],
    folds: int = 5,
    seed: int = 0,
    penalty: float | None = None,
) -> Stack:
    """The stack fitted on all of `x`, its penalty chosen by grouped CV within `x` (or fixed)."""
    if penalty is None:
        penalty = choose_penalty(x, y, groups, models, folds, seed)
    return fit_stack(x, y, models, penalty)


def cross_validate_stack(
    x: Inputs,
    y: np.ndarray,
    groups: Sequence[str],
    models: tuple[str, ...],
    folds: int = 5,
    seed: int = 0,
    penalty: float | None = None,
) -> np.ndarray:
    """Out-of-fold forecasts (0-1) of the stack, folds grouped by proposal.

    Nested: within each training part the penalty is chosen by a further grouped CV over the
    training proposals only, so neither the weights nor the penalty see the held-out proposals.
    A fixed `penalty` skips that choice (e.g. 0 for the unpenalised stack).
    """
    oof = np.full(len(y), np.nan)
    g = np.asarray(groups, dtype=str)
    for train, test in group_kfold(groups, folds, seed):
        stack = fit_stack_cv(x.take(train), y[train], g[train], models, folds, seed, penalty)
        oof[test] = stack.predict(x.take(test))
    return oof


def fit_record(
    dataset: Dataset,
    data_path: Path,
    capability: str,
    folds: int = 5,
    seed: int = 0,
    progress: bool = False,
    penalty: float | None = None,
) -> dict:
    """Backtest the base models on `dataset`, fit the stack on every scored issue, and return the
    JSON record: weights, the data fitted on (file, sha256, n, date, version, models) and the
    cross-validated comparison with the compromise model."""
    from parley.backtest.runner import REFERENCE, base_models, run_backtest, stack_inputs
    from parley.backtest.scoring import error_summary

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


def load_weights(path: str | Path | None = None) -> tuple[Stack, dict]:
    """The stored stack and its record: `path`, or the weights shipped in the package."""
    try:
        if path is None:
            text = resources.files("parley.backtest").joinpath(WEIGHTS_FILE).read_text("utf-8")
        else:
            text = read_text(Path(path))
    except (OSError, CaseError) as exc:
        where = path or f"the package (parley/backtest/{WEIGHTS_FILE})"
        why = f" ({exc.problems[0].message})" if isinstance(exc, CaseError) else ""
        raise ModelError(
            f"combined: no fitted weights in {where}{why}; "
            "fit them with `parley backtest fit-combined`"
        ) from None
    try:
        record = json.loads(text)
        return Stack.from_json(record), record
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"combined: {path or WEIGHTS_FILE} is not a weights file ({exc})"
        ) from None
