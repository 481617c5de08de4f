"""One entry point for the three methods, on any vectorised function of the inputs.

`analyse(problem, evaluate, method)` builds the method's design, evaluates it in chunks (bounded
memory whatever the design's size), checks that every output is finite, and returns the ranked
entries per output together with the outputs that did not move at all over the design: a forecast
that cannot move (a weighted median locked on one actor whose own inputs are fixed) gets indices
of 0 and is reported, rather than dividing by a zero variance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from parley.errors import ModelError, ParleyError
from parley.sensitivity.problem import Evaluate, Problem
from parley.sensitivity.salib_methods import (
    _constant,
    morris_design,
    morris_entries,
    sobol_design,
    sobol_entries,
)
from parley.sensitivity.tornado import tornado

CHUNK = 8192  # design rows evaluated at once


class Method(StrEnum):
    tornado = "tornado"
    sobol = "sobol"
    morris = "morris"


METHODS = tuple(m.value for m in Method)
DEFAULT_SAMPLES = {Method.sobol: 512, Method.morris: 64}


def check_method(method: Method | str, n: int | None) -> tuple[Method, int | None]:
    """The method and its sample count (default filled in), checked before anything runs:
    Sobol base samples a power of 2 >= 2, Morris trajectories >= 2; the tornado takes none."""
    try:
        method = Method(method)
    except ValueError:
        raise ParleyError(f"unknown method {method!r} (known: {', '.join(METHODS)})") from None
    if method is Method.tornado:
        return method, None
    n = DEFAULT_SAMPLES[method] if n is None else int(n)
    if method is Method.sobol and (n < 2 or n & (n - 1)):
        raise ParleyError(f"Sobol base samples must be a power of 2 (e.g. 512, 1024), got {n}")
    if method is Method.morris and n < 2:
        raise ParleyError(f"Morris needs at least 2 trajectories, got {n}")
    return method, n


@dataclass(frozen=True)
class Analysis:
    """Ranked entries per output, the outputs that never moved, the number of evaluations and,
    for the tornado, the outputs at the inputs' point values."""

    entries: dict[str, list[dict]]
    frozen: tuple[str, ...]
    evaluations: int
    points: dict[str, float] | None = None


def evaluate_in_chunks(evaluate: Evaluate, x: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """`evaluate` on the rows of `x`, `chunk` rows at a time; every output must be finite.

    >>> evaluate_in_chunks(lambda x: x.sum(axis=1, keepdims=True), np.ones((5, 2)), chunk=2).ravel()
    array([2., 2., 2., 2., 2.])
    """
    parts = [np.asarray(evaluate(x[s : s + chunk]), dtype=float) for s in range(0, len(x), chunk)]
    y = np.concatenate(parts)
    if not np.isfinite(y).all():
        raise ModelError("the forecast is not finite for some input values")
    return y


def analyse(
    problem: Problem,
    evaluate: Evaluate,
    method: Method | str = Method.tornado,
    n: int | None = None,
    seed: int = 0,
    chunk: int = CHUNK,
) -> Analysis:
    """Sensitivity of each output of `evaluate` to the inputs of `problem` by `method`.

    `n`: Sobol base samples (a power of 2; default 512) or Morris trajectories (default 64); the
    tornado ignores it.

    >>> p = Problem.uniform(["x", "y"], [0.0, 0.0], [1.0, 1.0], outputs=["f"])
    >>> a = analyse(p, lambda x: 2 * x[:, :1] + 0 * x[:, 1:], "morris", n=4)
    >>> [(e["input"], round(e["mu_star"], 12)) for e in a.entries["f"]]
    [('x', 2.0), ('y', 0.0)]
    """
    method, n = check_method(method, n)
    if method is Method.tornado:
        y, entries = tornado(problem, lambda x: evaluate_in_chunks(evaluate, x, chunk))
    else:
        assert n is not None
        if method is Method.sobol:
            unit = sobol_design(problem, n, seed)
        else:
            unit = morris_design(problem, n, seed)
        y = evaluate_in_chunks(evaluate, problem.to_values(unit), chunk)
        if method is Method.sobol:
            entries = sobol_entries(problem, y, seed)
        else:
            entries = morris_entries(problem, unit, y, seed)
    frozen = tuple(o for j, o in enumerate(problem.outputs) if _constant(y[:, j]))
    points = None
    if method is Method.tornado:  # row 0 of the design: every input at its value
        points = {o: float(y[0, j]) for j, o in enumerate(problem.outputs)}
    return Analysis(entries, frozen, len(y), points)
