"""Messages for a name that is not known: the near miss first, then every known name.

A typo in an actor id is the commonest mistake on a command line; the message says what was meant
when one known name is close (difflib's ratio >= 0.6, the standard library's own cut-off) and
always lists what there is, so the user never has to open the file to find the spelling.

>>> unknown_name("actor", "dem_congres", ["dem_congress", "rep_congress", "iai"])
"unknown actor 'dem_congres' (did you mean 'dem_congress'?; actors: dem_congress, rep_congress, iai)"
>>> unknown_name("field", "weight", ["position", "salience"])
"unknown field 'weight' (fields: position, salience)"
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches


def near_miss(name: str, known: Sequence[str]) -> str | None:
    """The known name closest to `name`, if one is close enough to be a typo of it."""
    found = get_close_matches(name, list(known), n=1)
    return found[0] if found else None


def unknown_name(kind: str, name: str, known: Sequence[str]) -> str:
    """One line: `unknown KIND 'NAME' (did you mean 'X'?; KINDs: A, B, ...)`."""
    guess = near_miss(name, known)
    hint = f"did you mean {guess!r}?; " if guess else ""
    return f"unknown {kind} {name!r} ({hint}{kind}s: {', '.join(known) or 'none'})"
