"""A case analysed once: every result a report shows, computed by the library and only laid out by
presentation (the HTML report, terminal tables, JSON), which never runs a model.

`analyse_case` runs the models on the base case and each scenario (a `Comparison`), the power
indices of the capability-weighted game, the united fronts asked for (sharing the base case's runs
with the forecast instead of running them again) and, when the case states ranges or scenario
probabilities, the uncertainty analysis. Later analyses (levers, ensembles of scenarios) join
through `sections`, keyed by name, without changing this type.

>>> from parley.forecast import model_specs
>>> from parley.io import read_case
>>> analysis = analyse_case(read_case("cases/iraq-2006/case.yaml"), model_specs(["compromise"]),
...                         scenarios=[], members=0)
>>> analysis.comparison.models, analysis.comparison.scenarios, analysis.power is not None
(['compromise'], [], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parley.case import Case
from parley.coalitions.summary import front_results, power_summary
from parley.compare import BASE, Comparison, compare_scenarios
from parley.errors import ParleyError
from parley.forecast import ModelSpec
from parley.whatif import ValueChange, apply_changes

NO_POWER = "No power indices were computed."
NO_FRONT = "No united front was asked for (give its members, or a tag to search among for one)."


@dataclass
class CaseAnalysis:
    """Everything computed about one case, ready to lay out.

    case: the case as analysed (what-if changes applied). comparison: every model on the base case
    and each scenario. power: {"note", "quota", "method", "rows"} or None (then `power_missing`
    says why). fronts: the JSON form of the fronts found, as `parley front` prints them, with
    `front_note` on how they were found (`front_missing` when there are none). uncertainty:
    `parley.uncertainty.UncertaintyAnalysis` or None. sections: further results by name.
    """

    case: Case
    comparison: Comparison
    power: dict[str, Any] | None = None
    power_missing: str = NO_POWER
    fronts: list[dict[str, Any]] = field(default_factory=list)
    front_note: str = ""
    front_missing: str = NO_FRONT
    uncertainty: Any = None
    scenarios_asked: bool = False
    sections: dict[str, Any] = field(default_factory=dict)


def analyse_case(
    case: Case,
    specs: Sequence[ModelSpec],
    scenarios: Sequence[str] | None = None,
    fronts: Sequence[Sequence[str]] = (),
    front_search: Sequence[str] = (),
    front_max_size: int | None = None,
    changes: Sequence[ValueChange] = (),
    members: int | None = None,
    levers_actor: str | None = None,
) -> CaseAnalysis:
    """The models on the base case and each scenario (default all), power indices of the
    capability-weighted majority game, the united fronts asked for (member lists, and the stable
    fronts found among each tag of `front_search`, up to `front_max_size` members). What-if
    `changes` apply to the base case and after each scenario. When the case states ranges or
    scenario probabilities, the uncertainty analysis (`members` ensemble members, default
    `parley.uncertainty.MEMBERS`; 0: none). `levers_actor`: the levers of that actor
    (`parley.levers.find_levers`), in `sections["levers"]`."""
    comparison = compare_scenarios(case, specs, scenarios, changes)
    case = apply_changes(case, changes)
    found, note = front_results(
        case, specs, fronts, front_search, front_max_size, base_runs=comparison.runs[BASE]
    )
    analysis = CaseAnalysis(case=case, comparison=comparison, fronts=found, front_note=note)
    analysis.scenarios_asked = scenarios is not None
    try:
        analysis.power = power_summary(case)
    except ParleyError as exc:  # a game that cannot be analysed must not cost the whole report
        analysis.power_missing = f"No power indices: {exc}"
    if (fronts or front_search) and not found:
        analysis.front_missing = note or "No united front was found."
    analysis.uncertainty = _uncertainty(case, specs, comparison, members)
    if levers_actor is not None:
        from parley.levers import find_levers

        analysis.sections["levers"] = find_levers(case, levers_actor, specs)
    return analysis


def _uncertainty(
    case: Case, specs: Sequence[ModelSpec], comparison: Comparison, members: int | None
) -> Any:
    """The uncertainty analysis of the models that ran, when the case has ranges or probabilities."""
    from parley.uncertainty import MEMBERS, has_uncertainty, uncertainty_analysis

    if members == 0 or not has_uncertainty(case):
        return None
    specs = [s for s in specs if s.name in comparison.models]
    return uncertainty_analysis(case, specs, MEMBERS if members is None else members)
