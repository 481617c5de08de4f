"""Long single runs show their rounds: the models with rounds (eum, smp, exchange) report each
round once, in order, to whoever listens (parley.models.progress); the CLI draws it on stderr
only when stderr is a terminal and the run has lasted a while."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

import parley.cli.progress as cli_progress
from parley.cli import app
from parley.cli.common import err
from parley.models import get_model
from parley.models.examples import three_actor_arrays
from parley.models.progress import reporting_rounds

CASE = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


@pytest.mark.parametrize(
    ("name", "bound"), [("eum", "rounds"), ("exchange", "rounds"), ("smp", "max_turns")]
)
def test_each_round_is_reported_once_in_order(name, bound):
    model = get_model(name)
    seen: list[tuple[str, int, int]] = []
    with reporting_rounds(lambda *told: seen.append(told)):
        out = model.run(three_actor_arrays(), detail="forecast")
    played = int(out.rounds[0])
    limit = getattr(model, bound)
    assert played >= 1
    assert seen == [(name, t, limit) for t in range(1, played + 1)]


def test_nobody_listening_costs_nothing_and_sees_nothing():
    out = get_model("eum").run(three_actor_arrays(), detail="forecast")
    with reporting_rounds(lambda *told: None):
        again = get_model("eum").run(three_actor_arrays(), detail="forecast")
    assert out.forecast.tolist() == again.forecast.tolist()


def test_the_cli_draws_rounds_only_on_a_terminal(monkeypatch):
    def drawn(terminal: bool, after: float) -> str:
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=terminal, width=80)
        monkeypatch.setattr(cli_progress, "err", console)
        monkeypatch.setattr(cli_progress, "ROUNDS_AFTER_SECONDS", after)
        with cli_progress.round_progress():
            get_model("eum").run(three_actor_arrays(), detail="forecast")
        return screen.getvalue()

    assert "eum: rounds" in drawn(terminal=True, after=0.0)
    assert drawn(terminal=True, after=60.0) == ""  # a short run stays quiet
    assert drawn(terminal=False, after=0.0) == ""  # a pipe or a log: nothing


def test_forecast_prints_the_same_with_the_bar(runner, monkeypatch):
    args = ["forecast", str(CASE), "-m", "eum", "-f", "json"]
    plain = runner.invoke(app, args)
    monkeypatch.setattr(cli_progress, "ROUNDS_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(err, "_force_terminal", True)
    shown = runner.invoke(app, args)
    assert plain.exit_code == shown.exit_code == 0, shown.output
    assert shown.stdout == plain.stdout
