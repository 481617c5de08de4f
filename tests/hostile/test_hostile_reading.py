"""Hostile files for every reader and every command that reads a case: each is refused in one line
naming the file (and line or sheet), exit 2, nothing written, in bounded time; or, where the file is
merely unusual (a very long name, old-Mac line endings), read like its ordinary twin.

All go through `parley.io.safe_read`; these probes pin that every reader and command does.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile.corpus import (
    CSV_READERS,
    NOT_REGULAR,
    READERS,
    SAMPLES,
    invoke,
    rejected,
    replace_member,
    sample,
    sheet_xml,
    snapshot,
    xlsx_bytes,
)

from parley.io import read_case
from parley.io.safe_read import MAX_SHEET_CELLS, MAX_SHEET_ROWS, XLSX_MAX_MEMBERS

SHEET = "xl/worksheets/sheet1.xml"
DEU3 = Path(__file__).parents[1] / "data" / "deu3" / "deu3_dev.tsv"

# every command that reads a case, with what it needs beyond the case (outputs in the same folder)
CASE_COMMANDS = {
    "validate": lambda case: ["validate", case],
    "forecast": lambda case: ["forecast", case],
    "convert": lambda case: ["convert", case, case.parent / "out.yaml"],
    "report": lambda case: ["report", case, "-o", case.parent / "out.html"],
    "compare": lambda case: ["compare", case],
    "coalitions": lambda case: ["coalitions", case],
    "front": lambda case: ["front", case, "--members", "a,b"],
}


def suffix_of(reader: str) -> str:
    return {"xlsx": ".xlsx", "ktab-xml": ".xml"}.get(reader) or Path(SAMPLES[reader][0]).suffix


@pytest.mark.parametrize("kind", sorted(NOT_REGULAR))
@pytest.mark.parametrize("reader", READERS)
def test_not_a_regular_file_is_refused_by_every_reader(tmp_path, reader, kind):
    make, message = NOT_REGULAR[kind]
    path = make(tmp_path / f"input{suffix_of(reader)}")
    before = snapshot(tmp_path)
    rejected(invoke("validate", path), str(path), message)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", sorted(CASE_COMMANDS))
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_not_a_regular_file_is_refused_by_every_command(tmp_path, command, kind):
    make, message = NOT_REGULAR[kind]
    path = make(tmp_path / "case.yaml")
    before = snapshot(tmp_path)
    rejected(invoke(*CASE_COMMANDS[command](path)), str(path), message)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("reader", READERS)
def test_a_file_over_the_input_limit_is_refused_unread(tmp_path, monkeypatch, reader):
    path = sample(reader, tmp_path)
    monkeypatch.setenv("PARLEY_MAX_INPUT", str(path.stat().st_size - 1))
    rejected(invoke("validate", path), str(path), "larger than the input limit", "PARLEY_MAX_INPUT")
    monkeypatch.setenv("PARLEY_MAX_INPUT", str(path.stat().st_size))
    assert invoke("validate", path).exit_code == 0


def test_a_nonsense_input_limit_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_MAX_INPUT", "lots")
    rejected(invoke("validate", sample("yaml", tmp_path)), "PARLEY_MAX_INPUT", "a size such as 2GB")
    monkeypatch.setenv("PARLEY_MAX_INPUT", "2kB")
    assert invoke("validate", sample("yaml", tmp_path)).exit_code == 0


def long_name_sample(reader: str, folder: Path, name: str) -> Path:
    path = sample(reader, folder)
    text = path.read_text(encoding="utf-8")
    # the first actor 'a' becomes `name` (its first occurrence on its data row)
    lines = text.splitlines(keepends=True)
    row = next(k for k, line in enumerate(lines) if line.startswith(("a,", "a\t")))
    lines[row] = name + lines[row][1:]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("reader", CSV_READERS)
def test_a_field_longer_than_pythons_csv_limit_reads_and_writes_back(tmp_path, reader):
    name = "n" * 200_000  # Python's csv module refuses fields over 131,072 characters by default
    path = long_name_sample(reader, tmp_path, name)
    assert invoke("validate", path).exit_code == 0
    assert read_case(path).actors[0].id == name
    # a file parley wrote itself with a long name reads back
    again = tmp_path / f"again{path.suffix}"
    result = invoke(
        "convert", path, again, "--to", "table" if reader in ("table", "tsv") else reader
    )
    assert result.exit_code == 0, result.output
    assert read_case(again).actors[0].id == name


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
@pytest.mark.parametrize("reader", [*CSV_READERS, "decide", "yaml", "json", "ktab-xml"])
def test_old_mac_and_windows_line_endings_read_as_newlines(tmp_path, reader, ending):
    path = sample(reader, tmp_path)
    expected = read_case(path)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", ending).encode())
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    got = read_case(path)
    assert got.stances == expected.stances and got.actors == expected.actors


@pytest.mark.parametrize("reader", CSV_READERS)
def test_a_bare_cr_inside_an_unquoted_field_is_a_line_break(tmp_path, reader):
    # 'a' CR 'x' inside a cell: read as a line break (as universal newlines do), so the row is cut
    # in two and the error names the line, never a `_csv.Error`
    path = sample(reader, tmp_path)
    text = path.read_text(encoding="utf-8")
    first_row = next(line for line in text.splitlines() if line.startswith(("a,", "a\t")))
    path.write_bytes(text.replace(first_row, "a\rb" + first_row[1:]).encode())
    lines = rejected(invoke("validate", path), str(path))
    assert all(": line " in line for line in lines), lines


@pytest.mark.parametrize("reader", CSV_READERS)
def test_an_unclosed_quote_is_named_by_the_line_it_opens_on(tmp_path, reader):
    path = sample(reader, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(k for k, line in enumerate(lines) if line.startswith(("a,", "a\t")))
    lines[row] = '"' + lines[row]
    # a long file after the quote: it would all be swallowed into one cell
    path.write_text("\n".join(lines + [lines[-1]] * 20_000) + "\n", encoding="utf-8")
    rejected(
        invoke("validate", path),
        str(path),
        f'line {row + 1}: a quote (") opens a cell that is never closed',
    )


def test_the_deu3_reader_shares_the_csv_rules(tmp_path):
    lines = DEU3.read_text(encoding="utf-8").splitlines()
    mac = tmp_path / "mac.tsv"
    mac.write_bytes("\r".join(lines).encode())
    result = invoke("backtest", "deu3", mac, "-m", "mean", "-c", "equal", "-q")
    assert result.exit_code == 0, result.output
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text("\n".join([*lines[:5], '"' + lines[5], *lines[6:]]) + "\n", encoding="utf-8")
    rejected(invoke("backtest", "deu3", quoted, "-c", "equal"), str(quoted), "line 6: a quote")
    rejected(invoke("backtest", "deu3", make_zero(tmp_path)), "zero.tsv", "character device")


def make_zero(folder: Path) -> Path:
    path = folder / "zero.tsv"
    path.symlink_to("/dev/zero")
    return path


# ---- workbooks ---------------------------------------------------------------------------------


def workbook(tmp_path: Path, data: bytes, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_chart_sheet_first_is_skipped_and_a_chart_only_book_refused(tmp_path):
    import openpyxl
    from openpyxl.chart import BarChart

    book = openpyxl.Workbook()
    for row in [line.split(",") for line in SAMPLES["table"][1].splitlines()]:
        book.active.append(row)
    book.create_chartsheet("Chart", 0).add_chart(BarChart())
    book.save(tmp_path / "first.xlsx")
    result = invoke("validate", tmp_path / "first.xlsx")
    assert result.exit_code == 0, result.output
    book.remove(book["Sheet"])
    book.save(tmp_path / "only.xlsx")
    rejected(
        invoke("validate", tmp_path / "only.xlsx"),
        "only.xlsx",
        "no table sheet (only chart sheets: 'Chart')",
    )


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    # 60 MB of empty rows in a few kB, no <dimension>: openpyxl would scan it all on opening
    bomb = replace_member(xlsx_bytes(), SHEET, sheet_xml(b"<row/>" * 10_000_000))
    path = workbook(tmp_path, bomb)
    assert path.stat().st_size < 200_000
    rejected(invoke("validate", path), "book.xlsx", "is compressed", "zip bomb")


def test_an_archive_expanding_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_MAX_INPUT", "100kB")  # the archive may expand to 4 x 100 kB
    rows = b"<row><c><v>1</v></c></row>" * 20_000  # 520 kB
    path = workbook(tmp_path, replace_member(xlsx_bytes(), SHEET, sheet_xml(rows)))
    assert path.stat().st_size < 100_000
    rejected(invoke("validate", path), "book.xlsx", "the workbook expands to", "PARLEY_MAX_INPUT")


def test_too_many_rows_or_cells_are_refused_unread(tmp_path):
    rows = b"".join(b'<row r="%d"/>' % k for k in range(1, MAX_SHEET_ROWS + 2))
    path = workbook(tmp_path, replace_member(xlsx_bytes(), SHEET, sheet_xml(rows)))
    rejected(invoke("validate", path), "book.xlsx", f"more than {MAX_SHEET_ROWS:,} rows")
    cells = b"<row>" + b'<c t="n"><v>1</v></c>' * (MAX_SHEET_CELLS + 1) + b"</row>"
    path = workbook(tmp_path, replace_member(xlsx_bytes(), SHEET, sheet_xml(cells), 1), "c.xlsx")
    rejected(invoke("validate", path), "c.xlsx", f"more than {MAX_SHEET_CELLS:,} cells")


def test_an_archive_of_too_many_members_is_refused(tmp_path):
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for k in range(XLSX_MAX_MEMBERS + 1):
            z.writestr(f"x{k}.xml", b"")
    path = workbook(tmp_path, out.getvalue())
    rejected(invoke("validate", path), "book.xlsx", f"more than the {XLSX_MAX_MEMBERS}")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 truncated", b"not a zip at all", xlsx_bytes()[:-200]], ids=str
)
def test_a_damaged_workbook_is_one_line(tmp_path, data):
    rejected(invoke("validate", workbook(tmp_path, data)), "book.xlsx", "Excel workbook")
