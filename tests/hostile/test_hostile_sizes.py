"""Huge inputs: what cannot fit in memory is refused up front naming the need and the limit; numbers
near the float maximum never give NaN or Infinity; coalitions of thousands of players neither
recurse past Python's limit nor allocate gigabytes.
"""

from __future__ import annotations

import json
import random

import pytest
from hostile.corpus import invoke, rejected

from parley.coalitions.voting import VotingGame, parse_quota
from parley.coalitions.winning import connected_winning, minimal_winning


def table(tmp_path, n_actors: int, n_issues: int = 1, name: str = "big.csv", cap: str = ""):
    rng = random.Random(1)
    rows = ["actor,issue,position,salience,capability"]
    for a in range(n_actors):
        for i in range(n_issues):
            capability = cap or f"{rng.uniform(1, 100):.1f}"
            rows.append(
                f"a{a},i{i},{rng.uniform(0, 100):.2f},{rng.uniform(10, 100):.1f},{capability}"
            )
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("model", "actors", "issues", "need"),
    [
        ("eum", 1_000, 1, "1,000 actors x 1 issue need ~191 MB for the pair matrices"),
        ("smp", 300, 1, "300 actors x 1 issue need ~243 MB for the challenge tensor"),
        ("exchange", 30, 30, "30 actors x 30 issues need ~64.9 MB for the candidate exchanges"),
    ],
)
def test_a_run_that_cannot_fit_is_refused_up_front(
    tmp_path, monkeypatch, model, actors, issues, need
):
    monkeypatch.setenv("PARLEY_MAX_MEMORY", "50MB")
    path = table(tmp_path, actors, issues)
    result = invoke("forecast", path, "-m", model)
    rejected(result, "", f"{model}: {need}", "the limit is 50 MB", "PARLEY_MAX_MEMORY")


def test_a_model_not_asked_for_is_left_out_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_MAX_MEMORY", "50MB")
    result = invoke("forecast", table(tmp_path, 1_000), "-m", "compromise", "-m", "mean")
    assert result.exit_code == 0, result.output
    result = invoke("forecast", table(tmp_path, 1_000), "-f", "json")
    assert result.exit_code == 0, result.output
    assert "model 'eum' left out: eum: 1,000 actors x 1 issue need ~191 MB" in result.stderr


@pytest.mark.parametrize("cap", ["1.7e+308", "1e-300"])
def test_capabilities_at_the_edge_of_float_forecast_like_ordinary_ones(tmp_path, cap):
    def forecasts(path):
        result = invoke(
            "forecast", path, "-f", "json", "-m", "compromise", "-m", "eum", "-m", "smp"
        )
        assert result.exit_code == 0, result.output

        def refuse(token):
            raise AssertionError(f"{token} in the JSON output")

        data = json.loads(result.stdout, parse_constant=refuse)
        return {m: v["forecast"] for m, v in data["models"].items()}

    edge = forecasts(table(tmp_path, 5, 2, "edge.csv", cap))
    plain = forecasts(table(tmp_path, 5, 2, "plain.csv", "3"))
    for model, issues in plain.items():
        for issue, value in issues.items():
            # smp stops on a tolerance of its own (position_tolerance 1e-3): equal to 1e-6 there
            assert edge[model][issue] == pytest.approx(value, rel=1e-9 if model != "smp" else 1e-6)


def test_thousands_of_players_never_recurse_past_the_limit():
    # a majority of 5,000 equal players needs 2,501 members: a search as deep as that
    n = 5_000
    game = VotingGame(tuple(f"p{k}" for k in range(n)), [1.0] * n, parse_quota("majority"))
    with pytest.raises(Exception, match="more than 3 minimal winning coalitions"):
        minimal_winning(game, limit=3)


def test_connected_coalitions_of_thousands_of_players_in_linear_memory():
    # 10,000 players: the list of every interval of the order would hold 5e7 x 1e4 booleans
    n = 10_000
    game = VotingGame(tuple(f"p{k}" for k in range(n)), [1.0] * n, parse_quota("majority"))
    found = connected_winning(game, list(game.players))
    # by hand: with equal weights the minimal connected winning coalitions are the runs of
    # n/2 + 1 adjacent players, one per left end that leaves room for them
    assert len(found) == n - (n // 2 + 1) + 1
    assert all(len(c) == n // 2 + 1 for c in found[:3])
