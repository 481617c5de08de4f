"""The file formats parley reads and writes, recognised from extension and content.

Each format is a `Format` entry: how to recognise it, read it into a Case, and (where the format can
hold the case) write a Case to it. Adding a format means adding one entry to `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parley.case import Case
from parley.errors import CaseError
from parley.io import bdm, decide, ktab, ktab_xml, table
from parley.io.casefile import read_casefile, write_casefile
from parley.io.safe_read import read_bytes, read_text
from parley.suggest import did_you_mean


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    extensions: tuple[str, ...]
    read: Callable[[Path], Case]
    write: Callable[[Case, Path], None] | None = None
    sniff: Callable[[str], bool] | None = None  # for shared extensions (.csv, .txt)


FORMATS: list[Format] = [
    Format("yaml", "parley case file (YAML)", (".yaml", ".yml"), read_casefile, write_casefile),
    Format("json", "parley case file (JSON)", (".json",), read_casefile, write_casefile),
    Format(
        "table",
        "stakeholder table CSV (actor, issue, position, salience, capability)",
        (".csv", ".tsv"),
        table.read_table_csv,
        table.write_table_csv,
        table.sniff,
    ),
    Format(
        "xlsx",
        "stakeholder table workbook (.xlsx, first sheet)",
        (".xlsx",),
        table.read_table_xlsx,
        table.write_table_xlsx,
    ),
    Format(
        "bdm",
        "BDM CSV (Actor,Capability,Position,Salience)",
        (".csv",),
        bdm.read_bdm,
        bdm.write_bdm,
        bdm.sniff,
    ),
    Format(
        "ktab", "KTAB SMP CSV", (".csv",), ktab.read_ktab_csv, ktab.write_ktab_csv, ktab.sniff_csv
    ),
    Format(
        "ktab-xml",
        "KTAB SMP XML",
        (".xml",),
        ktab_xml.read_ktab_xml,
        ktab_xml.write_ktab_xml,
        ktab_xml.sniff_xml,
    ),
    Format(
        "decide",
        "Decide #A/#P/#M/#D text",
        (".txt", ".csv"),
        decide.read_decide,
        decide.write_decide,
        decide.sniff,
    ),
]


def format_named(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    known = ", ".join(f.name for f in FORMATS)
    hint = did_you_mean(name, [f.name for f in FORMATS])
    raise CaseError(f"unknown format {name!r}{hint} (known: {known})")


WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm")


def detect_format(path: Path) -> Format:
    """The format of an input file: a workbook by its content (an .xlsx renamed .xls, a CSV
    named .xlsx), then unambiguous extensions, then the content decides."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix in (".csv", ".txt", ".tsv"):
        kind = binary_kind(read_bytes(path)[:8])
        if kind == "zip" or (kind == "" and suffix in WORKBOOK_SUFFIXES and not _text(path)):
            return format_named("xlsx")  # its reader says why it cannot be read
        if kind == "ole2":
            raise CaseError(
                "an Excel 97-2003 workbook (.xls, binary); parley reads .xlsx: save it as "
                "'Excel Workbook (.xlsx)' or as CSV",
                source=str(path),
            )
    owners = [f for f in FORMATS if suffix in f.extensions]
    if len(owners) == 1 and owners[0].sniff is None and suffix not in WORKBOOK_SUFFIXES:
        return owners[0]
    text = read_text(path)
    # the extension's formats first, then any other: a BDM CSV saved as .txt is still recognised
    candidates = owners + [f for f in FORMATS if f not in owners]
    for fmt in candidates:
        if fmt.sniff is not None and fmt.sniff(text):
            return fmt
    known = "; ".join(f"{f.name} ({f.description})" for f in FORMATS)
    raise CaseError(
        "cannot recognise the file's format (wrong delimiter or layout?); parley reads: " + known,
        source=str(path),
    )


def _text(path: Path) -> bool:
    """Whether a file named as a workbook is text one of the text formats recognises."""
    try:
        text = read_text(path)
    except CaseError:
        return False
    return any(f.sniff is not None and f.sniff(text) for f in FORMATS)


def binary_kind(head: bytes) -> str:
    """'zip' (an .xlsx is a zip), 'ole2' (a binary .xls) or '' from a file's first bytes.

    >>> binary_kind(b"PK\\x03\\x04"), binary_kind(bytes.fromhex("d0cf11e0a1b11ae1"))
    ('zip', 'ole2')
    >>> binary_kind(b"actor,issue")
    ''
    """
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(bytes.fromhex("d0cf11e0a1b11ae1")):
        return "ole2"
    return ""


def output_format(path: Path, name: str | None = None) -> Format:
    """The format to write `path` in: `name` if given, else the first writer owning the extension."""
    if name is not None:
        fmt = format_named(name)
    else:
        suffix = Path(path).suffix.lower()
        writers = [f for f in FORMATS if suffix in f.extensions and f.write is not None]
        if not writers:
            raise CaseError(
                f"cannot tell which format to write from the extension {suffix!r}", source=str(path)
            )
        fmt = writers[0]
    if fmt.write is None:
        raise CaseError(f"parley can read but not write the {fmt.name} format", source=str(path))
    return fmt
