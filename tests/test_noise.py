"""Shifts within the model's noise: the small-perturbation ensemble of parley.ensemble.noise.

The numbers are checked on the compromise model, whose forecast is linear in positions: with one
input drawn uniformly on [low, high] and common random numbers, the member shifts are an affine
function of that one draw, so their 90% half-width has a closed form written out in each test.
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import parley.ensemble.noise
import parley.report.noise_marks
from parley.case import build_case
from parley.cli import app
from parley.compare import compare_scenarios
from parley.ensemble.distributions import ppf
from parley.ensemble.noise import (
    DEFAULT_SPREAD,
    Perturbation,
    check_noise_members,
    halfwidth,
    key_uniforms,
)
from parley.errors import ParleyError
from parley.forecast import model_specs
from parley.levers import find_levers

N = 4000  # members for the closed-form checks: the sample 5%/95% quantiles of a uniform are
# then within about 0.5% of the range of their true values


def _data() -> dict:
    """a, b, c on issue x (0-10) and y (0-10); a's position on x uniform on [1, 3], nothing else
    uncertain. Scenario 'strong-b' triples b's capability; 'y-only' moves c on y only."""
    return {
        "title": "noise",
        "actors": [{"id": k, "capability": 1} for k in "abc"],
        "issues": [{"id": "x", "lower": 0, "upper": 10}, {"id": "y", "lower": 0, "upper": 10}],
        "stances": {
            "a": {
                "x": {
                    "position": {"value": 2, "low": 1, "high": 3, "distribution": "uniform"},
                    "salience": 1,
                },
                "y": {"position": 0, "salience": 1},
            },
            "b": {"x": {"position": 10, "salience": 1}, "y": {"position": 10, "salience": 1}},
            "c": {"x": {"position": 6, "salience": 1}, "y": {"position": 4, "salience": 1}},
        },
        "scenarios": [
            {"name": "strong-b", "set": [{"actor": "b", "capability": 3}]},
            {"name": "y-only", "set": [{"actor": "c", "issue": "y", "position": 8}]},
        ],
    }


@pytest.fixture
def case():
    return build_case(_data())


def test_doctests() -> None:
    assert doctest.testmod(parley.ensemble.noise).failed == 0
    assert doctest.testmod(parley.report.noise_marks).failed == 0


def test_compare_noise_by_the_closed_form(case) -> None:
    cmp = compare_scenarios(case, model_specs(["compromise"]))
    cmp = cmp.with_noise(model_specs(["compromise"]), Perturbation(N, spread={}))
    # base: f_x = (x_a + 10 + 6) / 3; strong-b: f_x = (x_a + 3*10 + 6) / 5. The shift is
    # (1/5 - 1/3) x_a + (36/5 - 16/3): affine in x_a with slope -2/15. x_a ~ U(1, 3), so the
    # shift's 90% interval is 2/15 * (q95 - q05) of U(1, 3) = 2/15 * 1.8 wide: half-width 0.12.
    # At the stated values the shift is (2 + 36)/5 - 18/3 = 1.6: far outside, signal.
    noise = cmp.noise["strong-b"]["compromise"]
    assert noise[0] == pytest.approx(0.12, rel=0.02)
    assert cmp.shift("strong-b", "compromise")[0] == pytest.approx(1.6, abs=1e-12)
    # y: a's x does not enter, every member shifts by the same (b weighs 3 of 5 on y: (0 + 30 +
    # 4)/5 - 14/3 = 2.1333): noise 0, and a shift of 2.13 is signal however small the noise
    assert noise[1] == pytest.approx(0.0, abs=1e-12)
    assert cmp.within_noise("strong-b", "compromise").tolist() == [False, False]
    # y-only moves nothing on x: a zero shift, flagged as within noise (noise 0 too)
    assert cmp.shift("y-only", "compromise")[0] == 0
    assert cmp.within_noise("y-only", "compromise").tolist() == [True, False]


def test_the_default_spread_by_a_direct_computation() -> None:
    """With no stated range, every position, salience and capability is drawn within the
    default 5%; the noise of 'strong-b' is recomputed here from the same key streams."""
    data = _data()
    data["stances"]["a"]["x"]["position"] = 2
    case = build_case(data)
    m = 32
    cmp = compare_scenarios(case, model_specs(["compromise"]), ["strong-b"])
    cmp = cmp.with_noise(model_specs(["compromise"]), Perturbation(m))
    actors, issues = "abc", ("x", "y")
    keys = [f"{a}.capability" for a in actors]
    keys += [f"{a}.{i}.{f}" for a in actors for i in issues for f in ("position", "salience")]
    u = dict(zip(keys, key_uniforms(0, m, keys).T, strict=True))

    def draw(key, value, half, lo=0.0, hi=np.inf):  # triangular around the value, clipped range
        low, high = max(lo, value - half), min(hi, value + half)
        return ppf(
            u[key][:, None], np.array([low]), np.array([value]), np.array([high]), ["triangular"]
        )[:, 0]

    pos = {"a": (2, 0), "b": (10, 10), "c": (6, 4)}

    def forecast_x(b_cap):
        num = den = 0.0
        for a in actors:
            cap = draw(
                f"{a}.capability", b_cap if a == "b" else 1.0, 0.05 * (b_cap if a == "b" else 1.0)
            )
            sal = draw(f"{a}.x.salience", 1.0, 0.05, 0.0, 1.0)
            x = draw(f"{a}.x.position", pos[a][0], 0.5, 0.0, 10.0)
            num, den = num + cap * sal * x, den + cap * sal
        return num / den

    shifts = forecast_x(3.0) - forecast_x(1.0)
    q05, q95 = np.quantile(shifts, [0.05, 0.95])
    assert DEFAULT_SPREAD == {"position": 0.05, "salience": 0.05, "capability": 0.05}
    assert cmp.noise["strong-b"]["compromise"][0] == pytest.approx((q95 - q05) / 2, abs=1e-12)


def test_front_noise_marks_the_compromise_non_shift(runner, tmp_path: Path) -> None:
    """Under the default bloc rules the compromise forecast does not move when a and b merge
    (the bloc's weight is their sum, its position their weighted mean): shift 0 in every
    member, within noise. The median model's shift gets a noise scale of its own."""
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_data()), "utf-8")
    args = [
        "front",
        str(path),
        "--members",
        "a,c",
        "-m",
        "compromise",
        "-m",
        "median",
        "-f",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (front,) = json.loads(result.stdout)["fronts"]
    assert front["noise"]["compromise"]["x"] == {
        "noise": pytest.approx(0, abs=1e-12),
        "within_noise": True,
    }
    assert front["noise"]["median"]["x"]["noise"] >= 0
    table = runner.invoke(app, args[:-2])
    assert table.exit_code == 0 and "~ within noise" in table.stdout


def test_levers_noise_is_the_forecast_spread(case) -> None:
    result = find_levers(
        case, "a", model_specs(["compromise"]), kinds=["persuade"], noise=Perturbation(N, spread={})
    )
    # f_x = (x_a + 16) / 3 with x_a ~ U(1, 3): half-width 1.8/2/3 = 0.3; y is certain: 0
    assert result.noise["compromise"].tolist() == [pytest.approx(0.3, rel=0.02), 0.0]
    rows = {
        r["target"] + "." + r["issue"] + f"{r['amount']}": r
        for r in result.to_json()["models"]["compromise"]
    }
    # persuade b all the way to a's 2 on x: x moves by (2 - 10)/3 = -2.67, far beyond 0.3
    big = rows["b.x1.0"]
    assert big["shifts"]["x"] == pytest.approx(-8 / 3)
    assert big["noise"]["x"] == {"noise": pytest.approx(0.3, rel=0.02), "within_noise": False}
    assert big["noise"]["y"] == {"noise": 0.0, "within_noise": True}  # y does not move: 0


def test_compare_cli_marks_and_json(runner, tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_data()), "utf-8")
    result = runner.invoke(app, ["compare", str(path), "-m", "compromise", "-f", "json"])
    assert result.exit_code == 0, result.output
    noise = json.loads(result.stdout)["noise"]
    assert noise["y-only"]["compromise"]["x"]["within_noise"] is True
    assert noise["strong-b"]["compromise"]["x"]["within_noise"] is False
    table = runner.invoke(app, ["compare", str(path), "-m", "compromise"])
    assert table.exit_code == 0
    assert "(0~)" in table.stdout and "~ within noise" in table.stdout
    assert "(+1.6)" in table.stdout  # the signal stays unmarked
    off = runner.invoke(
        app, ["compare", str(path), "-m", "compromise", "-f", "json", "--noise-members", "0"]
    )
    assert "noise" not in json.loads(off.stdout)


@pytest.mark.parametrize("command", ["compare", "levers", "front"])
def test_noise_members_checked_at_the_edge(runner, command) -> None:
    extra = {"levers": ["--actor", "iai"], "front": ["--members", "iai,aqi"], "compare": []}
    seed = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
    result = runner.invoke(app, [command, str(seed), *extra[command], "--noise-members", "1"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --noise-members must be 0 (off) or at least 2, got 1"
    ]
    with pytest.raises(ParleyError, match="^noise_members must be 0") as info:
        check_noise_members(1)
    assert info.value.parameter == "noise_members"


def test_halfwidth_ignores_issues_without_a_forecast() -> None:
    shifts = np.array([[0.0, np.nan], [1.0, np.nan], [2.0, np.nan]])
    out = halfwidth(shifts)
    # three members 0, 1, 2: q05 = 0.1, q95 = 1.9 (linear interpolation), half-width 0.9
    assert out[0] == pytest.approx(0.9) and np.isnan(out[1])
