"""Robust levers: does a lever still help when the inputs are drawn within their stated ranges?

`lever_robustness` draws N ensemble members of the case with the ensemble's own machinery
(`parley.ensemble`: the case's `{value, low, high}` ranges and distributions, and for values
stated without a range the default `spread` exactly as `parley ensemble --spread` gives it, seeded
per member, the base case only), and evaluates every lever in every member under each model. A lever's share
is the fraction of members in which it helps A (effect above the tolerance; a lever that changes
nothing in a member, say X already at A's goal there, does not help in it), judged with the
member's own inputs (A's goals too, unless given); `LeverAnalysis.to_json` marks it robust at
`ROBUST_SHARE` (80%).

All members' candidates of one model are one batched forecast-only run (chunked); fronts are
batched by shape as everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from parley.case import Case, CaseArrays
from parley.coalitions.front_arrays import batched_runs, bloc_rows, merged_arrays, one_member
from parley.ensemble.draws import member_uniforms
from parley.ensemble.plan import make_plan
from parley.forecast import ModelSpec
from parley.levers.batch import FIELDS, TOLERANCE, run_chunked, run_levers
from parley.levers.candidates import Lever, single_levers
from parley.levers.value import actor_goals
from parley.models import traits
from parley.models.chunking import fit_chunk


def member_arrays(
    case: Case, members: int, seed: int = 0, spread: Mapping[str, float | str] | None = None
) -> CaseArrays:
    """(N, A, I) arrays of `members` draws of the case's uncertain inputs (base case only);
    `spread`: default ranges by kind (`parley.ensemble.check_spread`), as the ensemble takes them."""
    plan = make_plan(case, [ModelSpec("compromise")], members, seed, mix=False, spread=spread)
    world = plan.worlds[0]
    u = member_uniforms(seed, 0, members, plan.width)
    return world.batch(world.values(u[:, 1 : 1 + len(world.inputs)]))


def lever_robustness(
    case: Case,
    actor: str,
    specs: Sequence[ModelSpec],
    kinds: Sequence[str],
    members: int,
    seed: int = 0,
    goals: Mapping[str, float] | None = None,
    fronts: Sequence[tuple[Lever, list[int]]] = (),
    chunk: int | None = None,
    spread: Mapping[str, float | str] | None = None,
) -> dict[str, dict[Lever, float]]:
    """{model: {lever: share of members in which it helps A}} over `members` draws (`spread`:
    default ranges for values stated without one).

    `fronts`: the ally levers with their member indices (as `find_levers` formed them on the
    case); the bloc of each is re-formed in every member.
    """
    draws = member_arrays(case, members, seed, spread)
    a = draws.actor_ids.index(actor)
    each = [one_member(draws, n) for n in range(members)]
    goal = [actor_goals(m, actor, goals) for m in each]
    merged = [
        merged_arrays(m, idx, bloc_rows(m, idx)) for m in each for _, idx in fronts
    ]  # member-major: member n's fronts are rows n*F .. n*F+F-1
    shares: dict[str, dict[Lever, float]] = {}
    for spec in specs:
        model = spec.build(case)
        size = fit_chunk(spec.name, model, draws, chunk)  # refused or fitted, before a run
        f0 = run_chunked(model, draws, size)  # (N, I)
        v0 = np.array([g.value(f) for g, f in zip(goal, f0, strict=True)])
        helps: dict[Lever, list[bool]] = {}
        owner, batches, levers = [], [], []
        for n, m in enumerate(each):
            found, batch = single_levers(m, a, goal[n].goal, kinds, f0[n])
            owner += [n] * len(found)
            levers += found
            batches.append(batch)
        if levers:
            stacked = draws.with_batch(
                **{
                    k: np.concatenate([getattr(b, k) for b in batches], axis=0)
                    for k in ("positions", "salience", "capability")
                }
            )
            rows = np.array(owner)
            base = draws.with_batch(**{k: getattr(draws, k)[rows] for k in FIELDS})
            f = run_levers(model, stacked, base, f0[rows], size)
            for lever, n, row in zip(levers, owner, f, strict=True):
                helps.setdefault(lever, []).append(goal[n].value(row) - v0[n] > TOLERANCE)
        if fronts and traits(spec.name).uses_capability:
            f = batched_runs(model, merged, chunk=size)
            for k, row in enumerate(f):
                n, j = divmod(k, len(fronts))
                helps.setdefault(fronts[j][0], []).append(goal[n].value(row) - v0[n] > TOLERANCE)
        shares[spec.name] = {lever: int(sum(h)) / members for lever, h in helps.items()}
    return shares
