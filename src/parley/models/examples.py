"""Tiny cases in array form for the docstring examples of the models (run by the doctests).

>>> two_actor_arrays().shape
(1, 2, 1)
"""

from __future__ import annotations

import numpy as np

from parley.case.arrays import CaseArrays


def two_actor_arrays() -> CaseArrays:
    """Actor `a` at 0 with capability 3, actor `b` at 100 with capability 1, both fully salient,
    on one issue `reform` on a 0-100 scale: the weighted mean is (3 x 0 + 1 x 100) / 4 = 25."""
    return CaseArrays(
        positions=np.array([[[0.0], [100.0]]]),
        salience=np.ones((1, 2, 1)),
        capability=np.array([[[3.0], [1.0]]]),
        mask=np.ones((2, 1), dtype=bool),
        bounds=np.array([[0.0, 100.0]]),
        actor_ids=("a", "b"),
        issue_ids=("reform",),
        status_quo=np.array([np.nan]),
    )


def three_actor_arrays() -> CaseArrays:
    """Three actors on two issues (0-100): a small multi-issue case where every model moves.

    a: (10, 80), capability 4; b: (60, 20), capability 2; c: (90, 50), capability 3; saliences
    differ across issues so that exchanges are possible.
    """
    return CaseArrays(
        positions=np.array([[[10.0, 80.0], [60.0, 20.0], [90.0, 50.0]]]),
        salience=np.array([[[0.9, 0.3], [0.2, 0.8], [0.6, 0.5]]]),
        capability=np.array([[[4.0, 4.0], [2.0, 2.0], [3.0, 3.0]]]),
        mask=np.ones((3, 2), dtype=bool),
        bounds=np.array([[0.0, 100.0], [0.0, 100.0]]),
        actor_ids=("a", "b", "c"),
        issue_ids=("tax", "trade"),
        status_quo=np.array([np.nan, np.nan]),
    )
