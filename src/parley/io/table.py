"""The stakeholder table: one row per actor and issue, as CSV (comma or tab) or XLSX (first sheet).

Required columns: `actor, issue, position, salience, capability`. Optional columns:
- `low_position, high_position, low_salience, high_salience, low_capability, high_capability`:
  the uncertainty range of the value in that row;
- `lower, upper`: the issue's bounds. Rows of one issue may leave them empty but must not disagree.
  An issue without them gets the smallest and largest position in the file (widened by 1 on each
  side when all positions coincide), the same rule as the BDM CSV;
- `issue_name, unit, status_quo` (per issue, like the bounds) and `actor_name` (per actor).
Column names are matched case-insensitively; an unknown column is an error (a typo is not silently
ignored). Salience is read on 0-100 when any salience value (or low/high) exceeds 1, else on 0-1.
Capability is per row (actor and issue). Every listed value must be filled in; an actor without a
position on an issue simply has no row for it. Actors and issues keep the order of first appearance.

The writer writes every actor's stances with the effective capability, plus `lower, upper` so that
bounds survive the round trip; anchors, descriptions, scenarios and model parameters are not held.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError
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
from parley.io.safe_read import csv_rows, open_workbook, read_text, sheet_rows, worksheet
from parley.io.text import atomic_write, write_text

REQUIRED = ("actor", "issue", "position", "salience", "capability")
VALUES = ("position", "salience", "capability")
UNCERTAIN = tuple(f"{side}_{v}" for v in VALUES for side in ("low", "high"))
PER_ISSUE = ("issue_name", "lower", "upper", "unit", "status_quo")
OPTIONAL = (*UNCERTAIN, *PER_ISSUE, "actor_name")
ISSUE_KEYS = {
    "issue_name": "name",
    "lower": "lower",
    "upper": "upper",
    "unit": "unit",
    "status_quo": "status_quo",
}

Row = tuple[int, list[Any]]


def sniff(text: str) -> bool:
    """A first line naming `actor` and `issue` columns (any delimiter: the reader judges it)."""
    lines = first_lines(text, 1)
    words = header_words(lines[0]) if lines else []
    return "actor" in words and "issue" in words


def read_table_csv(path: Path) -> Case:
    text = read_text(path)
    header = first_lines(text, 1)[0]
    delimiter = "\t" if header.count("\t") > header.count(",") else ","
    rows = [(n, r) for n, r in csv_rows(text, str(path), delimiter) if any(c.strip() for c in r)]
    if len(rows[0][1]) == 1 and len(header_words(header)) > 1:
        raise CaseError(
            f"line {rows[0][0]}: expected comma- or tab-separated columns {', '.join(REQUIRED)}; "
            f"the header {header.strip()!r} is one column (delimiter {guess_delimiter(header)}?)",
            source=str(path),
        )
    return _read_rows(rows, Collector(str(path)), path)


def read_table_xlsx(path: Path) -> Case:
    source = str(path)
    with open_workbook(path) as book:
        sheet = worksheet(book, source)
        rows = sheet_rows(sheet, source)
    if not rows:
        raise CaseError(f"the first sheet {sheet.title!r} is empty", source=source)
    if any(v is None for _, values in rows for v in values):
        _name_formulas(rows, path)
    return _read_rows(rows, Collector(source, unit="row"), path)


def _name_formulas(rows: list[Row], path: Path) -> None:
    """A formula cell the workbook holds no computed value for (a file written by a script, never
    saved by a spreadsheet) reads as empty; say what it is instead of 'an empty cell'."""
    source = str(path)
    with open_workbook(path, data_only=False) as book:
        formulas = {
            (n, k): v
            for n, values in sheet_rows(worksheet(book, source), source)
            for k, v in enumerate(values)
            if isinstance(v, str) and v.startswith("=")
        }
    for n, values in rows:
        for k, v in enumerate(values):
            if v is None and (n, k) in formulas:
                values[k] = (
                    f"formula {formulas[n, k]} with no saved result "
                    "(open and save the workbook in a spreadsheet, or type the value)"
                )


def _read_rows(rows: list[Row], col: Collector, path: Path) -> Case:
    head_at, header = rows[0]
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    _check_header(names, head_at, col)
    index = {name: k for k, name in enumerate(names)}
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    stances: dict[str, dict[str, dict]] = {}
    seen: dict[tuple[str, str], int] = {}
    saliences: list[Any] = []
    col.at(("actors",), head_at, "actor")
    for line, raw in rows[1:]:
        cells = [cell(c) for c in raw]
        while len(cells) > len(names) and cells[-1] == "":
            cells.pop()
        if len(cells) > len(names):
            col.problem(line, f"{len(cells)} cells but the header has {len(names)} columns")
            continue
        cells += [""] * (len(names) - len(cells))
        get = {name: cells[index[name]] for name in names}
        actor, issue = str(get["actor"]), str(get["issue"])
        if not actor or not issue:
            col.problem(line, f"{'actor' if not actor else 'issue'}: empty cell, expected an id")
            continue
        if (actor, issue) in seen:
            first = col.where(seen[actor, issue])
            col.problem(line, f"duplicate row for actor {actor!r} on issue {issue!r} ({first})")
            continue
        seen[actor, issue] = line
        _add_actor(actors, actor, get, line, col)
        _add_issue(issues, issue, get, line, col)
        stance = {}
        for value in VALUES:
            low, high = get.get(f"low_{value}", ""), get.get(f"high_{value}", "")
            stance[value] = {"value": get[value]}
            at = ("stances", actor, issue, value)
            col.at(at, line, value)
            for side, given in (("low", low), ("high", high)):
                if given != "":
                    stance[value][side] = given
                    col.at((*at, side), line, f"{side}_{value}")
            if value == "salience":
                saliences += [get[value], low, high]
        stances.setdefault(actor, {})[issue] = stance
        if len(stances[actor]) == 1:  # problems of the actor as a whole: its first row
            col.at(("stances", actor), line, "salience")
    col.fail_if_any()
    issue_list = [_finish_issue(i, stances) for i in issues.values()]
    data = {
        "title": path.stem,
        "sources": [path.name],
        "salience_scale": salience_scale(saliences),
        "actors": list(actors.values()),
        "issues": issue_list,
        "stances": stances,
    }
    for k, issue in enumerate(issues.values()):
        for key, (line, field) in issue["_at"].items():
            col.at(("issues", k, key), line, field)
    return col.build(data)


def _check_header(names: list[str], line: int, col: Collector) -> None:
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n not in REQUIRED and n not in OPTIONAL]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if missing:
        col.problem(
            line, f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}"
        )
    if unknown:
        col.problem(
            line,
            f"unknown column(s) {', '.join(map(repr, unknown))}; optional: {', '.join(OPTIONAL)}",
        )
    if doubled:
        col.problem(line, f"column(s) given twice: {', '.join(doubled)}")
    col.fail_if_any()


def _add_actor(actors: dict, actor: str, get: dict, line: int, col: Collector) -> None:
    if actor not in actors:
        actors[actor] = {"id": actor}
        col.at(("actors", len(actors) - 1, "id"), line, "actor")
    name = get.get("actor_name", "")
    if name != "" and "name" not in actors[actor]:
        actors[actor]["name"] = str(name)


def _add_issue(issues: dict, issue: str, get: dict, line: int, col: Collector) -> None:
    entry = issues.setdefault(issue, {"id": issue, "_at": {"id": (line, "issue")}})
    for column, key in ISSUE_KEYS.items():
        given = get.get(column, "")
        if given == "":
            continue
        if key in entry and _differs(entry[key], given):
            first = col.where(entry["_at"][key][0])
            col.problem(
                line, f"{column}: {given} disagrees with {entry[key]} for issue {issue!r} ({first})"
            )
            continue
        if key not in entry:
            entry[key] = given
            entry["_at"][key] = (line, column)


def _differs(a: Any, b: Any) -> bool:
    na, nb = number_or_none(a), number_or_none(b)
    if na is not None and nb is not None:
        return na != nb
    return str(a) != str(b)


def _finish_issue(issue: dict, stances: dict) -> dict:
    """Bounds from the columns, or from the positions of the issue (widened when degenerate)."""
    out = {k: v for k, v in issue.items() if k != "_at"}
    if "name" in out:
        out["name"] = str(out["name"])
    if "unit" in out:
        out["unit"] = str(out["unit"])
    if "lower" in out and "upper" in out:
        return out
    values = [
        number_or_none(s[issue["id"]]["position"]["value"])
        for s in stances.values()
        if issue["id"] in s
    ]
    numbers = [v for v in values if v is not None] or [0.0, 1.0]
    lo, hi = min(numbers), max(numbers)
    if lo == hi:
        lo, hi = lo - 1.0, hi + 1.0
    out.setdefault("lower", lo)
    out.setdefault("upper", hi)
    return out


def table_rows(case: Case) -> list[list[Any]]:
    """The header and one row per actor and issue with a position, numbers as floats."""
    divide = salience_divisor(case)
    found = [
        (actor, issue, values)
        for actor in case.actors
        for issue in case.issues
        if (values := stance_values(case, actor.id, issue.id)) is not None
    ]
    uncertain = [
        f"{side}_{name}"
        for name, k in zip(VALUES, range(3), strict=True)
        for side in ("low", "high")
        if any(getattr(v[k], side) is not None for _, _, v in found)
    ]
    extra = ["lower", "upper"]
    if any(i.name and i.name != i.id for i in case.issues):
        extra.insert(0, "issue_name")
    if any(i.unit for i in case.issues):
        extra.append("unit")
    if any(i.status_quo is not None for i in case.issues):
        extra.append("status_quo")
    if any(a.name and a.name != a.id for a in case.actors):
        extra.append("actor_name")
    header = [*REQUIRED, *uncertain, *extra]
    rows: list[list[Any]] = [header]
    for actor, issue, values in found:
        scale = dict(zip(VALUES, (1.0, divide, 1.0), strict=True))
        est = dict(zip(VALUES, values, strict=True))
        row: list[Any] = [actor.id, issue.id]
        row += [est[v].value / scale[v] for v in VALUES]
        for column in uncertain:
            side, name = column.split("_", 1)
            given = getattr(est[name], side)
            row.append("" if given is None else given / scale[name])
        issue_values = {
            "issue_name": issue.name,
            "lower": issue.lower,
            "upper": issue.upper,
            "unit": issue.unit,
            "status_quo": "" if issue.status_quo is None else issue.status_quo,
            "actor_name": actor.name,
        }
        row += [issue_values[c] for c in extra]
        rows.append(row)
    return rows


def write_table_csv(case: Case, path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in table_rows(case):
        writer.writerow([fmt(v) if isinstance(v, float) else v for v in row])
    write_text(path, buf.getvalue())


def write_table_xlsx(case: Case, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "stances"
    for row in table_rows(case):
        sheet.append([None if v == "" else v for v in row])
    for cells in sheet.iter_rows():
        for c in cells:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"  # text, as in the case: openpyxl would store '=...' as a formula
    atomic_write(path, lambda tmp: book.save(tmp))
