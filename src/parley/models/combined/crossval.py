"""Fitting the `combined` stack honestly: penalties chosen and forecasts scored by cross-validation
grouped by proposal, so every number it is judged by comes from proposals it never saw.

`cross_validate_stack` gives out-of-fold forecasts: the stack is refitted on the training folds
(whole proposals) and forecasts only the held-out proposal's issues. It is the `cross_validate`
trait of `combined`, which backtests call instead of scoring its stored fit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parley.models.combined.folds import group_kfold
from parley.models.combined.stack import Inputs, Stack, fit_stack

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
    errors: list[float] = []
    for penalty in PENALTIES:
        err = 0.0
        for train, test in splits:
            stack = fit_stack(x.take(train), y[train], models, penalty)
            err += float(np.abs(stack.predict(x.take(test)) - y[test]).sum())
        errors.append(err / len(y))
    mae = np.array(errors)
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
