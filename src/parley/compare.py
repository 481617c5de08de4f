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
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.case import Case
from parley.errors import ScenarioError
from parley.forecast import ModelSpec, forecast_json, run_models
from parley.models import Outcome
from parley.whatif import ValueChange

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

    def to_json(self) -> dict[str, Any]:
        """`{"scenarios": {"base": <forecast JSON>, name: ...}, "shift": {name: {model: {issue}}}}`.

        Each scenario's object is exactly what `parley forecast --scenario NAME --format json`
        prints; `shift` is added beside them.
        """
        issues = [i.id for i in self.case.issues]
        return {
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
