"""United fronts: actors that merge into one negotiating bloc before bargaining, and whether it pays.

The seed commentary's claim is that a faction negotiating alone can only bargain for its own share,
while factions that first form a united front negotiate for more. `evaluate_front` tests that
claim on a case: it runs the models with the members as separate actors and with them merged into
one bloc (`merge_front`), and measures for each member how far the outcome moves toward its own
positions.

Front gain of member a under model m (positive = the front helps a)::

    gain_a = sum_i s_ai * (|f_i - x_ai| - |g_i - x_ai|) / (U_i - L_i)  /  sum_i s_ai

over the issues i on which a holds a position x_ai with salience s_ai; f_i is the forecast without
the front, g_i with it, [L_i, U_i] the issue's scale. It lies in [-1, 1]: 1 would mean the outcome
moved across the whole scale onto a's position on every issue it cares about. The reported `gain`
is the mean over the models run; a front is `stable` when every member's gain is positive (above
1e-9, so rounding noise counts as no gain). This is the internal stability of d'Aspremont et al.
(1983) in its simplest form: no member is better off outside the front than in it, measured against
the outcome without any front.

Note that under the default rules the compromise (weighted-mean) forecast does not change when
members that all hold a position merge: the bloc's capability x salience equals the members' sum
and its position their weighted mean. Fronts move the outcome under the non-linear models (median,
bargaining models) or when the bloc takes a position by another rule (e.g. ``model:median``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import comb
from typing import Any

import numpy as np

from parley.case import Case, build_case, case_arrays
from parley.coalitions.front_arrays import (
    Progress,
    batched_runs,
    bloc_rows,
    check_rules,
    merged_arrays,
)
from parley.errors import CaseError, FrontError, ParleyError, ParleyWarning
from parley.forecast import ModelSpec, run_models
from parley.models.chunking import fit_chunk
from parley.scenarios import apply_scenario
from parley.suggest import did_you_mean

GAIN_TOLERANCE = 1e-9
MAX_SEARCH = 512


@dataclass(frozen=True)
class FrontResult:
    """One front evaluated: per-member gains (mean over models and per model) and the forecasts."""

    members: tuple[str, ...]
    name: str
    gain: dict[str, float]
    gain_by_model: dict[str, dict[str, float]]
    forecast_with: dict[str, dict[str, float]]
    forecast_without: dict[str, dict[str, float]]
    bloc: dict[str, Any] = field(default_factory=dict)
    noise: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """With a noise ensemble (`parley.coalitions.front_noise`): per model and issue
    `{"noise": x, "within_noise": bool}` for the shift with minus without the front."""

    @property
    def stable(self) -> bool:
        """Every member gains (mean over models)."""
        return all(v > GAIN_TOLERANCE for v in self.gain.values())

    @property
    def stable_by(self) -> list[str]:
        """The models by which every member gains (each model on its own)."""
        return [
            m for m, g in self.gain_by_model.items() if all(v > GAIN_TOLERANCE for v in g.values())
        ]

    @property
    def verdict(self) -> str:
        """The front's verdict in words; a front stable on average that only one of several
        models finds stable says that it rests on that model.

        >>> r = FrontResult(("a", "b"), "a+b", {"a": 0.05, "b": 0.06},
        ...     {"m1": {"a": 0.1, "b": 0.1}, "m2": {"a": -0.01, "b": 0.02}}, {}, {})
        >>> r.verdict
        "stable on average, but it rests on one model: only 'm1' has every member gain"
        """
        if not self.stable:
            return "not stable: some member gains nothing or loses"
        by = self.stable_by
        if len(self.gain_by_model) > 1 and len(by) == 1:
            return f"stable on average, but it rests on one model: only {by[0]!r} has every member gain"
        if len(self.gain_by_model) > 1 and not by:
            return "stable on average only: no model by itself has every member gain"
        return "stable: every member gains"

    @property
    def min_gain(self) -> float:
        return min(self.gain.values())

    @property
    def total_gain(self) -> float:
        return float(sum(self.gain.values()))

    def to_json(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "name": self.name,
            "stable": self.stable,
            "verdict": self.verdict,
            "gain": self.gain,
            "min_gain": self.min_gain,
            "total_gain": self.total_gain,
            "gain_by_model": self.gain_by_model,
            "stable_by_model": {
                m: all(v > GAIN_TOLERANCE for v in g.values())
                for m, g in self.gain_by_model.items()
            },
            "forecast_with": self.forecast_with,
            "forecast_without": self.forecast_without,
            "bloc": self.bloc,
            **({"noise": self.noise} if self.noise else {}),
        }


def fronts_json(fronts: Sequence[FrontResult]) -> dict[str, Any]:
    """The stable JSON object of `parley front`: {"fronts": [...]}."""
    return {"fronts": [f.to_json() for f in fronts]}


def _check_members(case: Case, members: Sequence[str]) -> list[str]:
    members = list(members)
    known = [a.id for a in case.actors]
    unknown = [m for m in members if m not in known]
    if unknown:
        hints = "".join(did_you_mean(m, known) for m in unknown)
        listed = f" (this case has: {', '.join(known)})"
        raise FrontError(
            f"unknown actor{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"in the front{hints or listed}"
        )
    if len(set(members)) != len(members):
        raise FrontError(f"a front lists a member twice: {', '.join(members)}")
    if len(members) < 2:
        raise FrontError("a front needs at least two members")
    return members


def bloc_stances(
    case: Case,
    members: Sequence[str],
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
) -> dict[str, np.ndarray]:
    """The bloc's 'position', 'salience' (0-1), 'capability' and 'mask' per issue.

    capability_rule: 'sum' (of every member's capability on the issue) or 'max'.
    salience_rule: 'capability_weighted' (sum c s / sum c over the members holding a position),
    'mean' or 'max' of those members' saliences.
    position_rule: 'compromise' (the members' capability x salience weighted mean, the compromise
    model among them) or 'model:NAME' (the forecast of model NAME run among the members only, with
    the parameters the case carries for it).
    """
    members = _check_members(case, members)
    arrays = case_arrays(case)
    idx = [arrays.actor_ids.index(m) for m in members]
    rules = (position_rule, salience_rule, capability_rule)
    return bloc_rows(arrays, idx, *rules, model_params=case.model_params)


def merge_front(
    case: Case,
    members: Sequence[str],
    name: str | None = None,
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
) -> Case:
    """The case with `members` replaced by one bloc actor (id `name`, default 'A+B+...').

    The bloc's stances follow `bloc_stances`; its tags are the union of the members'. The case's
    scenarios are dropped (apply a scenario before merging).
    """
    members = _check_members(case, members)
    bloc_id = name or "+".join(members)
    if bloc_id not in members and any(a.id == bloc_id for a in case.actors):
        raise FrontError(f"the front's name {bloc_id!r} is already an actor of the case")
    stances = bloc_stances(case, members, position_rule, salience_rule, capability_rule)
    data = case.model_dump()
    data["scenarios"] = []
    tags: list[str] = []
    for m in members:
        tags += [t for t in case.actor(m).tags if t not in tags]
    data["actors"] = [a for a in data["actors"] if a["id"] not in members]
    data["stances"] = {k: v for k, v in data["stances"].items() if k not in members}
    caps = stances["capability"]
    data["actors"].append(
        {
            "id": bloc_id,
            "name": name or f"Front of {', '.join(case.actor(m).label for m in members)}",
            "description": f"united front of {', '.join(members)}",
            "tags": tags,
            "capability": {"value": float(caps.max()) if caps.max() > 0 else 1.0},
        }
    )
    data["stances"][bloc_id] = {
        issue.id: {
            "position": {"value": float(stances["position"][i])},
            "salience": {"value": float(stances["salience"][i]) * case.salience_scale},
            "capability": {"value": float(caps[i])},
        }
        for i, issue in enumerate(case.issues)
        if stances["mask"][i] and caps[i] > 0
    }
    data["title"] = f"{case.title} [front {bloc_id}]"
    try:
        return build_case(data, f"front {bloc_id!r}")
    except CaseError as exc:
        raise FrontError("; ".join(str(p) for p in exc.problems)) from None


def front_gains(
    case: Case, members: Sequence[str], without: np.ndarray, with_front: np.ndarray
) -> np.ndarray:
    """(M, K) gain of each member (K) per model (M) from forecasts (M, I) without and with the
    front, as defined in the module docstring."""
    arrays = case_arrays(case)
    idx = [arrays.actor_ids.index(m) for m in members]
    x = arrays.positions[0, idx]  # (K, I)
    s = arrays.salience[0, idx] * arrays.mask[idx]
    span = arrays.bounds[:, 1] - arrays.bounds[:, 0]
    moved = np.abs(without[:, None, :] - x[None]) - np.abs(with_front[:, None, :] - x[None])
    total = s.sum(axis=1)
    gain = (moved / span * s[None]).sum(axis=2) / np.where(total > 0, total, 1.0)
    gain = np.where(total[None] > 0, gain, 0.0)
    return np.where(np.abs(gain) < 1e-12, 0.0, gain)


def _forecasts(outcomes: dict, issues: tuple[str, ...]) -> tuple[np.ndarray, dict]:
    table = np.array([np.asarray(o.forecast)[0] for o in outcomes.values()])
    named = {
        m: dict(zip(issues, map(float, row), strict=True))
        for m, row in zip(outcomes, table, strict=True)
    }
    return table, named


def evaluate_front(
    case: Case,
    members: Sequence[str],
    specs: Sequence[ModelSpec],
    scenario: str | None = None,
    name: str | None = None,
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
    without: dict | None = None,
) -> FrontResult:
    """Run the models without and with the front (on `scenario` of the case) and report the gains.
    `without`: the models' outcomes on that case when already computed (they are not run again).

    >>> from parley import read_case
    >>> from parley.forecast import model_specs
    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> r = evaluate_front(case, ["iai", "rev_1920"], model_specs(["eum"]))
    >>> r.stable, {actor: round(gain, 3) for actor, gain in r.gain.items()}
    (False, {'iai': -0.038, 'rev_1920': -0.039})
    """
    base = apply_scenario(case, scenario)
    members = _check_members(base, members)
    if not specs:
        raise FrontError("no model to run")
    issues = tuple(i.id for i in base.issues)
    if without is None:
        without = run_models(base, specs)
    merged = merge_front(base, members, name, position_rule, salience_rule, capability_rule)
    with_front = run_models(merged, specs)
    f0, named0 = _forecasts(without, issues)
    f1, named1 = _forecasts(with_front, issues)
    rules = (position_rule, salience_rule, capability_rule)
    return _result(base, members, name, rules, list(without), (f0, named0), (f1, named1))


def _result(
    base: Case,
    members: Sequence[str],
    name: str | None,
    rules: tuple[str, str, str],
    models: list[str],
    without: tuple[np.ndarray, dict],
    with_front: tuple[np.ndarray, dict],
) -> FrontResult:
    """A FrontResult from the (M, I) forecasts without and with the front and their named forms."""
    issues = tuple(i.id for i in base.issues)
    gains = front_gains(base, members, without[0], with_front[0])
    bloc_id = name or "+".join(members)
    bloc = bloc_stances(base, members, *rules)
    held = bloc["mask"]
    return FrontResult(
        members=tuple(members),
        name=bloc_id,
        gain=dict(zip(members, map(float, gains.mean(axis=0)), strict=True)),
        gain_by_model={
            m: dict(zip(members, map(float, row), strict=True))
            for m, row in zip(models, gains, strict=True)
        },
        forecast_with=with_front[1],
        forecast_without=without[1],
        bloc={
            "id": bloc_id,
            "position": {
                i: float(v) for i, v, h in zip(issues, bloc["position"], held, strict=True) if h
            },
            "salience": {
                i: float(v) for i, v, h in zip(issues, bloc["salience"], held, strict=True) if h
            },
            "capability": {i: float(v) for i, v in zip(issues, bloc["capability"], strict=True)},
        },
    )


def search_fronts(
    case: Case,
    among_tag: str,
    specs: Sequence[ModelSpec],
    max_size: int | None = None,
    scenario: str | None = None,
    rank: str = "min",
    include_unstable: bool = False,
    limit: int = MAX_SEARCH,
    progress: Progress | None = None,
    without: dict | None = None,
    **rules: str,
) -> list[FrontResult]:
    """Every front of two or more actors tagged `among_tag` (up to `max_size` members) that every
    member gains from, best first.

    The candidate fronts are solved as batches (`parley.coalitions.front_arrays`): one
    forecast-only run per model and group of fronts of one shape, not one case per front;
    `progress(done, total)` is told after each batch (fronts x models). `without`: the models'
    outcomes on the case (on `scenario`) when already computed.

    rank 'min' (default): by the smallest member gain, then total gain -- a front holds only as
    long as its least-served member stays; 'total': by the sum of the members' gains, then the
    smallest. `include_unstable` lists the fronts some member loses from too (after the stable
    ones). FrontError when more than `limit` fronts would have to be run.
    """
    if rank not in ("min", "total"):
        raise FrontError(f"unknown rank {rank!r}: min or total")
    base = apply_scenario(case, scenario)
    group = [a.id for a in base.actors if among_tag in a.tags]
    if len(group) < 2:
        tags = sorted({t for a in base.actors for t in a.tags})
        raise FrontError(
            f"{len(group)} actor(s) tagged {among_tag!r}{did_you_mean(among_tag, tags)}; a front "
            f"needs two or more (tags in this case: {', '.join(tags) or 'none'})"
        )
    top = len(group) if max_size is None else min(max_size, len(group))
    if top < 2:
        raise FrontError.about("max_size", "must be at least 2")
    count = sum(comb(len(group), k) for k in range(2, top + 1))
    if count > limit:
        raise FrontError.about(
            "max_size",
            f"allows {count} possible fronts among the {len(group)} actors tagged {among_tag!r}, "
            f"more than the limit of {limit}: give a smaller one or a narrower tag",
        )
    results = _batched_fronts(
        base,
        [list(m) for k in range(2, top + 1) for m in combinations(group, k)],
        specs,
        progress,
        without,
        **rules,
    )
    if not include_unstable:
        results = [r for r in results if r.stable]

    def key(r: FrontResult) -> tuple:
        first, second = (r.min_gain, r.total_gain) if rank == "min" else (r.total_gain, r.min_gain)
        # rounded so that sums equal on paper but not in floating point count as ties
        return (not r.stable, -round(first, 12), -round(second, 12), len(r.members), r.members)

    return sorted(results, key=key)


def _batched_fronts(
    base: Case,
    fronts: list[list[str]],
    specs: Sequence[ModelSpec],
    progress: Progress | None = None,
    without: dict | None = None,
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
) -> list[FrontResult]:
    """Each front of `fronts` evaluated on `base` as `evaluate_front` would, the fronts of each
    model solved as batches. A model not asked for by name that fails is left out with a warning."""
    rules = (position_rule, salience_rule, capability_rule)
    check_rules(*rules)
    if not specs:
        raise FrontError("no model to run")
    issues = tuple(i.id for i in base.issues)
    if without is None:
        without = run_models(base, specs)
    arrays = case_arrays(base)
    merged = [
        merged_arrays(arrays, idx, bloc_rows(arrays, idx, *rules, model_params=base.model_params))
        for idx in ([arrays.actor_ids.index(m) for m in front] for front in fronts)
    ]
    chosen = [spec for spec in specs if spec.name in without]
    with_front: dict[str, np.ndarray] = {}
    total = len(fronts) * len(chosen)
    for j, spec in enumerate(chosen):

        def told(done: int, _: int, before: int = j * len(fronts)) -> None:
            if progress is not None:
                progress(before + done, total)

        try:
            model = spec.build(base)
            chunk = fit_chunk(spec.name, model, arrays)  # within the memory limit
            with_front[spec.name] = batched_runs(model, merged, told, chunk)
        except ParleyError as exc:
            if spec.required:
                raise
            warnings.warn(f"model {spec.name!r} left out: {exc}", ParleyWarning, stacklevel=2)
    models = list(with_front)
    f0, named0 = _forecasts({m: without[m] for m in models}, issues)
    results = []
    for n, members in enumerate(fronts):
        f1 = np.array([with_front[m][n] for m in models])
        named1 = {
            m: dict(zip(issues, map(float, row), strict=True))
            for m, row in zip(models, f1, strict=True)
        }
        results.append(_result(base, members, None, rules, models, (f0, named0), (f1, named1)))
    return results
