"""The `Actor,Capability,Position,Salience` CSV of the BDM expected-utility replications.

One row per actor, one issue (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, Table 1). The
file declares no issue, bounds or salience scale, so the reader decides them:
- the issue is called `issue`; its bounds are the smallest and largest position in the file (when
  every actor holds the same position the bounds are widened by 1 on each side so lower < upper);
- salience is read on 0-100 when any value in the file exceeds 1, else on 0-1 (reference/eum/SPEC.md,
  point 8); positions keep their units (years, dollars, 0-1); capability is per actor.
Columns may come in any order and any letter case; other columns are an error, not ignored.
Rows may repeat an Actor name (a published litigation case has three rows named `Attorney`): each
row is its own actor, with the ids `Attorney`, `Attorney (2)`, ... (the name kept as the actor's
name) and one warning naming the rows.

The writer refuses a case with more than one issue (the format holds one), and writes only what the
format holds: bounds, uncertainty (low/high) and anchors are not kept.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

from parley.case import Case
from parley.errors import CaseError, ParleyWarning
from parley.io.rows import (
    Collector,
    cell,
    first_lines,
    fmt,
    guess_delimiter,
    header_words,
    number_or_none,
    salience_divisor,
    salience_scale,
    stance_values,
)
from parley.io.safe_read import csv_rows, read_text
from parley.io.safe_write import write_text

COLUMNS = ("Actor", "Capability", "Position", "Salience")
ISSUE = "issue"


def sniff(text: str) -> bool:
    """A first line naming exactly the four BDM columns (any delimiter: the reader judges it)."""
    lines = first_lines(text, 1)
    words = [w for w in header_words(lines[0]) if w] if lines else []
    return sorted(words) == sorted(c.lower() for c in COLUMNS)


def read_bdm(path: Path) -> Case:
    text = read_text(path)
    col = Collector(str(path))
    rows = [(n, r) for n, r in csv_rows(text, str(path)) if any(c.strip() for c in r)]
    head_line, header = rows[0]
    names = [h.strip().lower() for h in header]
    while names and not names[-1]:
        names.pop()
    expected = [c.lower() for c in COLUMNS]
    if len(names) == 1 and len(header_words(header[0])) > 1:
        raise CaseError(
            f"line {head_line}: expected comma-separated columns {','.join(COLUMNS)}; "
            f"the header {header[0]!r} is one column (delimiter {guess_delimiter(header[0])}?)",
            source=str(path),
        )
    missing = [c for c, low in zip(COLUMNS, expected, strict=True) if low not in names]
    extra = [h for h in names if h not in expected]
    if missing or extra or len(set(names)) != len(names):
        raise CaseError(
            f"line {head_line}: expected the columns {','.join(COLUMNS)}; "
            f"found {','.join(h.strip() for h in header if h.strip())}",
            source=str(path),
        )
    index = {name: names.index(name) for name in expected}
    actors: list[dict] = []
    stances: dict[str, dict] = {}
    positions = []
    saliences = []
    col.at(("actors",), head_line, "Actor")
    col.at(("issues", 0, "id"), head_line, "Position")
    repeated: dict[str, list[int]] = {}  # role names used by several rows: their lines
    seen_at: dict[str, int] = {}
    for line, row in rows[1:]:
        cells = [c.strip() for c in row]
        while len(cells) > len(names) and not cells[-1]:
            cells.pop()
        if len(cells) != len(names):
            col.problem(
                line, f"expected {len(names)} cells ({','.join(COLUMNS)}), found {len(cells)}"
            )
            continue
        name = cells[index["actor"]]
        actor = _unique(name, stances)
        if actor != name:
            repeated.setdefault(name, [seen_at[name]]).append(line)
        seen_at.setdefault(name, line)
        k = len(actors)
        entry = {"id": actor, "capability": cell(cells[index["capability"]])}
        actors.append({**entry, "name": name} if actor != name else entry)
        stance = {
            "position": cell(cells[index["position"]]),
            "salience": cell(cells[index["salience"]]),
        }
        stances[actor] = {ISSUE: stance}
        positions.append(stance["position"])
        saliences.append(stance["salience"])
        col.at(("actors", k, "id"), line, "Actor")
        col.at(("actors", k, "capability"), line, "Capability")
        col.at(("stances", actor), line, "Salience")
        col.at(("stances", actor, ISSUE, "position"), line, "Position")
        col.at(("stances", actor, ISSUE, "salience"), line, "Salience")
    if repeated:
        _warn_repeated(path, repeated)
    lower, upper = _bounds(positions)
    data = {
        "title": path.stem,
        "sources": [path.name],
        "salience_scale": salience_scale(saliences),
        "actors": actors,
        "issues": [{"id": ISSUE, "lower": lower, "upper": upper}],
        "stances": stances,
    }
    return col.build(data)


def _unique(name: str, taken: dict) -> str:
    """`name`, or `name (2)`, `name (3)`... : the first id not yet taken."""
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _warn_repeated(path: Path, repeated: dict[str, list[int]]) -> None:
    """One warning for every role name several rows share (the BDM literature lists, e.g., three
    rows named 'Attorney': three actors, not one)."""
    parts = [f"{name!r} (lines {', '.join(map(str, lines))})" for name, lines in repeated.items()]
    warnings.warn(
        f"{path}: rows repeat the Actor name {'; '.join(parts)}: each row is its own actor, "
        "with ids 'NAME', 'NAME (2)', ... and the name kept",
        ParleyWarning,
        stacklevel=3,
    )


def _bounds(values: list) -> tuple[float, float]:
    """Smallest and largest position; widened by 1 each side when they coincide (or are absent)."""
    numbers = [v for v in (number_or_none(x) for x in values) if v is not None]
    if not numbers:
        return 0.0, 1.0
    lower, upper = min(numbers), max(numbers)
    if lower == upper:
        return lower - 1.0, upper + 1.0
    return lower, upper


def write_bdm(case: Case, path: Path) -> None:
    if len(case.issues) != 1:
        ids = ", ".join(i.id for i in case.issues)
        raise CaseError(
            f"the BDM CSV holds one issue; this case has {len(case.issues)} ({ids}): "
            "write it as a stakeholder table (.csv) or a case file (.yaml) instead",
            source=str(path),
        )
    issue = case.issues[0].id
    divide = salience_divisor(case)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for actor in case.actors:
        values = stance_values(case, actor.id, issue)
        if values is None:
            continue
        position, salience, capability = values
        writer.writerow(
            [actor.id, fmt(capability.value), fmt(position.value), fmt(salience.value / divide)]
        )
    write_text(path, buf.getvalue())
