"""The run store on SQLite and on a real PostgreSQL server: round trip, content-addressed cases,
migrations matching the tables, whole-or-nothing writes under SIGKILL, concurrent writers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the store extra is not installed")

from parley.forecast import (  # noqa: E402
    forecast_json,  # noqa: E402
    model_specs,
    run_models,
)
from parley.io import read_case  # noqa: E402
from parley.store import RunRecord, StoreError, open_store, resolve_url  # noqa: E402

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
WRITER = Path(__file__).with_name("store_writer.py")


def forecast_record(label: str, scenario: str | None = None) -> RunRecord:
    case = read_case(SEED)
    outcomes = run_models(case, model_specs(["compromise", "median"]), scenario)
    return RunRecord(
        "forecast",
        case.model_dump(mode="json"),
        forecast_json(case, scenario, outcomes),
        scenario=[scenario] if scenario else [],
        models=[{"name": n, "params": o.params} for n, o in outcomes.items()],
        label=label,
        case_source=str(SEED),
    )


def test_round_trip_and_case_stored_once(store_url: str) -> None:
    store = open_store(store_url)
    first = forecast_record("monday")
    a = store.save(first)
    b = store.save(forecast_record("tuesday", "democratic-congress"))
    runs = store.list_runs()
    assert [r.id for r in runs] == [b, a]  # newest first
    got = store.get(a)
    # the result comes back exactly as the command printed it, key order included
    assert json.dumps(got.result) == json.dumps(first.result)
    assert got.label == "monday" and got.case_source == str(SEED)
    assert got.models[0]["params"] == first.models[0]["params"]
    assert got.created_at is not None and got.created_at.utcoffset() is not None
    # both runs share one stored case, addressed by the hash forecast JSON already prints
    assert store.cases() == [(first.result["run"]["case_sha256"], read_case(SEED).title)]
    assert got.case_sha256 == read_case(SEED).fingerprint()
    assert store.get(b).scenario == ["democratic-congress"]
    assert [r.id for r in store.list_runs(case_sha256=got.case_sha256, limit=1)] == [b]
    store.remove(a)
    assert [r.id for r in store.list_runs()] == [b]
    assert len(store.cases()) == 1  # still used by run b
    store.remove(b)
    assert store.list_runs() == [] and store.cases() == []
    store.engine.dispose()


def test_missing_run_and_bad_id(store_url: str) -> None:
    store = open_store(store_url)
    with pytest.raises(StoreError, match=r"^no run 7 in "):
        store.get(7)
    with pytest.raises(StoreError, match="run id must be a whole number, got 'x'"):
        store.get("x")
    store.engine.dispose()


def test_migrations_create_exactly_the_tables(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from parley.store.migrate import head_revision
    from parley.store.tables import Base

    store = open_store(store_url)
    open_store(store_url).engine.dispose()  # a second opening finds it at head
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == head_revision() == "0001"
        assert compare_metadata(ctx, Base.metadata) == []
    store.engine.dispose()


def test_sigkill_mid_write_leaves_whole_runs_only(store_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(WRITER), store_url, "kill", "k"], capture_output=True, text=True
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    store = open_store(store_url)
    runs = store.list_runs()
    # the first run is there whole; of the second neither the run nor its new case
    assert [r.label for r in runs] == ["k-0"]
    assert len(runs[0].result["models"]["m"]["forecast"]) == 200
    assert [title for _, title in store.cases()] == ["case k-0"]
    store.save(RunRecord("forecast", {"title": "after"}, {}))  # the store is still writable
    assert len(store.list_runs()) == 2
    store.engine.dispose()


def test_two_writing_processes(store_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), store_url, "30", tag], stderr=subprocess.PIPE, text=True
        )
        for tag in ("a", "b")
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    store = open_store(store_url)
    labels = sorted(r.label for r in store.list_runs())
    assert labels == sorted(f"{t}-{k}" for t in "ab" for k in range(30))
    store.engine.dispose()


def test_sqlite_store_is_in_wal_mode(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.sqlite"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    store.engine.dispose()


def test_store_url_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PARLEY_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url() == f"sqlite:///{tmp_path}/parley/runs.sqlite"
    monkeypatch.setenv("PARLEY_STORE", "postgres://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url("x.sqlite") == "sqlite:///x.sqlite"  # --store wins over the environment


def test_unreachable_or_unknown_store_is_one_line() -> None:
    with pytest.raises(StoreError, match="no database driver for 'nosuch'"):
        open_store("nosuch://x")
    with pytest.raises(StoreError, match=r"^cannot open the run store .*127\.0\.0\.1"):
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
