"""An ensemble's plan: everything a worker needs to run any range of members, fixed up front.

The plan holds, per scenario members may live in (a *world*), the patched case's arrays, its
uncertain inputs with their distributions and copula, and the models built for it. It is plain
data (picklable), so a local process or a Dask worker runs `run_chunk(plan, start, stop)` with no
other state, and member k's numbers depend only on the plan and k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays, case_arrays
from parley.case.schema import Case
from parley.ensemble.apply import apply_inputs
from parley.ensemble.correlation import (
    check_correlate,
    copula_root,
    correlate_uniforms,
    rank_correlations,
)
from parley.ensemble.distributions import ppf
from parley.ensemble.inputs import UncertainInput, check_spread, uncertain_inputs
from parley.ensemble.mix import scenario_weights
from parley.errors import ParleyError
from parley.forecast import ModelSpec, check_model_params
from parley.scenarios import apply_scenario
from parley.whatif import ValueChange, apply_changes

DEVICES = ("cpu", "cuda")


@dataclass(frozen=True)
class World:
    """One scenario (None: the base case) with its probability, arrays (B = 1), uncertain inputs,
    the square root of their copula correlation (None: independent) and its built models."""

    name: str | None
    probability: float
    arrays: CaseArrays
    inputs: tuple[UncertainInput, ...]
    root: np.ndarray | None
    models: tuple[tuple[str, Any], ...]

    def values(self, u: np.ndarray) -> np.ndarray:
        """(n, K) input values of members whose uniforms are `u` (n, K)."""
        if not self.inputs:
            return np.empty((u.shape[0], 0))
        if self.root is not None:
            u = correlate_uniforms(u, self.root)
        low = np.array([i.low for i in self.inputs])
        mode = np.array([i.value for i in self.inputs])
        high = np.array([i.high for i in self.inputs])
        return ppf(u, low, mode, high, [i.distribution for i in self.inputs])

    def batch(self, values: np.ndarray) -> CaseArrays:
        """The arrays of members with these input values."""
        return apply_inputs(self.arrays, self.inputs, values)


@dataclass(frozen=True)
class EnsemblePlan:
    """seed, members, the worlds, the model names (in order), issue ids, the union of the worlds'
    input keys (columns of the draws file), the uniforms each member reads (`width`: one for its
    world, then one per input of the widest world), the device the models run on and the models
    asked for by name (`required`: their failure fails the run; others are left out)."""

    seed: int
    members: int
    worlds: tuple[World, ...]
    models: tuple[str, ...]
    issue_ids: tuple[str, ...]
    input_keys: tuple[str, ...]
    width: int
    device: str = "cpu"
    required: tuple[str, ...] = ()

    def without(self, names: Sequence[str]) -> EnsemblePlan:
        """The plan with models `names` left out (models that cannot handle the case)."""
        worlds = tuple(
            replace(w, models=tuple((n, m) for n, m in w.models if n not in names))
            for w in self.worlds
        )
        kept = tuple(n for n in self.models if n not in names)
        return replace(self, worlds=worlds, models=kept)

    @property
    def weights(self) -> list[tuple[str | None, float]]:
        """(scenario name, probability) of each world; None is the base case."""
        return [(w.name, w.probability) for w in self.worlds]


def make_plan(
    case: Case,
    specs: Sequence[ModelSpec],
    members: int = 2000,
    seed: int = 0,
    scenario: str | None = None,
    mix: bool = True,
    spread: Mapping[str, float | str] | None = None,  # numbers or numeric strings, checked here
    correlate: Mapping[str, float | str] | None = None,
    device: str = "cpu",
    changes: Sequence[ValueChange] = (),
) -> EnsemblePlan:
    """Check every option once and prepare the worlds; raises ParleyError on a bad option.

    `changes`: what-if values (`--set`) applied in every world after its scenario; a value set
    this way is certain (it carries no range), so it is not drawn."""
    if isinstance(members, bool) or not isinstance(members, int) or members < 1:
        raise ParleyError(f"members must be a whole number >= 1, got {members!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParleyError(f"seed must be a whole number >= 0, got {seed!r}")
    if device not in DEVICES:
        raise ParleyError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    if not specs:
        raise ParleyError("no model to run")
    spread = check_spread(spread)
    correlate = check_correlate(case, correlate)
    worlds = []
    for name, probability in scenario_weights(case, scenario, mix):
        patched = apply_changes(apply_scenario(case, name), changes)
        check_model_params(patched)
        inputs = tuple(uncertain_inputs(patched, spread))
        rho = rank_correlations(patched, inputs, correlate) if correlate else None
        root = copula_root(rho) if rho is not None else None
        models = tuple((spec.name, spec.build(patched)) for spec in specs)
        worlds.append(World(name, probability, case_arrays(patched), inputs, root, models))
    keys: dict[str, None] = {}
    for world in worlds:
        keys.update(dict.fromkeys(i.key for i in world.inputs))
    return EnsemblePlan(
        seed=seed,
        members=members,
        worlds=tuple(worlds),
        models=tuple(spec.name for spec in specs),
        issue_ids=worlds[0].arrays.issue_ids,
        input_keys=tuple(keys),
        width=1 + max(len(w.inputs) for w in worlds),
        device=device,
        required=tuple(spec.name for spec in specs if spec.required),
    )
