"""The model registry: models are frozen dataclasses of parameters, registered under short names.

Adding a model means writing its module and registering it; the CLI, reports and backtests find it
here. Parameters (command-line strings, presets, a case's values) are read and checked by the
dataclass's types and declared ranges in `parley.models.constraints`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from parley.case.arrays import CaseArrays
from parley.errors import ModelError
from parley.models.constraints import check_params
from parley.models.outcome import Detail, Outcome
from parley.models.traits import Traits
from parley.suggest import did_you_mean


class Model(Protocol):
    """What a registered model offers: its name, its presets and `run`.

    `run(arrays, detail)` takes CaseArrays with a batch axis B >= 1 and returns an Outcome with
    forecast (B, I), status and rounds per member and the labels; `detail="forecast"` leaves out
    history, summaries and events. Traits are declared at registration and read with `traits`.
    """

    name: typing.ClassVar[str]
    presets: typing.ClassVar[dict[str, dict[str, Any]]]
    __dataclass_fields__: typing.ClassVar[dict[str, Any]]  # every model is a dataclass

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome: ...


_REGISTRY: dict[str, type[Model]] = {}
_TRAITS: dict[str, Traits] = {}


def register(
    name: str, presets: Mapping[str, Mapping[str, Any]] | None = None, **declared: Any
) -> Callable[[type], type]:
    """Class decorator: register a frozen dataclass model under `name` with named presets and
    its traits (keywords of `parley.models.traits.Traits`; an unknown one is a TypeError here,
    at import).

    >>> from dataclasses import dataclass
    >>> @register("_doc_probe", uses_capabilty=False)
    ... @dataclass(frozen=True)
    ... class Probe:
    ...     pass
    Traceback (most recent call last):
    ...
    TypeError: model '_doc_probe': unknown trait(s) uses_capabilty (known: multi_issue, ...)
    """
    known = [f.name for f in dataclasses.fields(Traits)]
    unknown = sorted(set(declared) - set(known))
    if unknown:
        raise TypeError(
            f"model {name!r}: unknown trait(s) {', '.join(unknown)} (known: {', '.join(known)})"
        )

    def wrap(cls: type) -> type:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"model {name!r} must be a dataclass")
        fields = {f.name for f in dataclasses.fields(cls)}
        rounds_param = declared.get("rounds_param", "rounds" if "rounds" in fields else None)
        if rounds_param is not None and rounds_param not in fields:
            raise TypeError(f"model {name!r}: rounds_param {rounds_param!r} is not a parameter")
        # set here, on a plain class, what the Model protocol declares (so mypy cannot see them)
        cls.name = name  # type: ignore[attr-defined]
        cls.presets = {k: dict(v) for k, v in (presets or {}).items()}  # type: ignore[attr-defined]
        # `wrap` has just given the dataclass its name and presets; `run` is the model's own
        _REGISTRY[name] = typing.cast("type[Model]", cls)
        _TRAITS[name] = Traits(**{**declared, "rounds_param": rounds_param})
        return cls

    return wrap


def traits(name: str) -> Traits:
    """The declared traits of model `name` (the one way callers learn what a model is).

    >>> traits("smp").rounds_param
    'max_turns'
    """
    model_class(name)  # an unknown name is a ModelError
    return _TRAITS[name]


def default_model_names() -> list[str]:
    """The models run when none is named: every registered model whose traits keep it in the
    default set (`combined` is run by name only).

    >>> "combined" in default_model_names(), "compromise" in default_model_names()
    (False, True)
    """
    return [n for n in _REGISTRY if _TRAITS[n].in_default_set]


def model_names() -> list[str]:
    return list(_REGISTRY)


def model_class(name: str) -> type[Model]:
    try:
        return _REGISTRY[name]
    except KeyError:
        hint = did_you_mean(name, _REGISTRY) or f" (known: {', '.join(_REGISTRY)})"
        raise ModelError(f"unknown model {name!r}{hint}") from None


def param_names(name: str) -> list[str]:
    return [f.name for f in dataclasses.fields(model_class(name))]


def get_model(
    name: str, preset: str | None = None, params: Mapping[str, Any] | None = None
) -> Model:
    """An instance of model `name`: defaults, then the preset's values, then `params` (strings ok)."""
    cls = model_class(name)
    values: dict[str, Any] = {}
    if preset is not None:
        if preset not in cls.presets:
            hint = did_you_mean(preset, cls.presets)
            known = ", ".join(cls.presets) or "none"
            raise ModelError(f"model {name!r} has no preset {preset!r}{hint} (presets: {known})")
        values.update(cls.presets[preset])
    fields = {f.name for f in dataclasses.fields(cls)}
    for key in params or {}:
        if key not in fields:
            raise ModelError(
                f"model {name!r} has no parameter {key!r}{did_you_mean(key, fields)} "
                f"(parameters: {', '.join(sorted(fields))})"
            )
    # one check for every source: the preset's values, the case file's and the command line's
    values = check_params(name, cls, {**values, **(params or {})})
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"model {name!r}: {exc}") from None


def check_declared_params(
    params_by_model: Mapping[str, Mapping[str, Any]], build: bool = False
) -> None:
    """Model parameters a case carries (`model_params`): every model named must exist, a misspelt
    name is an error, never silently ignored; with `build`, each model is built from them so that
    their types and ranges are checked too.

    >>> check_declared_params({"eum": {"rounds": 5}}, build=True)
    >>> check_declared_params({"eum": {"rounds": -1}}, build=True)
    Traceback (most recent call last):
    ...
    parley.errors.ModelError: model_params: eum.rounds: expected an integer in [0, 10000], got -1
    """
    for name, params in params_by_model.items():
        try:
            model_class(name)
            if build:
                get_model(name, None, params)
        except ModelError as exc:
            raise ModelError(f"model_params: {exc}") from None
