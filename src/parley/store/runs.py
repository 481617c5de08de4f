"""The Store: save a run (case stored once, run written in one transaction), list, get, remove.

>>> store = open_store("sqlite://")
>>> run_id = store.save(RunRecord("forecast", {"title": "t"}, {"models": {}}, label="first"))
>>> [r.label for r in store.list_runs()]
['first']
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, exists, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from parley.io.finite_json import finite
from parley.store.engine import make_engine
from parley.store.errors import StoreError
from parley.store.migrate import upgrade
from parley.store.record import RunRecord, StoredRun
from parley.store.tables import CaseRow, RunRow
from parley.store.url import resolve_url


def case_sha256(case: dict[str, Any]) -> str:
    """SHA-256 of a case's canonical JSON: the same rule as `Case.fingerprint()`."""
    canonical = json.dumps(case, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Store:
    """Runs in one database. Open with `open_store(url)`; the schema is migrated on opening."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)

    def put_case(self, case: dict[str, Any]) -> str:
        """Keep a case (an upload, an edited case) without a run; its SHA-256."""
        with self._session() as session, session.begin():
            return _put_case(session, case, datetime.now(UTC))

    def save(self, record: RunRecord) -> int:
        """Write `record` (and its case, if new) in one transaction; the new run's id."""
        now = datetime.now(UTC)
        with self._session() as session, session.begin():
            sha = _put_case(session, record.case, now)
            row = RunRow(
                created_at=now,
                command=record.command,
                label=record.label,
                case_sha256=sha,
                case_source=record.case_source,
                scenario=list(record.scenario),
                changes=list(record.changes),
                models=list(record.models),
                seed=record.seed,
                members=record.members,
                parley_version=record.parley_version,
                result=finite(record.result),  # strict JSON: PostgreSQL refuses NaN
            )
            session.add(row)
            session.flush()
            return int(row.id)

    def list_runs(
        self, case_sha256: str | None = None, limit: int | None = None
    ) -> list[StoredRun]:
        """Runs newest first, optionally of one case only."""
        query = select(RunRow, CaseRow).join(CaseRow).order_by(RunRow.id.desc())
        if case_sha256:
            query = query.where(RunRow.case_sha256 == case_sha256)
        if limit:
            query = query.limit(limit)
        with self._session() as session, session.begin():
            return [_stored(run, case) for run, case in session.execute(query)]

    def get(self, run_id: int | str) -> StoredRun:
        """The run with id `run_id`, or a StoreError naming the store."""
        try:
            key = int(run_id)
        except (TypeError, ValueError):
            raise StoreError(f"run id must be a whole number, got {run_id!r}") from None
        query = select(RunRow, CaseRow).join(CaseRow).where(RunRow.id == key)
        with self._session() as session, session.begin():
            found = session.execute(query).first()
            if found is None:
                raise StoreError(f"no run {key} in {self.url}")
            return _stored(*found)

    def remove(self, run_id: int | str) -> None:
        """Delete a run; its case goes too when no other run uses it."""
        run = self.get(run_id)
        with self._session() as session, session.begin():
            session.execute(delete(RunRow).where(RunRow.id == run.id))
            if not session.scalar(select(exists().where(RunRow.case_sha256 == run.case_sha256))):
                session.execute(delete(CaseRow).where(CaseRow.sha256 == run.case_sha256))

    def cases(self) -> list[tuple[str, str]]:
        """(sha256, title) of every stored case, oldest first (cases kept by `put_case` stay
        until removed with the store; `remove` drops a run's case only if it was its last)."""
        with self._session() as session, session.begin():
            rows = session.execute(
                select(CaseRow.sha256, CaseRow.title).order_by(CaseRow.created_at)
            )
            return [(sha, title) for sha, title in rows]

    def case(self, sha256: str) -> dict[str, Any]:
        """A stored case's JSON by its hash."""
        with self._session() as session, session.begin():
            row = session.get(CaseRow, sha256)
            if row is None:
                raise StoreError(f"no case {sha256[:12]} in {self.url}")
            return row.content

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def _put_case(session: Session, case: dict[str, Any], now: datetime) -> str:
    sha = case_sha256(case)
    if not session.scalar(select(exists().where(CaseRow.sha256 == sha))):
        title = str(case.get("title", ""))
        session.add(CaseRow(sha256=sha, title=title, content=case, created_at=now))
        session.flush()
    return sha


def _stored(run: RunRow, case: CaseRow) -> StoredRun:
    names = {f.name for f in fields(RunRecord)} - {"case"}
    values = {name: getattr(run, name) for name in names}
    created = run.created_at
    if created is not None and created.tzinfo is None:  # SQLite keeps no zone: it was UTC
        created = created.replace(tzinfo=UTC)
    return StoredRun(
        **values, case=case.content, id=run.id, created_at=created, case_sha256=case.sha256
    )


def open_store(url: str | None = None) -> Store:
    """Open (and migrate if needed) the store at `url`, `PARLEY_STORE`, or the default file."""
    engine = make_engine(resolve_url(url))
    try:
        upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open the run store {engine.url!r}: {reason}") from None
    return Store(engine)
