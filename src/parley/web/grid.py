"""The editor's grid: a case as rows of cells (actors x issues, a stance's position and salience
per cell) and back, with every validation problem placed on the cell it is about.

A cell holds a number, or a number with its range: `10 (8 to 12)`. Text that is not a number is
passed on as written, so that the message is `parley validate`'s own (`expected a number, got
'abc'`). Fields the grid does not show (descriptions, anchors, tags, scenarios...) travel in hidden
JSON and come back unchanged.

>>> parse_cell("10 (8 to 12)")
{'value': 10.0, 'low': 8.0, 'high': 12.0}
>>> parse_cell("12"), parse_cell(""), parse_cell("abc")
(12.0, None, 'abc')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from parley.case import Case, build_case
from parley.case.locations import Locations
from parley.errors import CaseError

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_CELL = re.compile(rf"^\s*({_NUM})\s*(?:\(\s*({_NUM})\s*to\s*({_NUM})\s*\))?\s*$")
ACTOR_FIELDS = ("id", "name", "capability")
ISSUE_FIELDS = ("id", "name", "lower", "upper", "unit")
STANCE_FIELDS = ("position", "salience", "capability")
SOURCE = "editor"


def parse_cell(text: str) -> Any:
    """A cell's text as a number, an estimate with range, None (empty) or the text itself."""
    match = _CELL.match(text or "")
    if not text or not text.strip():
        return None
    if not match:
        return text.strip()
    value, low, high = match.groups()
    if low is None:
        return float(value)
    return {"value": float(value), "low": float(low), "high": float(high)}


def show_cell(value: Any) -> str:
    """An estimate (or number) as cell text: the inverse of `parse_cell`."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        text = _num(value["value"])
        if value.get("low") is not None and value.get("high") is not None:
            text += f" ({_num(value['low'])} to {_num(value['high'])})"
        return text
    return _num(value) if isinstance(value, int | float) else str(value)


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else repr(x)


def case_rows(case: Case) -> dict[str, Any]:
    """The grid of a case: `actors`, `issues` (cell texts and hidden extras), `cells`, `rest`."""
    data = case.model_dump(mode="json", exclude_none=True)
    actors = [
        {
            "cells": {f: show_cell(a.get(f)) for f in ACTOR_FIELDS},
            "extra": {k: v for k, v in a.items() if k not in ACTOR_FIELDS},
        }
        for a in data["actors"]
    ]
    issues = [
        {
            "cells": {f: show_cell(i.get(f)) for f in ISSUE_FIELDS},
            "extra": {k: v for k, v in i.items() if k not in ISSUE_FIELDS},
        }
        for i in data["issues"]
    ]
    stances = data.get("stances", {})
    cells = [
        [
            {f: show_cell(stances.get(a["id"], {}).get(i["id"], {}).get(f)) for f in STANCE_FIELDS}
            for i in data["issues"]
        ]
        for a in data["actors"]
    ]
    rest = {k: v for k, v in data.items() if k not in ("actors", "issues", "stances")}
    return {"actors": actors, "issues": issues, "cells": cells, "rest": rest}


def form_rows(form: Mapping[str, str]) -> dict[str, Any]:
    """The grid as the browser sent it (fields `a.K.FIELD`, `i.J.FIELD`, `s.K.J.FIELD`, and the
    hidden `a.K.extra`, `i.J.extra`, `rest`)."""
    n_actors = _count(form, "a")
    n_issues = _count(form, "i")
    actors = [
        {
            "cells": {f: form.get(f"a.{k}.{f}", "") for f in ACTOR_FIELDS},
            "extra": _json(form.get(f"a.{k}.extra")),
        }
        for k in range(n_actors)
    ]
    issues = [
        {
            "cells": {f: form.get(f"i.{j}.{f}", "") for f in ISSUE_FIELDS},
            "extra": _json(form.get(f"i.{j}.extra")),
        }
        for j in range(n_issues)
    ]
    cells = [
        [{f: form.get(f"s.{k}.{j}.{f}", "") for f in STANCE_FIELDS} for j in range(n_issues)]
        for k in range(n_actors)
    ]
    return {"actors": actors, "issues": issues, "cells": cells, "rest": _json(form.get("rest"))}


def _count(form: Mapping[str, str], prefix: str) -> int:
    found = [int(m.group(1)) for key in form if (m := re.match(rf"{prefix}\.(\d+)\.id$", key))]
    return max(found) + 1 if found else 0


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def rows_data(rows: Mapping[str, Any]) -> tuple[dict[str, Any], Locations]:
    """The case data the grid describes, and where each value sits (cell ids for messages)."""
    where = Locations()
    actors, issues, stances = [], [], {}
    for k, row in enumerate(rows["actors"]):
        cells = row["cells"]
        actor = {**row["extra"], "id": cells["id"].strip(), "name": cells["name"]}
        if parse_cell(cells["capability"]) is not None:
            actor["capability"] = parse_cell(cells["capability"])
        actors.append(actor)
        where.add(("actors", k), f"a-{k}-id")
        for f in ACTOR_FIELDS:
            where.add(("actors", k, f), f"a-{k}-{f}")
    for j, row in enumerate(rows["issues"]):
        cells = row["cells"]
        issue = {**row["extra"], "id": cells["id"].strip(), "name": cells["name"]}
        issue["unit"] = cells["unit"]
        for f in ("lower", "upper"):
            issue[f] = parse_cell(cells[f])
        issues.append(issue)
        where.add(("issues", j), f"i-{j}-id")
        for f in ISSUE_FIELDS:
            where.add(("issues", j, f), f"i-{j}-{f}")
    for k, actor in enumerate(actors):
        where.add(("stances", actor["id"]), f"a-{k}-id")
        row = {}
        for j, issue in enumerate(issues):
            cell = rows["cells"][k][j]
            values = {f: parse_cell(cell[f]) for f in STANCE_FIELDS}
            if all(v is None for v in values.values()):
                continue
            if values["capability"] is None:
                del values["capability"]
            row[issue["id"]] = values
            for f in STANCE_FIELDS:
                where.add(("stances", actor["id"], issue["id"], f), f"s-{k}-{j}-{f}")
            where.add(("stances", actor["id"], issue["id"]), f"s-{k}-{j}-position")
        if row:
            stances[actor["id"]] = row
    return {**rows["rest"], "actors": actors, "issues": issues, "stances": stances}, where


def check_rows(rows: Mapping[str, Any]) -> tuple[Case | None, list[dict[str, str]]]:
    """The case, or the problems: each `{"cell": id or "", "message": validate's line}`."""
    data, where = rows_data(rows)
    try:
        return build_case(data, SOURCE, where), []
    except CaseError as exc:
        return None, [
            {"cell": p.where if p.where[:2] in ("a-", "i-", "s-") else "", "message": p.message}
            for p in exc.problems
        ]
