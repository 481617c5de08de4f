"""How sure is the forecast? The report's uncertainty results, computed in one call.

When a case states ranges (`{value, low, high}`) or scenario probabilities, `uncertainty_analysis`
runs an ensemble of every model (`parley.ensemble`: members drawn from the inputs' distributions
and the scenarios' probabilities) and, for every model the ensemble ran, the tornado and the
Sobol indices of its forecasts (`parley.sensitivity`). The report renders the result and runs
nothing itself.

>>> from parley.io import read_case
>>> from parley.forecast import model_specs
>>> case = read_case("cases/iraq-2006/case.yaml")
>>> has_uncertainty(case)
True
>>> u = uncertainty_analysis(case, model_specs(["compromise"]), members=100, sobol_samples=16)
>>> u.ensemble.forecasts["compromise"].shape, u.models
((100, 5), ('compromise',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from parley.case import Case
from parley.ensemble import uncertain_inputs
from parley.ensemble.result import EnsembleResult
from parley.forecast import ModelSpec
from parley.models import traits
from parley.sensitivity import SensitivityResult
from parley.sensitivity.case import sensitivity

MEMBERS = 200
SOBOL_SAMPLES = 128
SOBOL_SAMPLES_ROUNDS = 16
"""Sobol base samples for the models that play rounds (eum, smp, exchange): on the seed case one of
their runs costs 10-100 times a weighted mean's, and 128 base samples each made `parley report`
take 404 s instead of 46 s on this 2-core machine shared with other jobs; with 16 it took 106 s. Their confidence
intervals (drawn as error bars) are wider, and the caption says how many samples each model had."""


@dataclass(frozen=True)
class UncertaintyAnalysis:
    """An ensemble of every model, and the tornado and Sobol indices of the forecasts of each of
    `models` (the models the ensemble ran, in the order asked for; the sensitivity results are
    None where the case's ranges leave no input uncertain: scenario probabilities alone)."""

    ensemble: EnsembleResult
    models: tuple[str, ...]
    tornado: SensitivityResult | None
    sobol: SensitivityResult | None
    sobol_samples: dict[str, int] = field(default_factory=dict)
    """Each model's Sobol base samples (`SOBOL_SAMPLES_ROUNDS` for models that play rounds)."""


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
    indices (`sobol_samples` base samples, a power of 2) of the forecasts of every model the
    ensemble ran (each model's design points are one batched run, as `parley sensitivity`)."""
    from parley.ensemble.api import ensemble

    result = ensemble(case, members, list(specs), seed=seed)
    ran = [s for s in specs if s.name in result.forecasts]
    tornado = sobol = None
    samples: dict[str, int] = {}
    if uncertain_inputs(case):
        tornado = sensitivity(case, ran, "tornado", seed=seed)
        for spec in ran:
            rounds = traits(spec.name).rounds_param is not None
            samples[spec.name] = (
                min(sobol_samples, SOBOL_SAMPLES_ROUNDS) if rounds else sobol_samples
            )
        parts = [
            sensitivity(case, [s for s in ran if samples[s.name] == n], "sobol", n, seed=seed)
            for n in sorted(set(samples.values()), reverse=True)
        ]
        sobol = replace(
            parts[0],
            models={m: v for p in parts for m, v in p.models.items()},
            frozen={m: v for p in parts for m, v in p.frozen.items()},
            evaluations={m: v for p in parts for m, v in p.evaluations.items()},
        )
    return UncertaintyAnalysis(result, tuple(s.name for s in ran), tornado, sobol, samples)
