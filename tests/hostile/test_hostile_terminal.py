"""Terminal injection: control sequences in a case's text (title, names, units, anchors, scenario
names) and in file names never reach the terminal raw, in any command's output; they are shown
escaped (`\\x1b`), by one function where text leaves for the terminal (parley.report.terminal).
"""

from __future__ import annotations

import json
import re

import pytest
from hostile.corpus import PAYLOADS, invoke, rejected

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
EVERY = "".join(PAYLOADS.values())
SHOWN = ("\\x1b[2J", "\\x1b]0;pwned", "\\x1b]8;;http://example.invalid/", "\\x9b2J")


def hostile_case(folder, name="case.yaml"):
    """A valid case whose every free-text field carries all the payloads."""
    t = json.dumps
    text = f"""\
title: {t("T" + EVERY)}
issues:
  - {{id: x, lower: 0, upper: 10, unit: {t("u" + EVERY)}, name: {t("X" + EVERY)},
     anchors: {{0: {t("low" + EVERY)}, 10: high}}}}
actors:
  - {{id: a, capability: 1, name: {t("A" + EVERY)}}}
  - {{id: b, capability: 2, name: {t("B" + EVERY)}}}
  - {{id: c, capability: 2}}
stances:
  a: {{x: {{position: 1, salience: 50}}}}
  b: {{x: {{position: 9, salience: 60}}}}
  c: {{x: {{position: 5, salience: 60}}}}
salience_scale: 100
scenarios:
  - {{name: {t("s" + EVERY)}, drop_actors: [b]}}
"""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


COMMANDS = {
    "validate": lambda p: ["validate", p],
    "forecast-table": lambda p: ["forecast", p, "-m", "compromise", "-m", "median"],
    "forecast-summary": lambda p: ["forecast", p, "-m", "compromise", "-f", "table"],
    "forecast-csv": lambda p: ["forecast", p, "-m", "mean", "-f", "csv"],
    "forecast-scenario": lambda p: ["forecast", p, "-m", "mean", "-s", "s" + EVERY],
    "compare": lambda p: ["compare", p, "-m", "compromise"],
    "coalitions": lambda p: ["coalitions", p],
    "front": lambda p: ["front", p, "--members", "a,c", "-m", "compromise"],
    "levers": lambda p: ["levers", p, "-a", "a", "-m", "compromise"],
    "ensemble": lambda p: ["ensemble", p, "-n", "10", "-m", "compromise", "--spread",
                           "position=0.1"],
    "ensemble-csv": lambda p: ["ensemble", p, "-n", "10", "-m", "compromise", "--spread",
                               "position=0.1", "-f", "csv"],
    "sensitivity": lambda p: ["sensitivity", p, "-m", "compromise", "--spread", "position=0.1"],
    "diff": lambda p: ["diff", p, p.with_name("other.yaml"), "-m", "compromise"],
}  # fmt: skip


# commands whose terminal output names actors and issues by id only (ids hold no control characters)
IDS_ONLY = {"front", "levers", "sensitivity"}


def clean(output: str) -> None:
    raw = RAW.findall(output)
    assert not raw, f"raw control characters {raw!r} in {output[:300]!r}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_case_text_reaches_the_terminal_escaped(tmp_path, command):
    path = hostile_case(tmp_path)
    other = hostile_case(tmp_path, "other.yaml")
    other.write_text(other.read_text().replace("position: 9", "position: 8"))
    result = invoke(*COMMANDS[command](path))
    assert result.exit_code == 0, result.output
    clean(result.output)
    if command not in IDS_ONLY:
        assert any(shown in result.output for shown in SHOWN), result.output[:500]


def test_saved_runs_list_and_show_escaped(tmp_path):
    path = hostile_case(tmp_path)
    store = tmp_path / "runs.db"
    saved = invoke(
        "forecast", path, "-m", "mean", "--save", "--label", "L" + EVERY, "--store", store
    )
    assert saved.exit_code == 0, saved.output
    clean(saved.output)
    for args in (["runs", "list", "--store", store], ["runs", "show", "1", "--store", store]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        clean(result.output)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_a_file_name_with_an_escape_is_shown_escaped(tmp_path, payload):
    name = PAYLOADS[payload].replace("/", "_")  # a file name holds no '/'
    path = hostile_case(tmp_path, f"case{name}.yaml")
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    clean(result.output)
    lines = rejected(invoke("forecast", tmp_path / f"gone{name}.yaml"), "gone")
    clean("\n".join(lines))


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    lines = rejected(invoke("validate", tmp_path / "x\udc80.yaml"), "x\\udc80.yaml", "no such file")
    clean("\n".join(lines))
