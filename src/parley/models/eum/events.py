"""Tidy rows for the JSON output: offers made and accepted, and the quadrant chart.

Bueno de Mesquita's quadrant chart plots, for actor i and every other actor j, i's expected
utility of challenging j, E_i(U_ij) (x axis), against i's estimate of j's expected utility of
challenging i, E_j(U_ji) (y axis); the quadrant names the relation (conflict, compromise,
capitulation, stalemate). Rows describe one problem (one issue of the first batch member).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.models.eum.offers import KIND_NAMES, NONE
from parley.models.eum.simulate import RoundDetail


def offer_events(
    det: RoundDetail, round_no: int, issue: str, names: list[str], accepted_only: bool
) -> list[dict[str, Any]]:
    """One row per offer made to an actor in this round (or per accepted offer only).

    Keys: round, issue, actor (who receives the offer and would move), counterpart (who makes it),
    type, eu_ij = E_i(U_ij), eu_ji = i's estimate of E_j(U_ji), position (before), new_position,
    accepted.
    """
    if not bool(det.active[0]):
        return []
    x, chosen = det.x[0], det.chosen[0]
    full = det.offers()
    if accepted_only or full is None:
        pairs = [(int(i), int(chosen[i])) for i in np.flatnonzero(chosen >= 0)]
        rows = [
            (i, j, int(det.kind[0, i]), det.eu[0, i], det.eu_other[0, i], det.new_x[0, i])
            for i, j in pairs
        ]
    else:
        kind, target, a, b = (m[0] for m in full)
        rows = [
            (int(i), int(j), int(kind[i, j]), a[i, j], b[i, j], target[i, j])
            for i, j in zip(*np.nonzero(kind != NONE), strict=True)
        ]
    return [
        {
            "round": round_no,
            "issue": issue,
            "actor": names[i],
            "counterpart": names[j],
            "type": KIND_NAMES[k],
            "eu_ij": float(a),
            "eu_ji": float(b),
            "position": float(x[i]),
            "new_position": float(new),
            "accepted": bool(chosen[i] == j),
        }
        for i, j, k, a, b, new in rows
    ]


def quadrant_rows(
    det: RoundDetail, round_no: int, issue: str, names: list[str]
) -> list[dict[str, Any]]:
    """One row per ordered pair (actor i, counterpart j != i): the point (eu_ij, eu_ji) of i's
    quadrant chart in this round. Empty when the round's full matrices were not kept."""
    if det.all_eu is None or det.all_eu_other is None or not bool(det.active[0]):
        return []
    a, b = det.all_eu[0], det.all_eu_other[0]
    n = a.shape[0]
    return [
        {
            "round": round_no,
            "issue": issue,
            "actor": names[i],
            "counterpart": names[j],
            "eu_ij": float(a[i, j]),
            "eu_ji": float(b[i, j]),
        }
        for i in range(n)
        for j in range(n)
        if i != j
    ]
