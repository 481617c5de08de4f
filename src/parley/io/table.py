"""The stakeholder table: one row per actor and issue, as CSV or XLSX (a workbook may carry the
whole case, `parley.io.workbook`).

CSV: the delimiter (`,` `;` or tab) is sniffed from the header; a European Excel CSV (BOM,
semicolons, decimal commas such as `0,75`) loads; title or blank rows above the header are skipped
(the header is the first row naming `actor` and `issue`, or the row `--header-row N`). XLSX: the
sheet `--sheet NAME`, else the first sheet that has the required columns.

Required columns: `actor, issue, position, salience, capability`. Optional columns:
- `low_position, high_position, low_salience, high_salience, low_capability, high_capability`:
  the uncertainty range of the value in that row;
- `lower, upper`: the issue's bounds. Rows of one issue may leave them empty but must not disagree.
  An issue without them gets the smallest and largest position in the file (widened by 1 on each
  side when all positions coincide), the same rule as the BDM CSV;
- `issue_name, unit, status_quo` (per issue, like the bounds) and `actor_name` (per actor).
- `tags` (per actor, separated by commas): the actor's tags, as in a case file.
Column names are matched case-insensitively; other columns (`notes`, ...) are ignored with one
warning naming them (a near miss of a known column says which one it resembles). Salience is read on 0-100 when any salience value (or low/high) exceeds 1, else on 0-1.
Capability is per row (actor and issue); in a workbook with an `Actors` sheet an empty capability
cell means the actor's own. Every other listed value must be filled in; an actor without a
position on an issue simply has no row for it. Actors and issues keep the order of first appearance.

The writer writes every actor's stances with the effective capability, plus `lower, upper` so that
bounds survive the round trip; anchors, descriptions, scenarios and model parameters are not held.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError, ParleyWarning, setting
from parley.io.layout import decimal_comma, find_header, read_options, sniff_delimiter
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
from parley.io.safe_write import atomic_write, write_text
from parley.io.workbook import case_sheet_names, case_sheet_rows, read_case_sheets
from parley.suggest import did_you_mean

REQUIRED = ("actor", "issue", "position", "salience", "capability")
VALUES = ("position", "salience", "capability")
UNCERTAIN = tuple(f"{side}_{v}" for v in VALUES for side in ("low", "high"))
PER_ISSUE = ("issue_name", "lower", "upper", "unit", "status_quo")
OPTIONAL = (*UNCERTAIN, *PER_ISSUE, "actor_name", "tags")
NEEDED = ("actor", "issue")  # what marks the header row
ISSUE_KEYS = {
    "issue_name": "name",
    "lower": "lower",
    "upper": "upper",
    "unit": "unit",
    "status_quo": "status_quo",
}

Row = tuple[int, list[Any]]


def sniff(text: str) -> bool:
    """A line naming `actor` and `issue` columns among the first few (a title may come first;
    any delimiter: the reader judges it)."""
    lines = first_lines(text, 5)
    if lines and all(w in header_words(lines[0]) for w in NEEDED):
        return True  # the reader names any column missing from it
    return any(all(w in header_words(line) for w in REQUIRED[:4]) for line in lines[1:])


def read_table_csv(path: Path) -> Case:
    text = read_text(path)
    lines = [(n, ln) for n, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    wanted = read_options().header_row
    named = [ln for n, ln in lines if n == wanted] if wanted else []
    heads = [ln for _, ln in lines[:20] if all(w in header_words(ln) for w in NEEDED)]
    header = (named or heads or [lines[0][1]])[0]
    delimiter = sniff_delimiter(header, REQUIRED)
    rows = [(n, r) for n, r in csv_rows(text, str(path), delimiter) if any(c.strip() for c in r)]
    rows = rows[find_header(rows, NEEDED, str(path)) :]
    if delimiter == ";":  # the European Excel CSV writes decimal commas
        rows = rows[:1] + [(n, [decimal_comma(c) for c in r]) for n, r in rows[1:]]
    if len(rows[0][1]) == 1 and len(header_words(header)) > 1:
        raise CaseError(
            f"line {rows[0][0]}: expected comma-, semicolon- or tab-separated columns "
            f"{', '.join(REQUIRED)}; "
            f"the header {header.strip()!r} is one column (delimiter {guess_delimiter(header)}?)",
            source=str(path),
        )
    return _read_rows(rows, Collector(str(path)), path)


def read_table_xlsx(path: Path) -> Case:
    source = str(path)
    col = Collector(source, unit="row")
    with open_workbook(path) as book:
        sheet, rows = _stakeholder_sheet(book, source)
        extra = read_case_sheets(book, source, col)
    if any(v is None for _, values in rows for v in values):
        _name_formulas(rows, path, sheet.title)
    return _read_rows(rows, col, path, extra)


def _stakeholder_sheet(book: Any, source: str) -> tuple[Any, list[Row]]:
    """The stakeholder sheet and its rows from the header on: `--sheet NAME`, else the first
    table sheet (not a whole-case sheet) that has the required columns."""
    name = read_options().sheet
    if name is not None:
        if name not in book.sheetnames:
            hint = did_you_mean(name, book.sheetnames)
            listed = ", ".join(map(repr, book.sheetnames))
            raise CaseError(f"no sheet {name!r}{hint} in the workbook (sheets: {listed})", source)
        sheet = worksheet(book, source, name)
        rows = sheet_rows(sheet, source)
        if not rows:
            raise CaseError(f"sheet {sheet.title!r} is empty", source=source)
        return sheet, rows[find_header(rows, NEEDED, source, "row") :]
    special = set(case_sheet_names(book).values())
    tables = [n for n in book.sheetnames if hasattr(book[n], "iter_rows") and n not in special]
    if not tables:
        return worksheet(book, source), []  # worksheet() names what the workbook has instead
    first = None
    for title in tables:
        rows = sheet_rows(book[title], source)
        k = find_header(rows, REQUIRED, source, "row")
        if rows and all(c in _names(rows[k][1]) for c in REQUIRED):
            return book[title], rows[k:]
        first = first or (title, rows)
    assert first is not None  # `tables` is not empty: the loop ran
    title, rows = first
    if not rows:
        raise CaseError(f"the first sheet {title!r} is empty", source=source)
    others = [n for n in book.sheetnames if n != title]
    if others:
        head = rows[find_header(rows, NEEDED, source, "row")]
        missing = [c for c in REQUIRED if c not in _names(head[1])]
        raise CaseError(
            f"no sheet has the columns {', '.join(REQUIRED)}: read sheet {title!r} (row "
            f"{head[0]} lacks {', '.join(missing)}); the other sheets: "
            f"{', '.join(map(repr, others))}; choose one with {setting('sheet', 'NAME')}",
            source=source,
        ).suggesting("sheet", "NAME")
    return book[title], rows[find_header(rows, NEEDED, source, "row") :]


def _names(header: list[Any]) -> list[str]:
    return [str(h).strip().lower() if h is not None else "" for h in header]


def _name_formulas(rows: list[Row], path: Path, title: str) -> None:
    """A formula cell the workbook holds no computed value for (a file written by a script, never
    saved by a spreadsheet) reads as empty; say what it is instead of 'an empty cell'."""
    source = str(path)
    with open_workbook(path, data_only=False) as book:
        formulas = {
            (n, k): v
            for n, values in sheet_rows(worksheet(book, source, title), source)
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


def _read_rows(
    rows: list[Row], col: Collector, path: Path, extra: dict[str, Any] | None = None
) -> Case:
    """The case of a stakeholder table's rows (header first), merged with the whole-case sheets'
    data `extra` (issues, actors, scenarios and case fields) when the workbook has them."""
    extra = extra or {}
    head_at, header = rows[0]
    names = _names(header)
    while names and not names[-1]:
        names.pop()
    _check_header(names, head_at, col, path)
    index = {name: k for k, name in enumerate(names)}
    actors: dict[str, dict] = {a["id"]: a for a in extra.get("actors", [])}
    issues: dict[str, dict] = {
        i["id"]: {**i, "_at": {}} for i in extra.get("issues", [])
    }  # sheet values come first; the table's per-issue columns only fill gaps
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
        stance: dict[str, dict[str, Any] | None] = {}
        for value in VALUES:
            low, high = get.get(f"low_{value}", ""), get.get(f"high_{value}", "")
            if value == "capability" and get[value] == "" and "capability" in actors[actor]:
                continue  # an empty cell: the Actors sheet's capability applies
            if value == "position" and get[value] == "" and extra:
                stance[value] = None  # a whole-case workbook records "no position" so
                continue
            stance[value] = entry = {"value": get[value]}
            at = ("stances", actor, issue, value)
            col.at(at, line, value)
            for side, given in (("low", low), ("high", high)):
                if given != "":
                    entry[side] = given
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
        **{k: v for k, v in extra.items() if k not in ("actors", "issues")},
        "actors": list(actors.values()),
        "issues": issue_list,
        "stances": stances,
    }
    for k, declared in enumerate(issues.values()):
        for key, (line, field) in declared["_at"].items():
            col.at(("issues", k, key), line, field)
    return col.build(data)


def _check_header(names: list[str], line: int, col: Collector, path: Path) -> None:
    """Missing or doubled columns are errors; other columns are ignored with one warning (a near
    miss of a column parley reads is named beside it)."""
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in REQUIRED and n not in OPTIONAL]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if missing:
        near = [f"{n!r}{hint}" for n in unknown if (hint := did_you_mean(n, missing))]
        found = f"; found {', '.join(near)}" if near else ""
        col.problem(
            line,
            f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}{found}",
        )
    if doubled:
        col.problem(line, f"column(s) given twice: {', '.join(doubled)}")
    col.fail_if_any()
    if unknown:
        named = ", ".join(f"{n!r}{did_you_mean(n, OPTIONAL)}" for n in unknown)
        warnings.warn(
            f"{path}: {col.where(line)}: ignored column(s) {named} (parley reads "
            f"{', '.join(REQUIRED + OPTIONAL)})",
            ParleyWarning,
            stacklevel=2,
        )


def _add_actor(actors: dict, actor: str, get: dict, line: int, col: Collector) -> None:
    if actor not in actors:
        actors[actor] = {"id": actor}
        col.at(("actors", len(actors) - 1, "id"), line, "actor")
    name = get.get("actor_name", "")
    if name != "" and "name" not in actors[actor]:
        actors[actor]["name"] = str(name)
    tags = get.get("tags", "")
    if tags != "" and "tags" not in actors[actor]:
        actors[actor]["tags"] = [
            t.strip() for t in str(tags).replace(";", ",").split(",") if t.strip()
        ]


def _add_issue(issues: dict, issue: str, get: dict, line: int, col: Collector) -> None:
    entry = issues.setdefault(issue, {"id": issue, "_at": {"id": (line, "issue")}})
    for column, key in ISSUE_KEYS.items():
        given = get.get(column, "")
        if given == "":
            continue
        if key in entry and key not in entry["_at"]:
            continue  # the Issues sheet gives it
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


def table_rows(case: Case, whole: bool = False) -> list[list[Any]]:
    """The header and one row per actor and issue with a position, numbers as floats.

    `whole`: for a workbook whose `Case` sheet declares the salience scale and whose `Actors`
    sheet gives each actor's capability: saliences as declared, a capability only where the
    stance has its own, and stances without a position kept (empty cells).
    """
    divide = 1.0 if whole else salience_divisor(case)
    found: list[tuple[Any, Any, tuple[Any, ...]]] = []
    for actor in case.actors:
        for issue in case.issues:
            values = stance_values(case, actor.id, issue.id)
            if whole and (values is not None or issue.id in case.stances.get(actor.id, {})):
                found.append((actor, issue, _as_stated(case, actor, issue.id)))
            elif not whole and values is not None:
                found.append((actor, issue, values))
    uncertain = [
        f"{side}_{name}"
        for name, k in zip(VALUES, range(3), strict=True)
        for side in ("low", "high")
        if any(v[k] is not None and getattr(v[k], side) is not None for _, _, v in found)
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
    if any(a.tags for a in case.actors):
        extra.append("tags")
    header = [*REQUIRED, *uncertain, *extra]
    rows: list[list[Any]] = [header]
    for actor, issue, values in found:
        scale = dict(zip(VALUES, (1.0, divide, 1.0), strict=True))
        est = dict(zip(VALUES, values, strict=True))
        row: list[Any] = [actor.id, issue.id]
        row += [est[v].value / scale[v] if est[v] is not None else "" for v in VALUES]
        for column in uncertain:
            side, name = column.split("_", 1)
            given = getattr(est[name], side) if est[name] is not None else None
            row.append("" if given is None else given / scale[name])
        issue_values = {
            "issue_name": issue.name,
            "lower": issue.lower,
            "upper": issue.upper,
            "unit": issue.unit,
            "status_quo": "" if issue.status_quo is None else issue.status_quo,
            "actor_name": actor.name,
            "tags": ", ".join(actor.tags),
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


def _as_stated(case: Case, actor: Any, issue_id: str) -> tuple:
    """(position, salience, capability) as the stance states them, for a workbook whose Actors
    sheet carries the actors' capabilities: capability None (an empty cell) where the actor's
    applies, position None (an empty cell) where the actor takes no position."""
    stance = case.stances[actor.id][issue_id]
    return stance.position, stance.salience, stance.capability


def write_table_xlsx(case: Case, path: Path) -> None:
    """The whole case: the stakeholder sheet first (what other tools read), then the `Case`,
    `Issues`, `Actors` and (when there are any) `Scenarios` sheets of `parley.io.workbook`."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "stances"
    sheets = {"stances": table_rows(case, whole=True), **case_sheet_rows(case)}
    for k, (title, rows) in enumerate(sheets.items()):
        sheet = book.active if k == 0 else book.create_sheet(title)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        for cells in sheet.iter_rows():
            for c in cells:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"  # text, as in the case: openpyxl stores '=...' as a formula
    atomic_write(path, lambda tmp: book.save(tmp))
