"""How sure is the forecast? The report's uncertainty results, computed in one call.

When a case states ranges (`{value, low, high}`) or scenario probabilities, `uncertainty_analysis`
runs an ensemble of every model (`parley.ensemble`: members drawn from the inputs' distributions
and the scenarios' probabilities) and, for one model (the first asked for), the tornado and the
Sobol indices of its forecasts (`parley.sensitivity`). The report renders the result and runs
nothing itself.

>>> from parley.io import read_case
>>> from parley.forecast import model_specs
>>> case = read_case("cases/iraq-2006/case.yaml")
>>> has_uncertainty(case)
True
>>> u = uncertainty_analysis(case, model_specs(["compromise"]), members=100, sobol_samples=16)
>>> u.ensemble.forecasts["compromise"].shape, u.model
((100, 5), 'compromise')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.case import Case
from parley.ensemble import uncertain_inputs
from parley.ensemble.result import EnsembleResult
from parley.forecast import ModelSpec
from parley.sensitivity import SensitivityResult
from parley.sensitivity.case import sensitivity

MEMBERS = 200
SOBOL_SAMPLES = 128


@dataclass(frozen=True)
class UncertaintyAnalysis:
    """An ensemble of every model, and the tornado and Sobol indices of `model`'s forecasts
    (None where the case's ranges leave no input uncertain: scenario probabilities alone)."""

    ensemble: EnsembleResult
    model: str
    tornado: SensitivityResult | None
    sobol: SensitivityResult | None


def has_uncertainty(case: Case) -> bool:
    """Whether the case states a range on some value or a probability on some scenario."""
    return bool(uncertain_inputs(case)) or any(s.probability is not None for s in case.scenarios)


def uncertainty_analysis(
    case: Case,
    specs: Sequence[ModelSpec],
    members: int = MEMBERS,
    seed: int = 0,
    sobol_samples: int = SOBOL_SAMPLES,
) -> UncertaintyAnalysis:
    """The ensemble (`members`, `seed`) of every model in `specs`, and the tornado and Sobol
    indices (`sobol_samples` base samples, a power of 2) of the first model's forecasts."""
    from parley.ensemble.api import ensemble

    result = ensemble(case, members, list(specs), seed=seed)
    model = next(name for name in (s.name for s in specs) if name in result.forecasts)
    featured = [s for s in specs if s.name == model]
    tornado = sobol = None
    if uncertain_inputs(case):
        tornado = sensitivity(case, featured, "tornado", seed=seed)
        sobol = sensitivity(case, featured, "sobol", sobol_samples, seed=seed)
    return UncertaintyAnalysis(result, model, tornado, sobol)
