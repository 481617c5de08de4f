"""`RunDiff`: the whole answer of `parley diff` / `parley runs diff`, from two saved runs or from
two case files run with the same models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parley.case import Case
from parley.diff.forecasts import ForecastChange, diff_results
from parley.diff.inputs import InputChange, diff_cases, diff_settings


@dataclass(frozen=True)
class RunDiff:
    """What changed from `old` to `new`: inputs, then every forecast (issue units in `units`)."""

    old: str
    new: str
    inputs: list[InputChange]
    forecasts: list[ForecastChange]
    units: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Each issue's (lower, upper): how many decimals its values and shifts deserve."""

    @property
    def changed_forecasts(self) -> list[ForecastChange]:
        return [f for f in self.forecasts if f.shift != 0]

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "inputs": [c.to_json() for c in self.inputs],
            "forecasts": [
                {**f.to_json(), "unit": self.units.get(f.issue, "")} for f in self.forecasts
            ],
        }


def _issue_info(*cases: Case) -> dict[str, dict[str, Any]]:
    return {
        "units": {i.id: i.unit for c in cases for i in c.issues},
        "labels": {i.id: i.label for c in cases for i in c.issues},
        "scales": {i.id: (i.lower, i.upper) for c in cases for i in c.issues},
    }


def diff_runs(old: Any, new: Any) -> RunDiff:
    """Diff two `StoredRun`s: their cases, settings and results."""
    old_case, new_case = Case.model_validate(old.case), Case.model_validate(new.case)
    return RunDiff(
        old=f"run {old.id}" + (f" ({old.label})" if old.label else ""),
        new=f"run {new.id}" + (f" ({new.label})" if new.label else ""),
        inputs=diff_settings(old.to_json(), new.to_json()) + diff_cases(old_case, new_case),
        forecasts=diff_results(old.result, new.result),
        **_issue_info(old_case, new_case),
    )


def diff_case_forecasts(
    old_name: str,
    old_case: Case,
    old_result: dict[str, Any],
    new_name: str,
    new_case: Case,
    new_result: dict[str, Any],
    settings: Sequence[InputChange] = (),
) -> RunDiff:
    """Diff two cases and the forecasts the same models made of them."""
    return RunDiff(
        old=old_name,
        new=new_name,
        inputs=list(settings) + diff_cases(old_case, new_case),
        forecasts=diff_results(old_result, new_result),
        **_issue_info(old_case, new_case),
    )
