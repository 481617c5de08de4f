"""The report opens in a real browser (Debian's headless Chromium) with every figure rendered.

Skipped when /usr/bin/chromium is absent (`make test` installs it on Debian when it runs as root).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the report extra is not installed")
pytest.importorskip("jinja2", reason="the report extra is not installed")

from reporting import probe_in_chromium, report_html  # noqa: E402
from test_report import CASE, SECTIONS_UNCERTAIN, parse  # noqa: E402

from parley.case import build_case  # noqa: E402
from parley.forecast import model_specs  # noqa: E402
from parley.report.html import write_report  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    case = build_case(CASE, "browser-test")
    write_report(path, report_html(case, model_specs(["compromise", "median"])))
    return path


def test_chromium_renders_every_section_and_figure(report_file, tmp_path):
    result = chromium(tmp_path, "--dump-dom", report_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = parse(result.stdout)  # the document as the browser built it
    assert [s for t, _, s in dom.elements if t == "section"] == SECTIONS_UNCERTAIN
    assert dom.count("svg", "positions") == 2
    # per issue: the ensemble's distribution, then a tornado and Sobol bars for each of 2 models
    assert dom.count("svg", "uncertainty") == 2 * (1 + 2 + 2)
    assert dom.count("script") == 0  # the <script> in the case title stayed text
    assert dom.h1 == CASE["title"]
    assert len(dom.tables["case-table"]) == 2 + 3


def test_chromium_screenshot(report_file, tmp_path):
    shot = tmp_path / "report.png"
    result = chromium(
        tmp_path, "--window-size=1200,3000", f"--screenshot={shot}", report_file.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(shot) as image:
        assert image.size == (1200, 3000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    # text, table bands, markers in several colours: a drawn page, not a blank or error page
    assert len(colours) > 200


@pytest.mark.parametrize(("width", "side_by_side"), [(1280, True), (800, True), (560, False)])
def test_sensitivity_small_multiples_layout(tmp_path, width, side_by_side) -> None:
    """Every model's tornado and Sobol bars, one panel each: two side by side from 800 px, one
    below the other on a narrow screen, and never a sideways scroll."""
    path = tmp_path / "report.html"
    case = build_case(CASE, "multiples")
    write_report(path, report_html(case, model_specs(["compromise", "median"])))
    a = "document.getElementById('tornado-1-compromise').getBoundingClientRect()"
    b = "document.getElementById('tornado-1-median').getBoundingClientRect()"
    values = probe_in_chromium(
        path,
        tmp_path,
        width,
        "window.innerWidth, document.documentElement.scrollWidth, "
        f"Math.round({a}.top), Math.round({b}.top), Math.round({a}.left), Math.round({b}.left), "
        f"Math.round({a}.width)",
    )
    inner, page, top_a, top_b, left_a, left_b, panel = map(int, values)
    assert inner == width and page <= width
    if side_by_side:
        assert top_a == top_b and left_b > left_a and panel >= 320
    else:
        assert top_b > top_a and left_a == left_b
