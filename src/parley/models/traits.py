"""What a model is, declared once at registration: the traits every caller reads through `traits`.

A trait changes how callers run or judge a model, never its numbers. Defaults live here only; a
model declares what differs in its `register(...)` line, and a misspelt trait name fails at import
(the dataclass rejects unknown keywords) instead of silently doing nothing.

>>> from parley.models import traits
>>> traits("exchange").multi_issue, traits("mean").uses_capability
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Traits:
    """The traits of one registered model.

    multi_issue:          the model couples issues (exchange trades across them), so it runs once
                          on all issues of a proposal; otherwise a backtest may run it issue by
                          issue with only the actors holding a position there.
    learns_from_outcomes: the model was fitted on recorded outcomes (`combined`): a backtest never
                          scores its stored fit but refits it by grouped cross-validation, and it
                          is never a base model of another.
    uses_capability:      capability enters the model (False for `mean`, which counts heads):
                          united fronts are judged only by such models unless named.
    rounds_param:         the parameter `--rounds N` sets (`rounds`, smp's `max_turns`); None
                          when the model has no rounds. Default: `rounds` if the model has it.
    cross_validate:       for a model that learns from outcomes, the function giving out-of-fold
                          forecasts `(x, y, groups, models, folds, seed) -> (n,)` for backtests.
    in_default_set:       run when no model is named (False for `combined`: on EU decisions it
                          scores no better than the compromise model, docs/backtest.md; it stays
                          available by name, and backtests still score it).
    separable_issues:     each issue's forecast depends on that issue's inputs alone, to the bit
                          (eum and the baselines), so a change on one issue needs only that issue
                          re-run (levers do so). Not smp, whose steps mix the issues (although a
                          backtest runs it issue by issue), nor exchange.
    """

    multi_issue: bool = False
    learns_from_outcomes: bool = False
    uses_capability: bool = True
    rounds_param: str | None = None
    cross_validate: Callable[..., Any] | None = None
    in_default_set: bool = True
    separable_issues: bool = False
