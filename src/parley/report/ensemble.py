"""An ensemble's result as a readable table and as tidy CSV rows (rendered from its JSON)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from parley.case import Case
from parley.report.numbers import fmt_value, places_for
from parley.report.tables import terminal_table

ERROR_ROW = "+ model error"


def ensemble_table(case: Case, obj: dict[str, Any], width: int = 80) -> Group:
    """One block per issue, one line per model (and, when the model-error term is on, a line
    `+ model error` under it: its calibrated distribution): the median with its Monte Carlo error,
    the central 50% and 90% intervals, the likeliest anchored band (its anchor, probability and label) and
    each threshold's probability; then the range of the models' medians; then the medians by
    scenario. Fits `width` columns (long anchor labels are cut)."""
    scen = obj["scenarios"]
    mixed = ", ".join(f"{n} {v['probability']:g}" for n, v in scen.items())
    parts: list[Any] = [
        Text(f"{case.title}", style="bold"),
        Text(f"{obj['members']} members, seed {obj['seed']}; scenarios: {mixed}", style="dim"),
    ]
    models = obj["models"]
    for issue in case.issues:
        thresholds = sorted(
            {t for m in models.values() for t in m["issues"][issue.id]["thresholds"]}
        )
        places = places_for(issue.lower, issue.upper)
        scale = f"{fmt_value(issue.lower)}-{fmt_value(issue.upper)} {issue.unit}".strip()
        table = terminal_table(
            title=Text.assemble((issue.label, "bold"), (f"  {scale}", "dim")),
            pad_edge=False,
        )
        rows = []
        anchors = {label: point for point, label in issue.anchors.items()}
        for name, model in models.items():
            rows.append(_row(name, model["issues"][issue.id], thresholds, anchors, places))
            if "calibrated" in model:
                calibrated = model["calibrated"]["issues"][issue.id]
                rows.append(_row(ERROR_ROW, calibrated, thresholds, anchors, places))
        heads = ["model", "median", "50%", "90%", *(f"P({t})" for t in thresholds)]
        used = 0
        for k, head in enumerate(heads):
            used += max(len(head), *(len(r[k]) for r in rows)) + 3  # padding and rule
            table.add_column(head, justify="left" if k == 0 else "right", no_wrap=True)
        band = max(14, width - used)  # the numbers are never cut; long labels are
        table.add_column("likeliest band", no_wrap=True, overflow="ellipsis", max_width=band)
        for row in rows:
            table.add_row(*row)
        spread = obj["across_models"].get(issue.id)
        captions = []
        if spread and len(models) > 1:
            lo, hi = fmt_value(spread["lowest_median"]), fmt_value(spread["highest_median"])
            captions.append(f"medians across models: {lo} to {hi}")
        if obj.get("model_error"):
            captions.append(f"{ERROR_ROW}: the model above {obj['model_error']['label']}")
        if captions:
            table.caption = "; ".join(captions)
            table.caption_justify = "left"
        parts += [Text(""), table]
        if sum(1 for v in scen.values() if v["members"]) > 1:
            parts.append(_scenario_table(obj, issue.id))
    if obj.get("left_out"):
        parts.append(Text("left out: " + ", ".join(obj["left_out"]), style="dim"))
    return Group(*parts)


def _row(
    name: str,
    s: dict[str, Any],
    thresholds: list[str],
    anchors: dict[str, float],
    places: int,
) -> list[str]:
    """One model's line: median ± its Monte Carlo error, 50% and 90% intervals, thresholds'
    probabilities and the likeliest anchored band."""
    likeliest = ""
    if s["bands"]:
        label, p = max(s["bands"].items(), key=lambda kv: kv[1])
        point = anchors.get(label)
        where = fmt_value(point) if point is not None else ""
        likeliest = f"{_pct(p)} {where} {label}".replace("  ", " ")
    return [
        name,
        f"{fmt_value(s['median'], places)} ±{_se(s['se_median'])}",
        f"{fmt_value(s['q25'], places)}-{fmt_value(s['q75'], places)}",
        f"{fmt_value(s['q05'], places)}-{fmt_value(s['q95'], places)}",
        *(_pct(s["thresholds"][t]) for t in thresholds),
        likeliest,
    ]


def _scenario_table(obj: dict[str, Any], issue_id: str) -> Table:
    """The models' medians on one issue in each scenario that members drew."""
    drawn = {n: v for n, v in obj["scenarios"].items() if v["members"]}
    table = terminal_table(pad_edge=False)
    table.add_column("by scenario", no_wrap=True)
    for name, v in drawn.items():
        table.add_column(f"{name} (p {v['probability']:g})", justify="right", overflow="fold")
    for model in obj["models"]:
        table.add_row(model, *(_value(v["median"][model][issue_id]) for v in drawn.values()))
    return table


def _se(v: float | None) -> str:
    """A standard error to one significant digit (it says how far to trust the median's digits)."""
    return "-" if v is None else f"{v:.1g}"


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%" if p >= 0.01 or p == 0 else "<1%"


def _value(v: float | None) -> str:
    return "-" if v is None else fmt_value(v)


def ensemble_csv(obj: dict[str, Any]) -> str:
    """Tidy rows `scenario, model, issue, statistic, value`: scenario "all" for the ensemble's
    statistics (median, mean, q05..q95, se_median, band:LABEL, threshold:OPVALUE; the same
    prefixed `calibrated:` for the distribution with model error), then each scenario's median."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["scenario", "model", "issue", "statistic", "value"])
    for model, m in obj["models"].items():
        parts = [("", m["issues"])]
        if "calibrated" in m:
            parts.append(("calibrated:", m["calibrated"]["issues"]))
        for prefix, issues in parts:
            for issue, s in issues.items():
                for stat in ("median", "mean", "q05", "q25", "q75", "q95", "se_median"):
                    writer.writerow(["all", model, issue, prefix + stat, repr(s[stat])])
                for label, p in s["bands"].items():
                    writer.writerow(["all", model, issue, f"{prefix}band:{label}", repr(p)])
                for label, p in s["thresholds"].items():
                    writer.writerow(["all", model, issue, f"{prefix}threshold:{label}", repr(p)])
    for name, s in obj["scenarios"].items():
        for model, medians in s["median"].items():
            for issue, v in medians.items():
                writer.writerow([name, model, issue, "median", "" if v is None else repr(v)])
    return buf.getvalue()
