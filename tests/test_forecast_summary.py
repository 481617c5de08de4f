"""The default terminal forecast: 80 columns, recommended forecast first, range, disagreement flag,
nearest anchor on its own line, each model's status; `combined` only by name."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np

import parley.recommend
from parley.case import build_case
from parley.cli import app
from parley.models import default_model_names, model_names
from parley.models.outcome import Outcome
from parley.report.forecast_summary import status_text

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


def test_doctests() -> None:
    assert doctest.testmod(parley.recommend).failed == 0


def test_combined_is_out_of_the_default_set_but_runs_by_name(runner) -> None:
    assert "combined" in model_names() and "combined" not in default_model_names()
    result = runner.invoke(app, ["forecast", str(SEED), "--format", "json"])
    assert "combined" not in json.loads(result.stdout)["models"]
    result = runner.invoke(app, ["forecast", str(SEED), "-m", "combined", "--format", "json"])
    assert result.exit_code == 0 and "combined" in json.loads(result.stdout)["models"]


def test_seed_forecast_fits_80_columns_and_flags_disagreement(runner) -> None:
    result = runner.invoke(app, ["forecast", str(SEED)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if line.startswith("issue"))
    assert header.split()[:2] == ["issue", "compromise*"] and header.split()[-1] == "range"
    assert "* recommended: compromise" in result.stdout and "docs/backtest.md" in result.stdout
    # the flags follow from the forecasts themselves: spread > a quarter of each issue's scale
    models = json.loads(runner.invoke(app, ["forecast", str(SEED), "-f", "json"]).stdout)["models"]
    case = yaml_case()
    flagged = []
    for issue in case["issues"]:
        values = [m["forecast"][issue["id"]] for m in models.values()]
        if max(values) - min(values) > (issue["upper"] - issue["lower"]) / 4:
            flagged.append(issue["name"])
    assert flagged  # the seed has issues on which the models disagree
    blocks = _blocks(lines)
    assert set(blocks) == {i["name"] for i in case["issues"]}  # every issue found in the table
    for name, block in blocks.items():
        assert any(ln.startswith("  ! models disagree by") for ln in block) == (name in flagged)
        assert any(ln.startswith("  nearest anchor: ") for ln in block)
    assert "runs: " in result.stdout and "smp: converged after" in result.stdout


def yaml_case() -> dict:
    import yaml

    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def _blocks(lines: list[str]) -> dict[str, list[str]]:
    """Each issue's lines, keyed by the issue's name as the table wraps it (joined back)."""
    names = [i["name"] for i in yaml_case()["issues"]]
    out: dict[str, list[str]] = {}
    current = None
    for line in lines:
        for name in names:
            if line.startswith(name.split()[0] + " ") and name.startswith(line[:14].strip()):
                current = name
                out[current] = []
        if current is not None:
            out[current].append(line)
    return out


def test_status_words() -> None:
    def outcome(status: str, rounds: int) -> Outcome:
        return Outcome(
            forecast=np.zeros((1, 1)),
            status=np.array([status]),
            rounds=np.array([rounds]),
            message="",
            actor_ids=("a",),
            issue_ids=("x",),
            mask=np.ones((1, 1), dtype=bool),
        )

    assert status_text(outcome("converged", 7)) == "converged after 7 rounds"
    assert status_text(outcome("round_limit", 100)).startswith("stopped at the round limit (100")
    assert status_text(outcome("no_rounds", 0)) == "one step, no rounds"


def test_recommended_range_and_disagreement_by_hand() -> None:
    case = build_case(
        {
            "actors": [{"id": "a", "capability": 1}],
            "issues": [{"id": "x", "lower": 0, "upper": 8}, {"id": "y", "lower": 0, "upper": 8}],
            "stances": {
                "a": {"x": {"position": 1, "salience": 1}, "y": {"position": 1, "salience": 1}}
            },
        }
    )
    forecasts = {"eum": np.array([[5.0, 3.0]]), "compromise": np.array([[2.0, 2.5]])}
    x, y = parley.recommend.summarise(case, forecasts)
    # x: 2 recommended, range 2-5, spread 3 > 8 / 4 = 2: disagree; y: spread 0.5: agree
    assert (x.recommended, x.low, x.high, x.disagree) == (2.0, 2.0, 5.0, True)
    assert (y.recommended, y.low, y.high, y.disagree) == (2.5, 2.5, 3.0, False)
