"""Power indices and united fronts as plain JSON-like data, for a case analysis (the report's
sections): the same forms `parley coalitions` and `parley front` print, so that a page layout never
depends on the coalitions package's classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parley.case import Case
from parley.errors import ParleyError
from parley.forecast import ModelSpec, front_judges
from parley.models import Outcome

SHOW_FOUND = 10


def power_summary(case: Case, quota: str | None = None) -> dict[str, Any]:
    """Shapley-Shubik and (normalised) Banzhaf indices of the capability-weighted voting game.

    Returns {"note", "quota", "method", "rows": [{"actor", "weight", "shapley_shubik", "banzhaf"}]},
    rows by decreasing Shapley-Shubik index.
    """
    from parley.coalitions import game_from_case, power_indices

    game = game_from_case(case, quota=quota)
    result = power_indices(game)
    rows: list[dict[str, Any]] = [
        {
            "actor": actor,
            "weight": float(weight),
            "shapley_shubik": float(result.shapley_shubik[actor]),
            "banzhaf": float(result.banzhaf[actor]),
        }
        for actor, weight in zip(game.players, game.weights, strict=True)
    ]
    rows.sort(key=lambda r: (-r["shapley_shubik"], -r["weight"]))
    how = (
        "computed exactly"
        if result.method == "exact"
        else f"estimated from {result.samples} samples (seed {result.seed})"
    )
    note = (
        f"The weighted voting game in which each actor's weight is its capability and a coalition "
        f"wins with quota {game.quota.text!r}. Shapley-Shubik: the share of orders of arrival in "
        f"which the actor turns a coalition into a winning one; Banzhaf: its share of all swings. "
        f"Indices {how}."
    )
    if result.note:
        note += f" {result.note}."
    return {"note": note, "quota": game.quota.text, "method": result.method, "rows": rows}


def front_results(
    case: Case,
    specs: Sequence[ModelSpec],
    fronts: Sequence[Sequence[str]] = (),
    search_tags: Sequence[str] = (),
    max_size: int | None = None,
    show: int = SHOW_FOUND,
    base_runs: dict[str, Outcome] | None = None,
) -> tuple[list[dict[str, Any]], str]:
    """The united fronts asked for, as their JSON objects, and a note on how they were found.

    `fronts`: member lists to evaluate; `search_tags`: for each tag, the stable fronts among the
    actors with that tag (up to `max_size` members), best first, as `parley front --search --among
    TAG` finds them; the best `show` of each search are kept. `base_runs`: the models' outcomes
    on `case` already computed (the forecast's), so that no front runs the base case again.
    """
    if not fronts and not search_tags:
        return [], ""
    from parley.coalitions.fronts import evaluate_front, search_fronts

    found: list[dict[str, Any]] = []
    notes = []
    judged = front_judges(specs)
    if len(judged) < len(specs):
        left_out = ", ".join(s.name for s in specs if s not in judged)
        notes.append(f"Fronts are judged without {left_out}, in which capability plays no role.")
    specs = judged
    without = None
    if base_runs is not None:
        without = {s.name: base_runs[s.name] for s in specs if s.name in base_runs}
    if fronts:
        notes.append(f"{len(fronts)} front(s) asked for.")
    for members in fronts:
        for obj in _front_objects(evaluate_front(case, list(members), specs, without=without)):
            found.append({**obj, "origin": "Asked for"})
    for tag in search_tags:
        objects = _front_objects(
            search_fronts(case, tag, specs, max_size=max_size, without=without)
        )
        if not objects:
            notes.append(
                f"Among the actors tagged {tag!r} no front is one every member gains from."
            )
            continue
        shown = [
            {
                **obj,
                "origin": f"Found among the actors tagged {tag!r}: number {rank} of {len(objects)}",
            }
            for rank, obj in enumerate(objects[:show], start=1)
        ]
        notes.append(
            f"Among the actors tagged {tag!r}: {len(objects)} front(s) that every member gains "
            f"from, best first (by the smallest member gain)"
            + (f"; the best {len(shown)} are shown." if len(shown) < len(objects) else ".")
        )
        found.extend(shown)
    return found, " ".join(notes)


def _front_objects(result: Any) -> list[dict[str, Any]]:
    """The {"members", "stable", "gain", "forecast_with", "forecast_without"} objects of a result
    (one front or a search's list), through its JSON form."""
    data = result.to_json() if hasattr(result, "to_json") else result
    if isinstance(data, dict) and "fronts" in data:
        return list(data["fronts"])
    if isinstance(data, dict) and "members" in data:
        return [data]
    if isinstance(data, list):
        return [obj for item in data for obj in _front_objects(item)]
    raise ParleyError(f"unexpected united-front result: {type(result).__name__}")
