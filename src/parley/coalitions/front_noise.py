"""Is a front's shift signal or noise? The front judged on perturbed copies of the case.

`with_front_noise` perturbs the case `Perturbation.members` times (`parley.ensemble.noise`), forms
the front in every member from that member's own values (as `parley levers --members` does), and
takes per model and issue the spread of the member shifts (with the front minus without): the
noise scale of the shift `parley front` prints, by common random numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from parley.case import Case
from parley.coalitions.front_arrays import batched_runs, bloc_rows, merged_arrays, one_member
from parley.coalitions.fronts import FrontResult
from parley.ensemble.noise import Perturbation, forecasts, halfwidth, issue_scales, noise_json
from parley.errors import ParleyError
from parley.forecast import ModelSpec


def with_front_noise(
    base: Case,
    result: FrontResult,
    specs: Sequence[ModelSpec],
    perturbation: Perturbation,
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
) -> FrontResult:
    """`result` (the front evaluated on `base`) with `noise` {model: {issue: {"noise": x,
    "within_noise": bool}}} for every model that judged it; a model that fails on a perturbed
    member gets none."""
    batch = perturbation.arrays(base)
    idx = [batch.actor_ids.index(m) for m in result.members]
    rules = (position_rule, salience_rule, capability_rule)
    merged = []
    for n in range(perturbation.members):
        member = one_member(batch, n)
        merged.append(merged_arrays(member, idx, bloc_rows(member, idx, *rules), result.name))
    scale = issue_scales(base)
    noise = {}
    for spec in specs:
        if spec.name not in result.gain_by_model:
            continue
        model = spec.build(base)
        try:
            width = halfwidth(batched_runs(model, merged) - forecasts(model, batch))
        except ParleyError:
            continue
        shift = np.array(
            [
                result.forecast_with[spec.name][i] - result.forecast_without[spec.name][i]
                for i in batch.issue_ids
            ]
        )
        noise[spec.name] = noise_json(batch.issue_ids, shift, width, scale)
    return replace(result, noise=noise)
