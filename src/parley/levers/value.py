"""An actor's value of an outcome: how close the forecast lands to what the actor wants.

    V_A(f) = - sum_I s_AI |f_I - g_AI| / (U_I - L_I)  /  sum_I s_AI

over the issues I on which A holds a position, where s_AI is A's salience, g_AI its position (or
the goal given for the issue) and [L_I, U_I] the issue's scale. V lies in [-1, 0]: 0 when every
issue lands on A's goal, -1 when each lands at the far end of its scale from it. A lever's effect
is V with the lever minus V without it; this is the front gain of `parley.coalitions.fronts` for
one member, so a front's effect on A is A's front gain.

The value always uses A's *own* positions and saliences from the case, also for levers that
change them (a concession moves A's stated position, not what A wants).

>>> import numpy as np
>>> # two issues on 0-10: A wants 0 (salience 0.75) and 10 (salience 0.25); forecast (2, 5):
>>> # -(0.75 * 2/10 + 0.25 * 5/10) / 1 = -0.275
>>> goals = Goals(np.array([0.0, 10.0]), np.array([0.75, 0.25]), np.array([[0, 10], [0, 10.0]]))
>>> round(float(goals.value(np.array([2.0, 5.0]))), 12)
-0.275
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from parley.case import CaseArrays
from parley.errors import ParleyError
from parley.suggest import did_you_mean


class LeverError(ParleyError):
    """Levers cannot be found as asked (unknown actor, a goal off the scale, no position held)."""


@dataclass(frozen=True)
class Goals:
    """What actor A wants: `goal` (I,) in issue units, `weight` (I,) A's salience where it holds a
    position (0 elsewhere), `bounds` (I, 2) each issue's scale."""

    goal: np.ndarray
    weight: np.ndarray
    bounds: np.ndarray

    def value(self, forecast: np.ndarray) -> np.ndarray:
        """V_A of forecasts (..., I) -> (...)."""
        span = self.bounds[:, 1] - self.bounds[:, 0]
        loss = np.abs(forecast - self.goal) / span * self.weight
        return -loss.sum(axis=-1) / self.weight.sum()


def actor_goals(arrays: CaseArrays, actor: str, goals: Mapping[str, float] | None = None) -> Goals:
    """A's goals from batch member 0 of `arrays`: its positions, replaced by `goals` on the
    issues given. LeverError for an unknown actor or issue, a goal off the issue's scale or on an
    issue where A holds no position, and an actor with no salient position at all."""
    if actor not in arrays.actor_ids:
        known = list(arrays.actor_ids)
        raise LeverError(
            f"unknown actor {actor!r}{did_you_mean(actor, known)}; actors: {', '.join(known)}"
        )
    a = arrays.actor_ids.index(actor)
    held = arrays.mask[a]
    goal = np.where(held, arrays.positions[0, a], np.nan)
    for issue, value in (goals or {}).items():
        if issue not in arrays.issue_ids:
            known = list(arrays.issue_ids)
            raise LeverError.about(
                "goal",
                f": unknown issue {issue!r}{did_you_mean(issue, known)}; "
                f"issues: {', '.join(known)}",
            )
        i = arrays.issue_ids.index(issue)
        lo, hi = arrays.bounds[i]
        if not lo <= value <= hi:
            raise LeverError.about(
                "goal", f"{issue}={value:g}: outside the issue's scale [{lo:g}, {hi:g}]"
            )
        if not held[i]:
            raise LeverError.about(
                "goal", f"{issue}={value:g}: {actor} holds no position on {issue}"
            )
        goal[i] = value
    weight = np.where(held, arrays.salience[0, a], 0.0)
    if weight.sum() <= 0:
        raise LeverError(f"{actor} holds no position with a salience above 0: it values nothing")
    return Goals(np.where(held, goal, 0.0), weight, arrays.bounds)


def parse_goals(items: Sequence[str] | None) -> dict[str, float]:
    """Each `goal` text `ISSUE=VALUE` as {issue: value}; a malformed one is a one-line LeverError
    naming the parameter `goal` (the CLI shows `--goal`).

    >>> parse_goals(["withdrawal=2", " sequencing = 1.5"])
    {'withdrawal': 2.0, 'sequencing': 1.5}
    >>> parse_goals(["withdrawal"])
    Traceback (most recent call last):
    ...
    parley.levers.value.LeverError: goal expects ISSUE=VALUE with a number, got 'withdrawal'
    """
    goals: dict[str, float] = {}
    for item in items or ():
        issue, sep, raw = item.partition("=")
        try:
            if not sep or not issue.strip():
                raise ValueError
            goals[issue.strip()] = float(raw)
        except ValueError:
            raise LeverError.about(
                "goal", f"expects ISSUE=VALUE with a number, got {item!r}"
            ) from None
        if goals[issue.strip()] != goals[issue.strip()]:
            raise LeverError.about("goal", f"{item}: expected a number, got {raw.strip()!r}")
    return goals
