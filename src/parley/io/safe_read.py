"""Reading an input file safely: the one way every reader opens, decodes and parses a file.

Whatever a user (or a case file) names as input may be something else than a small text file: a
symlink to `/dev/zero`, a FIFO nobody writes to, a 10 GB log, a CSV whose one quote swallows the rest
of the file, a workbook that is a zip bomb. Every reader goes through the functions here, so each of
those is refused in one line that names the file (and the line, row or sheet), never a hang, a
MemoryError or a traceback:

- `read_bytes` / `read_text`: regular files only (a FIFO is opened without blocking, then refused),
  at most `max_input_bytes()` bytes (50 MB unless the `PARLEY_MAX_INPUT` environment variable says
  otherwise, e.g. `PARLEY_MAX_INPUT=200MB`); text is UTF-8 with every line ending (CRLF, old-Mac CR)
  read as a newline.
- `csv_rows`: CSV rows with the line each starts on; no field-size limit below the input limit, a
  quote that is never closed is named by the line it opens on.
- `open_workbook` and `sheet_rows`: an XLSX archive is checked before openpyxl parses it (member
  count, declared uncompressed size, compression ratio), rows and columns read are bounded, and a
  chart sheet is never read as a table.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "t.csv").write_bytes(b'actor,position\\ra,1\\rb,"2"\\r')
25
>>> csv_rows(read_text(folder / "t.csv"), str(folder / "t.csv"))
[(1, ['actor', 'position']), (2, ['a', '1']), (3, ['b', '2'])]
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from parley.errors import CaseError
from parley.sizes import EXAMPLE as SIZE_EXAMPLE
from parley.sizes import describe_size, parse_size

DEFAULT_MAX_INPUT = 50 * 1000 * 1000
LIMIT_VARIABLE = "PARLEY_MAX_INPUT"

# An XLSX is a zip of XML parts; a real stakeholder workbook has a dozen members compressed about
# 5-20:1. These bounds are far above that and far below what a crafted archive declares.
XLSX_MAX_MEMBERS = 1000
XLSX_MAX_RATIO = 200  # for members over 1 MB uncompressed; smaller ones cannot do harm
XLSX_EXPANSION = 4  # the archive may expand to at most this many times the input limit
MAX_SHEET_ROWS = 100_000  # rows in the workbook, blank ones included
MAX_SHEET_CELLS = 1_000_000  # cells in the workbook (a table of 100,000 rows has about 10 each)
MAX_SHEET_COLUMNS = 1_000

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for messages: `a FIFO (named pipe)`, ...

    >>> file_kind(os.stat("/dev/null").st_mode)
    'a character device'
    """
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def max_input_bytes() -> int:
    """The most bytes any input file may hold: `PARLEY_MAX_INPUT` (e.g. `200MB`, `1GB`, `5000000`)
    or 50 MB.

    >>> max_input_bytes() == DEFAULT_MAX_INPUT or LIMIT_VARIABLE in os.environ
    True
    """
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT
    size = parse_size(raw)
    if size is None:
        raise CaseError(f"expected {SIZE_EXAMPLE}, got {raw!r}", source=LIMIT_VARIABLE)
    return size


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most `max_input_bytes()`; CaseError for anything else
    (missing, a directory, a FIFO or device, too large, unreadable, empty).

    The file is opened without blocking (a FIFO with no writer would otherwise hang) and read up to
    one byte past the limit, so a file that grows while read, or lies about its size, is bounded too.
    """
    source = str(path)
    limit = max_input_bytes()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CaseError("no such file", source=source) from None
    except IsADirectoryError:
        raise CaseError("is a directory, expected a file", source=source) from None
    except OSError as exc:
        raise CaseError(f"cannot read: {exc.strerror}", source=source) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = file_kind(mode)
            target = os.path.realpath(path)
            via = f" ({target})" if target != os.path.abspath(path) else ""
            raise CaseError(
                f"is {kind}{via}, not a regular file; parley reads only regular files",
                source=source,
            )
        os.set_blocking(fd, True)
        data = _read_at_most(fd, limit + 1, source)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise CaseError(
            f"larger than the input limit of {describe_size(limit)}; set {LIMIT_VARIABLE} "
            f"(e.g. {LIMIT_VARIABLE}=500MB) to read larger files",
            source=source,
        )
    if not data.strip():
        raise CaseError("the file is empty", source=source)
    return data


def _read_at_most(fd: int, n: int, source: str) -> bytes:
    chunks: list[bytes] = []
    left = n
    try:
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise CaseError(f"cannot read: {exc.strerror}", source=source) from None
    return b"".join(chunks)


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a BOM removed), every line ending (CRLF, CR) turned into LF.

    CaseError as for `read_bytes`, or naming the line of the first byte that is not UTF-8.
    """
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CaseError(
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            source=str(path),
        ) from None
    if not text.strip():
        raise CaseError("the file is empty", source=str(path))
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR (old Mac files, a stray CR in a cell) read as LF, as universal newlines do.

    >>> normalise_newlines("a\\r\\nb\\rc\\n")
    'a\\nb\\nc\\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def csv_rows(text: str, source: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """The rows of a CSV text with the line each starts on (quoted cells may span lines).

    Never raises `csv.Error`: fields may be as long as the input limit allows, line endings are
    normalised, and a quote opened but never closed (which would swallow the rest of the file into
    one cell) is one CaseError naming the line it opens on.

    >>> csv_rows('a,b\\n"c\\nd",e\\n', "t.csv")
    [(1, ['a', 'b']), (2, ['c\\nd', 'e'])]
    >>> csv_rows('a,b\\n"c,d\\ne,f\\n', "t.csv")
    Traceback (most recent call last):
    ...
    parley.errors.CaseError: t.csv: line 2: a quote (") opens a cell that is never closed: \
it runs to the end of the file; close it or remove it
    """
    text = normalise_newlines(text)
    # a field can never be longer than the file, and the file is bounded by max_input_bytes
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:  # not expected after the above; still one located line, not a trace
        raise CaseError(f"line {start}: not readable as CSV: {exc}", source=source) from None
    if out and _unclosed_quote(text, out[-1][0], delimiter):
        raise CaseError(
            f'line {out[-1][0]}: a quote (") opens a cell that is never closed: it runs to the '
            "end of the file; close it or remove it",
            source=source,
        )
    return out


def _unclosed_quote(text: str, last_row_line: int, delimiter: str) -> bool:
    """Whether the last row ends inside a quoted cell (the lenient reader silently accepts it)."""
    tail = text.split("\n", last_row_line - 1)[-1]
    if '"' not in tail:
        return False
    try:
        for _ in csv.reader(io.StringIO(tail), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# what openpyxl lets through from a damaged workbook: the zip, its compression or its XML
def _damaged() -> tuple[type[BaseException], ...]:
    import zlib
    from xml.etree.ElementTree import ParseError

    return (
        zipfile.BadZipFile,
        zlib.error,
        ParseError,
        KeyError,
        ValueError,
        OSError,
        TypeError,
        EOFError,
        AttributeError,
        IndexError,
    )


@contextmanager
def open_workbook(path: Path, *, data_only: bool = True) -> Iterator[Any]:
    """An openpyxl workbook (read-only) of a checked archive; closed when the block ends.

    Before openpyxl sees it, the archive must be a readable zip of at most XLSX_MAX_MEMBERS members
    declaring at most XLSX_EXPANSION times the input limit uncompressed, none of over 1 MB
    compressed more than XLSX_MAX_RATIO:1 (a zip bomb declares gigabytes in a few kB).
    """
    data = read_bytes(path)
    source = str(path)
    check_archive(data, source)
    import openpyxl  # deferred: only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except _damaged() as exc:
        raise CaseError(f"not a readable Excel workbook (.xlsx): {exc}", source=source) from None
    try:
        yield book
    finally:
        book.close()


def check_archive(data: bytes, source: str) -> None:
    """Refuse a zip that is not one, has too many members, or would expand beyond the bounds."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise CaseError(f"not a readable Excel workbook (.xlsx): {exc}", source=source) from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise CaseError(
            f"the workbook archive has {len(members)} members, more than the "
            f"{XLSX_MAX_MEMBERS} an .xlsx needs; refused unread",
            source=source,
        )
    budget = XLSX_EXPANSION * max_input_bytes()
    total = sum(m.file_size for m in members)
    if total > budget:
        raise CaseError(
            f"the workbook expands to {describe_size(total)}, over {describe_size(budget)} "
            f"({XLSX_EXPANSION} x the input limit; set {LIMIT_VARIABLE} to read larger files); "
            "refused unread",
            source=source,
        )
    for m in members:
        if m.file_size > 1_000_000 and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1):
            raise CaseError(
                f"the workbook member {m.filename} is compressed "
                f"{m.file_size // max(m.compress_size, 1)}:1 (a zip bomb?); refused unread",
                source=source,
            )
    rows, cells = _count_rows_and_cells(data, members, source)
    if rows > MAX_SHEET_ROWS:
        what = f"more than {MAX_SHEET_ROWS:,} rows (blank ones included)"
    elif cells > MAX_SHEET_CELLS:
        what = f"more than {MAX_SHEET_CELLS:,} cells"
    else:
        return
    raise CaseError(
        f"the workbook holds {what}; a stakeholder table is far smaller; refused unread",
        source=source,
    )


# <row ...> and <c ...> elements with any namespace prefix (not <cols>, <c:chart> or <cellXfs>)
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)[\s>/]")


def _count_rows_and_cells(
    data: bytes, members: list[zipfile.ZipInfo], source: str
) -> tuple[int, int]:
    """Rows and cells over the archive's XML, counted while streaming it through zlib (C speed,
    constant memory): openpyxl parses a whole sheet that declares no dimension when it opens it,
    so this bound must come before openpyxl sees the file."""
    rows = cells = 0
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        for m in members:
            if not m.filename.lower().endswith(".xml"):
                continue
            tail = b""
            with archive.open(m) as stream:
                while True:
                    chunk = stream.read(1 << 20)
                    buffer = tail + chunk
                    cut = len(buffer) - 16 if chunk else len(buffer)
                    for match in _ROW_OR_CELL.finditer(buffer, 0, cut + 16 if chunk else cut):
                        if match.start() >= cut:
                            break
                        if match.group(1) == b"row":
                            rows += 1
                        else:
                            cells += 1
                    if not chunk:
                        break
                    tail = buffer[cut:]
                    if rows > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
                        return rows, cells
    except _damaged() as exc:
        raise CaseError(f"not a readable Excel workbook (.xlsx): {exc}", source=source) from None
    return rows, cells


def worksheet(book: Any, source: str, name: str | None = None) -> Any:
    """The sheet `name` of an open workbook (default: the first that is a table, not a chart).

    CaseError names the sheets there are when `name` is not one of them.
    """
    names = list(book.sheetnames)
    tables = [n for n in names if hasattr(book[n], "iter_rows")]
    if name is None:
        if not tables:
            charts = f" (only chart sheets: {', '.join(map(repr, names))})" if names else ""
            raise CaseError(f"the workbook has no table sheet{charts}", source=source)
        return book[tables[0]]
    if name not in names:
        raise CaseError(
            f"no sheet {name!r} in the workbook (sheets: {', '.join(map(repr, names))})",
            source=source,
        )
    sheet = book[name]
    if not hasattr(sheet, "iter_rows"):
        hint = f"; its tables: {', '.join(map(repr, tables))}" if tables else ""
        raise CaseError(f"sheet {name!r} is a chart sheet, not a table{hint}", source=source)
    return sheet


def sheet_rows(sheet: Any, source: str) -> list[tuple[int, list[Any]]]:
    """The non-blank rows of a worksheet with their row numbers, at most MAX_SHEET_ROWS rows read
    (blank ones included) and MAX_SHEET_COLUMNS cells per row.

    The sheet's declared dimension is ignored (a crafted one claims a million rows of 16,384
    columns, which openpyxl would pad every row to).
    """
    sheet_name = getattr(sheet, "title", "?")
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    rows: list[tuple[int, list[Any]]] = []
    try:
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if n > MAX_SHEET_ROWS:
                raise CaseError(
                    f"sheet {sheet_name!r}: more than {MAX_SHEET_ROWS:,} rows (blank ones "
                    "included); a stakeholder table is far smaller; refused",
                    source=source,
                )
            if len(values) > MAX_SHEET_COLUMNS:
                raise CaseError(
                    f"sheet {sheet_name!r}: row {n}: {len(values):,} columns, more than "
                    f"{MAX_SHEET_COLUMNS:,}; refused",
                    source=source,
                )
            if any(v is not None and str(v).strip() for v in values):
                rows.append((n, list(values)))
    except _damaged() as exc:  # the sheet is read lazily, row by row
        raise CaseError(f"damaged Excel workbook (.xlsx): {exc}", source=source) from None
    return rows
