"""Outcome: what every model returns, with its diagnostics (like SciPy's OptimizeResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Outcome:
    """A model run's result, in each issue's own units.

    forecast:   (B, I) the model's forecast per issue.
    history:    (B, R, A, I) every actor's position per round; round 0 is the input.
    stop_reason: why the run ended ('no rounds', 'fixed rounds', 'converged ...').
    summaries:  name -> (B, R, I) per-round summaries (e.g. 'median', 'mean').
    events:     tidy rows (JSON-serialisable dicts) of what happened: offers, exchanges, challenges.
    extra:      model-specific JSON additions (e.g. 'nbs_rounds'), merged into the model's JSON object.
    params:     the parameters the model ran with.
    actor_ids, issue_ids, mask: labels of the A and I axes and which actors hold a position on
                which issue (filled in by `parley.forecast.run_models`).
    """

    forecast: np.ndarray
    history: np.ndarray
    stop_reason: str
    summaries: dict[str, np.ndarray] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    actor_ids: tuple[str, ...] = ()
    issue_ids: tuple[str, ...] = ()
    mask: np.ndarray | None = None  # (A, I): where False the actor holds no position (JSON null)

    @property
    def rounds(self) -> int:
        """Number of rounds played (history length minus the input)."""
        return self.history.shape[1] - 1
