"""The report's uncertainty section: present exactly when the case has ranges or probabilities,
rendered from computed results (distributions, tornado, Sobol bars, the scenario split)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the report extra is not installed")
pytest.importorskip("jinja2", reason="the report extra is not installed")

from reporting import report_html  # noqa: E402
from test_report import CASE, SECTIONS, SECTIONS_UNCERTAIN, parse  # noqa: E402

from parley.case import build_case  # noqa: E402
from parley.forecast import model_specs  # noqa: E402
from parley.uncertainty import has_uncertainty, uncertainty_analysis  # noqa: E402

WITH_ODDS = {
    **CASE,
    "scenarios": [
        {"name": "strong-c", "probability": 0.25, "set": [{"actor": "c", "capability": 4}]},
    ],
}


def _sections(page) -> list[str]:
    return [s for t, _, s in page.elements if t == "section"]


def test_section_with_ranges_and_probabilities():
    case = build_case(WITH_ODDS, "odds")
    page = parse(report_html(case, model_specs(["compromise", "median"]), members=200))
    assert _sections(page) == SECTIONS_UNCERTAIN
    assert any(t == "a" and a.get("href") == "#uncertainty" for t, a, _ in page.elements)
    figures = [a.get("id") for t, a, s in page.elements if t == "figure" and s == "uncertainty"]
    assert figures == [
        "distribution-1", "tornado-1", "sobol-1", "distribution-2", "tornado-2", "sobol-2",
    ]  # fmt: skip
    text = page.sections["uncertainty"]
    assert "200 members" in text and "strong-c" in text
    split = page.tables["scenario-split"]
    # header, then one row per scenario and model: base and strong-c, compromise and median
    assert len(split) == 1 + 2 * 2
    assert split[1][:3] == ["base", "0.75", split[1][2]]
    members = int(split[1][2]) + int(split[3][2])
    assert members == 200
    rows = page.tables["uncertainty-table"]  # per issue: header, then compromise and median
    assert [r[0] for r in rows] == ["model", "compromise", "median"] * 2
    # every model's tornado and Sobol bars, one panel each, per issue (not only the first model)
    panels = [
        a.get("id") for t, a, s in page.elements if t == "div" and "panel" in a.get("class", "")
    ]
    assert panels == [
        f"{kind}-{k}-{m}" for k in (1, 2) for kind in ("tornado", "sobol")
        for m in ("compromise", "median")
    ]  # fmt: skip


def test_no_section_without_ranges_or_probabilities():
    plain = {**CASE, "stances": {**CASE["stances"], "c": {
        "x": {"position": 5, "salience": 1}, "y": {"position": None, "salience": 0}}}}  # fmt: skip
    case = build_case(plain, "plain")
    assert not has_uncertainty(case)
    page = parse(report_html(case, model_specs(["compromise"])))
    assert _sections(page) == SECTIONS
    ranged = build_case(CASE, "ranged")
    page = parse(report_html(ranged, model_specs(["compromise"]), members=0))
    assert _sections(page) == SECTIONS


def test_the_analysis_the_section_renders():
    # c's position on x is triangular on 4..6 (mode 5); compromise weights on x: a 5, b 1.5, c 2
    # (capability x salience), so F = (5*2 + 1.5*8 + 2 x_c) / 8.5: the ensemble spans
    # (22 + 8) / 8.5 = 3.53 .. (22 + 12) / 8.5 = 4.0, and the tornado's swing is 4 / 8.5.
    case = build_case(CASE, "analysis")
    u = uncertainty_analysis(
        case, model_specs(["compromise", "median"]), members=500, sobol_samples=64
    )
    assert u.models == ("compromise", "median")
    assert set(u.tornado.models) == set(u.sobol.models) == {"compromise", "median"}
    x = u.ensemble.forecasts["compromise"][:, 0]
    assert x.min() >= 30 / 8.5 - 1e-9 and x.max() <= 34 / 8.5 + 1e-9
    assert np.median(x) == pytest.approx(32 / 8.5, abs=0.02)
    (entry,) = [e for e in u.tornado.models["compromise"]["x"] if e["swing"] > 0]
    assert entry["input"] == "c.x.position"
    assert entry["swing"] == pytest.approx(4 / 8.5)
    (top, *_) = u.sobol.models["compromise"]["x"]
    assert top["input"] == "c.x.position" and top["ST"] == pytest.approx(1.0, abs=0.05)


def test_models_that_play_rounds_get_fewer_sobol_samples():
    # CASE states one range (c's position on x): a Sobol design without second order has
    # n * (1 + 2) points, so 64 base samples are 192 runs and eum's 16 are 48
    case = build_case(CASE, "samples")
    u = uncertainty_analysis(case, model_specs(["compromise", "eum"]), members=50, sobol_samples=64)
    assert u.sobol_samples == {"compromise": 64, "eum": 16}
    assert u.sobol.evaluations == {"compromise": 192, "eum": 48}
    assert set(u.sobol.models) == set(u.tornado.models) == {"compromise", "eum"}
    page = parse(report_html(case, model_specs(["compromise", "eum"]), members=50))
    assert (
        "Sobol indices from 128 base samples (16 for eum, which play rounds)"
        in (page.sections["uncertainty"])
    )
