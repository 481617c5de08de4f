"""A throwaway PostgreSQL server for the store tests: `initdb` in a temporary folder, started on a
free loopback port, stopped and deleted after the session.

PostgreSQL refuses to run as root, so as root the server runs as `nobody` (through `runuser`);
the folder is handed to that user. Debian keeps the server binaries in
/usr/lib/postgresql/VERSION/bin (`make test` installs the `postgresql` package when missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUN_AS = "nobody"


def server_bin() -> Path | None:
    """The folder with initdb and pg_ctl, or None when PostgreSQL's server is not installed."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def why_not() -> str | None:
    """Why no server can be started here, or None when one can."""
    if server_bin() is None:
        return "PostgreSQL's server is not installed (apt-get install postgresql; `make test` does it as root)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as an unprivileged user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yields its URL (`postgresql://parley@127.0.0.1:PORT/postgres`)."""
    bin_dir = server_bin()
    assert bin_dir is not None, why_not()
    root = Path(tempfile.mkdtemp(prefix="parley-pg-"))
    data = root / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, RUN_AS)
        root.chmod(0o700)
    log = root / "server.log"
    try:
        subprocess.run(
            _as_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "parley", "-A", "trust"]),
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        subprocess.run(
            _as_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(log),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql://parley@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
