"""`find_levers`: every lever of one actor under each model, ranked by its effect on the actor.

Per model: one forecast-only run of the base case, one batched run of every non-ally lever
(`parley.levers.candidates`), and the fronts batched by `parley.coalitions.front_arrays`; a
lever's effect is A's value (`parley.levers.value`) with the lever minus without, and its shifts
the forecast change per issue in issue units. Models are never averaged: each keeps its own list,
and `agree` says under which models a lever moves A's value the same way.

>>> from parley.io import read_case
>>> from parley.forecast import model_specs
>>> result = find_levers(read_case("cases/iraq-2006/case.yaml"), "iai",
...                      model_specs(["compromise"]), kinds=("persuade",))
>>> best = result.ranked("compromise")[0]
>>> best.lever.label, round(best.effect, 4)
('persuade us_admin on withdrawal 100%', 0.0562)
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.case import Case, CaseArrays, case_arrays
from parley.coalitions.front_arrays import Progress, batched_runs, bloc_rows, merged_arrays
from parley.ensemble.inputs import check_spread
from parley.ensemble.noise import Perturbation, forecasts, halfwidth, noise_json, within_noise
from parley.errors import ParleyError, ParleyWarning
from parley.forecast import ModelSpec
from parley.levers.batch import TOLERANCE, run_levers
from parley.levers.candidates import KINDS, Lever, ally_fronts, single_levers
from parley.levers.value import Goals, LeverError, actor_goals
from parley.models import traits
from parley.models.chunking import fit_chunk


def sign(effect: float) -> int:
    """+1 helps, -1 hurts, 0 no effect (within TOLERANCE)."""
    return 0 if abs(effect) <= TOLERANCE else (1 if effect > 0 else -1)


@dataclass(frozen=True)
class LeverEffect:
    """One lever under one model: its effect on A's value and the forecast shifts (I,)."""

    lever: Lever
    effect: float
    shifts: np.ndarray


@dataclass
class LeverAnalysis:
    """Every lever of `actor` under each model (`effects[model][lever]`) and A's base values."""

    actor: str
    issue_ids: tuple[str, ...]
    value: dict[str, float]
    effects: dict[str, dict[Lever, LeverEffect]]
    robust: dict[str, dict[Lever, float]] = field(default_factory=dict)
    """With an ensemble: per model, the share of members in which each lever helps A."""
    noise: dict[str, np.ndarray] = field(default_factory=dict)
    """With a noise ensemble: per model, (I,) the noise scale of its forecast on the case (half
    the 90% width over perturbed copies, `parley.ensemble.noise`); a shift within it is noise."""
    scales: np.ndarray | None = None
    """(I,) each issue's scale (upper - lower), for the noise tolerance."""

    def within_noise(self, model: str, effect: LeverEffect) -> np.ndarray | None:
        """(I,) whether each of the lever's shifts under `model` is within that model's noise."""
        if model not in self.noise or self.scales is None:
            return None
        return within_noise(effect.shifts, self.noise[model], self.scales)

    @property
    def models(self) -> list[str]:
        return list(self.effects)

    def ranked(self, model: str) -> list[LeverEffect]:
        """The model's levers, largest effect first (ties: in generation order)."""
        return sorted(self.effects[model].values(), key=lambda e: -e.effect)

    def agree(self, lever: Lever, model: str) -> list[str]:
        """The models under which `lever` has the same sign as under `model` (itself included)."""
        mine = sign(self.effects[model][lever].effect)
        return [m for m, e in self.effects.items() if lever in e and sign(e[lever].effect) == mine]

    def levers(self) -> list[Lever]:
        """Every lever evaluated by any model, in generation order."""
        seen: dict[Lever, None] = {}
        for effects in self.effects.values():
            seen.update(dict.fromkeys(effects))
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """`{"actor", "value": {model: V}, "models": {model: [lever objects, best first]}}`.

        Each lever object: kind, target, issue, amount, effect, shifts {issue: change in issue
        units}, agree [models with the same sign]; with an ensemble also `helps_share` and
        `robust`; with a noise ensemble `noise` {issue: {"noise": x, "within_noise": bool}}.
        """
        models: dict[str, list[dict[str, Any]]] = {}
        for model in self.effects:
            rows = []
            for e in self.ranked(model):
                row = {
                    **e.lever.to_json(),
                    "effect": e.effect,
                    "shifts": dict(zip(self.issue_ids, map(float, e.shifts), strict=True)),
                    "agree": self.agree(e.lever, model),
                }
                if model in self.robust:
                    share = self.robust[model].get(e.lever, 0.0)
                    row["helps_share"] = share
                    row["robust"] = share >= ROBUST_SHARE
                if model in self.noise and self.scales is not None:
                    row["noise"] = noise_json(
                        self.issue_ids, e.shifts, self.noise[model], self.scales
                    )
                rows.append(row)
            models[model] = rows
        return {"actor": self.actor, "value": self.value, "models": models}


ROBUST_SHARE = 0.8
"""A lever is robust when it helps A in at least this share of ensemble members."""


def check_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    """The lever kinds asked for (default all); LeverError for an unknown one."""
    if not kinds:
        return KINDS
    from parley.suggest import did_you_mean

    for kind in kinds:
        if kind not in KINDS:
            raise LeverError(
                f"unknown lever kind {kind!r}{did_you_mean(kind, KINDS)}; kinds: {', '.join(KINDS)}"
            )
    return tuple(dict.fromkeys(kinds))


def find_levers(
    case: Case,
    actor: str,
    specs: Sequence[ModelSpec],
    goals: Mapping[str, float] | None = None,
    kinds: Sequence[str] | None = None,
    progress: Progress | None = None,
    chunk: int | None = None,
    members: int = 0,
    seed: int = 0,
    spread: Mapping[str, float | str] | None = None,
    noise: Perturbation | None = None,
) -> LeverAnalysis:
    """Every lever of `actor` on `case` under each model of `specs` (see the module docstring).

    `goals`: {issue: value} replacing A's positions as what it wants. Fronts are judged only by
    models in which capability counts (`traits(name).uses_capability`), as `parley front` does.
    A model not asked for by name that fails is left out with a warning. `members` > 0 also
    evaluates every lever in that many ensemble draws (`parley.levers.robust`, seeded by `seed`;
    `spread`: default ranges for values stated without one, as `parley.ensemble` takes them).
    `noise`: a small-perturbation ensemble giving each model's noise scale on the case, so that
    shifts within it are marked (`parley.ensemble.noise`; the forecast's own spread, not a
    per-lever difference, which would cost members x levers runs).
    """
    kinds = check_kinds(kinds)
    spread = check_spread(spread)  # a bad spread is an error before any model runs
    arrays = case_arrays(case)
    goal = actor_goals(arrays, actor, goals)
    a = arrays.actor_ids.index(actor)
    fronts: list[tuple[Lever, list[int]]] = []
    merged: list[CaseArrays] = []
    if "ally" in kinds:
        fronts = ally_fronts(arrays, a, goal.weight, _partners(case, actor, arrays))
        merged = [merged_arrays(arrays, idx, bloc_rows(arrays, idx)) for _, idx in fronts]
    analysis = LeverAnalysis(actor, arrays.issue_ids, {}, {})
    for n, spec in enumerate(specs):
        try:
            effects, base_value = _one_model(
                spec, case, arrays, a, goal, kinds, fronts, merged, chunk
            )
        except ParleyError as exc:
            if spec.required:
                raise
            warnings.warn(f"model {spec.name!r} left out: {exc}", ParleyWarning, stacklevel=2)
            continue
        finally:
            if progress is not None:
                progress(n + 1, len(specs))
        analysis.value[spec.name] = base_value
        analysis.effects[spec.name] = effects
    if not analysis.effects:
        raise LeverError("no model could run on this case")
    if noise is not None:
        batch = noise.arrays(case)
        analysis.scales = arrays.bounds[:, 1] - arrays.bounds[:, 0]
        for spec in specs:
            if spec.name in analysis.effects:
                with contextlib.suppress(ParleyError):  # no noise: its shifts stay unmarked
                    analysis.noise[spec.name] = halfwidth(forecasts(spec.build(case), batch))
    if members > 0:
        from parley.levers.robust import lever_robustness

        judged = [spec for spec in specs if spec.name in analysis.effects]
        analysis.robust = lever_robustness(
            case, actor, judged, kinds, members, seed, goals, fronts, chunk, spread
        )
    return analysis


def _one_model(
    spec: ModelSpec,
    case: Case,
    arrays: CaseArrays,
    a: int,
    goal: Goals,
    kinds: Sequence[str],
    fronts: list[tuple[Lever, list[int]]],
    merged: list[CaseArrays],
    chunk: int | None,
) -> tuple[dict[Lever, LeverEffect], float]:
    model = spec.build(case)
    chunk = fit_chunk(spec.name, model, arrays, chunk)  # refused or fitted, before any run
    f0 = np.asarray(model.run(arrays, detail="forecast").forecast)[0]
    v0 = float(goal.value(f0))
    levers, batch = single_levers(arrays, a, goal.goal, kinds, f0)
    forecasts = [run_levers(model, batch, arrays, f0, chunk)] if levers else []
    if fronts and traits(spec.name).uses_capability:
        levers = levers + [lever for lever, _ in fronts]
        forecasts.append(batched_runs(model, merged, chunk=chunk))
    if not levers:
        return {}, v0
    f = np.concatenate(forecasts, axis=0)
    values = goal.value(f)
    effects = {
        lever: LeverEffect(lever, _clean(float(v - v0)), _clean_shift(f[n] - f0))
        for n, (lever, v) in enumerate(zip(levers, values, strict=True))
    }
    return effects, v0


def _clean(value: float) -> float:
    return 0.0 if abs(value) < 1e-12 else value


def _clean_shift(shift: np.ndarray) -> np.ndarray:
    return np.where(np.abs(shift) < 1e-12, 0.0, shift)


def _partners(case: Case, actor: str, arrays: CaseArrays) -> list[int]:
    """Actors sharing a tag with `actor` (every actor when it has no tags): the pool of the
    front search for fronts of three."""
    tags = set(case.actor(actor).tags)
    ids = arrays.actor_ids
    if not tags:
        return [k for k, x in enumerate(ids) if x != actor]
    return [k for k, x in enumerate(ids) if x != actor and tags & set(case.actor(x).tags)]
