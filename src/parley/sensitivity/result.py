"""SensitivityResult: what `parley sensitivity` computed, for the terminal, the JSON and the report.

Like SciPy's result objects it carries its diagnostics: which forecasts could not move over the
inputs' ranges (`frozen`) and how many model evaluations each model took.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SensitivityResult:
    """Per model and issue, the inputs ranked by importance (largest first).

    >>> r = SensitivityResult("tornado", {"m": {"i": [{"input": "a.i.position", "low": 1.0,
    ...     "high": 3.0, "swing": 2.0}]}}, frozen={"m": ("j",)})
    >>> r.to_json()["models"]["m"]["issues"]["i"][0]["swing"]
    2.0
    >>> r.warnings()
    ["model 'm', issue 'j': the forecast does not move over the inputs' ranges (e.g. a weighted median locked on one actor whose own inputs are fixed)"]
    """

    method: str
    models: dict[str, dict[str, list[dict]]]  # model -> issue -> ranked entries
    frozen: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model -> issues
    evaluations: dict[str, int] = field(default_factory=dict)
    n: int | None = None  # Sobol base samples or Morris trajectories
    seed: int = 0
    points: dict[str, dict[str, float]] = field(default_factory=dict)  # tornado: model -> issue ->
    # the forecast with every input at its value (the centre of the tornado)

    def to_json(self) -> dict:
        """`{"method", "models": {M: {"issues": {I: [entry, ...]}}}}`, values in issue units."""
        return {
            "method": self.method,
            "models": {m: {"issues": issues} for m, issues in self.models.items()},
        }

    def warnings(self) -> list[str]:
        """One line per forecast that does not move at all."""
        return [
            f"model {model!r}, issue {issue!r}: the forecast does not move over the inputs' "
            "ranges (e.g. a weighted median locked on one actor whose own inputs are fixed)"
            for model, issues in self.frozen.items()
            for issue in issues
        ]
