"""Bring a store's schema to the newest revision with the Alembic migrations shipped in the
package (`parley/store/migrations/`); a store already at the newest revision costs one query."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """Alembic's configuration pointing at the shipped migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine, attempts: int = 5) -> None:
    """Migrate `engine`'s database to head, in one transaction.

    Two processes opening a new store at once: on SQLite the second waits for the first's
    transaction and then finds the store migrated; on PostgreSQL the second's CREATE fails once
    the first commits, its transaction rolls back, and the retry finds the store migrated. On
    SQLite the first connection of a new file also switches it to WAL, which needs the file to
    itself and can answer "database is locked" without waiting; that connection is retried too
    (the whole attempt is inside the retry, not only the migration).
    """
    head = head_revision()
    for attempt in range(attempts):
        try:
            with engine.connect() as conn:
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
            with engine.begin() as conn:
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            engine.dispose()  # a fresh connection next time, its PRAGMAs run again
            time.sleep(0.2 * (attempt + 1))
