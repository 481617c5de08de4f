"""`parley sensitivity` on cases: the compromise model's tornado in closed form, a frozen median,
the JSON shape and the command's errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from parley.case import build_case
from parley.cli import app
from parley.forecast import model_specs
from parley.sensitivity.case import sensitivity

CASE = {
    "title": "closed form",
    "salience_scale": 100,
    "actors": [
        {"id": "a", "capability": 2},
        {"id": "b", "capability": 1},
        {"id": "c", "capability": {"value": 3, "low": 1, "high": 6}},
    ],
    "issues": [{"id": "x", "lower": 0, "upper": 10}, {"id": "y", "lower": 0, "upper": 100}],
    "stances": {
        "a": {
            "x": {"position": {"value": 2, "low": 1, "high": 5}, "salience": 50},
            "y": {"position": 20, "salience": 100},
        },
        "b": {
            "x": {"position": 6, "salience": {"value": 40, "low": 10, "high": 80}},
            "y": {"position": 70, "salience": 50, "capability": {"value": 4, "low": 2, "high": 5}},
        },
        "c": {"x": {"position": 9, "salience": 20}, "y": {"position": 90, "salience": 30}},
    },
}


def _compromise_tornado() -> dict[str, dict[str, tuple[float, float]]]:
    """The compromise model's tornado written out by hand.

    The forecast on an issue is F = N / W with N = sum_a c_a s_a x_a and W = sum_a c_a s_a
    (capability x salience weighted mean; the salience scale cancels). Changing one actor's value
    changes one term of each sum:

    - position x_a -> x':  F = (N + w_a (x' - x_a)) / W            (linear in x')
    - salience s_a -> s':  F = (N + c_a (s' - s_a) x_a) / (W + c_a (s' - s_a))
    - capability c_a -> c': the same with the roles of c and s exchanged, on every issue the
                           capability applies to (c's actor-level capability: x and y; b's
                           stance-level capability: y only).

    An input of another issue leaves the forecast unchanged (swing 0).
    """
    c = {"a": 2.0, "b": 1.0, "c": 3.0}
    s = {"x": {"a": 50.0, "b": 40.0, "c": 20.0}, "y": {"a": 100.0, "b": 50.0, "c": 30.0}}
    x = {"x": {"a": 2.0, "b": 6.0, "c": 9.0}, "y": {"a": 20.0, "b": 70.0, "c": 90.0}}
    cap = {"x": dict(c), "y": {**c, "b": 4.0}}  # b's capability on y is its stance's

    def sums(issue):
        n = sum(cap[issue][a] * s[issue][a] * x[issue][a] for a in c)
        w = sum(cap[issue][a] * s[issue][a] for a in c)
        return n, w

    out = {}
    for issue in ("x", "y"):
        n, w = sums(issue)
        base = n / w

        def position(a, v, issue=issue, n=n, w=w):
            return (n + cap[issue][a] * s[issue][a] * (v - x[issue][a])) / w

        def weight(a, d, issue=issue, n=n, w=w):  # d: change of c_a s_a
            return (n + d * x[issue][a]) / (w + d)

        rows = {
            "a.x.position": (position("a", 1.0), position("a", 5.0))
            if issue == "x"
            else (base, base),
            "b.x.salience": (
                weight("b", cap["x"]["b"] * (10 - 40)),
                weight("b", cap["x"]["b"] * (80 - 40)),
            )
            if issue == "x"
            else (base, base),
            "c.capability": (
                weight("c", (1 - 3) * s[issue]["c"]),
                weight("c", (6 - 3) * s[issue]["c"]),
            ),
            "b.y.capability": (
                weight("b", (2 - 4) * s["y"]["b"]),
                weight("b", (5 - 4) * s["y"]["b"]),
            )
            if issue == "y"
            else (base, base),
        }
        out[issue] = rows
    return out


def test_compromise_tornado_equals_its_closed_form():
    result = sensitivity(build_case(CASE), model_specs(["compromise"]))
    expected = _compromise_tornado()
    issues = result.to_json()["models"]["compromise"]["issues"]
    for issue, entries in issues.items():
        assert {e["input"] for e in entries} == set(expected[issue])
        for e in entries:
            lo, hi = expected[issue][e["input"]]
            assert e["low"] == pytest.approx(lo, rel=1e-12)
            assert e["high"] == pytest.approx(hi, rel=1e-12)
            assert e["swing"] == pytest.approx(abs(hi - lo), rel=1e-12, abs=1e-12)
        swings = [e["swing"] for e in entries]
        assert swings == sorted(swings, reverse=True)  # largest first
    # by hand on x: N = 2*50*2 + 1*40*6 + 3*20*9 = 200 + 240 + 540 = 980, W = 100 + 40 + 60 = 200;
    # a's position 1..5 gives (980 - 100) / 200 = 4.4 and (980 + 300) / 200 = 6.4: swing 2
    top = issues["x"][0]
    assert (top["input"], top["low"], top["high"]) == ("a.x.position", 4.4, 6.4)
    assert result.points["compromise"]["x"] == pytest.approx(980 / 200)  # every input at its value
    assert not result.warnings()


MEDIAN_LOCKED = {
    "actors": [{"id": "big", "capability": 10}, {"id": "p", "capability": 1},
               {"id": "q", "capability": 1}],
    "issues": [{"id": "x", "lower": 0, "upper": 10}],
    "stances": {
        "big": {"x": {"position": 5, "salience": 1}},
        "p": {"x": {"position": {"value": 2, "low": 0, "high": 4}, "salience": 1}},
        "q": {"x": {"position": {"value": 8, "low": 6, "high": 10}, "salience": 1}},
    },
}  # fmt: skip


def test_a_median_locked_on_one_actor_warns():
    # big holds 10 of 12 weight units: the weighted median is its position 5 whatever p and q say
    result = sensitivity(build_case(MEDIAN_LOCKED), model_specs(["median", "compromise"]))
    assert result.frozen == {"median": ("x",), "compromise": ()}
    assert [e["swing"] for e in result.models["median"]["x"]] == [0.0, 0.0]
    assert result.warnings() == [
        "model 'median', issue 'x': the forecast does not move over the inputs' ranges "
        "(e.g. a weighted median locked on one actor whose own inputs are fixed)"
    ]


@pytest.fixture
def runner():
    return CliRunner()


def _write(tmp_path, data, name="case.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_cli_json_shape_and_warning(runner, tmp_path):
    path = _write(tmp_path, MEDIAN_LOCKED)
    res = runner.invoke(
        app, ["sensitivity", path, "-m", "median", "-m", "compromise", "-f", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"method", "models"} and data["method"] == "tornado"
    entries = data["models"]["compromise"]["issues"]["x"]
    assert [set(e) for e in entries] == [{"input", "low", "high", "swing"}] * 2
    # weights 10, 1, 1, total 12: moving p or q by 4 moves the mean by 4/12
    assert [e["swing"] for e in entries] == pytest.approx([4 / 12, 4 / 12])
    assert "weighted median locked" in res.stderr


def test_cli_table(runner, tmp_path):
    res = runner.invoke(app, ["sensitivity", _write(tmp_path, CASE), "-m", "compromise"])
    assert res.exit_code == 0, res.output
    assert "compromise, issue x: tornado" in res.stdout
    assert "a.x.position" in res.stdout


def test_spread_gives_ranges_to_a_case_without_any(runner, tmp_path):
    plain = {
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 3}],
        "issues": [{"id": "x", "lower": 0, "upper": 10}],
        "stances": {"a": {"x": {"position": 2, "salience": 1}},
                    "b": {"x": {"position": 8, "salience": 1}}},
    }  # fmt: skip
    path = _write(tmp_path, plain)
    res = runner.invoke(app, ["sensitivity", path, "-m", "compromise"])
    assert res.exit_code == 2
    assert "no uncertain inputs" in res.stderr and "--spread" in res.stderr
    res = runner.invoke(
        app, ["sensitivity", path, "-m", "compromise", "--spread", "position=0.1", "-f", "json"]
    )
    assert res.exit_code == 0, res.output
    entries = json.loads(res.stdout)["models"]["compromise"]["issues"]["x"]
    # +/- 1 on the 0-10 scale; weights 1 and 3 of 4: swings 2 * 3/4 (b) and 2 * 1/4 (a)
    assert [(e["input"], e["swing"]) for e in entries] == [
        ("b.x.position", pytest.approx(1.5)),
        ("a.x.position", pytest.approx(0.5)),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "sobol", "-n", "100"], "power of 2"),
        (["--spread", "position"], "KIND=FRACTION"),
        (["--spread", "height=0.1"], "unknown kind"),
        (["--spread", "position=-1"], "fraction > 0"),
        (["-n", "0"], "positive"),
        (["-m", "nosuch"], "unknown model"),
    ],
)
def test_cli_errors_are_one_line(runner, tmp_path, args, message):
    res = runner.invoke(app, ["sensitivity", _write(tmp_path, CASE), *args])
    assert res.exit_code == 2, res.output
    assert message in res.stderr
    assert "Traceback" not in res.output
    assert np.all([line.startswith("error:") for line in res.stderr.strip().splitlines()])


LINEAR = {
    "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 2},
               {"id": "c", "capability": 1}],
    "issues": [{"id": "x", "lower": 0, "upper": 10}],
    "stances": {
        "a": {"x": {"position": {"value": 2, "low": 0, "high": 4, "distribution": "uniform"},
                    "salience": 1}},
        "b": {"x": {"position": {"value": 6, "low": 4, "high": 10}, "salience": 1}},
        "c": {"x": {"position": 5, "salience": 1}},
    },
}  # fmt: skip


def test_sobol_of_the_compromise_model_on_a_case():
    # F = (1 x_a + 2 x_b + 1 * 5) / 4 is additive in the positions, so S1 = ST = each term's
    # variance over the total: Var x_a = 4^2 / 12 (uniform on 0..4) and, for b's triangular
    # (low 4, mode 6, high 10), Var x_b = (4^2 + 10^2 + 6^2 - 4*10 - 4*6 - 10*6) / 18 = 28 / 18.
    # Terms: (1/4)^2 * 16/12 = 1/12 and (2/4)^2 * 28/18 = 7/18; shares 0.176 and 0.824.
    va, vb = 1 / 12, 7 / 18
    result = sensitivity(build_case(LINEAR), model_specs(["compromise"]), "sobol", 1024, seed=2)
    got = {e["input"]: e for e in result.models["compromise"]["x"]}
    assert [e["input"] for e in result.models["compromise"]["x"]] == [
        "b.x.position",
        "a.x.position",
    ]
    for key, share in (("a.x.position", va / (va + vb)), ("b.x.position", vb / (va + vb))):
        assert got[key]["S1"] == pytest.approx(share, abs=0.03)
        assert got[key]["ST"] == pytest.approx(share, abs=0.03)
    assert result.evaluations == {"compromise": 1024 * (2 + 2)}


def test_morris_on_a_case():
    # a's position is uniform on 0..4 and enters F with weight 1/4: every elementary effect, per
    # full range of its quantile scale, is (4 - 0) / 4 = 1, so mu_star = 1 and sigma = 0. b's is
    # triangular: its quantile function is not linear, so its effects vary (sigma > 0).
    result = sensitivity(build_case(LINEAR), model_specs(["compromise"]), "morris", 8, seed=1)
    got = {e["input"]: e for e in result.models["compromise"]["x"]}
    assert set(got["a.x.position"]) == {"input", "mu_star", "sigma"}
    assert got["a.x.position"]["mu_star"] == pytest.approx(1.0)
    assert got["a.x.position"]["sigma"] == pytest.approx(0.0, abs=1e-12)
    assert got["b.x.position"]["sigma"] > 0
