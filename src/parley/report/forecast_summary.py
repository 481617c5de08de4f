"""The default terminal forecast: one row per issue, one column per model, in 80 columns.

The recommended forecast comes first (marked `*`), then the other models, then the range across
models; under each issue, the labelled anchor nearest to the recommended forecast on its own line
and, where models disagree by more than a quarter of the scale, a flag. Below the table each model
says how its run ended (converged after N rounds, stopped at the round limit, ...). `--long` keeps
the stacked layout of `forecast_table`, which has room for every model's anchor.

Plain text rather than a rich Table: the layout is fixed by hand so that it fits 80 columns.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

from parley.case import Case
from parley.models import Outcome
from parley.recommend import RECOMMENDED, RECORD, IssueSummary, summarise
from parley.report.numbers import fmt_value, places_for

WIDTH = 80
GAP = 2
MIN_ISSUE = 14


def forecast_summary(case: Case, label: str | None, outcomes: Mapping[str, Outcome]) -> str:
    """The 80-column forecast of `case` (patched as `label` says) by `outcomes`, as text."""
    names = _ordered(outcomes)
    summary = summarise(case, {n: outcomes[n].forecast for n in names})
    cells = [_value_cells(case, k, s, outcomes, names) for k, s in enumerate(summary)]
    heads = [f"{n}*" if n == RECOMMENDED else n for n in names] + ["range"]
    widths = [max(len(h), *(len(row[c]) for row in cells)) for c, h in enumerate(heads)]
    issue_w = max(MIN_ISSUE, WIDTH - sum(widths) - GAP * len(widths))
    title = case.title + (f"  [scenario: {label}]" if label else "")
    lines = textwrap.wrap(title, WIDTH) + [_row("issue", heads, widths, issue_w)]
    lines.append("-" * min(WIDTH, issue_w + sum(widths) + GAP * len(widths)))
    for k, issue in enumerate(case.issues):
        places = places_for(issue.lower, issue.upper)
        scale = f"{fmt_value(issue.lower, places)}-{fmt_value(issue.upper, places)} {issue.unit}"
        left = textwrap.wrap(issue.label, issue_w) + textwrap.wrap(scale.strip(), issue_w)
        lines.append(_row(left[0], cells[k], widths, issue_w))
        lines += [_row(text, [""] * len(widths), widths, issue_w).rstrip() for text in left[1:]]
        lines += _notes(issue, summary[k])
    lines.append("")
    lines += _legend(names)
    lines += textwrap.wrap("runs: " + "; ".join(_statuses(outcomes, names)), WIDTH)
    return "\n".join(line.rstrip() for line in lines)


def _ordered(outcomes: Mapping[str, Outcome]) -> list[str]:
    """The recommended model first, the others in the order they were run."""
    names = list(outcomes)
    return sorted(names, key=lambda n: n != RECOMMENDED)


def _value_cells(
    case: Case, k: int, s: IssueSummary, outcomes: Mapping[str, Outcome], names: list[str]
) -> list[str]:
    issue = case.issues[k]
    places = places_for(issue.lower, issue.upper)
    values = [fmt_value(float(outcomes[n].forecast[0, k]), places) for n in names]
    spread = "-" if math.isnan(s.low) else f"{fmt_value(s.low, places)}-{fmt_value(s.high, places)}"
    return [*values, spread]


def _row(left: str, cells: list[str], widths: list[int], issue_w: int) -> str:
    gap = " " * GAP
    return left.ljust(issue_w) + "".join(
        gap + c.rjust(w) for c, w in zip(cells, widths, strict=True)
    )


def _notes(issue, s: IssueSummary) -> list[str]:
    """The anchor nearest the recommended forecast, and the disagreement flag."""
    out = []
    at = s.recommended if not math.isnan(s.recommended) else None
    if at is not None and issue.anchors:
        out += textwrap.wrap(
            f"nearest anchor: {issue.nearest_anchor(at)}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    if s.disagree:
        places = places_for(issue.lower, issue.upper)
        out += textwrap.wrap(
            f"! models disagree by {fmt_value(s.spread, places)}, over a quarter of the scale",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    return out


def _legend(names: list[str]) -> list[str]:
    if RECOMMENDED not in names:
        return textwrap.wrap("range: lowest-highest forecast across the models run", WIDTH)
    return textwrap.wrap(
        f"* recommended: {RECOMMENDED}, the model with the best record on EU decisions "
        f"(see {RECORD}); range: lowest-highest forecast across the models run; "
        "--long for every model's anchor",
        WIDTH,
    )


def _statuses(outcomes: Mapping[str, Outcome], names: list[str]) -> list[str]:
    """'eum: converged after 7 rounds' per model; models without rounds grouped in one entry."""
    without = [n for n in names if str(outcomes[n].status[0]) == "no_rounds"]
    out = [f"{n}: {status_text(outcomes[n])}" for n in names if n not in without]
    if without:
        out.append(f"{', '.join(without)}: one step, no rounds")
    return out


def status_text(out: Outcome, member: int = 0) -> str:
    """How a run ended, in words, from its status and rounds (`parley.models.status`)."""
    status, rounds = str(out.status[member]), int(out.rounds[member])
    plural = "round" if rounds == 1 else "rounds"
    return {
        "converged": f"converged after {rounds} {plural}",
        "round_limit": f"stopped at the round limit ({rounds} {plural}; may not have settled)",
        "fixed_rounds": f"played its fixed {rounds} {plural}",
        "no_rounds": "one step, no rounds",
        "no_moves": "nothing to bargain over (no moves)",
        "oscillating": f"oscillating (stopped after {rounds} {plural})",
    }.get(status, f"{status.replace('_', ' ')} after {rounds} {plural}")
