"""Reading a case a request carries (an uploaded file in any format parley reads, or a JSON case)
with the same readers as the CLI; problems name the uploaded file, never a server path.

The bytes go to a private temporary folder under a fixed name (`upload` plus the uploaded name's
extension, if parley knows it), are read, and are deleted: no request chooses a server path.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError, ParleyError, Problem
from parley.io import read_case

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]")


class TooLarge(ParleyError):
    """An upload over the size limit (HTTP 413)."""


def display_name(filename: str | None) -> str:
    """The uploaded file's base name with odd characters replaced (it appears in messages)."""
    name = Path((filename or "case").replace("\\", "/")).name or "case"
    return _SAFE_NAME.sub("_", name)[:100]


def read_upload(data: bytes, filename: str | None, limit: int) -> Case:
    """A case from an uploaded file's bytes; CaseError lines name `filename`."""
    if len(data) > limit:
        raise TooLarge(
            f"{display_name(filename)}: {len(data)} bytes is over the upload limit of {limit}"
        )
    name = display_name(filename)
    suffix = "".join(Path(name).suffixes[-1:]).lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix or "."):
        suffix = ""
    with tempfile.TemporaryDirectory(prefix="parley-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return read_case(path, allow_files=False)  # a request never names a server file
        except ParleyError as exc:
            raise _renamed(exc, str(path), name) from None


def read_json_case(obj: Any, limit: int) -> Case:
    """A case given as a JSON object in a request body."""
    return read_upload(json.dumps(obj).encode("utf-8"), "case.json", limit)


def _renamed(exc: ParleyError, server_path: str, name: str) -> ParleyError:
    if isinstance(exc, CaseError):
        return CaseError(
            [
                Problem(
                    p.source.replace(server_path, name),
                    p.where,
                    p.message.replace(server_path, name),
                )
                for p in exc.problems
            ]
        )
    message = str(exc).replace(server_path, name)
    try:
        return type(exc)(message)
    except TypeError:
        return ParleyError(message)
