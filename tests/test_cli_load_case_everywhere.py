"""Every command reads its case through `cli.common.load_case` (issue #14): `--sheet` and
`--header-row` work on ensemble and levers too, and what the reader ignored prints as one
`warning:` line, never as a raw Python warning."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from parley.cli import app

HEADER = ["actor", "issue", "position", "salience", "capability"]


def _book(path: Path) -> Path:
    """Two sheets with the columns: the reader would take 'Old'; --sheet New picks the other."""
    book = openpyxl.Workbook()
    old = book.active
    old.title = "Old"
    for row in [HEADER, ["a", "x", 2, 0.25, 1], ["b", "x", 8, 0.75, 3]]:
        old.append(row)
    new = book.create_sheet("New")
    for row in [[*HEADER, "notes"], ["a", "x", 2, 0.5, 1, "n"], ["b", "x", 8, 0.5, 1, ""]]:
        new.append(row)
    book.save(path)
    return path


def _one_warning(stderr: str, path: Path) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"warning: {path}: row 1: ignored column(s) 'notes'")
    assert "ParleyWarning" not in stderr and "warnings.warn" not in stderr


@pytest.mark.filterwarnings("error")
def test_ensemble_sheet_and_reader_warning(runner, tmp_path) -> None:
    path = _book(tmp_path / "b.xlsx")
    args = ["ensemble", str(path), "--sheet", "New", "-m", "compromise", "-n", "8", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    _one_warning(result.stderr, path)
    # sheet New, no ranges: compromise = (2 x 1 x 0.5 + 8 x 1 x 0.5) / (1 x 0.5 + 1 x 0.5) = 5
    # (sheet Old would give (2 x 0.25 + 8 x 2.25) / 2.5 = 7.4)
    issue = json.loads(result.stdout)["models"]["compromise"]["issues"]["x"]
    assert issue["median"] == pytest.approx(5.0)


@pytest.mark.filterwarnings("error")
def test_levers_sheet_and_reader_warning(runner, tmp_path) -> None:
    path = _book(tmp_path / "b.xlsx")
    args = ["levers", str(path), "--sheet", "New", "-m", "compromise", "-a", "a", "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    _one_warning(result.stderr, path)
    # persuading b fully onto a's position 2 leaves every actor at 2: the forecast moves from
    # sheet New's 5 to 2, a shift of -3 (from sheet Old's 7.4 it would be -5.4)
    levers = json.loads(result.stdout)["models"]["compromise"]
    full = [lv for lv in levers if lv["kind"] == "persuade" and lv["amount"] == 1.0]
    assert full[0]["shifts"]["x"] == pytest.approx(-3.0)


def test_sheet_is_offered_by_every_case_command(runner) -> None:
    for command in ["ensemble", "levers", "sensitivity", "diff"]:
        result = runner.invoke(app, [command, "--help"])
        assert "--sheet" in result.stdout and "--header-row" in result.stdout, command
