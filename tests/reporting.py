"""The report as `parley report` makes it: the case analysed once, then laid out."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from parley.analysis import analyse_case
from parley.report.html import render_report


def report_html(case, specs, *args, source: str = "", colour_by=None, **kwargs) -> str:
    """`render_report(analyse_case(case, specs, ...))`, the two steps of `parley report`."""
    analysis = analyse_case(case, specs, *args, **kwargs)
    return render_report(analysis, source=source, colour_by=colour_by)


def probe_in_chromium(page: Path, tmp_path: Path, width: int, values: str) -> list[str]:
    """Open the report file `page` in headless Chromium at `width` px and return the values of the
    JavaScript array expression `values`, evaluated once the page has loaded (its layout done):
    how a browser test measures what the browser laid out."""
    probe = (
        "<script>window.addEventListener('load', () => {"
        f"document.body.setAttribute('data-probe', [{values}].join('|'));"
        "});</script>"
    )
    probed = tmp_path / "probe.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"))
    result = subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={width},900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found, result.stdout[:500]
    return found.group(1).split("|")
