"""Spreadsheets as analysts have them: where the header is, which delimiter, which decimal mark.

A table exported from Excel may open with a title row or blank rows, use `;` with decimal commas
(the European Excel CSV), tabs, or commas. These functions find the header row (or take the one the
user names with `--header-row N`), sniff the delimiter from it, and read decimal commas, so that
the readers see plain rows. `ReadOptions` carries `--sheet` and `--header-row` from the command
line to the readers that have sheets and header rows.

>>> sniff_delimiter("Actor;Issue;Position;Salience;Capability", ("actor", "issue"))
';'
>>> decimal_comma("1.234,5"), decimal_comma("0,75"), decimal_comma("a,b"), decimal_comma("12")
(1234.5, 0.75, 'a,b', '12')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from parley.errors import CaseError

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH = 20
"""A header is looked for in the first rows only: a title block is a few rows, not a page."""

_EUROPEAN = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a spreadsheet: the sheet of a workbook and the (1-based) header row."""

    sheet: str | None = None
    header_row: int | None = None


_OPTIONS: ContextVar[ReadOptions | None] = ContextVar("parley_read_options", default=None)


@contextmanager
def reading(options: ReadOptions) -> Iterator[None]:
    """Make `options` the ones readers see while the block runs."""
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def read_options() -> ReadOptions:
    """The options of the read under way (none set: the defaults)."""
    return _OPTIONS.get() or ReadOptions()


def _words(cells: Sequence[Any]) -> list[str]:
    return [str(c).strip().strip("\"'").lower() if c is not None else "" for c in cells]


def sniff_delimiter(header: str, expected: Sequence[str]) -> str:
    """The delimiter (`,` `;` or tab) that splits `header` into the most `expected` column names;
    ties go to the one splitting it into more cells, then to the comma."""

    def score(d: str) -> tuple[int, int, int]:
        words = _words(header.split(d))
        return (sum(w in expected for w in words), len(words), -DELIMITERS.index(d))

    return max(DELIMITERS, key=score)


def decimal_comma(value: Any) -> Any:
    """A cell written with a decimal comma (`0,75`, `1.234,5`) as a float; anything else as is."""
    if isinstance(value, str) and _EUROPEAN.fullmatch(value.strip()):
        return float(value.strip().replace(".", "").replace(",", "."))
    return value


def find_header(
    rows: list[tuple[int, list[Any]]], needed: Sequence[str], source: str, unit: str = "line"
) -> int:
    """The index in `rows` of the header: the row numbered `--header-row` when given, else the
    first row (of the first `HEADER_SEARCH`) naming every column in `needed`; 0 when none does
    (the caller then reports the columns the first row lacks)."""
    wanted = read_options().header_row
    if wanted is not None:
        for k, (n, _) in enumerate(rows):
            if n == wanted:
                return k
        raise CaseError.about(
            "header_row", f"{wanted}: {unit} {wanted} is blank or past the end", source
        )
    for k, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        words = _words(cells)
        if all(w in words for w in needed):
            return k
    return 0
