"""From plain data (as any reader produces it) to a checked Case, or a CaseError listing every problem."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from parley.case.check import case_problems
from parley.case.locations import Locations, Path
from parley.case.schema import Case
from parley.errors import CaseError, Problem
from parley.text import lone_surrogate, visible


def build_case(
    data: Any, source: str = "", locations: Locations | None = None, relations: bool = True
) -> Case:
    """Validate `data` against the case schema and (unless not `relations`: a data set scored as
    recorded) its relations; raise CaseError with all problems."""
    locations = locations or Locations()
    if not isinstance(data, dict):
        raise CaseError([Problem(source, "", "expected a case (a mapping with actors and issues)")])
    broken = not_text(data)
    if broken:
        raise CaseError([_locate(source, locations, path, msg) for path, msg in broken])
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, source, locations)
        problems += [_locate(source, locations, p, m) for p, m in _beyond_bad_stances(data, exc)]
        raise CaseError(sorted(problems, key=_file_order)) from None
    found = case_problems(case) if relations else []
    if found:
        raise CaseError([_locate(source, locations, path, msg) for path, msg in found])
    return case


def not_text(data: Any) -> list[tuple[Path, str]]:
    """Every string (key or value) of `data` holding a lone surrogate, which no file or terminal
    can hold (`"\\ud800"` in JSON or YAML): refused here, when the case is read, rather than
    failing when a command prints or writes it. Iterative: a deep value never recurses.

    >>> [(path, message)] = not_text({"actors": [{"id": "a\\ud800"}], "title": "ok"})
    >>> print(path, message)
    ('actors', 0, 'id') not text: a lone surrogate (\\ud800) in 'a\\ud800'
    """
    found: list[tuple[Path, str]] = []
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append(((*path, key), item))
                if isinstance(key, str) and lone_surrogate(key):
                    found.append(((*path, key), _surrogate_message(key)))
        elif isinstance(value, list | tuple):
            stack.extend(((*path, k), item) for k, item in enumerate(value))
        elif isinstance(value, str) and lone_surrogate(value):
            found.append((path, _surrogate_message(value)))
    return sorted(found, key=lambda p: [str(x) for x in p[0]])


def _surrogate_message(text: str) -> str:
    shown = visible(text if len(text) <= 40 else text[:37] + "...")
    return f"not text: a lone surrogate ({lone_surrogate(text)}) in '{shown}'"


def _beyond_bad_stances(data: dict[str, Any], exc: ValidationError) -> list[tuple[Path, str]]:
    """The relational problems of the rest of the case when only some stances failed to parse,
    so that one bad cell does not hide every other problem of the file.

    The unparsable stances are left out and the checks that their absence would trigger (an
    actor's saliences all zero, an issue nobody holds a position on) are not reported for them.
    """
    bad = set()
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) < 3 or loc[0] != "stances":
            return []
        bad.add((loc[1], loc[2]))
    stances = {a: dict(row) for a, row in data.get("stances", {}).items() if isinstance(row, dict)}
    for actor, issue in bad:
        stances.get(actor, {}).pop(issue, None)
    try:
        rest = Case.model_validate({**data, "stances": stances})
    except ValidationError:
        return []
    actors, issues = {a for a, _ in bad}, {i for _, i in bad}
    return [
        (path, msg)
        for path, msg in case_problems(rest)
        if not (path == ("stances", path[-1]) and path[-1] in actors)
        and not (
            msg.startswith("no actor takes a position")
            and path[0] == "issues"
            and rest.issues[int(path[1])].id in issues
        )
    ]


def _file_order(problem: Problem) -> tuple[int, int]:
    """Problems sorted by their line or row number in the file (unlocated ones first)."""
    words = problem.where.split()
    if len(words) >= 2 and words[1].rstrip(",").isdigit():
        return (1, int(words[1].rstrip(",")))
    return (0, 0)


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


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind in {"float_parsing", "float_type", "int_parsing", "finite_number"}:
        shown = "an empty cell" if value in ("", None) else repr(value)
        return f"expected a number, got {shown}"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":  # our own validators' messages, without pydantic's "Value error, "
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_type" and isinstance(value, bool | int | float | date):
        what = "a date" if isinstance(value, date) else f"a {type(value).__name__}"
        if isinstance(value, bool):
            what = "true/false"
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f"expected text, got {shown} (read as {what}); put the value in quotes"
    return err["msg"][0].lower() + err["msg"][1:]
