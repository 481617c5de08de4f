"""Outcome: what every model returns, with its labels and diagnostics (like SciPy's OptimizeResult).

A model answers completely: the forecast carries its labels (actor and issue ids, mask), a status
from the fixed vocabulary of `parley.models.status` beside the human message, and the rounds each
batch member played, so a caller can serialise it (`to_json`) with no help from the forecast layer.

Two detail levels (`Detail`): "full" adds the position history, per-round summaries, events and
model-specific extras (one case, for people); "forecast" carries only the forecast, status and
rounds (what ensembles, levers and sensitivity batch by the thousand).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

import numpy as np

from parley.errors import ModelError

#: How much a run records: everything ("full") or only forecast, status and rounds ("forecast").
Detail = Literal["full", "forecast"]
DETAILS: tuple[str, ...] = get_args(Detail)


def check_detail(detail: str) -> None:
    """A model's `run` calls this first: an unknown detail level is an error, never ignored.

    >>> check_detail("forecast")
    >>> check_detail("summary")
    Traceback (most recent call last):
    ...
    parley.errors.ModelError: detail must be one of full, forecast, got 'summary'
    """
    if detail not in DETAILS:
        raise ModelError(f"detail must be one of {', '.join(DETAILS)}, got {detail!r}")


def labels(arrays: Any) -> dict[str, Any]:
    """The label fields of an Outcome taken from the CaseArrays a model ran on (mask on the host)."""
    return {
        "actor_ids": tuple(arrays.actor_ids),
        "issue_ids": tuple(arrays.issue_ids),
        "mask": np.asarray(arrays.mask, dtype=bool),
    }


@dataclass(kw_only=True)
class Outcome:
    """A model run's result, in each issue's own units, for a batch of B members.

    forecast:   (B, I) the model's forecast per issue.
    status:     (B,) str, how each member's run ended (`parley.models.status`).
    rounds:     (B,) int, rounds each member played (0 for models without rounds).
    message:    why the run ended, for people ('no rounds', 'converged after 7 turns', ...);
                JSON calls it "stop_reason".
    actor_ids, issue_ids, mask: labels of the A and I axes and which actors hold a position on
                which issue ((A, I) bool; where False the JSON says null).
    detail:     "full" or "forecast"; a forecast-detail Outcome has no history, summaries, events
                or extras.
    history:    (B, R, A, I) every actor's position per round; round 0 is the input (full only).
    summaries:  name -> (B, R, I) per-round summaries (e.g. 'median', 'mean').
    events:     tidy rows (JSON-serialisable dicts) of what happened: offers, exchanges, challenges.
    extra:      model-specific JSON additions (e.g. 'nbs_rounds'), merged into the model's JSON object.
    params:     the parameters the model ran with.

    >>> from parley.models import get_model
    >>> from parley.models.examples import two_actor_arrays
    >>> out = get_model("compromise").run(two_actor_arrays())
    >>> out.forecast.tolist(), out.status.tolist(), out.rounds.tolist()
    ([[25.0]], ['no_rounds'], [0])
    >>> out.to_json()["forecast"]
    {'reform': 25.0}
    """

    forecast: np.ndarray
    status: np.ndarray
    rounds: np.ndarray
    message: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    mask: np.ndarray
    detail: Detail = "full"
    history: np.ndarray | None = None
    summaries: dict[str, np.ndarray] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def lean(self) -> Outcome:
        """The forecast-detail form of this Outcome: forecast, status, rounds, labels, params."""
        return replace(self, detail="forecast", history=None, summaries={}, events=[], extra={})

    def to_json(self, batch: int = 0) -> dict[str, Any]:
        """Batch member `batch` as one JSON-ready object.

        Full detail: "forecast", "rounds" (every actor's position per round, round 0 the input),
        "stop_reason", "status", then "params", "events" and the model's own keys. Forecast
        detail: "forecast", "status", "stop_reason", "rounds_played" and "params".
        """
        obj: dict[str, Any] = {
            "forecast": {
                i: _num(v) for i, v in zip(self.issue_ids, self.forecast[batch], strict=True)
            }
        }
        if self.history is not None:
            obj["rounds"] = [
                {"round": r, "positions": self._positions(self.history[batch, r])}
                for r in range(self.history.shape[1])
            ]
        else:
            obj["rounds_played"] = int(self.rounds[batch])
        obj["stop_reason"] = self.message
        obj["status"] = str(self.status[batch])
        if self.params:
            obj["params"] = self.params
        if self.events:
            obj["events"] = self.events
        obj.update(self.extra)
        return obj

    def _positions(self, state: np.ndarray) -> dict[str, dict[str, float | None]]:
        return {
            a: {
                i: _num(v) if held else None
                for i, v, held in zip(self.issue_ids, row, self.mask[k], strict=True)
            }
            for k, (a, row) in enumerate(zip(self.actor_ids, state, strict=True))
        }


def _num(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
