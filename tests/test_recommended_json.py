"""`forecast --format json` carries the recommended forecast, the range across models and the
disagreement flag (issue #14), computed by parley.recommend; values checked by hand."""

from __future__ import annotations

import json

import numpy as np

from parley.case import build_case
from parley.cli import app
from parley.recommend import recommended_json

CASE = {
    "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 3}],
    "issues": [{"id": "x", "lower": 0, "upper": 10}, {"id": "y", "lower": 0, "upper": 100}],
    "stances": {
        "a": {"x": {"position": 2, "salience": 0.25}, "y": {"position": 0, "salience": 1}},
        "b": {"x": {"position": 8, "salience": 0.75}, "y": {"position": 100, "salience": 1}},
    },
}


def test_range_and_disagreement_by_hand() -> None:
    case = build_case(CASE)
    # x: 7.4 and 9.0 span 1.6 <= 0.25 x 10 = 2.5: agree; y: 75 and 40 span 35 > 25: disagree
    forecasts = {"compromise": np.array([[7.4, 75.0]]), "eum": np.array([[9.0, 40.0]])}
    assert recommended_json(case, forecasts) == {
        "x": {"model": "compromise", "value": 7.4, "range": [7.4, 9.0], "disagree": False},
        "y": {"model": "compromise", "value": 75.0, "range": [40.0, 75.0], "disagree": True},
    }
    # without the recommended model there is no recommended value, the range stays
    only = recommended_json(case, {"eum": np.array([[9.0, 40.0]])})
    assert only["y"] == {
        "model": "compromise",
        "value": None,
        "range": [40.0, 40.0],
        "disagree": False,
    }


def test_forecast_json_has_the_bottom_line(runner, tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(CASE))
    result = runner.invoke(app, ["forecast", str(path), "-m", "compromise", "-f", "json"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)["recommended"]
    # x: (2 x 1 x 0.25 + 8 x 3 x 0.75) / (1 x 0.25 + 3 x 0.75) = 18.5 / 2.5 = 7.4
    # y: (0 x 1 x 1 + 100 x 3 x 1) / (1 + 3) = 75
    assert abs(rec["x"]["value"] - 7.4) < 1e-9
    assert abs(rec["y"]["value"] - 75.0) < 1e-9
    assert rec["y"]["range"][0] == rec["y"]["range"][1] and rec["y"]["disagree"] is False
