"""Readers and writers: the case file and the formats analysts already have."""

from __future__ import annotations

from pathlib import Path

from parley.case import Case
from parley.errors import CaseError, ModelError
from parley.io.formats import FORMATS, Format, detect_format, output_format
from parley.io.layout import ReadOptions, reading
from parley.models.registry import check_declared_params


def read_case(path: str | Path, sheet: str | None = None, header_row: int | None = None) -> Case:
    """Read a case from any supported format, recognised from extension and content.

    `sheet` picks a workbook's stakeholder sheet, `header_row` the (1-based) row or line of a
    table's header (`--sheet`, `--header-row`); a reader may warn (ParleyWarning) of what it
    ignored, such as extra columns. The model parameters the case carries (`model_params`) are
    checked here, by each model's declared types and ranges, so that a bad one names the file
    whatever command reads it.

    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> len(case.actors), case.issues[0].id
    (17, 'withdrawal')
    """
    path = Path(path)
    fmt = detect_format(path)
    if sheet is not None and fmt.name != "xlsx":
        raise CaseError(
            f"--sheet applies to a workbook (.xlsx); read as {fmt.description}", str(path)
        )
    if header_row is not None and fmt.name not in ("table", "xlsx"):
        raise CaseError(
            f"--header-row applies to a stakeholder table (CSV or XLSX); read as {fmt.description}",
            str(path),
        )
    if header_row is not None and header_row < 1:
        raise CaseError(f"--header-row must be 1 or more, got {header_row}", str(path))
    with reading(ReadOptions(sheet, header_row)):
        case = fmt.read(path)
    try:
        check_declared_params(case.model_params, build=True)
    except ModelError as exc:
        raise CaseError(str(exc), source=str(path)) from None
    return case


def write_case(case: Case, path: str | Path, fmt: str | None = None) -> None:
    """Write `case` to `path` (format from `fmt` or the extension); nothing is left half-written.

    >>> import pathlib, tempfile
    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
    >>> write_case(case, path)
    >>> read_case(path) == case
    True
    """
    path = Path(path)
    write = output_format(path, fmt).write
    assert write is not None  # output_format returns only formats that write
    write(case, path)


__all__ = ["FORMATS", "Format", "detect_format", "output_format", "read_case", "write_case"]
