"""The tornado: each input at its low and at its high, every other input at its point value.

It is exact and cheap: 2K + 1 evaluations (the point case, then K lows, then K highs) in one
batch. `low` and `high` are the outputs with the input at its low / high; `swing = |high - low|`
ranks the inputs. It says nothing about interactions or about what happens between the ends
(a weighted median may jump); Sobol indices do.
"""

from __future__ import annotations

import numpy as np

from parley.sensitivity.problem import Evaluate, Problem


def tornado_design(problem: Problem) -> np.ndarray:
    """(2K + 1, K) rows: the point values, then input k at its low (row 1 + k), then at its high.

    >>> p = Problem.uniform(["x", "y"], [0.0, 10.0], [2.0, 20.0], outputs=["f"])
    >>> tornado_design(p)
    array([[ 1., 15.],
           [ 0., 15.],
           [ 1., 10.],
           [ 2., 15.],
           [ 1., 20.]])
    """
    k = problem.size
    x = np.tile(problem.values, (2 * k + 1, 1))
    x[1 + np.arange(k), np.arange(k)] = problem.lows
    x[1 + k + np.arange(k), np.arange(k)] = problem.highs
    return x


def tornado(problem: Problem, evaluate: Evaluate) -> tuple[np.ndarray, dict[str, list[dict]]]:
    """The outputs of the design (for diagnostics) and, per output, entries sorted by swing.

    >>> p = Problem.uniform(["x", "y"], [0.0, 10.0], [2.0, 20.0], outputs=["f"])
    >>> _, entries = tornado(p, lambda x: (3 * x[:, :1] + x[:, 1:]))
    >>> [(e["input"], e["low"], e["high"], e["swing"]) for e in entries["f"]]
    [('y', 13.0, 23.0, 10.0), ('x', 15.0, 21.0, 6.0)]
    """
    k = problem.size
    y = np.asarray(evaluate(tornado_design(problem)), dtype=float)
    low, high = y[1 : k + 1], y[k + 1 :]
    swing = np.abs(high - low)
    entries = {}
    for j, output in enumerate(problem.outputs):
        order = np.argsort(-swing[:, j], kind="stable")
        entries[output] = [
            {
                "input": problem.names[i],
                "low": float(low[i, j]),
                "high": float(high[i, j]),
                "swing": float(swing[i, j]),
            }
            for i in order
        ]
    return y, entries
