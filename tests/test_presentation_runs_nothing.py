"""Analysis once, presentation only lays out: with a model that counts its runs, the report, the
terminal tables and the JSON run nothing, and a united front reuses the forecast's base run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from casebuilders import make_case

from parley.analysis import analyse_case
from parley.compare import BASE
from parley.forecast import forecast_json, model_specs
from parley.models import registry
from parley.models.baselines import static_outcome, weighted_mean
from parley.report.comparison import comparison_table
from parley.report.forecast import forecast_csv, forecast_table

pytest.importorskip("matplotlib")
from parley.report.html import render_report  # noqa: E402

CALLS: list[int] = []


@dataclass(frozen=True)
class Counter:
    """The compromise forecast, counting every run (batch members included)."""

    def run(self, arrays, detail="full"):
        CALLS.append(arrays.shape[0])
        return static_outcome(arrays, weighted_mean(arrays), detail)


@pytest.fixture
def counted(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_TRAITS", dict(registry._TRAITS))
    registry.register("counter")(Counter)
    CALLS.clear()
    return CALLS


CASE = make_case(
    positions={"a": {"x": 10}, "b": {"x": 60}, "c": {"x": 90}},
    salience={"a": {"x": 0.8}, "b": {"x": 0.5}, "c": {"x": 0.6}},
    capability={"a": 3, "b": 2, "c": 1},
    bounds={"x": (0, 100)},
)


def test_the_analysis_runs_each_case_once_and_fronts_share_the_base_run(counted):
    analysis = analyse_case(CASE, model_specs(["counter"]), fronts=[["b", "c"]], members=0)
    # the base case once (shared by the forecast and the front), the merged front once
    assert counted == [1, 1]
    front = analysis.fronts[0]
    assert front["forecast_without"]["counter"]["x"] == pytest.approx(
        (3 * 0.8 * 10 + 2 * 0.5 * 60 + 1 * 0.6 * 90) / (3 * 0.8 + 2 * 0.5 + 1 * 0.6)
    )


def test_the_report_tables_and_json_run_no_model(counted):
    analysis = analyse_case(CASE, model_specs(["counter"]), fronts=[["b", "c"]], members=0)
    ran = len(counted)
    outcomes = analysis.comparison.runs[BASE]
    html = render_report(analysis, source="case.yaml")
    forecast_table(analysis.case, None, outcomes)
    forecast_csv(outcomes, analysis.case)
    forecast_json(analysis.case, None, outcomes)
    comparison_table(analysis.comparison)
    assert "counter" in html
    assert len(counted) == ran
