"""Server-side SVG charts for the Run page, drawn by the HTML report's own figure code."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from parley.case import Case, case_arrays
from parley.models import Outcome

_LOCK = threading.Lock()  # matplotlib's rc_context is process-wide: one figure at a time


def forecast_charts(case: Case, outcomes: Mapping[str, Outcome]) -> list[dict[str, str]]:
    """One strip plot per issue (actors, each model's forecast) and a rounds chart per
    round-based model; `case` is the case the models ran on (scenario applied)."""
    from parley.report import figures

    arrays = case_arrays(case)
    charts = []
    with _LOCK:
        for k, issue in enumerate(case.issues):
            values = {name: float(out.forecast[0, k]) for name, out in outcomes.items()}
            svg = figures.strip_plot(case, arrays, k, values, salt=f"strip{k}")
            charts.append({"title": issue.label, "svg": svg})
        rounds: Sequence[str] = figures.models_with_rounds(outcomes)
        for n, name in enumerate(rounds):
            svg = figures.rounds_chart(case, name, outcomes[name], salt=f"rounds{n}")
            charts.append({"title": f"{name}: positions by round", "svg": svg})
    return charts
