"""Small builders for tests: a case from compact Python data."""

from __future__ import annotations

from typing import Any

from parley.case import Case, build_case


def make_case(
    positions: dict[str, dict[str, float]],
    salience: dict[str, dict[str, float]],
    capability: dict[str, float],
    bounds: dict[str, tuple[float, float]],
    **extra: Any,
) -> Case:
    """A case with actors in `capability` order and issues in `bounds` order (salience on 0-1)."""
    stances = {
        a: {i: {"position": x, "salience": salience[a][i]} for i, x in row.items()}
        for a, row in positions.items()
    }
    data = {
        "title": extra.pop("title", "test case"),
        "actors": [{"id": a, "capability": c} for a, c in capability.items()],
        "issues": [{"id": i, "lower": lo, "upper": hi} for i, (lo, hi) in bounds.items()],
        "stances": stances,
        **extra,
    }
    return build_case(data, "test")
