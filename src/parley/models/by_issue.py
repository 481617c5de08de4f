"""Running a model issue by issue or on the whole proposal, as its traits say: what a backtest and
the `combined` stack need of their base models (one-dimensional models per issue, multi-issue
models per proposal).

Two traits of a model (declared at registration, read with `parley.models.traits`) decide how it
is run:

- `multi_issue`: the model couples issues (Stokman's exchange model trades across
  issues of one proposal), so it runs once on all issues of a proposal. Otherwise the model runs on
  each issue alone, with only the actors that hold a position on it: then nothing a
  one-dimensional model does on one issue can depend on the other issues of the proposal.
- `learns_from_outcomes`: the model was fitted on recorded outcomes (the `combined`
  forecaster). A backtest then never uses its stored fit; it refits it by grouped cross-validation
  and scores it on held-out proposals only. Such a model is never a base model of another.
"""

from __future__ import annotations

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models.registry import Model, traits


def issue_slice(arrays: CaseArrays, issue: int) -> CaseArrays:
    """The one-issue negotiation of issue `issue`: only the actors holding a position on it."""
    held = np.flatnonzero(arrays.mask[:, issue])
    cut = (slice(None), held, slice(issue, issue + 1))
    return CaseArrays(
        positions=arrays.positions[cut],
        salience=arrays.salience[cut],
        capability=arrays.capability[cut],
        mask=arrays.mask[held, issue : issue + 1],
        bounds=arrays.bounds[issue : issue + 1],
        actor_ids=tuple(arrays.actor_ids[a] for a in held),
        issue_ids=(arrays.issue_ids[issue],),
        status_quo=arrays.status_quo[issue : issue + 1],
    )


def model_forecast(model: Model, arrays: CaseArrays, issues: list[int] | None = None) -> np.ndarray:
    """(B, I) forecasts of `model` on `arrays`, NaN for issues not in `issues` (default: all).

    Multi-issue models run once on the whole case; others once per requested issue. Exceptions
    propagate: the caller decides whether a failure ends the run or is recorded.
    """
    n_b, _, n_i = arrays.shape
    wanted = list(range(n_i)) if issues is None else issues
    if traits(model.name).multi_issue:
        full = np.asarray(model.run(arrays, detail="forecast").forecast, dtype=float)
        out = np.full((n_b, n_i), np.nan)
        out[:, wanted] = full[:, wanted]
        return out
    out = np.full((n_b, n_i), np.nan)
    for i in wanted:
        run = model.run(issue_slice(arrays, i), detail="forecast")
        out[:, i] = np.asarray(run.forecast, dtype=float)[:, 0]
    return out
