"""Ensemble backtests: does an interval cover what it claims on recorded decisions?

Each proposal's uncertain inputs (its stated ranges, or `spread` defaults for values stated without
one: DEU III states none) are drawn for N members through the ensemble machinery of
`parley.ensemble` (`make_plan`: distributions, copula, seeded counter-based draws), and every model
forecasts every member the way the backtest runs it (issue by issue, or per proposal for
multi-issue models: `parley.models.by_issue.model_forecast`). Proposal k draws from its own seed
(spawned from the backtest's seed and k), so proposals do not share random numbers and a proposal's
members do not depend on which other proposals are in the dataset.

`DEFAULT_SPREAD` is the spread chosen on the DEU III development file by grouped cross-validation
(benchmarks/calibrate_spread.py; docs/uncertainty.md gives the value, the criterion and the coverage
it achieves on held-out proposals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from parley.backtest.dataset import Dataset
from parley.errors import ParleyError
from parley.models.by_issue import model_forecast

DEFAULT_SPREAD: dict[str, float] = {"position": 0.5, "salience": 0.5, "capability": 0.5}


def case_seed(seed: int, index: int) -> int:
    """The seed of proposal `index`: an independent stream spawned from the backtest's seed.

    >>> case_seed(0, 1) == case_seed(0, 1) != case_seed(0, 2)
    True
    """
    return int(np.random.SeedSequence([seed, index]).generate_state(1, np.uint32)[0])


def ensemble_forecasts(
    dataset: Dataset,
    names: Sequence[str],
    members: int,
    seed: int = 0,
    spread: Mapping[str, float] | None = None,
    on_failure=None,
    correlate: Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Per model, (n, members) forecasts on 0-100 of every scored issue (rows in dataset order).

    A model that fails on a proposal leaves its rows NaN; `on_failure(model, group, message)` is
    told (the backtest records it). Members run as one batch per proposal and model.
    `correlate`: rank correlations by actor tag, as `parley.ensemble` takes them.
    """
    from parley.ensemble.draws import member_uniforms
    from parley.ensemble.plan import make_plan
    from parley.forecast import ModelSpec

    if members < 2:
        raise ParleyError.about("ensemble", f": expected at least 2 members, got {members}")
    specs = [ModelSpec(name) for name in names]
    n = sum(len(bc.scored) for bc in dataset.cases)
    out = {name: np.full((n, members), np.nan) for name in names}
    start = 0
    for k, bc in enumerate(dataset.cases):
        if not bc.scored:
            continue
        stop = start + len(bc.scored)
        plan = make_plan(
            bc.case,
            specs,
            members,
            case_seed(seed, k),
            mix=False,
            spread=spread,
            correlate=correlate,
        )
        world = plan.worlds[0]
        u = member_uniforms(plan.seed, 0, members, plan.width)
        arrays = world.batch(world.values(u[:, 1 : 1 + len(world.inputs)]))
        index = [arrays.issue_ids.index(i) for i in bc.scored]
        lo, hi = arrays.bounds[index, 0], arrays.bounds[index, 1]
        for name, model in world.models:
            try:
                f = model_forecast(model, arrays, index)[:, index]
            except Exception as exc:  # a model's bug must not end the backtest of the others
                if on_failure is not None:
                    on_failure(name, bc.group, f"ensemble: {type(exc).__name__}: {exc}")
                continue
            out[name][start:stop] = (100 * (f - lo) / (hi - lo)).T
        start = stop
    return out
