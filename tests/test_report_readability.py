"""The report's readability items (issue #14): bottom line first, colour by tag family with a
12-colour palette, legend clear of the axis label, coinciding forecast lines told apart, rounds
chart readable with 20 actors, integer round axes, shifts not coloured as good or bad, `-o`
defaulting to CASE.html, the demo report showing a united front, and the page at 800 and 1280 px
in Debian's Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("matplotlib", reason="the report extra is not installed")
pytest.importorskip("jinja2", reason="the report extra is not installed")

from reporting import probe_in_chromium, report_html  # noqa: E402
from test_report import CASE, parse  # noqa: E402

from parley.case import build_case  # noqa: E402
from parley.cli import app  # noqa: E402
from parley.forecast import model_specs, run_models  # noqa: E402
from parley.report import figures  # noqa: E402
from parley.report.html import write_report  # noqa: E402
from parley.report.template import CSS  # noqa: E402

ROOT = Path(__file__).parents[1]
SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def html() -> str:
    return report_html(build_case(CASE, "t"), model_specs(["compromise", "median"]))


def _figures(monkeypatch) -> list:
    """Capture the matplotlib figures the report functions draw (instead of their SVG)."""
    drawn: list = []

    def keep(fig, salt):
        drawn.append(fig)
        return "<svg></svg>"

    monkeypatch.setattr(figures, "to_svg", keep)
    return drawn


def test_bottom_line_is_the_first_section(html) -> None:
    page = parse(html)
    assert [s for t, _, s in page.elements if t == "section"][0] == "bottom-line"
    rows = page.tables["bottom-line-table"]
    # compromise on x: (5x1x2 + 3x0.5x8 + 2x1x5) / (5 + 1.5 + 2) = 32 / 8.5 = 3.76 years; the
    # weighted median is 2 (a alone holds 5 of 8.5). On y: (2.5x10 + 3x90) / 5.5 = 53.64 and
    # median 90: a spread of 36.4, over a quarter of 0-100
    assert rows[1][:3] == ["Exit <timetable>", "3.76 years half <way>", "2\u20133.76"]
    assert rows[2][0] == "Money" and rows[2][2] == "53.64\u201390 models disagree"


def test_default_output_is_case_html(runner, tmp_path) -> None:
    path = tmp_path / "talks.yaml"
    path.write_text(yaml.safe_dump(CASE), encoding="utf-8")
    result = runner.invoke(app, ["report", str(path), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "talks.html").is_file()
    assert f"wrote {tmp_path / 'talks.html'}" in result.stdout


def test_colour_groups_and_a_palette_for_twelve() -> None:
    assert len(set(figures.GROUP_COLOURS)) == 12
    groups = [f"g{n}" for n in range(13)] + ["other"]
    palette = figures.group_palette(groups)
    assert [palette[f"g{n}"] for n in range(12)] == figures.GROUP_COLOURS
    assert palette["g12"] == palette["other"] == figures.OTHER_COLOUR


def test_colour_by_tag_family(monkeypatch) -> None:
    data = {**CASE, "colour_by": "w"}  # 'west' starts with w; the east actors are 'other'
    drawn = _figures(monkeypatch)
    report_html(build_case(data, "t"), model_specs(["compromise"]))
    legend = [t.get_text() for t in drawn[0].legends[0].get_texts()]
    assert "west" in legend and "other" in legend and "east" not in legend
    drawn.clear()
    report_html(build_case(data, "t"), model_specs(["compromise"]), colour_by="e")
    legend = [t.get_text() for t in drawn[0].legends[0].get_texts()]
    assert "east" in legend and "west" not in legend


def test_legend_clear_of_the_axis_label_and_coinciding_lines_told_apart(monkeypatch) -> None:
    drawn = _figures(monkeypatch)
    case = build_case(CASE, "t")
    from parley.case import case_arrays

    figures.strip_plot(case, case_arrays(case), 0, {"a": 5.0, "b": 5.0, "c": 5.0}, "s")
    fig = drawn[0]
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    if renderer is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    label = ax.xaxis.label.get_window_extent(renderer)
    legend = fig.legends[0].get_window_extent(renderer)
    assert legend.y1 <= label.y0  # the legend lies wholly below the axis label
    lines = [ln for ln in ax.lines if ln.get_label() in ("a: 5", "b: 5", "c: 5")]
    styles = {(ln.get_color(), str(ln.get_linestyle()), ln.get_marker()) for ln in lines}
    assert len(lines) == 3 and len(styles) == 3


def _twenty_actor_case() -> dict:
    actors = [{"id": f"a{n:02d}", "capability": n + 1} for n in range(20)]
    stances = {
        f"a{n:02d}": {"x": {"position": (n * 37) % 100, "salience": 0.5 + (n % 5) / 10}}
        for n in range(20)
    }
    return {"actors": actors, "issues": [{"id": "x", "lower": 0, "upper": 100}], "stances": stances}


def test_rounds_chart_with_twenty_actors_and_integer_round_axis(monkeypatch) -> None:
    case = build_case(_twenty_actor_case(), "t")
    outcome = run_models(case, model_specs(["eum"]))["eum"]
    shown = figures.highlighted(case, outcome.actor_ids, outcome.mask)
    # the ten heaviest: capability n + 1 times salience, summed over the one issue
    weights = {f"a{n:02d}": (n + 1) * (0.5 + (n % 5) / 10) for n in range(20)}
    assert shown == sorted(weights, key=lambda a: -weights[a])[:10]
    drawn = _figures(monkeypatch)
    figures.rounds_chart(case, "eum", outcome, "r")
    labels = [t.get_text() for t in drawn[0].legends[0].get_texts()]
    assert sum(label.startswith("a") for label in labels) == 10
    assert "other actors (10)" in labels
    ticks = drawn[0].axes[0].get_xticks()
    assert np.all(ticks == np.round(ticks))


def test_shifts_are_not_coloured_as_good_or_bad() -> None:
    # a forecast moving up or down is neither good nor bad: arrows, the muted anchor colour
    for rule in re.findall(r"[^{}]*\{[^{}]*\}", CSS):
        selector, body = rule.split("{", 1)
        if ".anchor.up" in selector or ".anchor.down" in selector:
            assert "color" not in body, rule
    assert ".anchor.up::before" in CSS and ".anchor.down::before" in CSS


def test_demo_report_shows_a_united_front() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(ln for ln in makefile.splitlines() if "parley report $(SEED)" in ln)
    members = re.search(r"--front (\S+)", line).group(1).split(",")
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert len(members) >= 2 and set(members) <= {a["id"] for a in seed["actors"]}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
@pytest.mark.parametrize("width", [800, 1280])
def test_case_table_fits_at_800_and_1280_px(tmp_path, width) -> None:
    # the seed case: 17 actors, 5 issues, 3 columns per issue in the case table
    from parley.io import read_case

    path = tmp_path / "report.html"
    write_report(path, report_html(read_case(SEED), model_specs(["compromise"]), scenarios=[]))
    inner, page, table, box, _ = probe_in_chromium(
        path,
        tmp_path,
        width,
        "window.innerWidth, document.documentElement.scrollWidth, "
        "document.querySelector('table.case-table').parentElement.scrollWidth, "
        "document.querySelector('table.case-table').parentElement.clientWidth, "
        "getComputedStyle(document.querySelector('.anchor')).color",
    )
    assert int(inner) == width
    assert int(page) <= width  # the page never scrolls sideways
    assert int(table) <= int(box)  # and the case table fits its box: no scrollbar on it
