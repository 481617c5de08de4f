"""A workbook that carries the whole case: the stakeholder table plus optional sheets.

Beside the stakeholder sheet (one row per actor and issue, `parley.io.table`) a workbook may hold,
under these names (any letter case):

- `Case`: two columns `field, value`; fields `title`, `description`, `date`, `source` (one row per
  source), `salience_scale` (1 or 100; overrides the rule that reads saliences over 1 as 0-100),
  `distribution` (the ensembles' default) and `model_params` (JSON text, as in a case file);
- `Issues`: `id, name, description, lower, upper, unit, anchors, status_quo, outcome`; `anchors` is
  one `value: label` per line of the cell (`0: immediate withdrawal`);
- `Actors`: `id, name, description, tags, capability` (+ `low_capability, high_capability`); tags
  are separated by commas; an actor's capability applies wherever its stance row leaves the
  `capability` cell empty (a filled cell is that issue's own capability);
- `Scenarios`: one row per change: `scenario, description, probability, change, actor, issue,
  position, salience, capability, capability_factor, name, tags`; `change` is `set` (the default
  when an actor is named), `drop` or `add` (an actor the scenario adds: a row without issue for the
  actor itself, one row per issue for its stances).

Every column but the ids is optional. Issues and actors listed in these sheets come first, in
their order; the stakeholder sheet adds any others. `parley convert case.yaml case.xlsx` writes all
of them, so a case survives YAML -> XLSX -> YAML unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from parley.case import Case
from parley.io.rows import Collector, cell, number_or_none
from parley.io.safe_read import sheet_rows

SHEETS = ("case", "issues", "actors", "scenarios")
ISSUE_COLUMNS = (
    "id",
    "name",
    "description",
    "lower",
    "upper",
    "unit",
    "anchors",
    "status_quo",
    "outcome",
)
ACTOR_COLUMNS = (
    "id",
    "name",
    "description",
    "tags",
    "capability",
    "low_capability",
    "high_capability",
)
SCENARIO_COLUMNS = (
    "scenario",
    "description",
    "probability",
    "change",
    "actor",
    "issue",
    "position",
    "salience",
    "capability",
    "capability_factor",
    "name",
    "tags",
    "actor_description",
)


def case_sheet_names(book: Any) -> dict[str, str]:
    """The whole-case sheets the workbook has: lower-case kind -> the sheet's own name."""
    return {n.strip().lower(): n for n in book.sheetnames if n.strip().lower() in SHEETS}


def _records(book: Any, name: str, source: str, col: Collector) -> list[tuple[str, dict]]:
    """(where, {column: cell}) per row of sheet `name` under its header (the first row)."""
    rows = sheet_rows(book[name], source)
    if not rows:
        return []
    header = [str(h).strip().lower().replace(" ", "_") if h is not None else "" for h in rows[0][1]]
    out = []
    for n, values in rows[1:]:
        cells = [cell(v) for v in values] + [""] * max(0, len(header) - len(values))
        record = {h: c for h, c in zip(header, cells, strict=False) if h}
        out.append((f"sheet {name!r} row {n}", record))
    return out


def read_case_sheets(book: Any, source: str, col: Collector) -> dict[str, Any]:
    """The case data of the whole-case sheets (empty when the workbook has none)."""
    names = case_sheet_names(book)
    data: dict[str, Any] = {}
    if "case" in names:
        data.update(_case_fields(_records(book, names["case"], source, col), col))
    if "issues" in names:
        data["issues"] = [
            _issue(k, where, r, col)
            for k, (where, r) in enumerate(
                x for x in _records(book, names["issues"], source, col) if x[1].get("id") != ""
            )
        ]
    if "actors" in names:
        data["actors"] = [
            _actor(k, where, r, col)
            for k, (where, r) in enumerate(
                x for x in _records(book, names["actors"], source, col) if x[1].get("id") != ""
            )
        ]
    if "scenarios" in names:
        data["scenarios"] = _scenarios(_records(book, names["scenarios"], source, col), col)
    return data


def _case_fields(records: list[tuple[str, dict]], col: Collector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for where, r in records:
        field = str(r.get("field", "")).strip().lower()
        value = r.get("value", "")
        col.locations.add((field,), where, "value")
        if field in ("source", "sources"):
            out.setdefault("sources", []).append(str(value))
        elif field == "model_params":
            try:
                out["model_params"] = json.loads(str(value))
            except ValueError as exc:
                col.problem(None, f"{where}: model_params: not JSON text ({exc})")
        elif field == "distribution":
            out["uncertainty"] = {"distribution": value}
        elif field in ("title", "description", "date", "colour_by"):
            out[field] = str(value)
        elif field == "salience_scale":
            out[field] = value
        elif field:
            col.problem(None, f"{where}: unknown field {field!r} in the Case sheet")
    return out


def _estimate(r: dict, name: str, value_column: str | None = None) -> Any:
    value = r.get(value_column or name, "")
    if value == "":
        return None
    low, high = r.get(f"low_{name}", ""), r.get(f"high_{name}", "")
    if low == "" and high == "":
        return value
    return {
        "value": value,
        **({"low": low} if low != "" else {}),
        **({"high": high} if high != "" else {}),
    }


def _issue(k: int, where: str, r: dict, col: Collector) -> dict:
    out: dict[str, Any] = {"id": str(r["id"])}
    for key in ("name", "description", "unit"):
        if r.get(key, "") != "":
            out[key] = str(r[key])
    for key in ("lower", "upper", "status_quo", "outcome"):
        if r.get(key, "") != "":
            out[key] = r[key]
    if r.get("anchors", "") != "":
        out["anchors"] = _anchors(str(r["anchors"]), where, col)
    for key in ISSUE_COLUMNS:
        col.locations.add(("issues", k, key), where, key)
    return out


def _anchors(text: str, where: str, col: Collector) -> dict[Any, str]:
    out: dict[Any, str] = {}
    parts = text.splitlines() if "\n" in text else text.split(";")
    for part in (p for p in parts if p.strip()):
        value, sep, label = part.partition(":")
        number = number_or_none(value.strip())
        if not sep or number is None:
            col.problem(None, f"{where}: anchors: expected 'value: label', got {part.strip()!r}")
            continue
        out[number] = label.strip()
    return out


def _tags(value: Any) -> list[str]:
    return [t.strip() for t in str(value).replace(";", ",").split(",") if t.strip()]


def _actor(k: int, where: str, r: dict, col: Collector) -> dict:
    out: dict[str, Any] = {"id": str(r["id"])}
    for key in ("name", "description"):
        if r.get(key, "") != "":
            out[key] = str(r[key])
    if r.get("tags", "") != "":
        out["tags"] = _tags(r["tags"])
    capability = _estimate(r, "capability")
    if capability is not None:
        out["capability"] = capability
    for key in ACTOR_COLUMNS:
        col.locations.add(("actors", k, key), where, key)
    return out


def _scenarios(records: list[tuple[str, dict]], col: Collector) -> list[dict]:
    scenarios: dict[str, dict] = {}
    for where, r in records:
        name = str(r.get("scenario", ""))
        if not name:
            continue
        s = scenarios.setdefault(
            name, {"name": name, "set": [], "add_actors": [], "drop_actors": []}
        )
        k = list(scenarios).index(name)
        col.locations.add(("scenarios", k), where, "scenario")
        for key in ("description", "probability"):
            if r.get(key, "") != "" and key not in s:
                s[key] = r[key]
        change = str(r.get("change", "")).strip().lower() or ("set" if r.get("actor", "") else "")
        actor = str(r.get("actor", ""))
        if change == "drop":
            col.locations.add(
                ("scenarios", k, "drop_actors", len(s["drop_actors"])), where, "actor"
            )
            s["drop_actors"].append(actor)
        elif change == "add":
            _added(s["add_actors"], actor, r)
        elif change == "set":
            patch = {"actor": actor}
            for key in ("issue", "position", "salience", "capability", "capability_factor"):
                if r.get(key, "") != "":
                    patch[key] = r[key]
            col.locations.add(("scenarios", k, "set", len(s["set"])), where, "")
            s["set"].append(patch)
        elif change:
            col.problem(None, f"{where}: change: expected set, add or drop, got {change!r}")
    return list(scenarios.values())


def _added(added: list[dict], actor: str, r: dict) -> None:
    entry = next((a for a in added if a["id"] == actor), None)
    if entry is None:
        entry = {"id": actor, "stances": {}}
        added.append(entry)
    issue = str(r.get("issue", ""))
    if not issue:
        if r.get("name", "") != "":
            entry["name"] = str(r["name"])
        if r.get("actor_description", "") != "":
            entry["description"] = str(r["actor_description"])
        if r.get("tags", "") != "":
            entry["tags"] = _tags(r["tags"])
        if r.get("capability", "") != "":
            entry["capability"] = r["capability"]
        return
    stance = {"position": r.get("position", ""), "salience": r.get("salience", "")}
    if r.get("capability", "") != "":
        stance["capability"] = r["capability"]
    entry["stances"][issue] = stance


def _est_cells(est: Any) -> list[Any]:
    if est is None:
        return ["", "", ""]
    return [est.value, "" if est.low is None else est.low, "" if est.high is None else est.high]


def case_sheet_rows(case: Case) -> dict[str, list[list[Any]]]:
    """The whole-case sheets of `case`: sheet name -> rows (header first)."""
    meta: list[list[Any]] = [["field", "value"], ["title", case.title]]
    meta += [[k, getattr(case, k)] for k in ("description", "date") if getattr(case, k)]
    meta += [["source", s] for s in case.sources]
    meta.append(["salience_scale", case.salience_scale])
    if case.colour_by is not None:
        meta.append(["colour_by", case.colour_by])
    if case.uncertainty != type(case.uncertainty)():
        meta.append(["distribution", case.uncertainty.distribution])
    if case.model_params:
        meta.append(["model_params", json.dumps(case.model_params)])
    issues: list[list[Any]] = [list(ISSUE_COLUMNS)]
    for i in case.issues:
        anchors = "\n".join(f"{_num(v)}: {label}" for v, label in i.anchors.items())
        issues.append(
            [i.id, i.name, i.description, i.lower, i.upper, i.unit, anchors]
            + ["" if x is None else x for x in (i.status_quo, i.outcome)]
        )
    actors: list[list[Any]] = [list(ACTOR_COLUMNS)]
    for a in case.actors:
        actors.append([a.id, a.name, a.description, ", ".join(a.tags), *_est_cells(a.capability)])
    sheets = {"Case": meta, "Issues": issues, "Actors": actors}
    if case.scenarios:
        sheets["Scenarios"] = _scenario_rows(case)
    return sheets


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _scenario_rows(case: Case) -> list[list[Any]]:
    rows: list[list[Any]] = [list(SCENARIO_COLUMNS)]

    def row(s, change="", actor="", **values: Any) -> list[Any]:
        base = {"scenario": s.name, "description": s.description, "probability": s.probability}
        full = {**base, "change": change, "actor": actor, **values}
        return ["" if full.get(c) is None else full.get(c, "") for c in SCENARIO_COLUMNS]

    for s in case.scenarios:
        start = len(rows)
        for p in s.set:
            fields = ("issue", "position", "salience", "capability", "capability_factor")
            rows.append(row(s, "set", p.actor, **{f: getattr(p, f) for f in fields}))
        for new in s.add_actors:
            cap = new.capability.value if new.capability is not None else None
            rows.append(
                row(
                    s,
                    "add",
                    new.id,
                    name=new.name,
                    tags=", ".join(new.tags),
                    capability=cap,
                    actor_description=new.description,
                )
            )
            for issue, st in new.stances.items():
                values = {
                    "issue": issue,
                    "position": st.position.value if st.position is not None else None,
                    "salience": st.salience.value,
                    "capability": st.capability.value if st.capability is not None else None,
                }
                rows.append(row(s, "add", new.id, **values))
        for actor in s.drop_actors:
            rows.append(row(s, "drop", actor))
        if len(rows) == start:
            rows.append(row(s))
    return rows
