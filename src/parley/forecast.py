"""Running models on a case: the one function the CLI, reports and backtests call."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parley import __version__
from parley.case import Case, case_arrays
from parley.errors import ModelError, ParleyError, ParleyWarning
from parley.models import (
    Outcome,
    default_model_names,
    get_model,
    model_class,
    param_names,
    traits,
)
from parley.models.cost import check_memory
from parley.models.registry import check_declared_params
from parley.recommend import recommended_json
from parley.whatif import ValueChange, whatif_case


@dataclass(frozen=True)
class ModelSpec:
    """A model to run: its name, an optional preset and parameter overrides."""

    name: str
    preset: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    required: bool = (
        True  # False when the model was not asked for by name (the "all models" default)
    )

    def build(self, case: Case | None = None):
        """The model instance; parameters the case carries for it come before `params`."""
        carried = case.model_params.get(self.name, {}) if case is not None else {}
        return get_model(self.name, self.preset, {**carried, **self.params})


def front_judges(specs: Sequence[ModelSpec]) -> list[ModelSpec]:
    """The models united fronts are judged by: named models as given; from the default set of
    every model, those in which a bloc's combined capability can count (`mean` counts heads, so
    every merger would lose there)."""
    return [spec for spec in specs if spec.required or traits(spec.name).uses_capability]


def model_specs(
    names: Sequence[str] | None,
    presets: Sequence[str] = (),
    params: Sequence[str] = (),
    rounds: int | None = None,
) -> list[ModelSpec]:
    """Specs from command-line style options.

    `presets` items are `PRESET` (for every chosen model that has it) or `MODEL:PRESET`;
    `params` items are `NAME=VALUE` (for every chosen model with that parameter) or
    `MODEL.NAME=VALUE`. `rounds` sets each model's rounds parameter (`rounds`, or the name the
    model declares as its `rounds_param` trait, e.g. smp's `max_turns`). Models not named (`names` None:
    the default set: every registered model but those kept out of it, as `combined`) are not
    `required`: one that cannot handle a case is skipped with a
    warning instead of failing the others.
    """
    required = bool(names)
    names = list(names or default_model_names())
    for name in names:
        model_class(name)
    chosen_preset: dict[str, str] = {}
    for item in presets:
        model, _, preset = item.rpartition(":")
        targets = [model] if model else [n for n in names if preset in model_class(n).presets]
        if not targets:
            raise ModelError(f"no chosen model has a preset {preset!r}")
        for t in targets:
            chosen_preset[t] = preset
    chosen: dict[str, dict[str, Any]] = {n: {} for n in names}
    if rounds is not None:
        for n in names:
            rounds_param = traits(n).rounds_param
            if rounds_param is not None:
                chosen[n][rounds_param] = rounds
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ModelError.about("params", f"expects NAME=VALUE, got {item!r}")
        model, _, pname = key.rpartition(".")
        targets = [model] if model else [n for n in names if pname in param_names(n)]
        if not targets:
            raise ModelError(f"no chosen model has a parameter {pname!r}")
        for t in targets:
            if t not in chosen:
                raise ModelError.about(
                    "params", f"{item!r}: model {t!r} is not among the chosen models"
                )
            chosen[t][pname] = value
    specs = [ModelSpec(n, chosen_preset.get(n), chosen[n], required) for n in names]
    for spec in specs:
        spec.build()  # report bad presets and parameters before any model runs
    return specs


def check_model_params(case: Case, build: bool = False) -> None:
    """A model the case's `model_params` names must exist: a misspelt name is an error, never
    silently ignored. With `build`, each such model is built so its parameters are checked too."""
    check_declared_params(case.model_params, build)


def run_models(
    case: Case,
    specs: Sequence[ModelSpec],
    scenario: str | Sequence[str] | None = None,
    changes: Sequence[ValueChange] = (),
) -> dict[str, Outcome]:
    """Each model's Outcome on `case` patched by `scenario` (one name, or several applied in
    order) and then by the what-if `changes`, keyed by model name.

    A model that was not asked for by name (`spec.required` False) and cannot handle this case
    (it raises a ParleyError) is left out with a `ParleyWarning`; a required one fails the call.

    >>> from parley import read_case
    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> runs = run_models(case, model_specs(["compromise", "median"]), "democratic-congress")
    >>> {name: out.forecast[0].round(1).tolist() for name, out in runs.items()}
    {'compromise': [4.0, 41.4, 38.4, 42.8, 34.8], 'median': [3.0, 45.0, 25.0, 35.0, 20.0]}
    """
    patched = whatif_case(case, scenario, changes)
    check_model_params(patched)
    arrays = case_arrays(patched)
    outcomes = {}
    for spec in specs:
        model = spec.build(patched)
        try:
            check_memory(spec.name, model, arrays.positions.shape)
            out = model.run(arrays)
        except ParleyError as exc:
            if spec.required:
                raise
            warnings.warn(f"model {spec.name!r} left out: {exc}", ParleyWarning, stacklevel=2)
            continue
        outcomes[spec.name] = out
    return outcomes


def forecast_json(
    case: Case,
    scenario: str | None,
    outcomes: dict[str, Outcome],
    changes: Sequence[ValueChange] = (),
) -> dict[str, Any]:
    """`{"case", "scenario", "models": {name: Outcome.to_json()}, "run", "set"}`.

    `scenario` names the scenario run ('a + b' for several, in order); the what-if `changes`
    (`--set`) are listed under "set" as typed, when there are any.

    Values are in each issue's units; `rounds` starts with round 0, the input positions. Models add
    `events` (when they record any) and their own keys (`Outcome.extra`); `run` records what
    produced the output (parley's version and the hash of the case; parameters and seeds are in
    each model's `params`), so a result can be traced to its inputs.
    """
    obj: dict[str, Any] = {
        "case": case.title,
        "scenario": scenario,
        "models": {name: out.to_json() for name, out in outcomes.items()},
        "recommended": recommended_json(case, {n: o.forecast for n, o in outcomes.items()}),
        "run": {"parley_version": __version__, "case_sha256": case.fingerprint()},
    }
    if changes:
        obj["set"] = [str(c) for c in changes]
    return obj
