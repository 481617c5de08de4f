"""The sensitivity machinery's generic path against functions with known indices.

Each test goes through `parley.sensitivity.analyse` (design, chunked evaluation, quantile mapping,
ranking), the same path a case's models take.
"""

from __future__ import annotations

import numpy as np
import pytest

from parley.errors import ModelError, ParleyError
from parley.sensitivity import Problem, analyse

A, B = 7.0, 0.1  # the Ishigami function's usual constants (Ishigami & Homma 1990)


def ishigami(x: np.ndarray) -> np.ndarray:
    """f = sin x1 + a sin^2 x2 + b x3^4 sin x1, inputs uniform on [-pi, pi]; one output column."""
    x1, x2, x3 = x.T
    return (np.sin(x1) + A * np.sin(x2) ** 2 + B * x3**4 * np.sin(x1))[:, None]


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices (Sobol & Levitan 1999; Saltelli et al. 2008, 4.8).

    With x_i ~ U(-pi, pi): V1 = (1 + b pi^4 / 5)^2 / 2 (from sin x1 (1 + b x3^4), E[x3^4] = pi^4/5),
    V2 = a^2 / 8 (the variance of a sin^2 x2), V3 = 0, and the only interaction
    V13 = b^2 pi^8 (1/9 - 1/25) / 2 = 8 b^2 pi^8 / 225 (Var x3^4 = pi^8 (1/9 - 1/25), times
    E sin^2 x1 = 1/2); V = V1 + V2 + V13. ST1 = (V1 + V13) / V, ST2 = V2 / V, ST3 = V13 / V.
    """
    pi = np.pi
    v1 = 0.5 * (1 + B * pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = 8 * B**2 * pi**8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_analytic_values_are_the_published_ones():
    # Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, table of the Ishigami indices
    s1, st = ishigami_indices()
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert st == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_sobol_indices_of_ishigami_reproduce_the_analytic_values():
    problem = Problem.uniform(["x1", "x2", "x3"], [-np.pi] * 3, [np.pi] * 3, outputs=["f"])
    result = analyse(problem, ishigami, "sobol", n=2048, seed=3, chunk=5000)
    assert result.evaluations == 2048 * (3 + 2)
    entries = {e["input"]: e for e in result.entries["f"]}
    s1, st = ishigami_indices()
    for k, name in enumerate(["x1", "x2", "x3"]):
        e = entries[name]
        assert e["S1"] == pytest.approx(s1[k], abs=0.015)
        assert e["ST"] == pytest.approx(st[k], abs=0.015)
        # the 95% intervals hold the true values and are not uselessly wide
        assert abs(e["S1"] - s1[k]) <= e["S1_conf"] < 0.1
        assert abs(e["ST"] - st[k]) <= e["ST_conf"] < 0.1
    # ranked by total index: x1 (0.56), x2 (0.44), x3 (0.24)
    assert [e["input"] for e in result.entries["f"]] == ["x1", "x2", "x3"]
    assert not result.frozen


def test_sobol_is_seeded():
    problem = Problem.uniform(["x1", "x2", "x3"], [-np.pi] * 3, [np.pi] * 3, outputs=["f"])
    one = analyse(problem, ishigami, "sobol", n=256, seed=5)
    two = analyse(problem, ishigami, "sobol", n=256, seed=5)
    assert one.entries == two.entries


def test_sobol_uses_the_quantile_functions():
    # f = x1 + x2, x1 ~ U(0, 1) and x2 = 3 u (U(0, 3) through a custom quantile function):
    # additive, so S1 = ST = Var x_i / (Var x1 + Var x2) = 1/10 and 9/10.
    problem = Problem(
        ("x1", "x2"),
        np.array([0.5, 1.5]),
        np.array([0.0, 0.0]),
        np.array([1.0, 3.0]),
        lambda u: u * [1.0, 3.0],
        ("f",),
    )
    result = analyse(problem, lambda x: x.sum(axis=1, keepdims=True), "sobol", n=2048, seed=1)
    got = {e["input"]: e for e in result.entries["f"]}
    assert got["x2"]["S1"] == pytest.approx(0.9, abs=0.02)
    assert got["x1"]["ST"] == pytest.approx(0.1, abs=0.02)


def test_morris_of_a_linear_function_is_exact():
    # f = 3 x1 - 2 x2 + 0 x3 on ranges of width 2, 5 and 1: every elementary effect, measured per
    # full range of the input, is c_i (high_i - low_i): mu_star = 6, 10, 0 and sigma = 0.
    problem = Problem.uniform(["x1", "x2", "x3"], [0, 1, 0], [2, 6, 1], outputs=["f", "g"])

    def f(x):
        return np.column_stack([3 * x[:, 0] - 2 * x[:, 1], np.zeros(len(x))])

    result = analyse(problem, f, "morris", n=10, seed=0)
    assert result.evaluations == 10 * 4
    got = [(e["input"], e["mu_star"], e["sigma"]) for e in result.entries["f"]]
    assert [g[0] for g in got] == ["x2", "x1", "x3"]
    assert [g[1] for g in got] == pytest.approx([10.0, 6.0, 0.0])
    assert [g[2] for g in got] == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)
    assert result.frozen == ("g",)


def test_a_constant_output_is_reported_not_divided_by_zero():
    problem = Problem.uniform(["x1", "x2"], [0, 0], [1, 1], outputs=["moves", "still"])

    def f(x):
        return np.column_stack([x[:, 0], np.full(len(x), 4.0)])

    for method in ("tornado", "sobol"):
        result = analyse(problem, f, method, n=64)
        assert result.frozen == ("still",)
        still = result.entries["still"]
        assert all(np.isfinite(v) for e in still for k, v in e.items() if k != "input")
    sobol = analyse(problem, f, "sobol", n=64)
    assert {e["input"]: e["ST"] for e in sobol.entries["still"]} == {"x1": 0.0, "x2": 0.0}


def test_edges():
    problem = Problem.uniform(["x"], [0], [1], outputs=["f"])
    with pytest.raises(ParleyError, match="power of 2"):
        analyse(problem, lambda x: x, "sobol", n=100)
    with pytest.raises(ParleyError, match="unknown method"):
        analyse(problem, lambda x: x, "fast")
    with pytest.raises(ModelError, match="not finite"), np.errstate(all="ignore"):
        analyse(problem, lambda x: np.log(x - 0.5), "tornado")
    with pytest.raises(ParleyError, match="no uncertain inputs"):
        Problem.uniform([], [], [], outputs=["f"])
