"""A 'stable' front that rests on one model says so (issue #14): gains by hand, per model."""

from __future__ import annotations

import doctest

from parley.coalitions.fronts import FrontResult
from parley.report.coalitions import _stable_cell


def _front(by_model: dict[str, dict[str, float]]) -> FrontResult:
    members = tuple(next(iter(by_model.values())))
    mean = {a: sum(g[a] for g in by_model.values()) / len(by_model) for a in members}
    return FrontResult(members, "+".join(members), mean, by_model, {}, {})


def test_doctests() -> None:
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(FrontResult, globs={"FrontResult": FrontResult}):
        runner.run(test)
    assert runner.tries > 0 and runner.failures == 0


def test_verdicts() -> None:
    # every model: both members gain
    both = _front({"m1": {"a": 0.1, "b": 0.1}, "m2": {"a": 0.02, "b": 0.03}})
    assert both.verdict == "stable: every member gains" and _stable_cell(both) == "yes"
    # means a 0.045, b 0.06: stable on average, but in m2 member a loses
    one = _front({"m1": {"a": 0.1, "b": 0.1}, "m2": {"a": -0.01, "b": 0.02}})
    assert one.verdict == (
        "stable on average, but it rests on one model: only 'm1' has every member gain"
    )
    assert _stable_cell(one) == "yes, m1 only"
    # means a 0.04, b 0.04: each model has a member that loses
    neither = _front({"m1": {"a": 0.1, "b": -0.02}, "m2": {"a": -0.02, "b": 0.1}})
    assert neither.verdict.startswith("stable on average only") and _stable_cell(neither) == (
        "on average only"
    )
    lost = _front({"m1": {"a": 0.1, "b": -0.2}})
    assert lost.verdict.startswith("not stable") and _stable_cell(lost) == "no"
    alone = _front({"m1": {"a": 0.1, "b": 0.1}})  # one model asked for: nothing to rest on
    assert alone.verdict == "stable: every member gains"
