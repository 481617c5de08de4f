"""What the row-based readers (stakeholder table, BDM, KTAB, Decide) share.

Each reader turns its file into the plain case data `build_case` checks, and records for every value
where it came from (`line N` or, in a workbook, `row N`) and the file's own name for the field, so
that every problem reads `file: line N: field: message`. Problems only the reader can see (a row with
too few cells, a duplicated row) are collected beside them and reported together, in file order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from parley.case import Case, Locations, build_case
from parley.case.numbers import parse_number
from parley.errors import CaseError, Problem

_DELIMITERS = re.compile(r"[,;\t|]")


class Collector:
    """Locations and reader-level problems of one file, and the final `build_case` call."""

    def __init__(self, source: str, unit: str = "line") -> None:
        self.source = source
        self.unit = unit
        self.locations = Locations()
        self.problems: list[Problem] = []

    def where(self, line: int | None) -> str:
        return f"{self.unit} {line}" if line else ""

    def at(self, path: tuple, line: int | None, field: str = "") -> None:
        """Record that the value at `path` of the case data sits on `line` under `field`."""
        self.locations.add(path, self.where(line), field)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, self.where(line), message))

    def fail_if_any(self) -> None:
        """Stop on structural problems that leave nothing sensible to check further."""
        if self.problems:
            raise CaseError(_in_file_order(self.problems))

    def build(self, data: dict[str, Any]) -> Case:
        """The checked Case, or one CaseError with the reader's and the schema's problems."""
        try:
            case = build_case(data, self.source, self.locations)
        except CaseError as exc:
            raise CaseError(_in_file_order([*self.problems, *exc.problems])) from None
        self.fail_if_any()
        return case


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[int, int]:
        m = re.search(r"\d+", p.where)
        return (0, int(m.group())) if m else (1, 0)

    return sorted(problems, key=key)


def header_words(line: str) -> list[str]:
    """The lower-cased names of a header line split on any common delimiter (for sniffing)."""
    return [w.strip().strip("\"'").lower() for w in _DELIMITERS.split(line)]


def first_lines(text: str, n: int) -> list[str]:
    """The first `n` non-blank lines of `text`."""
    out = []
    for line in text.split("\n"):
        if line.strip():
            out.append(line)
            if len(out) == n:
                break
    return out


def guess_delimiter(line: str) -> str:
    """The delimiter a header line seems to use, for error messages about the wrong one."""
    counts = {d: line.count(d) for d in (";", "\t", "|", ",")}
    best = max(counts, key=lambda d: counts[d])
    return {"\t": "tab"}.get(best, repr(best)) if counts[best] else "none"


def number_or_none(value: Any) -> float | None:
    """`value` as a finite float if it reads as one by the plain-number rule, else None."""
    if isinstance(value, str):
        out = parse_number(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out = float(value)
    else:
        return None
    return out if out is not None and math.isfinite(out) else None


def salience_scale(values: Iterable[Any]) -> float:
    """The rule for files that do not declare a scale: 0-100 if any salience exceeds 1, else 0-1."""
    numbers = (number_or_none(v) for v in values)
    return 100.0 if any(v is not None and v > 1 for v in numbers) else 1.0


def cell(value: Any) -> Any:
    """A raw cell for the schema: strings stripped (the schema reports non-numbers), None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a workbook's TRUE/FALSE: text, not the number 1 or 0
        return str(value).upper()
    return value.strip() if isinstance(value, str) else value


def fmt(value: float) -> str:
    """A number as text that reads back to exactly the same float (integers without '.0')."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def stance_values(case: Case, actor_id: str, issue_id: str) -> tuple[Any, Any, Any] | None:
    """(position, salience, capability) Estimates of an actor on an issue, None without position.

    Capability is the stance's own or else the actor's: the effective capability models use.
    """
    stance = case.stances.get(actor_id, {}).get(issue_id)
    if stance is None or stance.position is None:
        return None
    capability = stance.capability or case.actor(actor_id).capability
    return stance.position, stance.salience, capability


def salience_divisor(case: Case) -> float:
    """What to divide saliences by so that the 0-1/0-100 rule reads them back on the same scale.

    A case on 0-100 whose saliences are all <= 1 would be re-read as 0-1: write it on 0-1 instead.
    """
    if case.salience_scale != 100:
        return 1.0
    values = [
        v
        for stances in case.stances.values()
        for s in stances.values()
        for v in (s.salience.value, s.salience.low, s.salience.high)
        if v is not None
    ]
    return 100.0 if values and max(values) <= 1 else 1.0
