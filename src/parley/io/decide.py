"""Decide's text format (decide-exchange-model; reference/exchange/): delimited rows by type.

Rows, one per line, fields separated by tabs, `;` or `,` (sniffed from the first row, as Decide's
own reader does; with `;` numbers may use a decimal comma); a field may be wrapped in single quotes
(Decide's own exports quote every text field: `'#A'<TAB>'USA'...`), which the reader removes:
- `#O  title`                                   the case title;
- `#/  ...`                                     a comment;
- `#A  id  name  [description]`                 an actor;
- `#P  id  name  [description]`                 an issue;
- `#M  issue  value  [label]`                   a scale point of an issue: the smallest and largest
  give the issue's bounds; a labelled point becomes an anchor. An issue without `#M` rows is on
  0-100 (Decide's default scale); one with a single `#M` row is an error;
- `#D  actor  issue  position  salience  power` an actor's stance; power is per actor and issue, so it
  becomes the stance's capability.
Salience is on 0-1 (salience_scale 1). Decide requires 0 < s <= 1; parley also allows 0 ("does not
care"). An actor without a `#D` row on an issue takes no position on it (not an error). All problems
of a file are reported together, each with its line and the field (`position`, `salience`, `power`).

The writer produces Decide's quoted variant with `#O`, `#A`, `#P`, two `#M` rows for the bounds
(plus one per labelled anchor) and `#D` rows with the effective capability as power. Uncertainty
(low/high), status quo, scenarios and model parameters are not held by the format.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError
from parley.io.layout import decimal_comma
from parley.io.rows import Collector, cell, fmt, guess_delimiter, number_or_none, stance_values
from parley.io.safe_read import read_text
from parley.io.safe_write import write_text

ROW_TYPES = ("#O", "#/", "#A", "#P", "#M", "#D")
DEFAULT_BOUNDS = (0.0, 100.0)
_FIRST = re.compile(r"^'?#[AOPMD/]'?([\t;,|]|$)")


def sniff(text: str) -> bool:
    """The first non-blank line is a Decide row (`#A`, `#O`, ... quoted or not)."""
    for line in text.split("\n"):
        if line.strip():
            return bool(_FIRST.match(line.strip(" ")))
    return False


def _fields(line: str, delimiter: str = "\t") -> list[str]:
    """The fields of one row, quotes removed; with `;` or `,` a quoted field may hold the
    delimiter, and with `;` a decimal comma (`0,5`) reads as a decimal point."""
    if delimiter == "\t":
        raw_fields = line.split("\t")
    else:
        raw_fields = next(csv.reader([line], delimiter=delimiter, quotechar="'"), [])
    out = []
    for raw in raw_fields:
        f = raw.strip()
        if len(f) >= 2 and f[0] == f[-1] == "'":
            f = f[1:-1]
        value = decimal_comma(f) if delimiter == ";" else f
        f = repr(value) if isinstance(value, float) else f
        out.append(f)
    while out and not out[-1]:
        out.pop()
    return out


def _delimiter(lines: list[tuple[int, str]]) -> str | None:
    """Tab, `;` or `,`: what follows the row type of the first row (as Decide's reader sniffs);
    None when it is none of them."""
    found = _FIRST.match(lines[0][1].strip(" "))
    mark = found.group(1) if found else ""
    if mark in ("\t", ";", ","):
        return mark
    return "\t" if any("\t" in line for _, line in lines) else None


def read_decide(path: Path) -> Case:
    text = read_text(path)
    source = str(path)
    # lines end at LF only (read_text made every line ending one): str.splitlines would also
    # break at \x85 or \u2028 in a name, and number the lines unlike the file
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    delimiter = _delimiter(lines)
    if delimiter is None:
        n, first = lines[0]
        raise CaseError(
            f"line {n}: expected Decide rows (#A, #P, #M, #D) separated by tabs, ';' or ','; "
            f"found none of them (delimiter {guess_delimiter(first)}?)",
            source=source,
        )
    col = Collector(source)
    title = path.stem
    actors: list[dict] = []
    issues: list[dict] = []
    scale: dict[str, list[tuple[int, float, str]]] = {}
    rows: list[tuple[int, list[str]]] = []
    for n, line in lines:
        f = _fields(line, delimiter)
        kind = f[0] if f else ""
        if kind not in ROW_TYPES:
            col.problem(n, f"expected a row type {', '.join(ROW_TYPES)}, found {kind!r}")
        elif kind == "#O" and len(f) > 1:
            title = f[1]
        elif kind in ("#A", "#P"):
            _definition(kind, f, n, actors if kind == "#A" else issues, col)
        elif kind == "#M":
            _scale_point(f, n, scale, col)
        elif kind == "#D":
            rows.append((n, f))
    issue_ids = {i["id"] for i in issues}
    for issue_id, points in scale.items():
        if issue_id not in issue_ids:
            col.problem(points[0][0], f"issue: unknown issue {issue_id!r} (no #P row defines it)")
    for k, issue in enumerate(issues):
        _bounds(issue, scale.get(issue["id"], []), k, col)
    stances = _stances(rows, actors, col)
    data = {
        "title": title,
        "sources": [path.name],
        "salience_scale": 1.0,
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    return col.build(data)


def _definition(kind: str, f: list[str], n: int, into: list[dict], col: Collector) -> None:
    what = "actor" if kind == "#A" else "issue"
    if len(f) < 2 or not f[1]:
        col.problem(n, f"{what}: {kind} row without an id")
        return
    entry: dict[str, Any] = {"id": f[1]}
    if len(f) > 2 and f[2] and f[2] != f[1]:
        entry["name"] = f[2]
    if len(f) > 3 and f[3]:
        entry["description"] = f[3]
    col.at((f"{what}s", len(into), "id"), n, what)
    into.append(entry)


def _scale_point(f: list[str], n: int, scale: dict, col: Collector) -> None:
    if len(f) < 3:
        col.problem(n, "#M: expected an issue and a value")
        return
    value = number_or_none(f[2])
    if value is None:
        shown = "an empty cell" if not f[2] else repr(f[2])
        col.problem(n, f"#M: expected a number, got {shown}")
        return
    scale.setdefault(f[1], []).append((n, value, f[3] if len(f) > 3 else ""))


def _bounds(issue: dict, points: list[tuple[int, float, str]], k: int, col: Collector) -> None:
    if not points:
        issue["lower"], issue["upper"] = DEFAULT_BOUNDS
        return
    if len(points) == 1:
        col.problem(
            points[0][0],
            f"#M: issue {issue['id']!r} has one scale point; give its minimum and maximum",
        )
        issue["lower"], issue["upper"] = DEFAULT_BOUNDS
        return
    low = min(points, key=lambda p: p[1])
    high = max(points, key=lambda p: p[1])
    issue["lower"], issue["upper"] = low[1], high[1]
    col.at(("issues", k, "lower"), low[0], "#M")
    col.at(("issues", k, "upper"), high[0], "#M")
    anchors = {value: label for _, value, label in points if label}
    if anchors:
        issue["anchors"] = anchors


def _stances(rows: list[tuple[int, list[str]]], actors: list[dict], col: Collector) -> dict:
    known = {a["id"] for a in actors}
    actor_line = {a["id"]: col.locations.find(("actors", k, "id"))[0] for k, a in enumerate(actors)}
    stances: dict[str, dict[str, dict]] = {}
    seen: dict[tuple[str, str], int] = {}
    for n, f in rows:
        if len(f) < 6:
            col.problem(
                n,
                f"#D: expected actor, issue, position, salience, power; found {len(f) - 1} fields",
            )
            continue
        actor, issue = f[1], f[2]
        if (actor, issue) in seen:
            col.problem(
                n,
                f"duplicate #D row for actor {actor!r} on issue {issue!r} (line {seen[actor, issue]})",
            )
            continue
        seen[actor, issue] = n
        if actor not in stances:
            if actor in known:
                col.locations.add(("stances", actor), actor_line[actor], "actor")
            else:
                col.at(("stances", actor), n, "actor")
        stances.setdefault(actor, {})[issue] = {
            "position": cell(f[3]),
            "salience": cell(f[4]),
            "capability": cell(f[5]),
        }
        col.at(("stances", actor, issue), n, "issue")
        for key, field in (
            ("position", "position"),
            ("salience", "salience"),
            ("capability", "power"),
        ):
            col.at(("stances", actor, issue, key), n, field)
    return stances


def write_decide(case: Case, path: Path) -> None:
    def q(text: str) -> str:
        """Free text on one line: runs of whitespace (tabs, newlines) become one space."""
        return "'" + " ".join(str(text).split()) + "'"

    def ident(text: str) -> str:
        """An id as it is (ids hold no tabs or newlines), so that it reads back the same."""
        return f"'{text}'"

    out = [f"{q('#O')}\t{q(case.title)}"]
    for a in case.actors:
        out.append("\t".join([q("#A"), ident(a.id), q(a.name or a.id), q(a.description)]))
    for i in case.issues:
        out.append("\t".join([q("#P"), ident(i.id), q(i.name or i.id), q(i.description)]))
        points = sorted({i.lower, i.upper, *i.anchors})
        for value in points:
            label = i.anchors.get(value, "")
            row = [q("#M"), ident(i.id), fmt(value)] + ([q(label)] if label else [])
            out.append("\t".join(row))
    for a in case.actors:
        for i in case.issues:
            values = stance_values(case, a.id, i.id)
            if values is None:
                continue
            position, salience, capability = values
            sal = salience.value / case.salience_scale
            out.append(
                "\t".join(
                    [
                        q("#D"),
                        ident(a.id),
                        ident(i.id),
                        fmt(position.value),
                        fmt(sal),
                        fmt(capability.value),
                    ]
                )
            )
    write_text(path, "\n".join(out) + "\n")
