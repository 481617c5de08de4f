"""What one `parley serve` runs with: where the store is, the token, the limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from parley.errors import ParleyError

UPLOAD_LIMIT = 5 * 1024 * 1024
"""Largest case file (bytes) an upload may carry."""


def bundled_cases_dir() -> Path | None:
    """The repository's `cases/` folder (an editable install or a clone), or None."""
    here = Path(__file__).resolve().parents[3] / "cases"
    return here if here.is_dir() else None


@dataclass(frozen=True)
class WebSettings:
    """`store`: the run store URL (None: PARLEY_STORE or the default file); `token`: required
    of every request when set; `run_timeout`: seconds a model run may take; `max_jobs`: model
    runs at once (others wait their turn)."""

    store: str | None = None
    token: str | None = None
    upload_limit: int = UPLOAD_LIMIT
    run_timeout: float = 120.0
    max_jobs: int = 2
    cases_dir: Path | None = None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0"), is_loopback("localhost")
    (True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token."""
    if not is_loopback(host) and not token:
        raise ParleyError(
            f"--host {host}: serving beyond this machine needs --token TOKEN "
            "(or PARLEY_TOKEN); refusing to start"
        )
    if token is not None and len(token) < 16:
        raise ParleyError("--token: use at least 16 characters")
