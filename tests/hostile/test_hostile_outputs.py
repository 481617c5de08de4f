"""Hostile outputs: every command that writes refuses, before anything runs, an output that is one
of its inputs (also through a link), a FIFO, a device (a link to /dev/null), a directory or a
file in a missing folder: exit 2, one line naming the file, nothing written. An interrupted write
(SIGTERM, Ctrl-C) leaves no temporary file and the target as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.corpus import BAD_OUTPUTS, SECONDS, TABLE, YAML, invoke, rejected, snapshot

CASE_WITH_OUTCOME = YAML.replace("upper: 10}", "upper: 10, outcome: 4}")


def _store(folder: Path) -> Path:
    """A run store holding one saved forecast (run 1)."""
    store = folder / "runs.sqlite"
    saved = invoke("forecast", folder / "case.yaml", "-m", "compromise", "--save", "--store", store)
    assert saved.exit_code == 0, saved.output
    return store


# command -> (its arguments for an output OUT in folder F, the output's file name, the input
# that the "input" probe writes over); every writing command of the CLI is here
WRITERS = {
    "convert": (lambda f, out: ["convert", f / "case.yaml", out], "out.json", "case.yaml"),
    "report": (lambda f, out: ["report", f / "case.yaml", "-o", out], "out.html", "case.yaml"),
    "ensemble": (
        lambda f, out: ["ensemble", f / "table.csv", "-n", "4", "-m", "compromise", "-o", out],
        "out.csv",
        "table.csv",
    ),
    "fit-combined": (
        lambda f, out: ["backtest", "fit-combined", f / "data", "-o", out, "-q"],
        "out.json",
        "data/b.yaml",
    ),
    "calibrate": (
        lambda f, out: ["backtest", "calibrate", f / "data", "-o", out, "-q"],
        "out.json",
        "data/a.yaml",
    ),
    "runs-export": (
        lambda f, out: ["runs", "export", "1", "--store", f / "runs.sqlite", "-o", out],
        "out.json",
        "runs.sqlite",
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "case.yaml").write_text(YAML)
    (tmp_path / "table.csv").write_text(TABLE)
    (tmp_path / "data").mkdir()
    for name in ("a", "b"):
        (tmp_path / "data" / f"{name}.yaml").write_text(CASE_WITH_OUTCOME)
    return tmp_path


@pytest.mark.parametrize("kind", ["input", "input-link", *sorted(BAD_OUTPUTS)])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_bad_output_is_refused_and_nothing_written(folder, command, kind) -> None:
    args, name, source = WRITERS[command]
    if command == "runs-export":
        _store(folder)
    if kind == "input":
        out = folder / source
    elif kind == "input-link":  # a new name that is a link to the input
        out = folder / name
        out.symlink_to(folder / source)
    else:
        out = BAD_OUTPUTS[kind][0](folder / name)
    before = _written(folder)
    lines = rejected(invoke(*args(folder, out)), out.name)
    assert len(lines) == 1
    expected = (
        "itself; parley never writes over" if kind.startswith("input") else BAD_OUTPUTS[kind][1]
    )
    assert expected in lines[0], lines[0]
    assert _written(folder) == before


def _written(folder: Path) -> dict:
    """What the folder holds, less SQLite's own -wal/-shm files beside a store that was opened."""
    return {k: v for k, v in snapshot(folder).items() if not k.startswith("runs.sqlite-")}


def test_a_link_to_a_regular_file_is_written_through(folder) -> None:
    """The file a link points to is replaced; the link itself stays a link."""
    target = folder / "real.json"
    target.write_text("old")
    link = folder / "link.json"
    link.symlink_to(target)
    assert invoke("convert", folder / "case.yaml", link).exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("{")


def _parley(*args: object, cwd: Path) -> subprocess.Popen:
    code = "from parley.cli import app; app()"
    command = [sys.executable, "-c", code, *map(str, args)]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_write_leaves_no_debris_and_the_target_intact(tmp_path, sig) -> None:
    """A real process writing a large draws file is killed once its temporary file holds data."""
    (tmp_path / "table.csv").write_text(TABLE)
    target = tmp_path / "draws.csv"
    target.write_text("the previous draws\n")
    proc = _parley(
        "ensemble", "table.csv", "-m", "compromise", "-n", "1000000", "--workers", "1",
        "-o", "draws.csv", cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in tmp_path.iterdir() if p.name.startswith(".draws.csv.")]
            if partial and partial[0].stat().st_size > 0:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the draws were never being written while the process ran")
        os.kill(proc.pid, sig)
        proc.wait(SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + sig, proc.stderr.read() if proc.stderr else ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draws.csv", "table.csv"]
    assert target.read_text() == "the previous draws\n"
