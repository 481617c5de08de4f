"""The report's uncertainty section, rendered from an `UncertaintyAnalysis` (it runs nothing).

Per issue: the distribution of each model's ensemble forecasts (violins with 50% and 90% bars, the
forecast of the case as stated, the issue's anchors), the tornado charts and the Sobol bars of
every model as small multiples (one titled panel per model in a CSS grid: two side by side from
800 px, one below on narrow screens; no script); then the split of the members by scenario. The
section is its own small template, so that the page's template only includes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from parley.case import Case, Issue
from parley.report.numbers import fmt_value, places_for
from parley.uncertainty import UncertaintyAnalysis

SECTION = """
<section id="uncertainty">
<h2>Uncertainty</h2>
<p class="note">{{ intro }}</p>
{% for issue in issues %}<h3>{{ issue.label }}</h3>
<figure class="uncertainty" id="distribution-{{ loop.index }}">{{ issue.distribution }}
<figcaption>{{ issue.distribution_caption }}</figcaption></figure>
<div class="scroll"><table class="uncertainty-table"><thead><tr><th>model</th><th class="num">as stated</th><th class="num">median</th><th class="num">50% interval</th><th class="num">90% interval</th></tr></thead>
<tbody>{% for row in issue.rows %}<tr><th>{{ row.model }}</th><td class="num">{{ row.point }}</td><td class="num">{{ row.median }}</td><td class="num">{{ row.q50 }}</td><td class="num">{{ row.q90 }}</td></tr>
{% endfor %}</tbody></table></div>
{% if issue.tornado %}<figure class="uncertainty" id="tornado-{{ loop.index }}"><div class="multiples">{% for panel in issue.tornado %}<div class="panel" id="{{ panel.id }}">{{ panel.svg }}</div>{% endfor %}</div>
<figcaption>{{ issue.tornado_caption }}</figcaption></figure>{% endif %}
{% if issue.sobol %}<figure class="uncertainty" id="sobol-{{ loop.index }}"><div class="multiples">{% for panel in issue.sobol %}<div class="panel" id="{{ panel.id }}">{{ panel.svg }}</div>{% endfor %}</div>
<figcaption>{{ issue.sobol_caption }}</figcaption></figure>{% endif %}
{% if issue.frozen %}<p class="note">{{ issue.frozen }}</p>{% endif %}
{% endfor %}
<h3>By scenario</h3>
{% if scenario_rows %}<p class="note">{{ scenario_note }}</p>
<div class="scroll"><table class="scenario-split"><thead><tr><th>scenario</th><th class="num">probability</th><th class="num">members</th><th>model</th>{% for issue in issue_names %}<th class="num">{{ issue }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in scenario_rows %}<tr>{% if row.first %}<th rowspan="{{ row.span }}">{{ row.name }}</th><td class="num" rowspan="{{ row.span }}">{{ row.probability }}</td><td class="num" rowspan="{{ row.span }}">{{ row.members }}</td>{% endif %}<td>{{ row.model }}</td>{% for v in row.medians %}<td class="num">{{ v }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="note">No scenario of this case carries a probability: every member is the base case.</p>{% endif %}
</section>
"""


def _interval(values: np.ndarray, level: float, places: int) -> str:
    lo, hi = np.quantile(values, [0.5 - level / 2, 0.5 + level / 2])
    return f"{fmt_value(float(lo), places)}\u2013{fmt_value(float(hi), places)}"


def uncertainty_section(
    case: Case, analysis: UncertaintyAnalysis, points: Mapping[str, Mapping[str, float]]
) -> str:
    """The section's HTML (autoescaped text, inline SVG figures); `points`: model -> issue ->
    the forecast of the case as stated (the report's base forecasts)."""
    import jinja2

    from parley.report.uncertainty_figures import distribution_plot

    ens = analysis.ensemble
    models = list(ens.forecasts)
    markup = jinja2.utils.markupsafe.Markup
    issues = []
    for k, issue in enumerate(case.issues):
        members = {m: ens.forecasts[m][:, k] for m in models}
        stated = {m: float(points[m][issue.id]) for m in models if m in points}
        places = places_for(issue.lower, issue.upper)
        rows = [
            {
                "model": m,
                "point": fmt_value(stated[m], places) if m in stated else "",
                "median": fmt_value(float(np.median(v)), places),
                "q50": _interval(v, 0.5, places),
                "q90": _interval(v, 0.9, places),
            }
            for m, v in members.items()
        ]
        view: dict[str, Any] = {
            "label": issue.label,
            "rows": rows,
            "distribution": markup(distribution_plot(issue, members, stated, salt=f"dist{k}")),
            "distribution_caption": (
                f"{issue.label}: each model's forecast over {ens.members} members (bars: central "
                "50% and 90% intervals; white tick: median; diamond: the forecast of the case as "
                "stated)."
            ),
            "tornado": None,
            "sobol": None,
            "frozen": "",
        }
        view["tornado"] = _panels(analysis, k, issue, "tornado")
        view["tornado_caption"] = (
            f"{issue.label}, per model: the forecast with each input at its low (blue) and at its "
            "high (orange), every other input at its value (the inputs that move it most)."
        )
        view["sobol"] = _panels(analysis, k, issue, "sobol")
        if analysis.sobol:
            view["sobol_caption"] = (
                f"{issue.label}, per model: Sobol indices from {_samples(analysis)} "
                f"(seed {analysis.sobol.seed}); first order: the share of the forecast's variance "
                "the input explains alone; total: alone and with the others (bars: 95% "
                "confidence intervals)."
            )
        frozen = [
            m
            for m in analysis.models
            if analysis.tornado and issue.id in analysis.tornado.frozen.get(m, ())
        ]
        if frozen:
            view["frozen"] = (
                f"The forecast of {issue.label} by {', '.join(frozen)} does not move over the "
                "inputs' ranges (e.g. a weighted median locked on one actor whose own inputs are "
                "fixed)."
            )
        issues.append(view)
    split = ens.scenario_split()
    with_probability = len(split) > 1 or next(iter(split)) != "base"
    scenario_rows = []
    if with_probability:
        for name, row in split.items():
            for n, m in enumerate(models):
                medians = [
                    "-"
                    if row["median"][m][i.id] is None
                    else fmt_value(row["median"][m][i.id], places_for(i.lower, i.upper))
                    for i in case.issues
                ]
                scenario_rows.append(
                    {
                        "first": n == 0,
                        "span": len(models),
                        "name": name,
                        "probability": f"{row['probability']:.2f}",
                        "members": row["members"],
                        "model": m,
                        "medians": medians,
                    }
                )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(SECTION).render(
        intro=_intro(analysis),
        issues=issues,
        issue_names=[i.label for i in case.issues],
        scenario_rows=scenario_rows,
        scenario_note=(
            "Each member draws its scenario by the scenarios' probabilities (the base case has "
            "the rest), then its inputs; the medians of the members in each scenario."
        ),
    )


def _panels(
    analysis: UncertaintyAnalysis, k: int, issue: Issue, kind: str
) -> list[dict[str, Any]] | None:
    """One small multiple per model (`kind` tornado or sobol) for issue number `k`, or None."""
    import jinja2

    from parley.report.uncertainty_figures import sobol_bars, tornado_chart

    result = analysis.tornado if kind == "tornado" else analysis.sobol
    if result is None:
        return None
    panels = []
    for m in analysis.models:
        if m not in result.models:
            continue
        entries = result.models[m][issue.id]
        salt = f"{kind}{k}-{m}"
        if kind == "tornado":
            svg = tornado_chart(issue, entries, result.points[m][issue.id], salt, model=m)
        else:
            svg = sobol_bars(issue, entries, salt, model=m)
        panels.append({"id": f"{kind}-{k + 1}-{m}", "svg": jinja2.utils.markupsafe.Markup(svg)})
    return panels or None


def _samples(analysis: UncertaintyAnalysis) -> str:
    """'128 base samples' or '128 base samples (16 for eum, smp)' when the models differ."""
    counts = analysis.sobol_samples
    most = max(counts.values(), default=analysis.sobol.n if analysis.sobol else 0)
    fewer: dict[int, list[str]] = {}
    for m, n in counts.items():
        if n != most:
            fewer.setdefault(n, []).append(m)
    extra = "; ".join(f"{n} for {', '.join(ms)}" for n, ms in sorted(fewer.items()))
    return f"{most} base samples" + (f" ({extra}, which play rounds)" if extra else "")


def _intro(analysis: UncertaintyAnalysis) -> str:
    ens = analysis.ensemble
    text = (
        f"An ensemble of {ens.members} members (seed {ens.seed}): each draws its scenario by the "
        "scenarios' probabilities and every input stated with a range from its distribution, and "
        "every model forecasts it."
    )
    if analysis.tornado:
        text += (
            " Which inputs matter is shown for every model, one panel each (on the base case); "
            "'parley sensitivity CASE -m MODEL' gives the numbers."
        )
    return text
