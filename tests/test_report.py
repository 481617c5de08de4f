"""The HTML report: every section, figure and table is there, nothing loads from the network, and
case text is escaped (a title with <script> shows as text)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser

import numpy as np
import pytest
import yaml

pytest.importorskip("matplotlib", reason="the report extra is not installed")
pytest.importorskip("jinja2", reason="the report extra is not installed")

from reporting import report_html  # noqa: E402

from parley.analysis import CaseAnalysis  # noqa: E402
from parley.case import build_case  # noqa: E402
from parley.cli import app  # noqa: E402
from parley.coalitions.summary import power_summary  # noqa: E402
from parley.compare import Comparison, compare_scenarios  # noqa: E402
from parley.forecast import model_specs  # noqa: E402
from parley.models import Outcome  # noqa: E402
from parley.report.forecast import fmt_value  # noqa: E402
from parley.report.html import render_report  # noqa: E402

TITLE = 'Talks <script>alert("x")</script> & more'
ALPHA = "Alpha <b>bold</b>"
BETA = "Beta $5bn fund"
CASE = {
    "title": TITLE,
    "description": "A <i>small</i> case for the report tests.",
    "sources": ["<a href='http://evil.example'>a source</a>"],
    "actors": [
        {"id": "a", "name": ALPHA, "tags": ["east"], "capability": 5},
        {"id": "b", "name": BETA, "tags": ["west"], "capability": 3},
        {"id": "c", "name": "Gamma", "tags": ["east"], "capability": 2},
    ],
    "issues": [
        {
            "id": "x",
            "name": "Exit <timetable>",
            "lower": 0,
            "upper": 10,
            "unit": "years",
            "status_quo": 3,
            "anchors": {0: "now", 5: "half <way>", 10: "never"},
        },
        {"id": "y", "name": "Money", "lower": 0, "upper": 100},
    ],
    "stances": {
        "a": {"x": {"position": 2, "salience": 1}, "y": {"position": 10, "salience": 0.5}},
        "b": {"x": {"position": 8, "salience": 0.5}, "y": {"position": 90, "salience": 1}},
        "c": {
            "x": {"position": {"value": 5, "low": 4, "high": 6}, "salience": 1},
            "y": {"position": None, "salience": 0},
        },
    },
    "scenarios": [
        {"name": "strong-c", "description": "C <grows>", "set": [{"actor": "c", "capability": 4}]}
    ],
}
MODELS = ["compromise", "median"]
# the bottom line comes first (issue #14)
SECTIONS = [
    "bottom-line",
    "case",
    "forecasts",
    "positions",
    "rounds",
    "scenarios",
    "power",
    "fronts",
]
# a case that states ranges (CASE does: c's position on x) gets the uncertainty section too
SECTIONS_UNCERTAIN = [*SECTIONS[:6], "uncertainty", *SECTIONS[6:]]


class Page(HTMLParser):
    """Every element with the section it lies in, the text of each section and of each table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], str | None]] = []
        self.section: str | None = None
        self.sections: dict[str, str] = {}
        self.stack: list[str] = []
        self.svg_text: list[str] = []
        self.table: str | None = None
        self.tables: dict[str, list[list[str]]] = {}
        self.title_text = ""
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("id")
            self.sections[self.section] = ""
        if tag == "table":
            self.table = (attrs.get("class") or "").split()[0]
            self.tables.setdefault(self.table, [])
        if tag == "tr" and self.table:
            self.tables[self.table].append([])
        if tag in ("td", "th") and self.table:
            self.tables[self.table][-1].append("")
        self.elements.append((tag, attrs, self.section))
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), self.section))

    def handle_endtag(self, tag):
        if tag == "section":
            self.section = None
        if tag == "table":
            self.table = None
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.section:
            self.sections[self.section] += data
        if "svg" in self.stack:
            self.svg_text.append(data)
        if self.table and any(t in ("td", "th") for t in self.stack) and data.strip():
            row = self.tables[self.table][-1]
            row[-1] = f"{row[-1]} {data.strip()}".strip()  # a cell's pieces, space-separated
        if self.stack and self.stack[-1] == "title":
            self.title_text += data
        if "h1" in self.stack:
            self.h1 += data

    def count(self, tag: str, section: str | None = None) -> int:
        return sum(1 for t, _, s in self.elements if t == tag and (section is None or s == section))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def case():
    return build_case(CASE, "report-test")


def with_rounds(cmp: Comparison) -> Comparison:
    """The comparison plus a model that played two rounds (every actor moves halfway to the
    capability-weighted mean each round): the report must draw its rounds chart."""
    runs = {}
    for name, outcomes in cmp.runs.items():
        base = outcomes["compromise"]
        x0 = base.history[:, 0]  # (1, A, I)
        target = base.forecast[:, None, :]
        x1 = (x0 + target) / 2
        x2 = (x1 + target) / 2
        toy = Outcome(
            forecast=x2.mean(axis=1),
            status=np.array(["fixed_rounds"]),
            rounds=np.array([2]),
            message="fixed rounds",
            history=np.stack([x0, x1, x2], axis=1),
            summaries={"mean": np.stack([x0, x1, x2], axis=1).mean(axis=2)},
            actor_ids=base.actor_ids,
            issue_ids=base.issue_ids,
            mask=base.mask,
        )
        runs[name] = {**outcomes, "toy-rounds": toy}
    return replace(cmp, runs=runs)


FRONT = {
    "members": ["b", "c"],
    "stable": False,
    "gain": {"b": 0.125, "c": -0.25},
    "forecast_with": {"compromise": {"x": 5.5, "y": 60.0}},
    "forecast_without": {"compromise": {"x": 4.5, "y": 50.0}},
}


@pytest.fixture(scope="module")
def html(case):
    cmp = with_rounds(compare_scenarios(case, model_specs(MODELS)))
    analysis = CaseAnalysis(case, cmp, power=power_summary(case), fronts=[FRONT])
    return render_report(analysis, source="case.yaml")


@pytest.fixture(scope="module")
def page(html):
    return parse(html)


def test_every_section_is_there_in_order(page):
    order = [s for t, a, s in page.elements if t == "section"]
    assert order == SECTIONS
    for section in SECTIONS:  # each listed in the table of contents
        assert any(t == "a" and a.get("href") == f"#{section}" for t, a, _ in page.elements)


def test_one_strip_plot_per_issue_and_one_rounds_chart_per_model_with_rounds(page):
    assert page.count("svg", "positions") == 2
    assert page.count("svg", "rounds") == 1
    assert page.count("svg") == 3
    figures = [a.get("class") for t, a, _ in page.elements if t == "figure"]
    assert figures == ["strip", "strip", "rounds"]
    for t, a, _ in page.elements:
        if t == "svg":
            assert a.get("viewbox"), "each figure scales with the page"
    assert "toy-rounds: positions over 2 rounds (fixed rounds)" in page.sections["rounds"]


def test_strip_plot_labels_actors_anchors_and_forecasts(page):
    text = " ".join(page.svg_text)
    for label in (ALPHA, BETA, "Gamma", "now", "half <way>", "never", "status quo"):
        assert label in text
    # compromise on x, w = capability x salience = 5, 1.5, 2: (5*2 + 1.5*8 + 2*5) / 8.5 = 3.7647
    assert "compromise: 3.76" in text
    # median on x: positions 2 (w 5), 5 (w 2), 8 (w 1.5); half of 8.5 is reached at 2
    assert "median: 2" in text


def test_case_table_has_every_actor_and_stance(page):
    rows = page.tables["case-table"]
    header, sub, body = rows[0], rows[1], rows[2:]
    assert header == ["actor tags", "Exit <timetable>", "Money"]
    assert sub == ["pos.", "sal.", "cap."] * 2
    assert [r[0] for r in body] == [f"{ALPHA} (a) east", f"{BETA} (b) west", "Gamma (c) east"]
    assert body[0][1:] == ["2", "1", "5", "10", "0.5", "5"]
    assert body[2][1:] == ["5 4\u20136", "1", "2", "\u2013", "\u2013", "\u2013"]  # c: no y


def test_issue_forecast_scenario_tables(page):
    issues = page.tables["issue-table"]
    assert [r[0] for r in issues[1:]] == ["Exit <timetable>", "Money"]
    assert issues[1][1:4] == ["0\u201310 years", "3", ""]
    forecasts = page.tables["forecast-table"]
    assert forecasts[0] == ["issue", "compromise", "median", "toy-rounds fixed rounds"]
    # y: a at 10 (w 2.5), b at 90 (w 3), c holds no position: (25 + 270) / 5.5 = 53.64
    assert forecasts[2][:2] == ["Money", "53.64"]
    scen = page.tables["scenario-table"]
    assert scen[0] == ["issue", "model", "base", "strong-c"]
    assert len(scen) == 1 + 2 * 3  # one row per issue and model
    # strong-c, x: c's weight 4 x 1: (10 + 12 + 20) / 10.5 = 4; shift 4 - 3.7647 = +0.24
    assert scen[1] == ["Exit <timetable>", "compromise", "3.76", "4 +0.24"]
    assert "C <grows>" in page.sections["scenarios"]
    assert "c: capability 4" in page.sections["scenarios"]


def test_power_table_matches_the_hand_computed_game(page):
    # weights 5, 3, 2, majority (> 5): winning {a,b}, {a,c}, {a,b,c}. Shapley-Shubik: a is pivotal
    # unless first (4 of 6 orders) -> 2/3; b and c 1/6. Banzhaf swings: a 3, b 1, c 1 -> 3/5, 1/5, 1/5.
    rows = {r[0]: r[1:] for r in page.tables["power-table"][1:]}
    assert page.tables["power-table"][0] == [
        "actor",
        "weight",
        "Shapley\u2013Shubik",
        "Banzhaf (normalised)",
    ]
    assert rows == {
        ALPHA: ["5", "0.667", "0.600"],
        BETA: ["3", "0.167", "0.200"],
        "Gamma": ["2", "0.167", "0.200"],
    }


def test_front_tables(page):
    assert page.tables["front-gain-table"] == [
        ["member", "gain"],
        [BETA, "+12.50%"],
        ["Gamma", "-25.00%"],
    ]
    assert page.tables["front-forecast-table"] == [
        ["model", "Exit <timetable>", "Money"],
        ["compromise", "4.5 \u2192 5.5 +1", "50 \u2192 60 +10"],
    ]
    assert "not stable" in page.sections["fronts"]


def test_no_resource_comes_from_the_network(html, page):
    for tag, attrs, _ in page.elements:
        for key in ("src", "href", "xlink:href", "data", "action", "poster"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, key, value)
        assert tag not in ("script", "link", "iframe", "img", "object", "embed"), tag
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@import" not in style and "url(" not in style


def test_case_text_is_escaped(html, page):
    assert page.count("script") == 0
    assert page.h1 == TITLE and page.title_text.startswith(TITLE)
    assert "&lt;script&gt;" in html
    assert not any(t == "a" and a.get("href", "").startswith("http") for t, a, _ in page.elements)
    assert page.count("b", "case") == 0 and page.count("i", "case") == 0
    # inside the figures, matplotlib XML-escapes labels, and a '$' does not start mathtext
    assert ALPHA in " ".join(page.svg_text) and BETA in " ".join(page.svg_text)
    assert not any(t == "b" for t, _, s in page.elements if s == "positions")


def test_the_analysis_holds_everything_the_report_shows(case):
    html = report_html(case, model_specs(["compromise"]), scenarios=["strong-c"])
    page = parse(html)
    assert page.count("svg", "positions") == 2 and page.count("svg", "rounds") == 0
    assert "None of the models run (compromise) plays rounds" in page.sections["rounds"]
    assert "No united front was asked for" in page.sections["fronts"]
    assert len(page.tables["power-table"]) == 4


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(CASE, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_writes_the_report(runner, case_file, tmp_path):
    target = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(case_file), "-o", str(target), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stdout
    page = parse(target.read_text(encoding="utf-8"))
    assert [s for t, _, s in page.elements if t == "section"] == SECTIONS_UNCERTAIN
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600
    assert set(tmp_path.iterdir()) == {case_file, target}  # no temporary file left behind


@pytest.mark.parametrize(
    "args, message",
    [
        (["-m", "nope"], "unknown model 'nope'"),
        (["-s", "nope"], "unknown scenario 'nope'"),
        (["--front", "a"], "--front expects two or more actors"),
    ],
)
def test_cli_bad_input_writes_nothing(runner, case_file, tmp_path, args, message):
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["report", str(case_file), "-o", str(target), *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml", "out.html"]


def test_without_the_extra_the_core_works_and_report_says_how_to_install(case_file, tmp_path):
    code = f"""
import sys
sys.modules["matplotlib"] = None
sys.modules["jinja2"] = None
from typer.testing import CliRunner
from parley.cli import app
r = CliRunner().invoke(app, ["forecast", {str(case_file)!r}, "-m", "compromise"])
assert r.exit_code == 0, r.output
r = CliRunner().invoke(app, ["report", {str(case_file)!r}, "-o", {str(tmp_path / "r.html")!r}])
print(r.exit_code)
print(r.output)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2"
    assert "matplotlib and jinja2 (not installed): pip install 'parley[report]'" in lines[1]
    assert not (tmp_path / "r.html").exists()


def test_cli_fronts_asked_for_and_searched(runner, case_file, tmp_path):
    """--front and --front-search show what parley.coalitions.fronts computes, member by member."""
    from parley.coalitions.fronts import evaluate_front, search_fronts

    case = build_case(CASE, "fronts")
    specs = model_specs(MODELS)
    target = tmp_path / "out.html"
    args = ["report", str(case_file), "-o", str(target), "--front", "a, b"]
    result = runner.invoke(
        app, [*args, "--front-search", "east", *sum([["-m", m] for m in MODELS], [])]
    )
    assert result.exit_code == 0, result.output
    page = parse(target.read_text(encoding="utf-8"))
    asked = evaluate_front(case, ["a", "b"], specs)
    found = search_fronts(case, "east", specs)
    assert page.count("article", "fronts") == 1 + len(found)
    gains = page.tables["front-gain-table"]
    assert gains[0] == ["member", "gain (mean)", *MODELS]
    assert gains[1][0] == ALPHA and gains[2][0] == BETA
    assert gains[1][1] in (f"{100 * asked.gain['a']:+.2f}%", "0.00%")
    assert gains[2][2] in (f"{100 * asked.gain_by_model['compromise']['b']:+.2f}%", "0.00%")
    rows = page.tables["front-forecast-table"][1 : 1 + len(MODELS)]
    for row, model in zip(rows, MODELS, strict=True):
        for cell, issue in zip(row[1:], ("x", "y"), strict=True):
            without = asked.forecast_without[model][issue]
            with_front = asked.forecast_with[model][issue]
            assert cell.startswith(f"{fmt_value(without)} \u2192 {fmt_value(with_front)}")
    stable = (
        "stable: every member gains"
        if asked.stable
        else "not stable: some member gains nothing or loses"
    )
    assert stable in page.sections["fronts"]
    assert "1 front(s) asked for." in page.sections["fronts"]
    assert "tagged 'east'" in page.sections["fronts"]
    assert "Asked for." in page.sections["fronts"]
    assert found  # {a, c}: both gain under the median (checked by parley.coalitions' own tests)
    origin = f"Found among the actors tagged 'east': number 1 of {len(found)}"
    assert origin in page.sections["fronts"]


def test_cli_front_with_unknown_member_fails_cleanly(runner, case_file, tmp_path):
    target = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(case_file), "-o", str(target), "--front", "a,zz"])
    assert result.exit_code == 2
    assert "zz" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_minimal_case_without_scenarios_anchors_or_tags():
    case = build_case(
        {
            "actors": [{"id": "p", "capability": 1}, {"id": "q", "capability": 1}],
            "issues": [{"id": "z", "lower": -1, "upper": 1}],
            "stances": {
                "p": {"z": {"position": -1, "salience": 1}},
                "q": {"z": {"position": 1, "salience": 1}},
            },
        },
        "minimal",
    )
    page = parse(report_html(case, model_specs(["compromise"])))
    assert [s for t, _, s in page.elements if t == "section"] == SECTIONS
    assert page.count("svg", "positions") == 1
    assert "This case has no scenarios." in page.sections["scenarios"]
    assert "scenario-table" not in page.tables
    # two equal actors under majority (> 1 of 2): both are needed, each holds half the power
    assert page.tables["power-table"][1:] == [
        ["p", "1", "0.500", "0.500"],
        ["q", "1", "0.500", "0.500"],
    ]


def test_label_lanes_never_overlap_within_a_lane():
    from parley.report.figures import _label_lanes

    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, 40)
    left = rng.uniform(0.005, 0.02, 40)
    right = left + rng.uniform(0.05, 0.3, 40)
    lanes, on_right = _label_lanes(x, left, right, gap=0.01)
    extents = [
        (
            x[k] - (left[k] if on_right[k] else right[k]),
            x[k] + (right[k] if on_right[k] else left[k]),
        )
        for k in range(40)
    ]
    for lane in set(lanes):
        spans = sorted(e for e, n in zip(extents, lanes, strict=True) if n == lane)
        assert all(a[1] + 0.01 <= b[0] + 1e-12 for a, b in zip(spans, spans[1:], strict=False))
    # a label runs to the left only where it would leave the axis on the right
    assert all(r or x[k] + right[k] > 1 for k, r in enumerate(on_right))
