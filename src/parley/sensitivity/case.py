"""Sensitivity of a case's forecasts to its uncertain inputs, model by model.

The inputs are the case's stated ranges (and `--spread` defaults) as `parley.ensemble` lists them;
each model runs the whole design of a method as batches of its forecast-only path
(`parley.ensemble.apply_inputs` maps the design's rows onto batched arrays), and every issue's
forecast is one output. Indices refer to the inputs' stated distributions (triangular by default).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from parley.case import Case, case_arrays
from parley.ensemble import apply_inputs, uncertain_inputs
from parley.errors import CaseError, ParleyError, ParleyWarning
from parley.forecast import ModelSpec, check_model_params, model_specs
from parley.levers.batch import run_chunked
from parley.models.chunking import fit_chunk
from parley.scenarios import apply_scenario
from parley.sensitivity.methods import Method, analyse, check_method
from parley.sensitivity.problem import Problem
from parley.sensitivity.result import SensitivityResult


def case_problem(case: Case, spread: Mapping[str, float] | None = None) -> tuple[Problem, list]:
    """The sensitivity problem of `case`: its uncertain inputs (keys, values, ranges, quantile
    functions of their distributions) and its issues as outputs; the inputs themselves beside it."""
    inputs = uncertain_inputs(case, spread)
    if not inputs:
        raise CaseError.about(
            "spread",
            ": no uncertain inputs: the case states no ranges ({value, low, high}); give default "
            "ones as KIND=FRACTION (e.g. position=0.1)",
        )
    values = np.array([u.value for u in inputs])
    lows = np.array([u.low for u in inputs])
    highs = np.array([u.high for u in inputs])
    kinds = [u.distribution for u in inputs]

    def to_values(unit: np.ndarray) -> np.ndarray:
        from parley.ensemble.distributions import ppf

        return ppf(unit, lows, values, highs, kinds)

    names = tuple(u.key for u in inputs)
    problem = Problem(names, values, lows, highs, to_values, tuple(i.id for i in case.issues))
    return problem, inputs


def sensitivity(
    case: Case,
    specs: Sequence[ModelSpec] | None = None,
    method: Method | str = Method.tornado,
    n: int | None = None,
    seed: int = 0,
    spread: Mapping[str, float] | None = None,
    scenario: str | None = None,
) -> SensitivityResult:
    """Per model and issue, the case's uncertain inputs ranked by `method` (tornado, sobol, morris).

    `specs` default to every registered model; a model not asked for by name that cannot handle
    the case is left out with a ParleyWarning, as in `parley forecast`. `n`: Sobol base samples
    (a power of 2) or Morris trajectories. Forecasts are in issue units.

    >>> from parley.case import build_case
    >>> case = build_case({"actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 3}],
    ...     "issues": [{"id": "x", "lower": 0, "upper": 10}],
    ...     "stances": {"a": {"x": {"position": {"value": 2, "low": 0, "high": 4}, "salience": 1}},
    ...                 "b": {"x": {"position": 8, "salience": 1}}}})
    >>> r = sensitivity(case, model_specs(["compromise"]))
    >>> r.to_json()["models"]["compromise"]["issues"]["x"]
    [{'input': 'a.x.position', 'low': 6.0, 'high': 7.0, 'swing': 1.0}]
    """
    method, n = check_method(method, n)
    patched = apply_scenario(case, scenario)
    check_model_params(patched)
    problem, inputs = case_problem(patched, spread)
    arrays = case_arrays(patched)
    specs = list(specs) if specs is not None else model_specs(None)
    models, frozen, evaluations, points = {}, {}, {}, {}
    for spec in specs:
        model = spec.build(patched)

        def evaluate(x: np.ndarray, model=model, name=spec.name) -> np.ndarray:
            batch = apply_inputs(arrays, inputs, x)
            # the design's points in as few runs as the memory limit allows, checked before any
            size = fit_chunk(name, model, batch)
            return np.asarray(run_chunked(model, batch, size), dtype=float)

        try:
            analysis = analyse(problem, evaluate, method, n, seed)
        except ParleyError as exc:
            if spec.required:
                raise
            warnings.warn(f"model {spec.name!r} left out: {exc}", ParleyWarning, stacklevel=2)
            continue
        models[spec.name] = analysis.entries
        frozen[spec.name] = analysis.frozen
        evaluations[spec.name] = analysis.evaluations
        if analysis.points is not None:
            points[spec.name] = analysis.points
    return SensitivityResult(method.value, models, frozen, evaluations, n, seed, points)
