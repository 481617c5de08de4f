"""Which cases the pages can open: the bundled ones (`cases/NAME/case.yaml`) and those in the
store (uploaded, edited, or run). A request names a case by reference, never by path:
`bundled:NAME` (NAME must be one of the listed folders) or `store:SHA256`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from parley.case import Case, build_case
from parley.errors import ParleyError
from parley.io import read_case
from parley.store import Store

_SHA = re.compile(r"[0-9a-f]{64}")


class UnknownCase(ParleyError):
    """A case reference that names no case."""


@dataclass(frozen=True)
class CaseRef:
    ref: str
    title: str
    kind: str  # "bundled" or "store"


def bundled(cases_dir: Path | None) -> dict[str, Path]:
    """{folder name: case file} of the bundled cases."""
    if cases_dir is None:
        return {}
    return {
        p.parent.name: p
        for p in sorted(cases_dir.glob("*/case.yaml"))
        if not p.parent.name.startswith(".")
    }


def list_cases(cases_dir: Path | None, store: Store | None) -> list[CaseRef]:
    refs = []
    for name, path in bundled(cases_dir).items():
        try:
            title = read_case(path).title
        except ParleyError:
            title = name
        refs.append(CaseRef(f"bundled:{name}", title, "bundled"))
    if store is not None:
        refs += [CaseRef(f"store:{sha}", title, "store") for sha, title in store.cases()]
    return refs


def open_case(ref: str, cases_dir: Path | None, store_fn) -> Case:
    """The case a reference names; UnknownCase for anything else."""
    kind, _, key = (ref or "").partition(":")
    if kind == "bundled":
        found = bundled(cases_dir)
        if key in found:
            return read_case(found[key])
    elif kind == "store" and _SHA.fullmatch(key):
        return build_case(store_fn().case(key), "store")
    raise UnknownCase(f"no case {ref!r} (choose one on the Cases page)")
