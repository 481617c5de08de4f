"""What an ensemble says about one issue: quantiles, the Monte Carlo error of the median, the
probability of each anchored band of the scale and of threshold events.

Standard error of the median: from the order statistics around it (a distribution-free
interval; e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed., sec. 3.2): ranks
n/2 -/+ z sqrt(n)/2 bound a central interval of the median with coverage 2 Phi(z) - 1, and that
interval spans 2 z standard errors. With z = 1.96 this is 1 / (2 f(m) sqrt(n)) for a density f at
the median m, the asymptotic value, without estimating f.

>>> import numpy as np
>>> x = np.linspace(0, 1, 10001)
>>> s = summary(x)
>>> round(s["median"], 12), round(s["q95"], 12)
(0.5, 0.95)
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.case.schema import Issue
from parley.errors import ParleyError

QUANTILES = {"q05": 0.05, "q25": 0.25, "q75": 0.75, "q95": 0.95}
_Z = 1.959963984540054  # Phi^-1(0.975)


def summary(x: np.ndarray) -> dict[str, float | None]:
    """median, mean, q05, q25, q75, q95 (linear interpolation) and se_median of samples `x`
    (None for a single sample)."""
    q = np.quantile(x, [0.5, *QUANTILES.values()])
    out: dict[str, float | None] = {"median": float(q[0]), "mean": float(np.mean(x))}
    out.update({k: float(v) for k, v in zip(QUANTILES, q[1:], strict=True)})
    se = se_median(x)
    out["se_median"] = None if math.isnan(se) else se  # one member: no error to speak of
    return out


def se_median(x: np.ndarray) -> float:
    """Monte Carlo standard error of the sample median of `x` (see the module's docstring)."""
    n = len(x)
    if n < 2:
        return math.nan
    s = np.sort(x)
    half = _Z * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half) - 1)  # 1-based rank floor(n/2 - half) as an index
    hi = min(n - 1, math.ceil(n / 2 + half) - 1)
    return float((s[hi] - s[lo]) / (2 * _Z))


def bands(issue: Issue) -> list[tuple[str, float, float]]:
    """(label, from, to) of each anchor's band: from the midpoint with the anchor below (or the
    scale's lower end) to the midpoint with the anchor above (or the upper end)."""
    points = sorted(issue.anchors)
    edges = [
        issue.lower,
        *((a + b) / 2 for a, b in zip(points, points[1:], strict=False)),
        issue.upper,
    ]
    return [(issue.anchors[p], edges[k], edges[k + 1]) for k, p in enumerate(points)]


def band_probabilities(x: np.ndarray, issue: Issue) -> dict[str, float]:
    """Share of `x` in each anchor's band, keyed by the anchor's label (bands are half-open
    [from, to), the last one closed; a label used twice gets its anchor value appended)."""
    found = bands(issue)
    if not found:
        return {}
    inner = np.array([lo for _, lo, _ in found[1:]])
    index = np.searchsorted(inner, x, side="right")
    counts = np.bincount(index, minlength=len(found))
    labels = [label for label, _, _ in found]
    out = {}
    for k, (label, point) in enumerate(zip(labels, sorted(issue.anchors), strict=True)):
        key = label if labels.count(label) == 1 else f"{label} ({point:g})"
        out[key] = float(counts[k] / len(x))
    return out


_THRESHOLD = re.compile(r"^\s*(?P<issue>[^<>=]+?)\s*(?P<op><=|>=|<|>)\s*(?P<value>\S+)\s*$")


@dataclass(frozen=True)
class Threshold:
    """An event on one issue's forecast, e.g. `withdrawal<=2` (ops <=, <, >=, >)."""

    issue: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """`ISSUE<=VALUE` (or <, >=, >) -> Threshold; ParleyError when it does not read."""
        match = _THRESHOLD.match(text)
        value = math.nan
        if match:
            with contextlib.suppress(ValueError):
                value = float(match["value"])
        if not match or not math.isfinite(value):
            raise ParleyError.about(
                "thresholds", f"expects ISSUE<=VALUE (or <, >=, >), got {text!r}"
            )
        return cls(match["issue"], match["op"], value)

    @property
    def label(self) -> str:
        return f"{self.op}{self.value:g}"

    def probability(self, x: np.ndarray) -> float:
        test = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}
        return float(np.mean(test[self.op](x, self.value)))


def issue_json(x: np.ndarray, issue: Issue, thresholds: list[Threshold]) -> dict[str, Any]:
    """The JSON of one model on one issue: summary, bands, thresholds on this issue."""
    obj: dict[str, Any] = summary(x)
    obj["bands"] = band_probabilities(x, issue)
    obj["thresholds"] = {t.label: t.probability(x) for t in thresholds if t.issue == issue.id}
    return obj
