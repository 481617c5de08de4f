"""The two tables: cases (content-addressed, each stored once) and runs (what was run, on which
case, and what it printed). Migrations in `migrations/` create exactly these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    """A case as canonical JSON, keyed by its SHA-256 (`Case.fingerprint()`)."""

    __tablename__ = "cases"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunRow(Base):
    """One saved run: its inputs (case, scenario, changes, models, seed, members) and results."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    command: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(Text, nullable=True)
    case_sha256: Mapped[str] = mapped_column(ForeignKey("cases.sha256"), index=True)
    case_source: Mapped[str | None] = mapped_column(Text, nullable=True)
    scenario: Mapped[Any] = mapped_column(JSON)
    changes: Mapped[Any] = mapped_column(JSON)
    models: Mapped[Any] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    members: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parley_version: Mapped[str] = mapped_column(String(32))
    result: Mapped[Any] = mapped_column(JSON)
