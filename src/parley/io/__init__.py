"""Readers and writers: the case file and the formats analysts already have."""

from __future__ import annotations

from pathlib import Path

from parley.case import Case
from parley.io.formats import FORMATS, Format, detect_format, output_format


def read_case(path: str | Path) -> Case:
    """Read a case from any supported format, recognised from extension and content."""
    path = Path(path)
    return detect_format(path).read(path)


def write_case(case: Case, path: str | Path, fmt: str | None = None) -> None:
    """Write `case` to `path` (format from `fmt` or the extension); nothing is left half-written."""
    path = Path(path)
    output_format(path, fmt).write(case, path)


__all__ = ["FORMATS", "Format", "detect_format", "output_format", "read_case", "write_case"]
