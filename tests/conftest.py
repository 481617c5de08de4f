"""Shared test fixtures: paths to bundled test data and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
