"""The SQLAlchemy engine for a store URL, with SQLite set up for concurrent writers.

SQLite: WAL journal (readers never block the writer), a busy timeout (a second writer waits
instead of failing), and every transaction opened with `BEGIN IMMEDIATE` so that two processes
never both read and then both try to upgrade to a write lock (which SQLite refuses at once).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from parley.store.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for `url` (already resolved by `resolve_url`)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError.about("store", f": not a database URL or file path: {url!r}") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError:
        raise StoreError.about("store", f": no database driver for {parsed.drivername!r}") from None
    except ModuleNotFoundError as exc:
        raise StoreError.about(
            "store",
            f"{parsed.get_backend_name()}: driver {exc.name!r} is missing "
            "(pip install 'parley[postgres]')",
        ) from None


def _sqlite_engine(url) -> Engine:
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError.about("store", f": cannot create {folder}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if url.database and url.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
