"""The HTML pages: Cases, Editor, Run, History (Jinja2 templates, HTMX fragments). Every number
comes from the library (`parley.web.actions`); templates only render."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parley.errors import CaseError, ParleyError
from parley.io import FORMATS, write_case
from parley.io.casefile import parse_yaml
from parley.report.numbers import fmt_shift, fmt_value, places_for
from parley.store import RunRecord, model_records
from parley.web import actions, grid
from parley.web.cases import list_cases, open_case
from parley.web.requests import read_request
from parley.web.security import TOKEN_COOKIE

router = APIRouter(include_in_schema=False)
WRITABLE = [f for f in FORMATS if f.write is not None]


def _web(request: Request):
    return request.app.state.web


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context)


def _case(request: Request, ref: str):
    web = _web(request)
    return open_case(ref, web.settings.cases_dir, web.store)


# --- login (only when the server has a token) ---------------------------------------------------


@router.get("/login")
async def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html", error="")


@router.post("/login")
async def login(request: Request, token: str = Form("")) -> Response:
    import hmac

    expected = _web(request).settings.token or ""
    if not expected or not hmac.compare_digest(token, expected):
        page = _page(request, "login.html", error="wrong token")
        page.status_code = 401
        return page
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
    return response


# --- Cases ----------------------------------------------------------------------------------------


@router.get("/")
async def cases_page(request: Request) -> HTMLResponse:
    web = _web(request)
    return _page(
        request,
        "cases.html",
        cases=list_cases(web.settings.cases_dir, web.store()),
        formats=", ".join(sorted({e for f in FORMATS for e in f.extensions})),
        limit_mb=web.settings.upload_limit / 2**20,
    )


@router.post("/cases/upload")
async def upload(request: Request) -> Response:
    web = _web(request)
    case, _ = await read_request(request, web.settings.upload_limit)
    sha = web.store().put_case(case.model_dump(mode="json"))
    return Response(headers={"HX-Redirect": f"/editor?case=store:{sha}"})


# --- Editor ---------------------------------------------------------------------------------------


def _grid_context(rows: dict[str, Any], ref: str) -> dict[str, Any]:
    scenarios = rows["rest"].get("scenarios") or []
    return {
        "rows": rows,
        "ref": ref,
        "actor_fields": grid.ACTOR_FIELDS,
        "issue_fields": grid.ISSUE_FIELDS,
        "stance_fields": grid.STANCE_FIELDS,
        "rest_json": _dump({k: v for k, v in rows["rest"].items() if k != "scenarios"}),
        "scenarios_yaml": yaml.safe_dump(scenarios, sort_keys=False, allow_unicode=True)
        if scenarios
        else "",
        "dump": _dump,
        "formats": WRITABLE,
    }


def _dump(obj: Any) -> str:
    from parley.io.finite_json import dumps

    return dumps(obj, indent=None, ensure_ascii=False)


async def _form_rows(request: Request) -> tuple[dict[str, Any], list[dict[str, str]]]:
    form = await request.form(max_fields=20_000, max_part_size=_web(request).settings.upload_limit)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    rows = grid.form_rows(fields)
    problems = []
    text = fields.get("scenarios", "")
    try:  # the case file's YAML rules: numbers, aliases bounded, keys once
        scenarios = parse_yaml(text, "scenarios")[0] if text.strip() else []
    except CaseError as exc:
        problems.append({"cell": "scenarios", "message": str(exc).splitlines()[0]})
        scenarios = []
    rows["rest"]["scenarios"] = scenarios
    return rows, problems


@router.get("/editor")
async def editor_page(request: Request, case: str = "") -> HTMLResponse:
    loaded = _case(request, case)
    return _page(
        request, "editor.html", title=loaded.title, **_grid_context(grid.case_rows(loaded), case)
    )


@router.post("/editor/check")
async def editor_check(request: Request) -> HTMLResponse:
    rows, problems = await _form_rows(request)
    if not problems:
        _, problems = grid.check_rows(rows)
    return _page(request, "_editor_problems.html", problems=problems)


@router.post("/editor/grid")
async def editor_grid(request: Request, op: str, index: int = -1) -> HTMLResponse:
    rows, _ = await _form_rows(request)
    n_issues = len(rows["issues"])
    blank_cell = {f: "" for f in grid.STANCE_FIELDS}
    if op == "add-actor":
        k = len(rows["actors"]) + 1
        rows["actors"].append(
            {"cells": {"id": f"actor{k}", "name": "", "capability": "1"}, "extra": {}}
        )
        rows["cells"].append([dict(blank_cell) for _ in range(n_issues)])
    elif op == "add-issue":
        j = n_issues + 1
        cells = {"id": f"issue{j}", "name": "", "lower": "0", "upper": "100", "unit": ""}
        rows["issues"].append({"cells": cells, "extra": {}})
        for row in rows["cells"]:
            row.append(dict(blank_cell))
    elif op == "remove-actor" and 0 <= index < len(rows["actors"]):
        del rows["actors"][index], rows["cells"][index]
    elif op == "remove-issue" and 0 <= index < n_issues:
        del rows["issues"][index]
        for row in rows["cells"]:
            del row[index]
    return _page(request, "_grid.html", **_grid_context(rows, request.query_params.get("case", "")))


def _checked(rows, problems):
    if problems:
        raise ParleyError("\n".join(p["message"] for p in problems))
    case, problems = grid.check_rows(rows)
    if case is None:
        raise ParleyError("\n".join(p["message"] for p in problems))
    return case


@router.post("/editor/use")
async def editor_use(request: Request) -> Response:
    case = _checked(*await _form_rows(request))
    actions.validate(case)
    sha = _web(request).store().put_case(case.model_dump(mode="json"))
    return Response(headers={"HX-Redirect": f"/run?case=store:{sha}"})


@router.post("/editor/download")
async def editor_download(request: Request, fmt: str = "yaml") -> Response:
    case = _checked(*await _form_rows(request))
    chosen = next((f for f in WRITABLE if f.name == fmt), None)
    if chosen is None:
        raise ParleyError(f"unknown format {fmt!r}: one of {', '.join(f.name for f in WRITABLE)}")
    name = f"case{chosen.extensions[0]}"
    with tempfile.TemporaryDirectory(prefix="parley-download-") as folder:
        path = Path(folder) / name
        write_case(case, path, chosen.name)
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- Run ------------------------------------------------------------------------------------------


@router.get("/run")
async def run_page(request: Request, case: str = "") -> HTMLResponse:
    from parley.models import model_names

    loaded = _case(request, case)
    tags = sorted({t for a in loaded.actors for t in a.tags})
    return _page(
        request,
        "run.html",
        ref=case,
        case=loaded,
        models=model_names(),
        scenarios=[s.name for s in loaded.scenarios],
        tags=tags,
        sha=loaded.fingerprint(),
    )


async def _run_inputs(request: Request):
    form = await request.form(max_fields=1000)
    fields = {k: form.getlist(k) for k in form}
    ref = (fields.get("case") or [""])[-1]
    case = _case(request, ref if isinstance(ref, str) else "")  # a file is no case reference
    return case, fields


def _forecast_view(case, fc, scenarios, sets) -> dict[str, Any]:
    from parley.web.charts import forecast_charts
    from parley.whatif import parse_changes, whatif_case

    patched = whatif_case(case, list(scenarios), parse_changes(sets))
    models = list(fc.outcomes)
    rows = []
    for k, issue in enumerate(patched.issues):
        values = [float(fc.outcomes[m].forecast[0, k]) for m in models]
        places = places_for(issue.lower, issue.upper)
        rows.append(
            {
                "issue": issue.label,
                "scale": f"{fmt_value(issue.lower)}-{fmt_value(issue.upper)} {issue.unit}".strip(),
                "cells": [f"{fmt_value(v, places)} {issue.unit}".strip() for v in values],
                "anchor": issue.nearest_anchor(values[0]) if values else "",
            }
        )
    stops = [
        f"{m}: {int(fc.outcomes[m].rounds[0])} rounds, {fc.outcomes[m].message}"
        for m in models
        if fc.outcomes[m].rounds[0]
    ]
    return {
        "models": models,
        "rows": rows,
        "stops": stops,
        "charts": forecast_charts(patched, fc.outcomes),
    }


def _sets(fields: dict[str, list]) -> list[str]:
    """The Run form's what-if changes (`--set` text), blanks left out: every button sends them."""
    return [s for s in fields.get("set", []) if s.strip()]


@router.post("/run/forecast")
async def run_forecast(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    scenarios, sets, models = f.get("scenario", []), f.get("set", []), f.get("model", [])
    scenarios = [s for s in scenarios if s]
    sets = _sets(f)

    def work():
        fc = actions.forecast(case, models, scenarios, sets)
        return fc, _forecast_view(case, fc, scenarios, sets)

    fc, view = await web.jobs.run(request, work)
    saved = None
    if (f.get("save") or [""])[-1]:
        label = (f.get("label") or [""])[-1] or None
        record = RunRecord(
            "forecast",
            case.model_dump(mode="json"),
            fc.result,
            scenario=scenarios,
            changes=sets,
            models=model_records(fc.specs, case),
            label=label,
            case_source=(f.get("case") or [""])[-1],
        )
        saved = web.store().save(record)
    return _page(request, "_forecast.html", saved=saved, sha=case.fingerprint(), **view)


@router.post("/run/compare")
async def run_compare(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    models, sets = f.get("model", []), _sets(f)
    result, cmp, _ = await web.jobs.run(request, lambda: actions.compare(case, models, (), sets))
    issues = case.issues
    places = [places_for(i.lower, i.upper) for i in issues]
    rows = []
    for scenario in cmp.runs:
        for m in cmp.models:
            values = cmp.forecast(scenario, m)
            shift = cmp.shift(scenario, m) if scenario != "base" else None
            cells = []
            for k, p in enumerate(places):
                text = fmt_value(float(values[k]), p)
                if shift is not None:
                    text += f" ({fmt_shift(float(shift[k]), p)})"
                cells.append(text)
            rows.append({"scenario": scenario, "model": m, "cells": cells})
    return _page(request, "_compare.html", issues=issues, rows=rows)


@router.post("/run/front")
async def run_front(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    members = (f.get("front_members") or [""])[-1] or None
    among = (f.get("among") or [""])[-1] or None
    models, sets = f.get("model", []), _sets(f)
    scenarios = [s for s in f.get("scenario", []) if s]
    result, fronts, _ = await web.jobs.run(
        request,
        lambda: actions.front(
            case, models, scenarios, sets, members=members, among=among, max_size=3
        ),
    )
    return _page(request, "_front.html", fronts=result["fronts"], searched=bool(among))


@router.post("/run/ensemble")
async def run_ensemble(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    models = f.get("model", [])
    scenario = (f.get("scenario") or [""])[-1] or None
    members = int((f.get("members") or ["500"])[-1] or 500)
    seed = int((f.get("seed") or ["0"])[-1] or 0)
    result = await web.jobs.run(
        request, lambda: actions.ensemble(case, models, scenario, members, seed, _sets(f))
    )
    rows = []
    for issue in case.issues:
        places = places_for(issue.lower, issue.upper)
        cells = []
        for obj in result["models"].values():
            s = obj["issues"][issue.id]
            cells.append(
                f"{fmt_value(s['median'], places)} ({fmt_value(s['q05'], places)} to "
                f"{fmt_value(s['q95'], places)})"
            )
        rows.append({"issue": issue.label, "unit": issue.unit, "cells": cells})
    return _page(request, "_ensemble.html", rows=rows, models=list(result["models"]), result=result)


@router.post("/run/sensitivity")
async def run_sensitivity(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    models = f.get("model", [])
    scenario = (f.get("scenario") or [""])[-1] or None
    method = (f.get("method") or ["tornado"])[-1] or "tornado"

    def work():
        if _sets(f):
            raise ParleyError(
                "set: not available for sensitivity (parley sensitivity has no --set)"
            )
        return actions.sensitivity(case, models, scenario, method)

    result = await web.jobs.run(request, work)
    labels = {i.id: i.label for i in case.issues}
    tables = []
    for model, obj in result["models"].items():
        for issue, entries in obj["issues"].items():
            shown = entries[:TOP]
            columns = list(shown[0]) if shown else []
            rows = [[_cell(e[c]) for c in columns] for e in shown]
            tables.append(
                {"model": model, "issue": labels[issue], "columns": columns, "rows": rows}
            )
    return _page(request, "_sensitivity.html", method=result["method"], tables=tables, top=TOP)


@router.post("/run/levers")
async def run_levers(request: Request) -> HTMLResponse:
    web = _web(request)
    case, f = await _run_inputs(request)
    models, sets = f.get("model", []), _sets(f)
    scenarios = [s for s in f.get("scenario", []) if s]
    actor = (f.get("actor") or [""])[-1] or None
    goals = [g for g in f.get("goal", []) if g.strip()]
    result = await web.jobs.run(
        request, lambda: actions.levers(case, models, scenarios, sets, actor, goals)
    )
    tables = [
        {
            "model": model,
            "value": result["value"][model],
            "rows": [
                [
                    r["kind"],
                    r["target"],
                    r["issue"] or "",
                    _cell(r["amount"]),
                    f"{r['effect']:+.3f}",
                ]
                for r in rows[:TOP]
            ],
        }
        for model, rows in result["models"].items()
    ]
    return _page(request, "_levers.html", actor=result["actor"], tables=tables, top=TOP)


TOP = 10
"""Rows shown per table on the Run page (the JSON API returns every one)."""


def _cell(value: Any) -> str:
    """A number in a result table: four significant digits; anything else as text."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


# --- History --------------------------------------------------------------------------------------


@router.get("/history")
async def history_page(request: Request, case: str = "") -> HTMLResponse:
    runs = _web(request).store().list_runs(case_sha256=case or None, limit=500)
    return _page(request, "history.html", runs=runs, case=case)


@router.get("/history/diff")
async def history_diff(request: Request, old: int, new: int) -> HTMLResponse:
    from parley.diff import diff_runs
    from parley.report.diff import diff_cells

    store = _web(request).store()
    diff = diff_runs(store.get(old), store.get(new))
    rows = [
        {
            "scenario": f.scenario or "",
            "issue": diff.labels.get(f.issue, f.issue),
            "model": f.model,
            **diff_cells(diff, f),
            "changed": f.shift != 0,
        }
        for f in diff.forecasts
    ]
    return _page(request, "_diff.html", diff=diff, rows=rows)


@router.get("/runs/{run_id}.json")
async def run_json(request: Request, run_id: int) -> Response:
    run = _web(request).store().get(run_id)
    return Response(
        _dump(run.to_json()),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="parley-run-{run_id}.json"'},
    )


@router.get("/runs/{run_id}/report")
async def run_report(request: Request, run_id: int) -> HTMLResponse:
    """The HTML report of a saved run's case with its models (the `parley report` page)."""
    from parley.analysis import analyse_case
    from parley.case import build_case
    from parley.forecast import ModelSpec
    from parley.report.html import render_report

    web = _web(request)
    run = web.store().get(run_id)
    case = build_case(run.case, "store")
    specs = [ModelSpec(m["name"], m.get("preset"), m.get("params") or {}) for m in run.models]
    html = await web.jobs.run(
        request,
        lambda: render_report(
            analyse_case(case, specs, run.scenario or None), source=f"run {run_id}"
        ),
    )
    return HTMLResponse(html)


@router.post("/runs/{run_id}/delete")
async def run_delete(request: Request, run_id: int) -> Response:
    _web(request).store().remove(run_id)
    return Response(headers={"HX-Refresh": "true"})
