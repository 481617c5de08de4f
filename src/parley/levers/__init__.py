"""Levers: what an actor can do about a forecast (persuade, salience, concede, resources, ally).

`find_levers(case, actor, specs)` evaluates every candidate move of one actor under each model as
batched forecast-only runs and ranks them by their effect on the actor's value of the outcome
(`parley.levers.value`); docs/levers.md explains the definitions.
"""

from parley.levers.analysis import LeverAnalysis, LeverEffect, find_levers
from parley.levers.candidates import KINDS, Lever
from parley.levers.value import Goals, LeverError, actor_goals, parse_goals

__all__ = [
    "KINDS",
    "Goals",
    "Lever",
    "LeverAnalysis",
    "LeverEffect",
    "LeverError",
    "actor_goals",
    "parse_goals",
    "find_levers",
]
