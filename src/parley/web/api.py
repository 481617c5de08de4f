"""The JSON API under /api/, mirroring the CLI: each answer is exactly what the matching command
prints with `--format json`; bad input is HTTP 422 with `{"problems": [one line each]}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from parley.errors import ParleyError
from parley.store import StoreError
from parley.web import actions
from parley.web.requests import read_request

router = APIRouter(prefix="/api", tags=["api"])

_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "case": {"type": "string", "format": "binary"},
                        "model": {"type": "array", "items": {"type": "string"}},
                        "scenario": {"type": "array", "items": {"type": "string"}},
                        "set": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            "application/json": {"schema": {"type": "object", "description": "a case"}},
        }
    }
}
ModelQ = Query(default=[], description="model to run (repeatable; default: all)")
ScenarioQ = Query(default=[], description="scenario (repeatable, applied in order)")
SetQ = Query(default=[], alias="set", description="ACTOR.ISSUE.FIELD=VALUE (repeatable)")


def _web(request: Request):
    return request.app.state.web


async def _compute(request: Request, compute) -> Any:
    """Read the case and fields, then `compute(case, models, scenarios, sets)` as a bounded job."""
    web = _web(request)
    case, fields = await read_request(request, web.settings.upload_limit)
    args = (case, fields.all("model"), fields.all("scenario"), fields.all("set"))
    return await web.jobs.run(request, lambda: compute(*args, fields))


@router.post("/forecast", openapi_extra=_BODY)
async def api_forecast(
    request: Request,
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    set_: list[str] = SetQ,
) -> Any:
    """What `parley forecast CASE --format json` prints."""
    return await _compute(request, lambda *a: actions.forecast(*a[:4]).result)


@router.post("/compare", openapi_extra=_BODY)
async def api_compare(
    request: Request,
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    set_: list[str] = SetQ,
) -> Any:
    """What `parley compare CASE --format json` prints."""
    return await _compute(request, lambda *a: actions.compare(*a[:4])[0])


@router.post("/front", openapi_extra=_BODY)
async def api_front(
    request: Request,
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    set_: list[str] = SetQ,
    members: str | None = Query(default=None, description="A,B,C: evaluate this front"),
    among: str | None = Query(default=None, description="TAG: search fronts among its actors"),
    max_size: int | None = Query(default=None, description="largest front to try (search)"),
) -> Any:
    """What `parley front CASE --members A,B | --search --among TAG --format json` prints."""

    def compute(case, models, scenarios, sets, fields) -> Any:
        size = fields.one("max_size")
        return actions.front(
            case,
            models,
            scenarios,
            sets,
            members=fields.one("members"),
            among=fields.one("among"),
            max_size=int(size) if size and size.isdigit() else None,
        )[0]

    return await _compute(request, compute)


@router.post("/ensemble", openapi_extra=_BODY)
async def api_ensemble(
    request: Request,
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    members: int = Query(default=2000, description="ensemble members (at most 20,000)"),
    seed: int = Query(default=0, description="seed of the draws"),
) -> Any:
    """What `parley ensemble CASE -n MEMBERS --seed SEED [--set C]... --format json` prints."""

    def compute(case, models, scenarios, sets, fields) -> Any:
        return actions.ensemble(
            case,
            models,
            scenarios[-1] if scenarios else None,
            _whole(fields.one("members"), 2000, "members"),
            _whole(fields.one("seed"), 0, "seed"),
            sets,
        )

    return await _compute(request, compute)


@router.post("/sensitivity", openapi_extra=_BODY)
async def api_sensitivity(
    request: Request,
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    method: str = Query(default="tornado", description="tornado (exact), sobol or morris"),
    samples: str | None = Query(default=None, description="Sobol base samples or Morris paths"),
    seed: str | None = Query(default=None, description="seed of the Sobol / Morris design"),
) -> Any:
    """What `parley sensitivity CASE --method M [-n N] --seed S --format json` prints."""

    def compute(case, models, scenarios, sets, fields) -> Any:
        if sets:
            raise ParleyError(
                "set: not available for sensitivity (parley sensitivity has no --set)"
            )
        return actions.sensitivity(
            case,
            models,
            scenarios[-1] if scenarios else None,
            fields.one("method") or "tornado",
            None if fields.one("samples") is None else _whole(fields.one("samples"), 0, "samples"),
            _whole(fields.one("seed"), 0, "seed"),
        )

    return await _compute(request, compute)


def _whole(text: str | None, default: int, name: str) -> int:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise ParleyError(f"{name}: expected a whole number, got {text!r}") from None


@router.post("/levers", openapi_extra=_BODY)
async def api_levers(
    request: Request,
    actor: str | None = Query(default=None, description="the actor whose levers to find"),
    goal: list[str] = Query(default=[], description="ISSUE=VALUE (repeatable)"),
    kinds: list[str] = Query(default=[], description="persuade, salience, concede, ..."),
    model: list[str] = ModelQ,
    scenario: list[str] = ScenarioQ,
    set_: list[str] = SetQ,
) -> Any:
    """What `parley levers CASE --actor A --format json` prints."""

    def compute(case, models, scenarios, sets, fields) -> Any:
        return actions.levers(
            case,
            models,
            scenarios,
            sets,
            fields.one("actor"),
            fields.all("goal"),
            fields.all("kinds"),
        )

    return await _compute(request, compute)


@router.post("/validate", openapi_extra=_BODY)
async def api_validate(request: Request) -> Any:
    """`parley validate`: 200 with a summary and warnings, or 422 with every problem."""
    web = _web(request)
    case, _ = await read_request(request, web.settings.upload_limit)
    return actions.validate(case)


@router.get("/runs")
async def api_runs(request: Request, limit: int = 100, case: str | None = None) -> Any:
    """Saved runs, newest first (`parley runs list --format json`)."""
    store = _web(request).store()
    return [r.summary() for r in store.list_runs(case_sha256=case, limit=limit)]


@router.get("/runs/{run_id}")
async def api_run(request: Request, run_id: int) -> Any:
    """Everything recorded of one run (`parley runs export ID`)."""
    return _web(request).store().get(run_id).to_json()


@router.get("/runs/{old}/diff/{new}")
async def api_diff(request: Request, old: int, new: int) -> Any:
    """`parley runs diff OLD NEW --format json`."""
    from parley.diff import diff_runs

    store = _web(request).store()
    return diff_runs(store.get(old), store.get(new)).to_json()


@router.delete("/runs/{run_id}")
async def api_remove(request: Request, run_id: int) -> Any:
    """`parley runs rm ID` (needs the CSRF header, or a bearer token)."""
    _web(request).store().remove(run_id)
    return JSONResponse({"removed": run_id})


__all__ = ["StoreError", "router"]
