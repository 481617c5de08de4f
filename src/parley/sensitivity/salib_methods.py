"""Sobol indices and Morris screening, sampled and analysed by SALib (Herman & Usher 2017).

Both draw their design in the unit hypercube (`Problem.salib`) and map it to the inputs'
distributions with `Problem.to_values`, so that the indices refer to the stated distributions.

- **Sobol** (Saltelli 2002; Saltelli et al. 2010): N (K + 2) evaluations from a scrambled Sobol
  sequence (N a power of 2); first-order `S1` (the share of the output's variance an input explains
  alone) and total `ST` (alone and through every interaction), each with the half-width of its 95%
  bootstrap confidence interval (`S1_conf`, `ST_conf`). Ranked by `ST`. Estimates of `S1` near 0
  may come out slightly negative: that is sampling error, kept as SALib reports it.
- **Morris** (Morris 1991; Campolongo et al. 2007): N trajectories of K + 1 evaluations on a
  4-level grid; `mu_star` is the mean absolute elementary effect and `sigma` their standard
  deviation (non-linearity or interactions). The effects are measured per full range of the
  input's quantile scale, so `mu_star` is in output units. Ranked by `mu_star`; for screening many
  inputs with few runs.
"""

from __future__ import annotations

import warnings

import numpy as np

from parley.errors import ParleyError
from parley.sensitivity.problem import Problem

MORRIS_LEVELS = 4


def _salib():
    try:
        from SALib.analyze import morris as analyze_morris
        from SALib.analyze import sobol as analyze_sobol
        from SALib.sample import morris as sample_morris
        from SALib.sample import sobol as sample_sobol
    except ImportError:  # pragma: no cover - the extra is part of the test install
        raise ParleyError(
            "Sobol and Morris analyses need SALib: pip install 'parley[sensitivity]'"
        ) from None
    return sample_sobol, analyze_sobol, sample_morris, analyze_morris


def sobol_design(problem: Problem, n: int, seed: int) -> np.ndarray:
    """(N (K + 2), K) points of the unit hypercube: SALib's Saltelli design, first and total order."""
    sample_sobol = _salib()[0]
    return sample_sobol.sample(problem.salib(), n, calc_second_order=False, seed=seed)


def sobol_entries(problem: Problem, y: np.ndarray, seed: int) -> dict[str, list[dict]]:
    """Per output, `{"input", "S1", "S1_conf", "ST", "ST_conf"}` entries sorted by ST."""
    analyze_sobol = _salib()[1]
    out = {}
    for j, output in enumerate(problem.outputs):
        if _constant(y[:, j]):
            res = {key: np.zeros(problem.size) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = analyze_sobol.analyze(
                    problem.salib(), y[:, j], calc_second_order=False, seed=seed
                )
        out[output] = _ranked(problem, res, ("S1", "S1_conf", "ST", "ST_conf"), "ST")
    return out


def morris_design(problem: Problem, n: int, seed: int) -> np.ndarray:
    """(N (K + 1), K) points of the unit hypercube: N Morris trajectories on a 4-level grid."""
    sample_morris = _salib()[2]
    return sample_morris.sample(problem.salib(), n, num_levels=MORRIS_LEVELS, seed=seed)


def morris_entries(
    problem: Problem, unit: np.ndarray, y: np.ndarray, seed: int
) -> dict[str, list[dict]]:
    """Per output, `{"input", "mu_star", "sigma"}` entries sorted by mu_star."""
    analyze_morris = _salib()[3]
    out = {}
    for j, output in enumerate(problem.outputs):
        res = analyze_morris.analyze(
            problem.salib(), unit, y[:, j], num_levels=MORRIS_LEVELS, seed=seed
        )
        out[output] = _ranked(problem, res, ("mu_star", "sigma"), "mu_star")
    return out


def _constant(column: np.ndarray) -> bool:
    return bool(np.ptp(column) <= 1e-12 * (1 + np.abs(column).max()))


def _ranked(problem: Problem, res, keys: tuple[str, ...], by: str) -> list[dict]:
    values = {key: np.asarray(res[key], dtype=float) for key in keys}
    order = np.argsort(-values[by], kind="stable")
    return [
        {"input": problem.names[i], **{key: float(values[key][i]) for key in keys}} for i in order
    ]
