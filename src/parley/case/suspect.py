"""Warnings about a valid case: inputs that are legal but are, more often than not, a mistake.

A warning never stops a run (`parley validate` prints them, other commands once on stderr); each one
names the actor and issue concerned and says what the models will do with the input as it stands.

>>> from parley.case import build_case
>>> case = build_case({
...     "salience_scale": 100,
...     "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
...     "issues": [{"id": "x", "lower": 0, "upper": 1}],
...     "stances": {"a": {"x": {"position": 0, "salience": 0.5}},
...                 "b": {"x": {"position": 1, "salience": 0.8}}},
... })
>>> print(case_warnings(case)[0])
every salience is <= 1 but the case declares salience_scale 100: the saliences are read as 0.5-0.8 out of 100 (did you mean salience_scale: 1?)
"""

from __future__ import annotations

from parley.case.schema import Case, Issue

FEW = 10
"""On 0-100, saliences above 1 in at most one cell in FEW (or a single cell) are 'far above the
rest' when every other salience is <= 1."""

ALL_THE_WEIGHT = 0.99
"""An actor holding at least this share of capability x salience on an issue decides it alone."""


def case_warnings(case: Case) -> list[str]:
    """Every warning about `case`, scale first, then per issue, then per actor."""
    out = _salience_scale(case)
    for issue in case.issues:
        out += _issue_warnings(case, issue)
    out += _stances_without_position(case)
    out += _actors_without_stance(case)
    return out


def _salience_cells(case: Case) -> list[tuple[float, str, str]]:
    return [
        (s.salience.value, actor, issue)
        for actor, stances in case.stances.items()
        for issue, s in stances.items()
        if s.position is not None
    ]


def _salience_scale(case: Case) -> list[str]:
    """A declared (or read) 0-100 scale on which every salience, or all but a few, is <= 1: a
    table on 0-1 with one cell typed on 0-100 makes a reader choose 0-100 for every cell, and then
    every other actor counts for almost nothing."""
    if case.salience_scale != 100:
        return []
    cells = _salience_cells(case)
    high = [(v, a, i) for v, a, i in cells if v > 1]
    low = [v for v, _, _ in cells if 0 < v <= 1]
    if not low or len(high) > max(1, len(cells) // FEW):
        return []
    if not high:
        return [
            "every salience is <= 1 but the case declares salience_scale 100: the saliences are "
            f"read as {min(low):g}-{max(low):g} out of 100 (did you mean salience_scale: 1?)"
        ]
    named = ", ".join(f"{a!r} on {i!r} ({v:g})" for v, a, i in high[:3])
    more = f" and {len(high) - 3} more" if len(high) > 3 else ""
    return [
        f"salience of {named}{more} is far above the rest (every other is <= 1) so saliences "
        "are read on 0-100: a value typed on 0-100 in a table on 0-1? (every other actor then "
        "counts for almost nothing)"
    ]


def _issue_warnings(case: Case, issue: Issue) -> list[str]:
    held = [
        (actor, s)
        for actor, stances in case.stances.items()
        if (s := stances.get(issue.id)) is not None and s.position is not None
    ]
    values = {s.position.value for _, s in held if s.position is not None}
    if len(values) == 1:
        return [
            f"issue {issue.id!r}: all actors take the same position ({values.pop():g}); "
            "every model forecasts that point"
        ]
    if values and not any(s.salience.value for _, s in held):
        return [
            f"issue {issue.id!r}: every actor taking a position gives it salience 0; "
            "models that weigh by salience (eum, ...) cannot forecast it"
        ]
    weights = {actor: _weight(case, actor, s) for actor, s in held}
    largest = max(weights.values(), default=0.0)
    if largest > 0:  # shares only: relative to the largest, a sum near 1e308 cannot overflow
        weights = {actor: w / largest for actor, w in weights.items()}
    total = sum(weights.values())
    if len(held) > 1 and total > 0:
        actor, top = max(weights.items(), key=lambda kv: kv[1])
        if top >= ALL_THE_WEIGHT * total:
            return [
                f"issue {issue.id!r}: actor {actor!r} holds {100 * top / total:.1f}% of the weight "
                "(capability x salience); every weighted model forecasts about its position"
            ]
    return []


def _weight(case: Case, actor: str, stance) -> float:
    cap = stance.capability or case.actor(actor).capability
    # salience first scaled to 0-1, so that capability x salience stays finite (1e308 x 50)
    return (cap.value if cap is not None else 0.0) * (stance.salience.value / case.salience_scale)


def _stances_without_position(case: Case) -> list[str]:
    """`position: null` with a salience above 0: the salience is ignored, the actor left out."""
    return [
        f"actor {actor!r} on issue {issue!r}: salience {s.salience.value:g} but no position; "
        "the actor is left out of this issue (give a position, or salience 0 to mean no stance)"
        for actor, stances in case.stances.items()
        for issue, s in stances.items()
        if s.position is None and s.salience.value > 0
    ]


def _actors_without_stance(case: Case) -> list[str]:
    return [
        f"actor {a.id!r} takes no position on any issue; it plays no part in any forecast"
        for a in case.actors
        if not any(s.position is not None for s in case.stances.get(a.id, {}).values())
    ]
