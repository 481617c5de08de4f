"""Reading and writing files safely: clear errors for unreadable input, no half-written output."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from parley.errors import CaseError, OutputError


def read_text(path: Path) -> str:
    """The file's text (UTF-8, BOM removed); CaseError if missing, empty or not UTF-8."""
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
    return text


def read_bytes(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CaseError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise CaseError("is a directory, expected a case file", source=str(path)) from None
    except OSError as exc:
        raise CaseError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if not data.strip():
        raise CaseError("the file is empty", source=str(path))
    return data


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file beside `path`, then move it into place.

    If `write` raises, nothing is left at `path` (an existing file stays as it was); a read-only
    file is never replaced. The result
    gets the mode a new file would get (0666 less the umask) or the mode of the file it replaces,
    not the 0600 of the temporary file: outputs are made to be handed on.
    """
    path = Path(path)
    if path.is_file() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o200):
        # the rename below would replace it: honour read-only as an in-place write would (and
        # for root too, for whom access() always says yes)
        raise OutputError(f"{path}: cannot write: the file is read-only")
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
