"""Shared test fixtures: paths to bundled test data and a CLI runner."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# CI runs the property tests derandomised (the same examples every run, no example database), so
# a CI result can be reproduced locally with CI=true; a developer's runs keep exploring new cases.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="session", autouse=True)
def _compiled_kernels_built() -> None:
    """Every model's compiled kernels built (or loaded from numba's cache) before any test: the
    first run on a machine compiles for seconds, which must not fall inside a timed probe."""
    from parley.models import get_model, model_names
    from parley.models.examples import two_actor_arrays

    for name in model_names():
        get_model(name).run(two_actor_arrays(), detail="forecast")


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# The run store's tests: a SQLite file per test, and a database per test on a real PostgreSQL server
# started once per session (pgserver.py; skipped, with the reason, only where none can be started).
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    from pgserver import postgres_server, why_not

    reason = why_not()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    with postgres_server() as url:
        yield url


def new_pg_database(server_url: str) -> str:
    """A fresh empty database on the test server; its URL."""
    import psycopg

    name = f"t{next(_names)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "runs.sqlite")
    return new_pg_database(request.getfixturevalue("pg_server"))
