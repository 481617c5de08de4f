"""Which database a command uses: `--store URL`, else `PARLEY_STORE`, else a SQLite file in the
user's data directory. Plain paths are SQLite files; `postgresql://` URLs use psycopg (v3).

>>> resolve_url("runs.sqlite")
'sqlite:///runs.sqlite'
>>> resolve_url("postgresql://me@db/parley")
'postgresql+psycopg://me@db/parley'
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "PARLEY_STORE"


def default_path() -> Path:
    """The default store file: `runs.sqlite` in the platform's user data directory."""
    from platformdirs import user_data_path

    return user_data_path("parley", appauthor=False) / "runs.sqlite"


def resolve_url(url: str | None = None) -> str:
    """A SQLAlchemy URL from `url`, the environment, or the default file."""
    url = url or os.environ.get(ENV) or str(default_path())
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" in url:
        return url
    return f"sqlite:///{url}"
