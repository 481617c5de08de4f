"""EnsembleResult: every member's forecast with what it says, as attributes and as JSON.

Like SciPy's result objects, the result carries its arrays (forecasts per model, each member's
scenario, statuses, rounds) and its diagnostics (models left out, chunk size, executor); the
summaries (`to_json`) are computed from them, never stored beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley import __version__
from parley.case.schema import Case
from parley.ensemble.stats import Threshold, issue_json
from parley.models.status import STATUSES

BASE = "base"


@dataclass
class EnsembleResult:
    """An ensemble's members and what they say.

    forecasts:  model -> (N, I) forecast of each member, in issue units.
    status:     model -> (N,) how each member's run ended (`parley.models.status`).
    rounds:     model -> (N,) rounds each member played.
    scenario:   (N,) index into `scenarios` of each member's scenario.
    scenarios:  (name, probability) of each scenario members may live in ("base": the base case).
    thresholds: the events whose probability is reported.
    left_out:   models left out, with the reason.
    calibrated: model -> (N, I) members of its calibrated distribution (with model error,
                `parley.ensemble.model_error`); empty when the model-error term is off.
    model_error: its label, source, method and the models left without it ({}: off).
    settings:   how it ran: spread, correlate, scenario mix, device, executor, chunk size.
    """

    case: Case
    members: int
    seed: int
    issue_ids: tuple[str, ...]
    forecasts: dict[str, np.ndarray]
    status: dict[str, np.ndarray]
    rounds: dict[str, np.ndarray]
    scenario: np.ndarray
    scenarios: tuple[tuple[str, float], ...]
    thresholds: tuple[Threshold, ...] = ()
    left_out: dict[str, str] = field(default_factory=dict)
    calibrated: dict[str, np.ndarray] = field(default_factory=dict)
    model_error: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def models(self) -> list[str]:
        return list(self.forecasts)

    def column(self, model: str, issue: str) -> np.ndarray:
        """(N,) forecasts of `model` on `issue`."""
        return self.forecasts[model][:, self.issue_ids.index(issue)]

    def to_json(self) -> dict[str, Any]:
        """`{"case", "members", "seed", "models": {M: {"issues": {I: {"median", "mean", "q05",
        "q25", "q75", "q95", "se_median", "bands", "thresholds"}}, "status": {...},
        "calibrated": {"issues": {I: {...}}}}}, "scenarios": {S: {"probability", "members",
        "share", "median": {M: {I: v}}}}, "across_models": {I: {"lowest_median",
        "highest_median", "range"}}, "settings", "model_error", "run"}`; values in issue units;
        `calibrated` (the same statistics, with model error) and `model_error` (label, source,
        method, models left without it) only when the model-error term is on."""
        issues = {i.id: i for i in self.case.issues}
        thresholds = list(self.thresholds)

        def by_issue(values: np.ndarray) -> dict[str, Any]:
            return {
                i: issue_json(values[:, k], issues[i], thresholds)
                for k, i in enumerate(self.issue_ids)
            }

        models: dict[str, dict[str, Any]] = {}
        for m, values in self.forecasts.items():
            models[m] = {"issues": by_issue(values), "status": _counts(self.status[m])}
            if m in self.calibrated:
                models[m]["calibrated"] = {"issues": by_issue(self.calibrated[m])}
        obj: dict[str, Any] = {
            "case": self.case.title,
            "members": self.members,
            "seed": self.seed,
            "models": models,
            "scenarios": self.scenario_split(),
            "across_models": self.across_models(models),
            "settings": self.settings,
        }
        if self.left_out:
            obj["left_out"] = self.left_out
        if self.model_error:
            obj["model_error"] = self.model_error
        obj["run"] = {"parley_version": __version__, "case_sha256": self.case.fingerprint()}
        return obj

    def scenario_split(self) -> dict[str, Any]:
        """Per scenario: its probability, how many members drew it and their medians."""
        out = {}
        for k, (name, probability) in enumerate(self.scenarios):
            rows = self.scenario == k
            count = int(rows.sum())
            medians = {
                m: {
                    i: (float(np.median(v[rows, j])) if count else None)
                    for j, i in enumerate(self.issue_ids)
                }
                for m, v in self.forecasts.items()
            }
            out[name] = {
                "probability": probability,
                "members": count,
                "share": count / self.members,
                "median": medians,
            }
        return out

    def across_models(self, models: dict[str, Any] | None = None) -> dict[str, Any]:
        """Per issue, the lowest and highest of the models' ensemble medians and their range."""
        out = {}
        for k, i in enumerate(self.issue_ids):
            medians = [float(np.median(v[:, k])) for v in self.forecasts.values()]
            if medians:
                lo, hi = min(medians), max(medians)
                out[i] = {"lowest_median": lo, "highest_median": hi, "range": hi - lo}
        return out


def _counts(codes: np.ndarray) -> dict[str, int]:
    counted = np.bincount(np.asarray(codes, dtype=np.intp), minlength=len(STATUSES))
    return {STATUSES[k]: int(n) for k, n in enumerate(counted) if n}


def scenario_names(weights: Sequence[tuple[str | None, float]]) -> tuple[tuple[str, float], ...]:
    """(name, probability) with the base case named "base"."""
    return tuple((BASE if name is None else name, p) for name, p in weights)
