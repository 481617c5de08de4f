"""Readers and writers: the case file and the formats analysts already have."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

from parley.case import Case
from parley.errors import CaseError, ModelError, OutputError, ParleyWarning
from parley.io.case_files import checked_case_inputs
from parley.io.formats import FORMATS, Format, detect_format, output_format
from parley.io.layout import ReadOptions, reading
from parley.io.safe_write import atomic_write
from parley.models.registry import check_declared_params


def read_case(
    path: str | Path,
    sheet: str | None = None,
    header_row: int | None = None,
    *,
    allow_files: bool = True,
) -> Case:
    """Read a case from any supported format, recognised from extension and content.

    `sheet` picks a workbook's stakeholder sheet, `header_row` the (1-based) row or line of a
    table's header (`--sheet`, `--header-row`); a reader may warn (ParleyWarning) of what it
    ignored, such as extra columns. The model parameters the case carries (`model_params`) are
    checked here, by each model's declared types and ranges, so that a bad one names the file
    whatever command reads it; files they name are resolved against the case file's folder,
    opened and parsed here too (`parley.io.case_files`), or refused when not `allow_files` (a
    case uploaded to the workbench).

    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> len(case.actors), case.issues[0].id
    (17, 'withdrawal')
    """
    path = Path(path)
    fmt = detect_format(path)
    if sheet is not None and fmt.name != "xlsx":
        raise CaseError.about(
            "sheet", f"applies to a workbook (.xlsx); read as {fmt.description}", str(path)
        )
    if header_row is not None and fmt.name not in ("table", "xlsx"):
        raise CaseError.about(
            "header_row",
            f"applies to a stakeholder table (CSV or XLSX); read as {fmt.description}",
            str(path),
        )
    if header_row is not None and header_row < 1:
        raise CaseError.about("header_row", f"must be 1 or more, got {header_row}", str(path))
    with reading(ReadOptions(sheet, header_row)):
        case = fmt.read(path)
    try:
        check_declared_params(case.model_params, build=True)
    except ModelError as exc:
        raise CaseError(str(exc), source=str(path)) from None
    return checked_case_inputs(case, path, allow_files)


def write_case(case: Case, path: str | Path, fmt: str | None = None) -> None:
    """Write `case` to `path` (format from `fmt` or the extension); nothing is left half-written,
    and nothing is written that parley would not read back as this case.

    Every writer goes the same way: the file is first written into a private temporary folder
    under its own name, read back with the format's reader, and only then moved into place (by
    the atomic writer). A file that does not read back, or reads back with an actor or issue
    that is not the case's (a writer that changed an id), is refused and `path` is left as it
    was; what a format cannot hold at all (names, scenarios...) is `conversion_losses`' to name.

    >>> import pathlib, tempfile
    >>> case = read_case("cases/iraq-2006/case.yaml")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
    >>> write_case(case, path)
    >>> read_case(path) == case
    True
    """
    path = Path(path)
    chosen = output_format(path, fmt)
    assert chosen.write is not None  # output_format returns only formats that write
    with tempfile.TemporaryDirectory(prefix="parley-write-") as folder:
        draft = Path(folder) / path.name
        chosen.write(case, draft)
        _check_reads_back(case, chosen, draft, path)
        atomic_write(path, lambda tmp: shutil.copyfile(draft, tmp))


def _check_reads_back(case: Case, fmt: Format, draft: Path, target: Path) -> None:
    refused = f"{target}: not written: the {fmt.name} file would not read back as this case"
    try:
        with warnings.catch_warnings():  # what the reader would say of the draft is not news
            warnings.simplefilter("ignore", ParleyWarning)
            again = fmt.read(draft)
    except CaseError as exc:
        first = exc.problems[0]
        where = f"{first.where}: " if first.where else ""
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        raise OutputError(f"{refused}: {where}{first.message}{more}") from None
    for what, old, new in (
        ("actor", {a.id for a in case.actors}, [a.id for a in again.actors]),
        ("issue", {i.id for i in case.issues}, [i.id for i in again.issues]),
    ):
        changed = [x for x in new if x not in old]
        # a format that names issues itself (BDM's one issue) keeps none of the ids: not a change
        if changed and (what == "actor" or len(changed) < len(new)):
            raise OutputError(f"{refused}: it holds {what} {changed[0]!r}, which the case has not")


__all__ = ["FORMATS", "Format", "detect_format", "output_format", "read_case", "write_case"]
