"""Library errors name library parameters; the command line shows its flags, the web its fields.

Each case raises the error twice: from the library (the message starts with, or suggests, the
parameter: what a Python user and the web form call it) and from the CLI (the same line with the
flag). No library message under src/parley outside cli/ and web/ names a flag.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from casebuilders import make_case
from conftest import ROOT

import parley
from parley.cli import app
from parley.cli.common import flag_lines
from parley.coalitions.voting import game_from_case
from parley.ensemble import Threshold, check_spread
from parley.ensemble.executors import executor_for
from parley.errors import ParleyError
from parley.io import read_case
from parley.levers import parse_goals
from parley.whatif import apply_changes, parse_changes

SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"


def _library(call) -> ParleyError:
    with pytest.raises(ParleyError) as info:
        call()
    return info.value


def _cli(runner, *args: str) -> list[str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    return result.stderr.splitlines()


@pytest.mark.parametrize(
    ("call", "parameter", "library", "cli"),
    [
        (
            lambda: executor_for(0, None),
            "workers",
            "workers must be >= 1, got 0",
            "--workers must be >= 1, got 0",
        ),
        (
            lambda: Threshold.parse("withdrawal=2"),
            "thresholds",
            "thresholds expects ISSUE<=VALUE",
            "--threshold expects ISSUE<=VALUE",
        ),
        (
            lambda: check_spread({"weight": 0.1}),
            "spread",
            "spread: unknown kind 'weight'",
            "--spread: unknown kind 'weight'",
        ),
        (
            lambda: check_spread({"capability": 1.5}),
            "spread",
            "spread capability: expected a fraction below 1",
            "--spread capability: expected a fraction below 1",
        ),
        (
            lambda: parse_changes(["garbage"]),
            "set",
            "set expects ACTOR.ISSUE.FIELD=VALUE",
            "--set expects ACTOR.ISSUE.FIELD=VALUE",
        ),
        (
            lambda: apply_changes(read_case(SEED), parse_changes(["nobody.capability=1"])),
            "set",
            "set: unknown actor 'nobody'",
            "--set: unknown actor 'nobody'",
        ),
        (
            lambda: parse_goals(["withdrawal"]),
            "goal",
            "goal expects ISSUE=VALUE",
            "--goal expects ISSUE=VALUE",
        ),
    ],
    ids=["workers", "threshold", "spread-kind", "spread-capability", "set", "set-actor", "goal"],
)
def test_library_names_the_parameter_and_the_cli_the_flag(call, parameter, library, cli) -> None:
    err = _library(call)
    assert err.parameter == parameter
    assert str(err).startswith(library)
    assert flag_lines(err)[0].startswith(cli)


def test_every_line_of_a_set_error_names_the_flag_on_the_command_line(runner) -> None:
    args = ["--set", "iai.withdrawal.salience=500", "--set", "iai.withdrawal.position=50"]
    err = _library(lambda: apply_changes(read_case(SEED), parse_changes(args[1::2])))
    assert str(err).splitlines() == [
        "set: iai.withdrawal.position=50: position: 50 is outside [0, 10]",
        "set: iai.withdrawal.salience=500: salience: 500 is outside [0, 100]",
    ]
    lines = _cli(runner, "forecast", str(SEED), "-m", "compromise", *args)
    assert lines == [
        f"error: {SEED}: --set: iai.withdrawal.position=50: position: 50 is outside [0, 10]",
        f"error: {SEED}: --set: iai.withdrawal.salience=500: salience: 500 is outside [0, 100]",
    ]


def test_threshold_on_an_unknown_issue(runner) -> None:
    err = _library(lambda: parley.ensemble(SEED, 5, ["compromise"], thresholds=["withdrawl<=2"]))
    assert err.parameter == "thresholds"
    assert str(err).startswith("thresholds withdrawl<=2: unknown issue (issues: withdrawal,")
    (line,) = _cli(
        runner, "ensemble", str(SEED), "-n", "5", "-m", "compromise", "-t", "withdrawl<=2"
    )
    assert line.startswith("error: --threshold withdrawl<=2: unknown issue (issues: withdrawal,")


def test_correlate_names_the_flag_on_the_command_line(runner) -> None:
    err = _library(lambda: parley.ensemble(SEED, 5, ["compromise"], correlate={"nope": 0.5}))
    assert str(err).startswith("correlate: no actor has tag 'nope'")
    (line,) = _cli(runner, "ensemble", str(SEED), "-n", "5", "--correlate", "nope=0.5")
    assert line.startswith("error: --correlate: no actor has tag 'nope'")


def test_a_file_error_about_a_parameter_keeps_its_file_first(runner) -> None:
    err = _library(lambda: read_case(SEED, header_row=2))
    assert str(err).startswith(f"{SEED}: header_row applies to a stakeholder table")
    (line,) = _cli(runner, "forecast", str(SEED), "--header-row", "2")
    assert line.startswith(f"error: {SEED}: --header-row applies to a stakeholder table")


def test_the_no_salience_hint_is_a_setting_in_the_library_and_a_flag_on_the_command_line(
    runner, tmp_path: Path
) -> None:
    # every salience on x is 0 (each actor cares about y only): weighed by capability x salience,
    # every player weighs 0 on x and a share-of-weight quota means nothing
    case = make_case(
        positions={"a": {"x": 0, "y": 0}, "b": {"x": 10, "y": 10}},
        salience={"a": {"x": 0, "y": 1}, "b": {"x": 0, "y": 1}},
        capability={"a": 1, "b": 2},
        bounds={"x": (0, 10), "y": (0, 10)},
    )
    err = _library(lambda: game_from_case(case, "x", "2/3"))
    assert "(every salience there is 0: try salience=False)" in str(err)
    assert err.settings == (("salience", False),)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case.model_dump(mode="json", exclude_none=True)), "utf-8")
    (line,) = _cli(runner, "coalitions", str(path), "--issue", "x", "--quota", "2/3")
    assert "(every salience there is 0: try --no-salience)" in line
    result = runner.invoke(
        app,
        [
            "coalitions",
            str(path),
            "--issue",
            "x",
            "--quota",
            "2/3",
            "--no-salience",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output  # the hint's flag does what it says


def test_no_library_message_names_a_flag() -> None:
    """String constants that build messages (raise ... / f-strings) outside cli/ and web/ hold no
    `--flag` at a word start; docstrings and presentation captions for the terminal are exempt."""
    offenders = []
    src = ROOT / "src" / "parley"
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).parts
        if rel[0] in ("cli", "web", "report"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                texts = [
                    c.value
                    for c in ast.walk(node.exc)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                ]
                if any(w.startswith("--") and len(w) > 2 for t in texts for w in t.split()):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
