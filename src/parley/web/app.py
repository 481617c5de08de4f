"""The FastAPI application of `parley serve`: pages (Jinja2 + HTMX), the JSON API, static files
vendored in the package, and the security rules of `parley.web.security`.

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app(WebSettings(store="sqlite://")))
>>> client.get("/api/runs").json()
[]
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from parley import __version__
from parley.errors import ParleyError
from parley.io.finite_json import dumps
from parley.store import Store, StoreError, open_store
from parley.web.jobs import Cancelled, Jobs, RunTimeout
from parley.web.security import csrf_token, guard
from parley.web.settings import WebSettings
from parley.web.uploads import TooLarge

HERE = Path(__file__).parent


class WebState:
    """What every request shares: settings, the bounded job runner, the store (opened once)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.jobs = Jobs(settings.max_jobs, settings.run_timeout)
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings.store)
            return self._store


class FiniteJSONResponse(JSONResponse):
    """The API's JSON, written as the CLI's `--format json` is (`parley.io.finite_json`): a NaN or
    infinity in a result is `null`, never a 500 (Starlette refuses non-finite numbers)."""

    def render(self, content: object) -> bytes:
        return dumps(content, indent=None, ensure_ascii=False, separators=(",", ":")).encode()


def _status(exc: ParleyError) -> int:
    if isinstance(exc, TooLarge):
        return 413
    if isinstance(exc, RunTimeout):
        return 504
    if isinstance(exc, Cancelled):
        return 499
    if isinstance(exc, StoreError) and str(exc).startswith("no run"):
        return 404
    return 422


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The app for `settings` (`parley serve` builds the settings from its options)."""
    from parley.web import api, pages

    settings = settings or WebSettings()
    app = FastAPI(
        title="parley",
        version=__version__,
        description="Forecast how multi-party negotiations end: the JSON API mirrors the CLI.",
        docs_url=None,  # served below with the vendored Swagger UI (no CDN)
        redoc_url=None,
        default_response_class=FiniteJSONResponse,
    )
    app.state.web = WebState(settings)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["version"] = __version__
    templates.env.globals["csrf_token"] = csrf_token
    app.state.templates = templates
    app.middleware("http")(guard(settings))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(ParleyError)
    async def _parley_error(request: Request, exc: ParleyError):
        lines = str(exc).splitlines() or [type(exc).__name__]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"problems": lines}, status_code=_status(exc))
        page = "_problems.html" if request.headers.get("hx-request") else "error.html"
        return templates.TemplateResponse(
            request, page, {"problems": lines}, status_code=_status(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def _bad_field(request: Request, exc: RequestValidationError):
        lines = [
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].lower()}" for err in exc.errors()
        ]
        return JSONResponse({"problems": lines}, status_code=422)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


DOCS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>parley API</title>
<link rel="stylesheet" href="/static/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/static/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script></body></html>"""
