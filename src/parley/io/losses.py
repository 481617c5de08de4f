"""What a conversion lost: the case as written compared with the same file read back, kind by kind.

`parley convert` writes everything the target format can hold; whatever it cannot (a title, tags,
anchors, scenarios, recorded outcomes, uncertainty ranges...) is named in one warning per kind, so
content is never dropped silently. Comparing the re-read file (rather than trusting a list of what
each writer claims to hold) also catches a writer that loses something by mistake.

>>> from parley.case import build_case
>>> base = {"actors": [{"id": "a", "capability": 1, "tags": ["x"]}],
...         "issues": [{"id": "i", "lower": 0, "upper": 1, "anchors": {0: "no", 1: "yes"}}],
...         "stances": {"a": {"i": {"position": 0.5, "salience": 1}}}}
>>> before = build_case(base)
>>> after = build_case({**base, "actors": [{"id": "a", "capability": 1}],
...                     "issues": [{"id": "i", "lower": 0, "upper": 1}]})
>>> for line in lost_content(before, after):
...     print(line)
tags (1 actor: a)
anchors (1 issue: i)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import ParleyError

Lister = Callable[[Case, Case], list[str]]


def lost_content(before: Case, after: Case) -> list[str]:
    """One line per kind of content `before` has and `after` lacks, naming what holds it."""
    out = []
    for kind, lost in _case_level(before, after):
        out.append(kind if not lost else f"{kind} ({_some(lost)})")
    for kind, lister, what in _KINDS:
        lost = lister(before, after)
        if lost:
            out.append(f"{kind} ({len(lost)} {what}{'s' if len(lost) > 1 else ''}: {_some(lost)})")
    return out


def conversion_losses(case: Case, target: Path, fmt: str | None = None) -> list[str]:
    """The warnings of writing `case` to `target`: the written file is read back with the target
    format's reader and compared, one line per kind of content it does not hold."""
    from parley.io.formats import output_format

    written = output_format(target, fmt)
    try:
        again = written.read(target)
    except ParleyError as exc:
        return [f"{target}: the written file does not read back as a case: {exc}"]
    return [
        f"{target}: the {written.name} format does not hold the case's {line}; not written"
        for line in lost_content(case, again)
    ]


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _case_level(before: Case, after: Case) -> Iterable[tuple[str, list[str]]]:
    if before.title != after.title and before.title != Case.model_fields["title"].default:
        yield "title", []
    for name in ("description", "date", "colour_by"):
        if getattr(before, name) and getattr(before, name) != getattr(after, name):
            yield name, []
    missing = [s for s in before.sources if s not in after.sources]
    if missing:
        yield "sources", [f"{len(missing)}"]
    names = [s.name for s in before.scenarios]
    if [s.model_dump() for s in before.scenarios] != [s.model_dump() for s in after.scenarios]:
        yield "scenarios", names
    if before.model_params and before.model_params != after.model_params:
        yield "model parameters", list(before.model_params)
    if before.uncertainty != after.uncertainty:
        yield "uncertainty default", []


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {x.id: x for x in items}


def _field_lost(section: str, field: str) -> Lister:
    def lister(before: Case, after: Case) -> list[str]:
        new = _by_id(getattr(after, section))
        return [
            x.id
            for x in getattr(before, section)
            if getattr(x, field) not in (None, "", [], {})
            and (x.id not in new or getattr(new[x.id], field) != getattr(x, field))
        ]

    return lister


def _actors_gone(before: Case, after: Case) -> list[str]:
    new = _by_id(after.actors)
    return [a.id for a in before.actors if a.id not in new]


def _bounds(before: Case, after: Case) -> list[str]:
    new = _by_id(after.issues)
    return [
        i.id
        for i in before.issues
        if i.id in new and (new[i.id].lower, new[i.id].upper) != (i.lower, i.upper)
    ]


def _stances(before: Case, after: Case, test: Callable[[Any, Any], bool]) -> list[str]:
    """`actor on issue` for each stance of `before` where `test(old, new)` says something is lost
    (`new` is None when the stance is gone)."""
    out = []
    for actor, stances in before.stances.items():
        for issue, old in stances.items():
            new = after.stances.get(actor, {}).get(issue)
            if test(old, new):
                out.append(f"{actor} on {issue}")
    return out


def _no_position(before: Case, after: Case) -> list[str]:
    return _stances(
        before,
        after,
        lambda old, new: old.position is None and old.salience.value > 0 and new is None,
    )


def _ranges(before: Case, after: Case) -> list[str]:
    def lost(old, new) -> bool:
        if old.position is None:
            return False
        fields = ("position", "salience", "capability")
        olds = [getattr(old, f) for f in fields]
        if not any(e is not None and e.uncertain for e in olds):
            return False
        news = [getattr(new, f) if new is not None else None for f in fields]
        return any(
            o is not None and o.uncertain and (n is None or not n.uncertain)
            for o, n in zip(olds, news, strict=True)
        )

    return _stances(before, after, lost)


def _distributions(before: Case, after: Case) -> list[str]:
    def lost(old, new) -> bool:
        for f in ("position", "salience", "capability"):
            o = getattr(old, f)
            n = getattr(new, f) if new is not None else None
            if o is not None and o.distribution and (n is None or n.distribution != o.distribution):
                return True
        return False

    return _stances(before, after, lost)


def _values(before: Case, after: Case) -> list[str]:
    """Positions, saliences (on 0-1) or capabilities (relative to the largest) that changed."""

    def effective(case: Case) -> dict[tuple[str, str], tuple[float, float, float]]:
        caps = {}
        for actor, stances in case.stances.items():
            for issue, s in stances.items():
                cap = s.capability or case.actor(actor).capability
                if s.position is not None and cap is not None:
                    caps[actor, issue] = (s.position.value, s.salience.value, cap.value)
        top = max((c for _, _, c in caps.values()), default=1.0) or 1.0
        return {k: (p, sal / case.salience_scale, c / top) for k, (p, sal, c) in caps.items()}

    old, new = effective(before), effective(after)
    return [
        f"{a} on {i}"
        for (a, i), values in old.items()
        if (a, i) in new
        and any(
            abs(x - y) > 1e-9 * max(1.0, abs(x)) for x, y in zip(values, new[a, i], strict=True)
        )
    ]


_KINDS: list[tuple[str, Lister, str]] = [
    ("actor names", _field_lost("actors", "name"), "actor"),
    ("actor descriptions", _field_lost("actors", "description"), "actor"),
    ("tags", _field_lost("actors", "tags"), "actor"),
    ("actors without any position", _actors_gone, "actor"),
    ("issue names", _field_lost("issues", "name"), "issue"),
    ("issue descriptions", _field_lost("issues", "description"), "issue"),
    ("units", _field_lost("issues", "unit"), "issue"),
    ("anchors", _field_lost("issues", "anchors"), "issue"),
    ("status quo", _field_lost("issues", "status_quo"), "issue"),
    ("recorded outcomes", _field_lost("issues", "outcome"), "issue"),
    ("issue bounds", _bounds, "issue"),
    ("saliences without a position", _no_position, "stance"),
    ("uncertainty ranges (low/high)", _ranges, "stance"),
    ("per-value distributions", _distributions, "stance"),
    ("exact values", _values, "stance"),
]
