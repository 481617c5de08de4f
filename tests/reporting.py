"""The report as `parley report` makes it: the case analysed once, then laid out."""

from __future__ import annotations

from parley.analysis import analyse_case
from parley.report.html import render_report


def report_html(case, specs, *args, source: str = "", colour_by=None, **kwargs) -> str:
    """`render_report(analyse_case(case, specs, ...))`, the two steps of `parley report`."""
    analysis = analyse_case(case, specs, *args, **kwargs)
    return render_report(analysis, source=source, colour_by=colour_by)
