"""Who may call the app and what a request may carry.

- **Token**: with a token set, every request but the login page and static files needs
  `Authorization: Bearer TOKEN` or the `parley_token` cookie that the login form sets.
- **CSRF**: every state-changing request (POST, PUT, PATCH, DELETE) that is not authenticated by
  a bearer header and is not a pure computation (`/api/forecast`, `/api/compare`, `/api/front`,
  `/api/validate`: they change nothing; nor `/login`, which needs the token) must send the `parley_csrf` cookie's value back in the
  `X-CSRF-Token` header (HTMX does) or a `csrf` form field (double-submit cookie).
- **Size**: a request body larger than the upload limit (plus room for the form around it) is
  refused with 413 before it is read.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from parley.web.settings import WebSettings

TOKEN_COOKIE = "parley_token"
CSRF_COOKIE = "parley_csrf"
CSRF_HEADER = "x-csrf-token"
COMPUTE_ONLY = {
    "/api/forecast",
    "/api/compare",
    "/api/front",
    "/api/ensemble",
    "/api/levers",
    "/api/sensitivity",
    "/api/validate",
}
NO_CSRF = COMPUTE_ONLY | {"/login"}  # signing in needs the token itself
OPEN_PATHS = ("/login", "/static/")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FORM_ROOM = 64 * 1024


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def _refuse(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"problems": [message]}, status_code=status)
    return PlainTextResponse(message, status_code=status)


async def _form_csrf(request: Request) -> str | None:
    """The `csrf` field of an urlencoded form body (multipart forms send the header instead)."""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = await request.body()
        values = parse_qs(body.decode("latin-1")).get("csrf")
        return values[0] if values else None
    return None


def guard(settings: WebSettings):
    """The HTTP middleware enforcing the rules above."""

    async def middleware(request: Request, call_next) -> Response:
        path = request.url.path
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.upload_limit + FORM_ROOM:
            limit = settings.upload_limit // (1024 * 1024)
            return _refuse(request, 413, f"request too large: uploads are limited to {limit} MB")
        by_bearer = _same(bearer(request), settings.token)
        signed_in = by_bearer or _same(request.cookies.get(TOKEN_COOKIE), settings.token)
        if settings.token and not path.startswith(OPEN_PATHS) and not signed_in:
            if path.startswith("/api/") or request.method != "GET":
                return _refuse(request, 401, "a token is required (Authorization: Bearer TOKEN)")
            return RedirectResponse("/login", status_code=303)
        if request.method in UNSAFE and not by_bearer and path not in NO_CSRF:
            sent = request.headers.get(CSRF_HEADER) or await _form_csrf(request)
            if not _same(sent, request.cookies.get(CSRF_COOKIE)):
                return _refuse(request, 403, "missing or wrong CSRF token: reload the page")
        response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(
                CSRF_COOKIE,
                getattr(request.state, "new_csrf", "") or new_token(),
                httponly=False,
                samesite="strict",
            )
        return response

    return middleware


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page: the cookie's, or a new one the response will set."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_csrf", None) or new_token()
        request.state.new_csrf = token
    return token
