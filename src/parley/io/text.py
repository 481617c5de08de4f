"""Writing files safely: no half-written output. (Reading is `parley.io.safe_read`.)"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from parley.errors import OutputError


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
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
