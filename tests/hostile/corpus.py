"""The hostile-input corpus: every file is generated here, in a test's tmp_path (nothing large in git).

`SAMPLES` holds one small valid file per reader; the `make_*` functions turn a name and a folder
into a hostile variant. `rejected` is the contract every probe asserts: exit 2, one `error:` line per
problem naming the file, no traceback, nothing written, within a bounded time.
"""

from __future__ import annotations

import os
import signal
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner

from parley.cli import app

SECONDS = 10  # a bounded time per probe: generous for a loaded 2-core machine, far below a hang

TABLE = "actor,issue,position,salience,capability\na,x,1,50,10\nb,x,5,60,20\n"
YAML = """\
issues:
  - {id: x, lower: 0, upper: 10}
actors:
  - {id: a, capability: 1}
  - {id: b, capability: 2}
stances:
  a: {x: {position: 1, salience: 50}}
  b: {x: {position: 9, salience: 60}}
salience_scale: 100
"""
JSON = (
    '{"issues": [{"id": "x", "lower": 0, "upper": 10}], '
    '"actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 2}], '
    '"stances": {"a": {"x": {"position": 1, "salience": 50}}, '
    '"b": {"x": {"position": 9, "salience": 60}}}, "salience_scale": 100}'
)
BDM = "Actor,Capability,Position,Salience\na,1,1,50\nb,2,9,60\n"
KTAB = (
    "Demo,a demo,2,1,\nActor,Description,Power,Pos1,Sal1,\na,first,10,20,50,\nb,second,20,80,60,\n"
)
DECIDE = (
    "#A\ta\ta\t\n#A\tb\tb\t\n#P\tx\tx\t\n#M\tx\t0\tlow\n#M\tx\t10\thigh\n"
    "#D\ta\tx\t1\t0.5\t1\n#D\tb\tx\t9\t0.6\t2\n"
)
# reader name -> (file name, valid text); the workbook and the KTAB XML are written by parley
SAMPLES: dict[str, tuple[str, str]] = {
    "yaml": ("case.yaml", YAML),
    "json": ("case.json", JSON),
    "table": ("table.csv", TABLE),
    "tsv": ("table.tsv", TABLE.replace(",", "\t")),
    "bdm": ("bdm.csv", BDM),
    "ktab": ("ktab.csv", KTAB),
    "decide": ("decide.txt", DECIDE),
}
CSV_READERS = ("table", "tsv", "bdm", "ktab")
READERS = (*SAMPLES, "xlsx", "ktab-xml")


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
    """A small valid stakeholder workbook (first sheet = the table)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows or [line.split(",") for line in TABLE.splitlines()]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def sample(reader: str, folder: Path) -> Path:
    """The valid sample of `reader` written into `folder`."""
    if reader == "xlsx":
        path = folder / "table.xlsx"
        path.write_bytes(xlsx_bytes())
        return path
    if reader == "ktab-xml":
        from parley.io import read_case, write_case

        path = folder / "ktab.xml"
        write_case(read_case(sample("yaml", folder)), path)
        (folder / SAMPLES["yaml"][0]).unlink()
        return path
    name, text = SAMPLES[reader]
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def replace_member(src: bytes, member: str, data: bytes, level: int = 9) -> bytes:
    """The archive `src` with `member`'s content replaced by `data` (deflated at `level`)."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = data if item.filename == member else zin.read(item.filename)
            zout.writestr(item.filename, body, zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def sheet_xml(rows_xml: bytes) -> bytes:
    """A worksheet part without a <dimension> (so openpyxl would scan it all to learn its size)."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"
    )


# ---- not a regular file (every reader): the same whatever the format -------------------------


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def make_directory(path: Path) -> Path:
    path.mkdir()
    return path


NOT_REGULAR: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (make_fifo, "is a FIFO (named pipe), not a regular file"),
    "dev-zero": (make_zero_link, "is a character device (/dev/zero), not a regular file"),
    "directory": (make_directory, "is a directory"),
}


# ---- the contract ------------------------------------------------------------------------------


@contextmanager
def bounded(seconds: float = SECONDS) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""

    def expire(signum, frame):  # noqa: ARG001
        raise TimeoutError(f"probe ran past {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert time.monotonic() - start < seconds


def invoke(*args: object):
    """Run the CLI as a user would, within the bounded time."""
    with bounded():
        return CliRunner().invoke(app, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """What `folder` holds (names, sizes, modification times): to assert nothing was written."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def rejected(result, name: str, *fragments: str) -> list[str]:
    """Exit 2, no traceback, every output line an `error:` line naming the file."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines, "no error line"
    for line in lines:
        assert line.startswith("error: "), line
        assert name in line, line
    text = "\n".join(lines)
    for fragment in fragments:
        assert fragment in text, text
    return lines


# ---- outputs: what a command that writes is given instead of a new file ------------------------


def make_devnull_link(path: Path) -> Path:
    path.symlink_to("/dev/null")
    return path


#: kind -> (make the output at a path, what the error line says); "input" (the output is one of
#: the command's inputs) is set up by each command, since it depends on what the command reads.
BAD_OUTPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (make_fifo, "is a FIFO (named pipe)"),
    "devnull-link": (make_devnull_link, "is a character device (/dev/null)"),
    "directory": (make_directory, "is a directory"),
    "missing-folder": (lambda path: path.parent / "missing" / path.name, "No such file"),
}


# ---- text: the first actor's id (`a`) replaced, as each format writes text ----------------------

# terminal payloads: clear screen, window title (OSC 0), hyperlink (OSC 8), one-byte CSI (C1)
PAYLOADS = {
    "clear-screen": "\x1b[2J\x1b[H",
    "osc-title": "\x1b]0;pwned\x07",
    "osc8-link": "\x1b]8;;http://example.invalid/\x1b\\click\x1b]8;;\x1b\\",
    "c1-csi": "\x9b2J",
}
TEXT_READERS = ("yaml", "json", "table", "bdm", "ktab", "decide")


def with_actor_id(reader: str, folder: Path, name: str) -> Path:
    """The valid sample of `reader` whose first actor is `name` instead of `a` (JSON and YAML
    carry it as a JSON escape, the others as the raw characters)."""
    import json

    path = sample(reader, folder)
    text = path.read_text(encoding="utf-8")
    quoted = json.dumps(name)
    if reader == "yaml":
        text = text.replace("{id: a,", f"{{id: {quoted},").replace("  a: {x", f"  {quoted}: {{x")
    elif reader == "json":
        text = text.replace('"id": "a"', f'"id": {quoted}').replace('"a": {"x"', f'{quoted}: {{"x"')
    elif reader == "decide":
        text = text.replace("#A\ta\ta", f"#A\t{name}\t{name}").replace("#D\ta\t", f"#D\t{name}\t")
    else:
        text = "".join(
            name + line[1:] if line.startswith("a,") else line
            for line in text.splitlines(keepends=True)
        )
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path
