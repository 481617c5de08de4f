"""Scores of a forecast distribution (an ensemble) against an outcome: interval coverage and CRPS.

An interval is only worth showing if it covers what it claims: the *coverage* of the central p%
interval is the share of outcomes that fall inside it, to be compared with p. The *continuous
ranked probability score* (CRPS; Matheson & Winkler 1976, Gneiting & Raftery 2007, eq. 21)

    CRPS(F, y) = E|X - y| - 1/2 E|X - X'|,     X, X' independent draws of F,

is the mean absolute error generalised to a distribution: it equals |forecast - y| for a point
forecast, and it rewards an ensemble that is both close to the outcome and no wider than needed.
For an ensemble of M members F is their empirical distribution; the pairwise term is computed from
the sorted members in O(M log M): sum_{j,k} |x_j - x_k| = 2 sum_i (2i - M - 1) x_(i), i = 1..M.

Ensembles are arrays of shape (n, M): n forecasts (issues), M members each; outcomes are (n,).
"""

from __future__ import annotations

import numpy as np

LEVELS = (50, 80, 90)
TIE = 1e-9


def crps_ensemble(members: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """(n,) CRPS of each row's ensemble (its empirical distribution) against its outcome.

    Two members 0 and 10 against the outcome 5: E|X - y| = 5, E|X - X'| = (0 + 10 + 10 + 0) / 4,
    so the CRPS is 5 - 2.5:

    >>> crps_ensemble(np.array([[0.0, 10.0]]), np.array([5.0]))
    array([2.5])
    """
    x = np.sort(np.asarray(members, dtype=float), axis=1)
    y = np.asarray(outcomes, dtype=float)
    m = x.shape[1]
    spread_weights = 2 * np.arange(1, m + 1) - m - 1
    mean_abs = np.abs(x - y[:, None]).mean(axis=1)
    pairwise = 2 * (x @ spread_weights) / m**2  # E|X - X'|
    return mean_abs - pairwise / 2


def central_interval(members: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) of each row's central `level`% interval: its (50 -/+ level/2)% quantiles.

    >>> central_interval(np.array([[0.0, 1.0, 2.0, 3.0, 4.0]]), 50)
    (array([1.]), array([3.]))
    """
    q = np.quantile(
        np.asarray(members, dtype=float), [0.5 - level / 200, 0.5 + level / 200], axis=1
    )
    return q[0], q[1]


def coverage(
    members: np.ndarray, outcomes: np.ndarray, levels: tuple[int, ...] = LEVELS
) -> dict[str, float | None]:
    """{"50": share, ...}: the share of outcomes inside each central interval (ends included,
    within round-off); None for every level when there are no forecasts.

    >>> coverage(np.array([[0.0, 1.0, 2.0, 3.0, 4.0]] * 2), np.array([2.5, 3.5]), (50,))
    {'50': 0.5}
    """
    y = np.asarray(outcomes, dtype=float)
    if y.size == 0:
        return dict.fromkeys(map(str, levels))
    return {str(level): float(covered(members, y, level).mean()) for level in levels}


def covered(members: np.ndarray, outcomes: np.ndarray, level: float) -> np.ndarray:
    """(n,) whether each outcome lies inside its row's central `level`% interval (ends included,
    within round-off).

    >>> covered(np.array([[0.0, 1.0, 2.0, 3.0, 4.0]] * 2), np.array([2.5, 3.5]), 50)
    array([ True, False])
    """
    y = np.asarray(outcomes, dtype=float)
    lo, hi = central_interval(members, level)
    return (y >= lo - TIE) & (y <= hi + TIE)


def ensemble_summary(members: np.ndarray, outcomes: np.ndarray) -> dict[str, object]:
    """The probabilistic scores of a backtest row: coverage of the central intervals and mean CRPS.

    >>> ensemble_summary(np.array([[0.0, 10.0]]), np.array([5.0]))
    {'coverage': {'50': 1.0, '80': 1.0, '90': 1.0}, 'crps': 2.5}
    """
    y = np.asarray(outcomes, dtype=float)
    crps = float(crps_ensemble(members, y).mean()) if y.size else None
    return {"coverage": coverage(members, y), "crps": crps}
