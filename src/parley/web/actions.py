"""What the web app computes, as plain library calls shared by the JSON API and the pages: each
returns exactly the JSON object the matching CLI command prints with `--format json`.

>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": 2}, {"id": "b", "capability": 1}],
...     "issues": [{"id": "x", "lower": 0, "upper": 30}],
...     "stances": {"a": {"x": {"position": 0, "salience": 1}},
...                 "b": {"x": {"position": 30, "salience": 1}}}})
>>> forecast(case, ["compromise"]).result["models"]["compromise"]["forecast"]
{'x': 10.0}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parley.case import Case, case_warnings
from parley.coalitions.front_noise import with_front_noise
from parley.coalitions.fronts import FrontError, evaluate_front, fronts_json, search_fronts
from parley.coalitions.voting import split_ids
from parley.compare import compare_scenarios
from parley.ensemble.noise import Perturbation
from parley.forecast import check_model_params, forecast_json, front_judges, model_specs, run_models
from parley.models import Outcome
from parley.scenarios import apply_scenario
from parley.whatif import parse_changes, whatif_case


@dataclass(frozen=True)
class Forecast:
    """A forecast's JSON and the Outcomes it came from (the pages draw charts from them)."""

    result: dict[str, Any]
    outcomes: dict[str, Outcome]
    specs: list


def forecast(
    case: Case, models: Sequence[str], scenarios: Sequence[str] = (), sets: Sequence[str] = ()
) -> Forecast:
    """`parley forecast CASE [-m M]... [-s S]... [--set X=V]... --format json`."""
    changes = parse_changes(sets)
    specs = model_specs(list(models) or None)
    outcomes = run_models(case, specs, list(scenarios), changes)
    kept = [s for s in specs if s.name in outcomes]
    name = " + ".join(scenarios) if scenarios else None
    return Forecast(forecast_json(case, name, outcomes, changes), outcomes, kept)


def compare(
    case: Case, models: Sequence[str], scenarios: Sequence[str] = (), sets: Sequence[str] = ()
):
    """`parley compare CASE [-s S]... [-m M]... [--set X=V]... --format json` (and the
    Comparison)."""
    changes = parse_changes(sets)
    specs = model_specs(list(models) or None)
    cmp = compare_scenarios(case, specs, list(scenarios) or None, changes)
    if cmp.scenarios:  # shifts within the model's noise marked, as the CLI does by default
        cmp = cmp.with_noise(specs, Perturbation())
    return cmp.to_json(), cmp, [s for s in specs if s.name in cmp.models]


def front(
    case: Case,
    models: Sequence[str],
    scenarios: Sequence[str] = (),
    sets: Sequence[str] = (),
    members: str | None = None,
    among: str | None = None,
    max_size: int | None = None,
):
    """`parley front CASE --members A,B | --search --among TAG --format json`."""
    specs = front_judges(model_specs(list(models) or None))
    base = whatif_case(case, list(scenarios), parse_changes(sets))
    if among:
        if members:
            raise FrontError("give either members or among (a search), not both")
        fronts = search_fronts(base, among, specs, max_size, None)
    elif members:
        fronts = [evaluate_front(base, split_ids([members]), specs, None)]
        fronts = [with_front_noise(base, fronts[0], specs, Perturbation())]
    else:
        raise FrontError("give members A,B,... or among TAG (a search)")
    return fronts_json(fronts), fronts, specs


def sensitivity(
    case: Case,
    models: Sequence[str],
    scenario: str | None,
    method: str = "tornado",
    samples: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """`parley sensitivity CASE [-m M]... [-s S] --method M [-n N] --seed S --format json`.

    The method and sample counts are checked by the library, in the CLI's words; the case's own
    uncertainty (low/high, its default spread) is used, as the CLI does without `--spread`.
    """
    from parley.errors import ParleyError
    from parley.sensitivity.case import sensitivity as run_sensitivity

    if samples is not None and samples < 1:
        raise ParleyError(f"samples: expected a positive number of samples, got {samples}")
    specs = model_specs(list(models) or None)
    return run_sensitivity(case, specs, method, samples, seed, None, scenario).to_json()


def validate(case: Case) -> dict[str, Any]:
    """`parley validate`'s checks beyond reading: model parameters and every scenario apply."""
    check_model_params(case, build=True)
    for scenario in case.scenarios:
        apply_scenario(case, scenario.name)
    return {
        "ok": True,
        "actors": len(case.actors),
        "issues": len(case.issues),
        "scenarios": [s.name for s in case.scenarios],
        "warnings": case_warnings(case),
    }


MAX_MEMBERS = 20_000
"""Most ensemble members one web request may ask for (the CLI has no such cap)."""


def ensemble(
    case: Case,
    models: Sequence[str],
    scenario: str | None,
    members: int,
    seed: int,
    sets: Sequence[str] = (),
) -> dict[str, Any]:
    """`parley ensemble CASE -n MEMBERS --seed SEED [-m M]... [-s S] [--set C]... --format json`."""
    from parley.ensemble import ensemble as run_ensemble
    from parley.errors import ParleyError

    if not 1 <= members <= MAX_MEMBERS:
        raise ParleyError(f"members: expected 1 to {MAX_MEMBERS}, got {members}")
    if seed < 0:
        raise ParleyError(f"seed: expected a whole number >= 0, got {seed}")
    specs = model_specs(list(models) or None)
    changes = parse_changes(sets)
    return run_ensemble(
        case, members, specs, seed=seed, scenario=scenario, changes=changes
    ).to_json()


def levers(
    case: Case,
    models: Sequence[str],
    scenarios: Sequence[str],
    sets: Sequence[str],
    actor: str | None,
    goals: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> dict[str, Any]:
    """`parley levers CASE --actor A [--goal I=V]... [-k KIND]... --format json`."""
    from parley.levers import LeverError, find_levers, parse_goals

    if not actor:
        raise LeverError("actor: give the actor whose levers to find")
    specs = model_specs(list(models) or None)
    base = whatif_case(case, list(scenarios), parse_changes(sets))
    chosen = [k.strip() for item in kinds for k in item.split(",") if k.strip()]
    return find_levers(
        base, actor, specs, goals=parse_goals(list(goals)), kinds=chosen, noise=Perturbation()
    ).to_json()
