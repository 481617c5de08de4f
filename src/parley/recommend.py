"""Which forecast to believe: the recommended model's forecast per issue, the range across every
model run, and a flag where the models disagree by more than a quarter of the issue's scale.

The recommendation is the `compromise` model (the capability x salience weighted mean, the Nash
bargaining solution under quadratic loss): on the EU decisions of DEU III it has the lowest mean
absolute error of the models parley runs, the learned `combined` stack included (docs/backtest.md).
The range tells how much the choice of model matters on this case; a wide one says the models rest
on different assumptions here and none of them should be read alone.

>>> import numpy as np
>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": 1}],
...     "issues": [{"id": "x", "lower": 0, "upper": 100}],
...     "stances": {"a": {"x": {"position": 40, "salience": 1}}}})
>>> s = summarise(case, {"compromise": np.array([[40.0]]), "eum": np.array([[70.0]])})[0]
>>> (s.recommended, s.low, s.high, s.disagree)
(40.0, 40.0, 70.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from parley.case import Case

RECOMMENDED = "compromise"
"""The model whose forecast parley recommends (best record on EU decisions, docs/backtest.md)."""

RECORD = "docs/backtest.md"
"""Where the record behind the recommendation is kept."""

DISAGREE_SHARE = 0.25
"""Models disagree on an issue when their forecasts span more than this share of its scale."""


@dataclass(frozen=True)
class IssueSummary:
    """One issue's bottom line: the recommended forecast (NaN when that model was not run), the
    lowest and highest forecast across models, and whether that spread exceeds `DISAGREE_SHARE`
    of the issue's scale."""

    issue_id: str
    recommended: float
    low: float
    high: float
    disagree: bool

    @property
    def spread(self) -> float:
        return self.high - self.low


def summarise(
    case: Case, forecasts: Mapping[str, np.ndarray], member: int = 0
) -> list[IssueSummary]:
    """Per issue of `case`: `forecasts` maps model name to its (B, I) forecast in issue units;
    `member` picks the batch member summarised."""
    out = []
    for k, issue in enumerate(case.issues):
        values = [float(f[member, k]) for f in forecasts.values()]
        values = [v for v in values if not math.isnan(v)]
        rec = float(forecasts[RECOMMENDED][member, k]) if RECOMMENDED in forecasts else math.nan
        low, high = (min(values), max(values)) if values else (math.nan, math.nan)
        wide = bool(values) and high - low > DISAGREE_SHARE * (issue.upper - issue.lower)
        out.append(IssueSummary(issue.id, rec, low, high, wide))
    return out


def recommended_json(case: Case, forecasts: Mapping[str, np.ndarray]) -> dict[str, dict]:
    """The bottom line as JSON: per issue, the recommended model, its forecast (None when that
    model was not run), the [lowest, highest] forecast across models and the disagreement flag.

    >>> import numpy as np
    >>> from parley.case import build_case
    >>> case = build_case({"actors": [{"id": "a", "capability": 1}],
    ...     "issues": [{"id": "x", "lower": 0, "upper": 100}],
    ...     "stances": {"a": {"x": {"position": 40, "salience": 1}}}})
    >>> recommended_json(case, {"compromise": np.array([[40.0]]), "eum": np.array([[60.0]])})
    {'x': {'model': 'compromise', 'value': 40.0, 'range': [40.0, 60.0], 'disagree': False}}
    """

    def number(v: float) -> float | None:
        return None if math.isnan(v) else v

    return {
        s.issue_id: {
            "model": RECOMMENDED,
            "value": number(s.recommended),
            "range": [number(s.low), number(s.high)],
            "disagree": s.disagree,
        }
        for s in summarise(case, forecasts)
    }
