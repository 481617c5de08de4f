"""The HTML report: one self-contained file an analyst can hand on (no network needed to view it).

`render_report` lays out a `parley.analysis.CaseAnalysis` (computed by `analyse_case`: the models
on the base case and each scenario, the power indices, the united fronts asked for) and runs no
model itself; the page is a Jinja2 template with inline CSS, the figures inline SVG from
matplotlib. Case text is escaped by Jinja2's autoescape, so a title such as ``<script>`` shows as
text and runs nothing.

matplotlib and Jinja2 are the optional extra `report`; without them `render_report` raises a
ParleyError that says how to install them, and nothing else in parley needs them.

>>> from parley.analysis import analyse_case
>>> from parley.forecast import model_specs
>>> from parley.io import read_case
>>> analysis = analyse_case(read_case("cases/iraq-2006/case.yaml"), model_specs(["median"]),
...                         members=0)
>>> render_report(analysis, source="case.yaml").startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from parley.analysis import CaseAnalysis
from parley.case import Case, Scenario, case_arrays
from parley.compare import BASE, Comparison
from parley.errors import ParleyError
from parley.io.safe_write import write_text
from parley.recommend import RECOMMENDED, RECORD, summarise
from parley.report.numbers import fmt_shift, fmt_value, places_for

EXTRA_HINT = "pip install 'parley[report]'"


def require_report_extra() -> None:
    """Raise a one-line ParleyError when matplotlib or Jinja2 is missing."""
    missing = []
    for module in ("matplotlib", "jinja2"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ParleyError(
            f"the HTML report needs {' and '.join(missing)} (not installed): {EXTRA_HINT}"
        )


def write_report(path: Path | str, html: str) -> None:
    """Write the report atomically: a failed write leaves no half-written file behind."""
    write_text(Path(path), html)


def render_report(analysis: CaseAnalysis, source: str = "", colour_by: str | None = None) -> str:
    """Lay out a case analysis as one HTML page (figures drawn here; no model is run).
    `source`: where the case came from (a file name), shown in the page's footer; `colour_by`:
    the tag prefix that colours the actors (default: the case's own `colour_by`)."""
    require_report_extra()
    case = analysis.case
    import jinja2

    from parley import __version__
    from parley.report import figures
    from parley.report.template import CSS, TEMPLATE

    cmp = analysis.comparison
    base = cmp.runs[BASE]
    arrays = case_arrays(case)
    strip = [
        {
            "svg": figures.strip_plot(
                case,
                arrays,
                k,
                {name: float(out.forecast[0, k]) for name, out in base.items()},
                salt=f"strip{k}",
                colour_by=colour_by or case.colour_by,
            ),
            "caption": f"{issue.label}: actors' positions and the forecasts of {', '.join(base)}.",
        }
        for k, issue in enumerate(case.issues)
    ]
    rounds = [
        {
            "svg": figures.rounds_chart(case, name, base[name], salt=f"rounds{n}"),
            "caption": f"{name}: positions over {int(base[name].rounds[0])} rounds "
            f"({base[name].message}).",
        }
        for n, name in enumerate(figures.models_with_rounds(base))
    ]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    page = env.from_string(TEMPLATE)
    toc = [
        ("bottom-line", "Bottom line"),
        ("case", "The case"),
        ("forecasts", "Forecasts"),
        ("positions", "Positions and forecasts by issue"),
        ("rounds", "Positions over rounds"),
        ("scenarios", "Scenarios"),
        ("power", "Voting power"),
        ("fronts", "United fronts"),
    ]
    uncertainty = ""
    if analysis.uncertainty is not None:
        from parley.report.uncertainty import uncertainty_section

        toc.insert(5, ("uncertainty", "Uncertainty"))
        points = {
            name: {i.id: float(out.forecast[0, k]) for k, i in enumerate(case.issues)}
            for name, out in base.items()
        }
        uncertainty = uncertainty_section(case, analysis.uncertainty, points)
    levers = None
    if analysis.sections.get("levers") is not None:
        from parley.report.levers import levers_view

        levers = levers_view(case, analysis.sections["levers"])
        toc.append(("levers", f"Levers of {levers['label']}"))
    return page.render(
        version=__version__,
        css=jinja2.utils.markupsafe.Markup(CSS),
        case=case,
        toc=toc,
        actors=case.actors,
        issues=case.issues,
        salience_scale=fmt_value(case.salience_scale),
        case_rows=_case_rows(case),
        issue_rows=_issue_rows(case),
        sources=case.sources,
        models=[
            {"name": name, "stop": out.message if out.rounds[0] else ""}
            for name, out in base.items()
        ],
        model_list=", ".join(base),
        forecast_rows=_forecast_rows(case, base),
        bottom_line=_bottom_line(case, base),
        recommended=RECOMMENDED if RECOMMENDED in base else "",
        record=RECORD,
        strip_figures=[{**f, "svg": jinja2.utils.markupsafe.Markup(f["svg"])} for f in strip],
        rounds_figures=[{**f, "svg": jinja2.utils.markupsafe.Markup(f["svg"])} for f in rounds],
        scenarios=[_scenario_view(case.scenario(name)) for name in cmp.scenarios],
        scenarios_asked=analysis.scenarios_asked,
        scenario_rows=_scenario_rows(case, cmp),
        power=_power_view(case, analysis.power),
        power_missing=analysis.power_missing,
        fronts=[_front_view(case, f) for f in analysis.fronts],
        front_note=analysis.front_note,
        front_missing=analysis.front_missing,
        levers=levers,
        source=source,
        uncertainty=jinja2.utils.markupsafe.Markup(uncertainty),
    )


def _estimate(est, places: int | None = None) -> dict[str, str]:
    """An Estimate as its value and, when uncertain, its 'low-high' range."""
    if est is None:
        return {"value": "", "range": ""}
    span = ""
    if est.uncertain:
        low = fmt_value(est.low, places) if est.low is not None else ""
        high = fmt_value(est.high, places) if est.high is not None else ""
        span = f"{low}\u2013{high}"
    return {"value": fmt_value(est.value, places), "range": span}


def _case_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for actor in case.actors:
        cells: list[dict[str, Any] | None] = []
        for issue in case.issues:
            stance = case.stances.get(actor.id, {}).get(issue.id)
            if stance is None or stance.position is None:
                cells.append(None)
                continue
            capability = stance.capability if stance.capability is not None else actor.capability
            cells.append(
                {
                    "position": _estimate(stance.position, places_for(issue.lower, issue.upper)),
                    "salience": _estimate(stance.salience),
                    "capability": _estimate(capability),
                }
            )
        rows.append(
            {"id": actor.id, "label": actor.label, "tags": ", ".join(actor.tags), "cells": cells}
        )
    return rows


def _issue_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for issue in case.issues:
        places = places_for(issue.lower, issue.upper)

        def opt(value: float | None, places: int = places) -> str:
            return "" if value is None else fmt_value(value, places)

        rows.append(
            {
                "label": issue.label,
                "description": issue.description,
                "scale": f"{opt(issue.lower)}\u2013{opt(issue.upper)} {issue.unit}".strip(),
                "status_quo": opt(issue.status_quo),
                "outcome": opt(issue.outcome),
                "anchors": [(opt(v), label) for v, label in sorted(issue.anchors.items())],
            }
        )
    return rows


def _forecast_rows(case: Case, outcomes: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for k, issue in enumerate(case.issues):
        cells = []
        for out in outcomes.values():
            value = float(out.forecast[0, k])
            cells.append(
                {
                    "value": fmt_value(value, places_for(issue.lower, issue.upper)),
                    "anchor": issue.nearest_anchor(value),
                }
            )
        rows.append({"label": issue.label, "cells": cells})
    return rows


def _bottom_line(case: Case, outcomes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per issue: the recommended forecast with its nearest anchor, the range across models and
    whether they disagree by more than a quarter of the scale (`parley.recommend`)."""
    summary = summarise(case, {name: out.forecast for name, out in outcomes.items()})
    rows = []
    for issue, s in zip(case.issues, summary, strict=True):
        places = places_for(issue.lower, issue.upper)
        known = not np.isnan(s.recommended)
        rows.append(
            {
                "label": issue.label,
                "recommended": f"{fmt_value(s.recommended, places)} {issue.unit}".strip(),
                "anchor": issue.nearest_anchor(s.recommended) if known else "",
                "range": f"{fmt_value(s.low, places)}\u2013{fmt_value(s.high, places)}",
                "disagree": s.disagree,
            }
        )
    return rows


def _scenario_view(scenario: Scenario) -> dict[str, str]:
    """A scenario's name, description and a one-line account of what it changes."""
    changes = []
    for patch in scenario.set:
        values = ", ".join(
            f"{key} {fmt_value(getattr(patch, key))}"
            for key in ("position", "salience", "capability")
            if getattr(patch, key) is not None
        )
        where = f" on {patch.issue}" if patch.issue else ""
        changes.append(f"{patch.actor}{where}: {values}")
    if scenario.add_actors:
        changes.append("adds " + ", ".join(a.label for a in scenario.add_actors))
    if scenario.drop_actors:
        changes.append("drops " + ", ".join(scenario.drop_actors))
    return {
        "name": scenario.name,
        "description": scenario.description,
        "changes": "; ".join(changes) or "no changes",
    }


def _direction(shift: float, places: int | None = None) -> str:
    """'up', 'down' or 'same' as the shift reads once formatted (a shift shown as 0 is 'same')."""
    if np.isnan(shift) or fmt_shift(shift, places) == "0":
        return "same"
    return "up" if shift > 0 else "down"


def _scenario_rows(case: Case, cmp: Comparison) -> list[dict[str, Any]]:
    rows = []
    for k, issue in enumerate(case.issues):
        places = places_for(issue.lower, issue.upper)
        for m, model in enumerate(cmp.models):
            cells = []
            for name in cmp.scenarios:
                shift = float(cmp.shift(name, model)[k])
                cells.append(
                    {
                        "value": fmt_value(float(cmp.forecast(name, model)[k]), places),
                        "shift": fmt_shift(shift, places),
                        "direction": _direction(shift, places),
                    }
                )
            rows.append(
                {
                    "first": m == 0,
                    "span": len(cmp.models),
                    "label": issue.label,
                    "model": model,
                    "base": fmt_value(float(cmp.forecast(BASE, model)[k]), places),
                    "cells": cells,
                }
            )
    return rows


def _labels(case: Case) -> dict[str, str]:
    return {a.id: a.label for a in case.actors}


def _power_view(case: Case, power: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if power is None:
        return None
    labels = _labels(case)
    rows = power["rows"]
    top = max([max(r["shapley_shubik"], r["banzhaf"]) for r in rows] + [1e-12])
    return {
        "note": power["note"],
        "rows": [
            {
                "label": labels.get(r["actor"], r["actor"]),
                "weight": fmt_value(r["weight"]),
                "ss": f"{r['shapley_shubik']:.3f}",
                "bz": f"{r['banzhaf']:.3f}",
                "ss_width": round(120 * r["shapley_shubik"] / top),
                "bz_width": round(120 * r["banzhaf"] / top),
            }
            for r in rows
        ],
    }


def _front_view(case: Case, front: Mapping[str, Any]) -> dict[str, Any]:
    """One front: member gains (mean and per model) and, per model, the forecasts without and
    with the front on each issue (rows: models, so that many models stay readable)."""
    labels = _labels(case)
    members = list(front["members"])
    models = list(front["forecast_with"])
    rows = []
    for m in models:
        cells = []
        for issue in case.issues:
            places = places_for(issue.lower, issue.upper)
            without = front["forecast_without"].get(m, {}).get(issue.id)
            with_front = front["forecast_with"][m].get(issue.id)
            shift = float("nan") if without is None or with_front is None else with_front - without
            cells.append(
                {
                    "without": _fmt_opt(without, places),
                    "with": _fmt_opt(with_front, places),
                    "shift": fmt_shift(shift, places),
                    "direction": _direction(shift, places),
                }
            )
        rows.append({"model": m, "cells": cells})
    by_model = front.get("gain_by_model") or {}
    gains = [
        {
            "label": labels.get(actor, actor),
            "cells": [_gain(value)] + [_gain(by_model[m].get(actor)) for m in by_model],
        }
        for actor, value in front["gain"].items()
    ]
    title = " + ".join(labels.get(a, a) for a in members)
    name = front.get("name")
    if name and name != "+".join(members):
        title = f"{name} ({title})"
    return {
        "title": title,
        "stable": bool(front["stable"]),
        "verdict": front.get("verdict")
        or (
            "stable: every member gains"
            if front["stable"]
            else "not stable: some member gains nothing or loses"
        ),
        "origin": front.get("origin", ""),
        "gains": gains,
        "gain_models": list(by_model),
        "rows": rows,
    }


def _gain(value: float | None) -> dict[str, str]:
    """A front gain (a share of the issues' scales) as a signed percentage of the scale."""
    if value is None:
        return {"value": "-", "direction": "same"}
    percent = 100 * float(value)
    text = f"{percent:+.2f}%"
    if text in ("+0.00%", "-0.00%"):
        return {"value": "0.00%", "direction": "same"}
    return {"value": text, "direction": _direction(percent)}


def _fmt_opt(value: float | None, places: int | None = None) -> str:
    return "-" if value is None else fmt_value(float(value), places)
