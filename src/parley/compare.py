"""Scenario comparison: the same models on the base case and on each scenario, side by side.

An analyst's first question of a scenario is "what does it change?". `compare_scenarios` answers it
per model and issue as the shift of the forecast from the base case (scenario minus base, in the
issue's own units), so that no caller re-derives it from two forecasts.

>>> from parley import read_case
>>> from parley.forecast import model_specs
>>> cmp = compare_scenarios(read_case("cases/iraq-2006/case.yaml"), model_specs(["compromise"]))
>>> cmp.scenarios
['democratic-congress', 'republican-congress', 'split-congress', 'iraq-study-group']
>>> cmp.shift("democratic-congress", "compromise").round(2)  # (I,) scenario minus base
array([-0.73,  0.13,  0.14, -0.03, -3.09])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from parley.case import Case
from parley.ensemble.noise import (
    Perturbation,
    forecasts,
    halfwidth,
    issue_scales,
    noise_json,
    within_noise,
)
from parley.errors import ParleyError, ScenarioError
from parley.forecast import ModelSpec, forecast_json, run_models
from parley.models import Outcome
from parley.whatif import ValueChange, whatif_case

BASE = "base"
"""The name the base case goes by in a comparison (and in its JSON)."""


@dataclass(frozen=True)
class Comparison:
    """Every chosen model's Outcome on the base case and on each scenario.

    runs: {"base": {model: Outcome}, scenario: {model: Outcome}, ...} in the order asked for.
    """

    case: Case
    runs: dict[str, dict[str, Outcome]]
    changes: tuple[ValueChange, ...] = ()
    """What-if changes (`--set`) applied to the base case and to every scenario."""
    noise: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """With a noise ensemble (`with_noise`): {scenario: {model: (I,) noise scale of its shift}}."""
    noise_members: int = 0
    """The noise ensemble's members (0: not measured)."""

    @property
    def scenarios(self) -> list[str]:
        """The scenario names compared with the base case (without `base`)."""
        return [name for name in self.runs if name != BASE]

    @property
    def models(self) -> list[str]:
        return list(self.runs[BASE])

    def forecast(self, scenario: str, model: str) -> np.ndarray:
        """(I,) the model's forecast under `scenario` ("base" for the base case)."""
        return self.runs[scenario][model].forecast[0]

    def shift(self, scenario: str, model: str) -> np.ndarray:
        """(I,) scenario forecast minus base forecast, in each issue's units."""
        return self.forecast(scenario, model) - self.forecast(BASE, model)

    def within_noise(self, scenario: str, model: str) -> np.ndarray | None:
        """(I,) whether each issue's shift is within the model's noise (None: not measured)."""
        noise = self.noise.get(scenario, {}).get(model)
        if noise is None:
            return None
        return within_noise(self.shift(scenario, model), noise, issue_scales(self.case))

    def with_noise(self, specs: Sequence[ModelSpec], perturbation: Perturbation) -> Comparison:
        """This comparison with the noise scale of every shift (`parley.ensemble.noise`): the
        base case and each scenario perturbed by the same common random numbers, the spread of
        the member shifts per model and issue. A model that fails on a perturbed member gets no
        noise (its shifts are shown unmarked)."""
        cases = {
            name: whatif_case(self.case, None if name == BASE else name, self.changes)
            for name in self.runs
        }
        batches = {name: perturbation.arrays(c) for name, c in cases.items()}
        noise: dict[str, dict[str, np.ndarray]] = {name: {} for name in self.scenarios}
        for spec in specs:
            if spec.name not in self.models:
                continue
            try:
                base = forecasts(spec.build(cases[BASE]), batches[BASE])
                for name in self.scenarios:
                    moved = forecasts(spec.build(cases[name]), batches[name])
                    noise[name][spec.name] = halfwidth(moved - base)
            except ParleyError:
                for name in self.scenarios:
                    noise[name].pop(spec.name, None)
        return replace(self, noise=noise, noise_members=perturbation.members)

    def to_json(self) -> dict[str, Any]:
        """`{"scenarios": {"base": <forecast JSON>, name: ...}, "shift": {name: {model: {issue}}}}`.

        Each scenario's object is exactly what `parley forecast --scenario NAME --format json`
        prints; `shift` is added beside them. With a noise ensemble, `noise` is added too:
        `{name: {model: {issue: {"noise": x, "within_noise": bool}}}}`.
        """
        issues = [i.id for i in self.case.issues]
        obj = {
            "scenarios": {
                name: forecast_json(
                    self.case, None if name == BASE else name, outcomes, self.changes
                )
                for name, outcomes in self.runs.items()
            },
            "shift": {
                name: {
                    model: {
                        i: None if np.isnan(v) else float(v)
                        for i, v in zip(issues, self.shift(name, model), strict=True)
                    }
                    for model in self.models
                }
                for name in self.scenarios
            },
        }
        if self.noise:
            scale = issue_scales(self.case)
            obj["noise"] = {
                name: {
                    model: noise_json(issues, self.shift(name, model), noise, scale)
                    for model, noise in by_model.items()
                }
                for name, by_model in self.noise.items()
            }
        return obj


def compare_scenarios(
    case: Case,
    specs: Sequence[ModelSpec],
    scenarios: Sequence[str] | None = None,
    changes: Sequence[ValueChange] = (),
) -> Comparison:
    """Run `specs` on the base case and on each of `scenarios` (default: every scenario of the case),
    each with the what-if `changes` applied after it (so the shifts are the scenarios' effects in
    the changed world).

    Raises ScenarioError for an unknown scenario, or one named "base" (that name is the base case's).
    Repeated names are compared once.
    """
    names = (
        [s.name for s in case.scenarios] if scenarios is None else list(dict.fromkeys(scenarios))
    )
    for name in names:
        if name == BASE:
            raise ScenarioError(
                f"a scenario may not be named {BASE!r} in a comparison: that name is the base case's"
            )
        case.scenario(name)  # unknown names fail before any model runs
    runs = {BASE: run_models(case, specs, None, changes)}
    for name in names:
        runs[name] = run_models(case, specs, name, changes)
    return Comparison(case, runs, tuple(changes))
