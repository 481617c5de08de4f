"""From plain data (as any reader produces it) to a checked Case, or a CaseError listing every problem."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from parley.case.check import case_problems
from parley.case.locations import Locations, Path
from parley.case.schema import Case
from parley.errors import CaseError, Problem


def build_case(data: Any, source: str = "", locations: Locations | None = None) -> Case:
    """Validate `data` against the case schema and its relations; raise CaseError with all problems."""
    locations = locations or Locations()
    if not isinstance(data, dict):
        raise CaseError([Problem(source, "", "expected a case (a mapping with actors and issues)")])
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(_problems(exc, source, locations)) from None
    found = case_problems(case)
    if found:
        raise CaseError([_locate(source, locations, path, msg) for path, msg in found])
    return case


def _locate(source: str, locations: Locations, path: Path, message: str) -> Problem:
    where, field = locations.find(path)
    return Problem(source, where, f"{field}: {message}" if field else message)


def _problems(exc: ValidationError, source: str, locations: Locations) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        message = _message(err)
        out.append(_locate(source, locations, loc, message))
    # a union field reports one error per alternative; keep the first per location
    seen: set[str] = set()
    unique = []
    for p in out:
        key = f"{p.where}|{p.message.split(':')[0]}"
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"float", "int", "str", "Estimate"})


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind in {"float_parsing", "float_type", "int_parsing", "finite_number"}:
        shown = "an empty cell" if value in ("", None) else repr(value)
        return f"expected a number, got {shown}"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    return err["msg"][0].lower() + err["msg"][1:]
