"""Writing an output file safely: the one rule every command that writes follows.
(Reading is `parley.io.safe_read`.)

An output path a user types may be something else than a new file: the command's own input
(`parley convert c.yaml c.yaml`, or the same file through a link), a FIFO or a device (`/dev/null`
through a symlink), a directory, a file in a folder that does not exist. `check_output` refuses
each in one line that names the file, before anything runs; `atomic_write` checks again when it
writes, then writes a temporary file beside the target and moves it into place, so the target is
either as it was or complete, never half-written, and the temporary file is removed on any
exception, Ctrl-C (SIGINT) and SIGTERM.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> case = folder / "c.yaml"
>>> _ = case.write_text("title: t")
>>> check_output(folder / "c.yaml", [case], "the case file")
Traceback (most recent call last):
...
parley.errors.OutputError: ...c.yaml: is the case file itself; parley never writes over a command's input
>>> atomic_write(folder / "out.txt", lambda tmp: tmp.write_text("done"))
>>> (folder / "out.txt").read_text(), sorted(p.name for p in folder.iterdir())
('done', ['c.yaml', 'out.txt'])
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from parley.errors import OutputError
from parley.io.safe_read import file_kind


def check_output(
    path: Path, inputs: Iterable[Path] = (), role: str = "an input of this command"
) -> Path:
    """The file to replace for output `path` (links followed); OutputError naming `path` when it
    is one of `inputs` (the same file, through links too, compared with `os.path.samefile`, or the
    same resolved path when it does not exist yet), when it exists but is not a regular file, or
    when its folder is missing. `role` says what the inputs are in the message ("the case file").
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    for source in inputs:
        if _same(target, Path(source)):
            raise OutputError(
                f"{path}: is {role} itself; parley never writes over a command's input"
            )
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = file_kind(mode)
        via = f" ({target})" if str(target) != os.path.abspath(path) else ""
        raise OutputError(
            f"{path}: is {kind}{via}, not a regular file; parley writes only regular files"
        )
    if not target.parent.is_dir():
        raise OutputError(
            f"{path}: cannot write: No such file or directory (no folder {target.parent})"
        )
    return target


def _same(target: Path, source: Path) -> bool:
    try:
        return os.path.samefile(target, source)
    except OSError:  # one of them does not exist (yet): the same path once links are resolved
        return target == Path(os.path.realpath(source))


def atomic_write(
    path: Path,
    write: Callable[[Path], object],
    inputs: Iterable[Path] = (),
    role: str = "an input of this command",
) -> None:
    """Call `write(tmp)` on a temporary file beside the target of `path`, then move it into place.

    `path` is checked by `check_output` first (a link is followed: the file it points to is
    replaced, the link stays). If `write` raises, or the process gets SIGINT or SIGTERM, the
    temporary file is removed and an existing target stays as it was; a read-only file is never
    replaced. The result gets the mode a new file would get (0666 less the umask) or the mode of
    the file it replaces, not the 0600 of the temporary file: outputs are made to be handed on.
    """
    path = Path(path)
    target = check_output(path, inputs, role)
    if target.is_file() and (not os.access(target, os.W_OK) or not target.stat().st_mode & 0o200):
        # the rename below would replace it: honour read-only as an in-place write would (and
        # for root too, for whom access() always says yes)
        raise OutputError(f"{path}: cannot write: the file is read-only")
    with _signals_raise():
        try:
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
        try:
            os.close(fd)
            write(Path(tmp))
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class Interrupted(SystemExit):
    """Raised in the main thread by SIGTERM (or SIGINT without Python's handler) while a file is
    written, so that the cleanup above runs; exits with 128 + the signal number, as a shell says."""


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM (and SIGINT, where nobody handles it) raise `Interrupted`
    instead of ending the process on the spot (Python's own SIGINT handler already raises
    KeyboardInterrupt). Handlers someone else installed are left alone; only the main thread can
    set handlers, so elsewhere (a web server's worker thread) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, frame: object) -> None:  # noqa: ARG001
        raise Interrupted(128 + signum)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(sig) is signal.SIG_DFL:
            previous[sig] = signal.signal(sig, interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(
    path: Path, text: str, inputs: Iterable[Path] = (), role: str = "an input of this command"
) -> None:
    """`text` (UTF-8) written to `path` by `atomic_write` (never over one of `inputs`)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), inputs, role)
