"""Power and coalitions: weighted voting games, power indices, winning coalitions, united fronts."""

from parley.coalitions.power import PowerResult, power_indices
from parley.coalitions.voting import (
    CoalitionError,
    Quota,
    VotingGame,
    case_weights,
    game_from_case,
    parse_quota,
)

__all__ = [
    "CoalitionError",
    "PowerResult",
    "Quota",
    "VotingGame",
    "case_weights",
    "game_from_case",
    "parse_quota",
    "power_indices",
]
