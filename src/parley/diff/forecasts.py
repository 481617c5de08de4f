"""Forecast changes between two results: every (scenario, model, issue) forecast old and new,
with the shift in the issue's units.

A result is the JSON a command prints: `forecast` gives `{"models": {m: {"forecast": {...}}}}`,
`compare` gives `{"scenarios": {"base": <forecast JSON>, name: ...}}`, `ensemble` gives each
model's per-issue summaries (its median is compared); all are read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Forecasts = dict[tuple[str | None, str], dict[str, float | None]]
"""{(scenario, model): {issue: value}}"""


@dataclass(frozen=True)
class ForecastChange:
    """One model's forecast of one issue in both results (None where a result lacks it)."""

    scenario: str | None
    model: str
    issue: str
    old: float | None
    new: float | None

    @property
    def shift(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "model": self.model,
            "issue": self.issue,
            "old": self.old,
            "new": self.new,
            "shift": self.shift,
        }


def forecasts_in(result: Mapping[str, Any]) -> Forecasts:
    """The forecasts a command's JSON holds, keyed by (scenario, model); {} when it holds none."""
    found: Forecasts = {}
    if isinstance(result.get("scenarios"), Mapping):  # compare
        for name, sub in result["scenarios"].items():
            for (_, model), values in forecasts_in(sub).items():
                found[(name, model)] = values
        return found
    for model, obj in (result.get("models") or {}).items():
        if isinstance(obj, Mapping) and isinstance(obj.get("forecast"), Mapping):
            found[(result.get("scenario"), model)] = dict(obj["forecast"])
        elif isinstance(obj, Mapping) and isinstance(obj.get("issues"), Mapping):  # ensemble
            medians = {
                i: s.get("median") for i, s in obj["issues"].items() if isinstance(s, Mapping)
            }
            found[(result.get("scenario"), model)] = medians
    return found


def diff_results(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ForecastChange]:
    """Every forecast of either result, old beside new, in the order they appear."""
    a, b = forecasts_in(old), forecasts_in(new)
    if _one_scenario(a) != _one_scenario(b) and _one_scenario(a) and _one_scenario(b):
        # two forecasts under different scenarios (or a scenario and the base case): set the
        # same models side by side; the scenario change is among the input changes
        a = {(None, model): v for (_, model), v in a.items()}
        b = {(None, model): v for (_, model), v in b.items()}
    changes = []
    for key in list(a) + [k for k in b if k not in a]:
        before, after = a.get(key, {}), b.get(key, {})
        for issue in list(before) + [i for i in after if i not in before]:
            changes.append(
                ForecastChange(key[0], key[1], issue, before.get(issue), after.get(issue))
            )
    return changes


def _one_scenario(found: Forecasts) -> tuple[str | None] | None:
    """(scenario,) when every forecast in `found` is under one scenario, else None."""
    names = {scenario for scenario, _ in found}
    return (names.pop(),) if len(names) == 1 else None
