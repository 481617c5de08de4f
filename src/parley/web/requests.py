"""What a request carries: a case (multipart `case` file, or a JSON case as the body) and the
CLI's fields (`model`, `scenario`, `set`, ...), from the query string or the form.

Reading a case (parsing YAML, a workbook...) happens in a worker thread, so that the server keeps
accepting requests while it reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from parley.case import Case
from parley.errors import ParleyError
from parley.web.uploads import TooLarge, read_json_case, read_upload


class BadRequest(ParleyError):
    """The request itself is malformed (no case, bad JSON): HTTP 422 with one line."""


@dataclass
class Fields:
    """Repeatable and single fields merged from the query string and the form."""

    multi: dict[str, list[str]] = field(default_factory=dict)

    def all(self, name: str) -> list[str]:
        return [v for v in self.multi.get(name, []) if v != ""]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None


async def read_request(request: Request, limit: int, need_case: bool = True):
    """(case or None, fields) from a request; ParleyError subclasses for what is wrong."""
    multi: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        multi.setdefault(key, []).append(value)
    case: Case | None = None
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form(max_files=1, max_fields=1000, max_part_size=limit)
        for key, item in form.multi_items():
            if isinstance(item, UploadFile):
                if key == "case":
                    data = await item.read(limit + 1)
                    if len(data) > limit:
                        raise TooLarge(f"{item.filename}: over the upload limit of {limit} bytes")
                    case = await run_in_threadpool(read_upload, data, item.filename, limit)
            else:
                multi.setdefault(key, []).append(item)
        if case is None and "case" in multi:  # a case pasted as text (JSON or YAML)
            text = multi.pop("case")[-1]
            case = await run_in_threadpool(read_upload, text.encode("utf-8"), "case.yaml", limit)
    elif kind.startswith("application/json"):
        body = await request.body()
        if len(body) > limit:
            raise TooLarge(f"request body: over the upload limit of {limit} bytes")
        try:
            obj = json.loads(body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequest(f"request body: not valid JSON ({exc})") from None
        case = await run_in_threadpool(read_json_case, obj, limit)
    if need_case and case is None:
        raise BadRequest("no case: send a file in the multipart field 'case' or a JSON case body")
    return case, Fields(multi)
