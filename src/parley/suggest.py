"""Near-miss suggestions for names a user typed: `unknown actor 'dem_congres' (did you mean ...?)`.

Every place that looks a name up (actors, issues, scenarios, models, presets, parameters, formats,
tags, columns) adds `did_you_mean(name, known)` to its error, so a typo is fixed from the message.
Matching is difflib's ratio (a cheap edit similarity), case-insensitive, and never suggests more
than three names.

>>> did_you_mean("dem_congres", ["rep_congress", "dem_congress", "iai"])
" (did you mean 'dem_congress'?)"
>>> did_you_mean("xyz", ["dem_congress"])
''
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
"""difflib ratio a known name must reach to be suggested (its default: catches one or two typos
in a short id without suggesting unrelated names)."""

MARGIN = 0.1
"""Names scoring more than this below the best match are not suggested beside it ('dem_congres'
suggests 'dem_congress' alone, not 'rep_congress' too)."""


def close_names(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` names of `known` closest to `name`, best first, ties in the order given
    (case-insensitive); only names about as close as the best one (within `MARGIN`)."""
    scored = []
    for k, candidate in enumerate(dict.fromkeys(str(c) for c in known)):
        matcher = difflib.SequenceMatcher(None, str(name).lower(), candidate.lower())
        score = matcher.ratio()
        if score >= CUTOFF:
            scored.append((-score, k, candidate))
    scored.sort()
    if not scored:
        return []
    best = -scored[0][0]
    return [c for s, _, c in scored if -s >= best - MARGIN][:n]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`' (did you mean 'x'?)'`, `' (did you mean 'x' or 'y'?)'`, or '' when nothing is close."""
    hits = close_names(name, known)
    if not hits:
        return ""
    quoted = [repr(h) for h in hits]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {listed}?)"
