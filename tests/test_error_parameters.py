"""Library errors name the library's parameters; each command shows the flag that sets them."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.coalitions import parse_quota, power_indices
from parley.coalitions.voting import CoalitionError, VotingGame
from parley.errors import FrontError
from parley.forecast import model_specs
from parley.io import read_case

SEED = "cases/iraq-2006/case.yaml"


def test_library_errors_name_parameters_not_flags():
    game = VotingGame(("a", "b"), np.array([1, 1]), parse_quota("weight:2"))
    with pytest.raises(CoalitionError) as caught:
        power_indices(game, samples=0)
    assert str(caught.value) == "samples must be at least 1, got 0"
    assert caught.value.parameter == "samples"
    from parley.coalitions.fronts import search_fronts

    with pytest.raises(FrontError, match="^max_size must be at least 2$"):
        search_fronts(read_case(SEED), "us", model_specs(["compromise"]), max_size=1)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["front", SEED, "--search", "--among", "us", "--max-size", "1"], "--max-size must"),
        (["forecast", SEED, "-p", "alpha"], "--param expects NAME=VALUE, got 'alpha'"),
    ],
)
def test_the_cli_shows_its_flag(args, line):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and line in result.output


def test_report_maps_max_size_to_its_own_flag(tmp_path):
    pytest.importorskip("matplotlib")
    args = ["report", SEED, "--front-search", "us", "--front-max-size", "1", "-o"]
    result = CliRunner().invoke(app, [*args, str(tmp_path / "r.html"), "--members", "0"])
    assert result.exit_code == 2
    assert "error: --front-max-size must be at least 2" in result.output


@pytest.mark.parametrize("command", ["coalitions", "compare", "levers", "sensitivity"])
def test_one_format_type_and_commands_without_csv_refuse_it(command):
    result = CliRunner().invoke(app, [command, SEED, "-f", "csv"])
    assert result.exit_code == 2 and "writes table or json" in result.output
