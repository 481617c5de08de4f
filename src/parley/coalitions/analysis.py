"""One call for the whole coalition analysis of a case, as the JSON object `parley coalitions` prints
(and the HTML report shows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from parley.case import Case
from parley.coalitions.power import power_indices
from parley.coalitions.voting import game_from_case
from parley.coalitions.winning import DEFAULT_LIMIT, connected_winning, issue_order, minimal_winning
from parley.scenarios import apply_scenario


def coalition_analysis(
    case: Case,
    issue: str | None = None,
    quota: str | None = None,
    exclude: Iterable[str] = (),
    incompatible: Iterable[tuple[str, str]] = (),
    scenario: str | None = None,
    salience: bool = True,
    method: str = "auto",
    samples: int = 20_000,
    seed: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Power indices, minimal winning and minimal connected winning coalitions of a case.

    Weights are capabilities, or with `issue` capability x salience on that issue (`salience`
    False: capability on that issue). Connected coalitions need an order, so they are computed
    along `issue` only; without an issue `connected_winning` is an empty list.

    Returns {"case", "scenario", "issue", "quota", "weights", "power": {"shapley_shubik",
    "banzhaf", "banzhaf_raw", "method", ...}, "minimal_winning", "connected_winning"}.
    """
    patched = apply_scenario(case, scenario)
    pairs = list(incompatible)
    game = game_from_case(patched, issue, quota, list(exclude), pairs, salience)
    power = power_indices(game, method, samples, seed)
    connected = connected_winning(game, issue_order(patched, issue, game.players)) if issue else []
    return {
        "case": case.title,
        "scenario": scenario,
        "issue": issue,
        "quota": game.quota.text,
        "incompatible": [list(p) for p in pairs],
        "weights": dict(zip(game.players, map(float, game.weights), strict=True)),
        "power": power.to_json(),
        "minimal_winning": minimal_winning(game, limit),
        "connected_winning": connected,
    }
