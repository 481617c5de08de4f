"""Model eum as parley runs it: issue by issue, batches, chunks, missing positions, stopping,
degenerate cases, parameters, events and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parley.case.arrays import CaseArrays
from parley.errors import ModelError
from parley.models import get_model

DATA = Path(__file__).parent / "data" / "eum"

EU = {  # Scholz et al. (2011) Table 1, salience on 0-1
    "actors": ["NL", "BE", "LU", "DE", "FR", "IT", "UK", "IE", "DK", "GR"],
    "c": [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
    "x": [4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
    "s": [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7],
}


def arrays_of(x, c, s, mask=None, bounds=None) -> CaseArrays:
    """(A, I) inputs -> CaseArrays with B = 1 (or (B, A, I) inputs as given)."""
    x, c, s = (np.asarray(v, dtype=float) for v in (x, c, s))
    if x.ndim == 2:
        x, c, s = x[None], c[None], s[None]
    n_a, n_i = x.shape[1:]
    mask = np.ones((n_a, n_i), dtype=bool) if mask is None else np.asarray(mask)
    if bounds is None:
        bounds = np.column_stack([x.min(axis=(0, 1)), x.max(axis=(0, 1))])
    return CaseArrays(
        positions=np.where(mask, x, bounds[:, 0]),
        salience=np.where(mask, s, 0.0),
        capability=c,
        mask=mask,
        bounds=np.asarray(bounds, dtype=float),
        actor_ids=tuple(f"a{k}" for k in range(n_a)),
        issue_ids=tuple(f"i{k}" for k in range(n_i)),
        status_quo=np.full(n_i, np.nan),
    )


def eu_case() -> CaseArrays:
    col = [[v] for v in EU["x"]], [[v] for v in EU["c"]], [[v] for v in EU["s"]]
    return arrays_of(*col)


def run(arrays: CaseArrays, preset: str = "scholz_code", **params):
    return get_model("eum", preset, params).run(arrays)


def test_issues_run_one_by_one_and_missing_actors_sit_out() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([EU["x"], rng.uniform(0, 100, 10), rng.uniform(0, 1, 10)])
    c = np.repeat(np.array(EU["c"])[:, None], 3, axis=1)
    s = np.column_stack([EU["s"], rng.uniform(0.1, 1, 10), rng.uniform(0.1, 1, 10)])
    mask = np.ones((10, 3), dtype=bool)
    mask[[2, 7], 1] = False  # two actors hold no position on issue i1
    both = run(arrays_of(x, c, s, mask))
    assert both.history.shape == (1, 11, 10, 3)
    for k in range(3):
        keep = mask[:, k]
        alone = run(arrays_of(x[keep, k : k + 1], c[keep, k : k + 1], s[keep, k : k + 1]))
        np.testing.assert_allclose(both.history[0, :, keep, k], alone.history[0, :, :, 0].T)
        assert both.forecast[0, k] == alone.forecast[0, 0]
    lower = both.history[0, 0, 2, 1]
    assert (both.history[0, :, [2, 7], 1] == lower).all()


def test_batch_members_and_chunks_are_independent(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 10, size=(3, 8, 2))
    c = rng.uniform(0.1, 1, size=(3, 8, 2))
    s = rng.uniform(0.1, 1, size=(3, 8, 2))
    batched = run(arrays_of(x, c, s, bounds=np.array([[0.0, 10.0]] * 2)))
    for b in range(3):
        one = run(arrays_of(x[b], c[b], s[b], bounds=np.array([[0.0, 10.0]] * 2)))
        np.testing.assert_allclose(batched.history[b], one.history[0], atol=1e-12)
        if b == 0:
            assert batched.events == one.events  # events describe batch member 0
    monkeypatch.setattr("parley.models.eum.model.CHUNK_ELEMENTS", 1)
    chunked = run(arrays_of(x, c, s, bounds=np.array([[0.0, 10.0]] * 2)))
    np.testing.assert_array_equal(chunked.history, batched.history)
    assert chunked.events == batched.events
    assert chunked.extra["quadrants"] == batched.extra["quadrants"]


def test_median_stopping_rule_stops_each_issue_on_its_own() -> None:
    x = np.column_stack([EU["x"], [5.0] * 9 + [6.0]])
    c = np.column_stack([EU["c"], EU["c"]])
    s = np.column_stack([EU["s"], [1.0] * 10])
    out = run(arrays_of(x, c, s), stop="median", patience=3, rounds=10, tolerance=1e-9)
    stops = out.extra["issue_stops"]
    assert stops["i0"] == {"rounds": 10, "reason": "fixed rounds"}
    assert stops["i1"]["rounds"] < 10 and stops["i1"]["reason"].startswith("median change")
    assert out.status.tolist() == ["round_limit"] and out.rounds.tolist() == [10]  # i0 hit the cap
    json.dumps(out.extra, allow_nan=False)  # rounds an issue did not play are null, not NaN
    assert out.extra["risk_exponents"]["i1"][-1]["a0"] is None
    fixed = run(arrays_of(x, c, s), rounds=10)
    np.testing.assert_array_equal(out.history[0, :, :, 0], fixed.history[0, :, :, 0])


def test_everyone_at_one_position_means_no_dynamics() -> None:
    out = run(arrays_of([[3.0]] * 4, [[1.0]] * 4, [[0.5]] * 4, bounds=np.array([[0.0, 10.0]])))
    assert out.rounds.tolist() == [0] and out.status.tolist() == ["no_moves"]
    assert out.forecast[0, 0] == 3.0


def test_zero_weight_issue_is_an_error() -> None:
    with pytest.raises(ModelError, match="i0"):
        run(arrays_of([[1.0], [2.0]], [[1.0], [1.0]], [[0.0], [0.0]]))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "1.5"}, r"eum.q: expected a number in \[0, 1\]"),
        ({"range": "huge"}, "expected one of"),
        ({"x": "1"}, "no par"),
    ],
)
def test_bad_parameters_are_model_errors(params: dict, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        get_model("eum", "scholz_code", params)


def test_presets_and_parameter_variants_run() -> None:
    base = run(eu_case())
    assert base.forecast[0, 0] == pytest.approx(7.0)
    bounds = run(eu_case(), range="bounds")  # bounds equal the initial range here
    np.testing.assert_array_equal(bounds.history, base.history)
    for params in (
        {"range": "round"},
        {"vote_exponent": "one", "opponent_risk": "opponent", "opponent_salience": "challenger"},
        {"q": 0.5, "change_term": True, "t": 0.3, "median": "weighted"},
        {"conflict": "none", "offer_choice": "least_move", "degenerate_risk": "previous"},
    ):
        out = run(eu_case(), **params)
        assert out.history.shape == base.history.shape
        assert ((out.history >= 4) & (out.history <= 10)).all()
    paper = run(eu_case(), "scholz_paper")
    assert paper.params["probability"] == "pairwise" and paper.params["capitulation"]


def test_events_and_quadrant_chart() -> None:
    out = run(eu_case(), rounds=3)
    n = 10
    assert len(out.extra["quadrants"]) == 3 * n * (n - 1)
    for t in (1, 2, 3):
        rows = [e for e in out.events if e["round"] == t]
        accepted = [e for e in rows if e["accepted"]]
        assert len(accepted) == out.extra["moves"]["i0"][t - 1]
        assert len({e["actor"] for e in accepted}) == len(accepted)
        moved = {e["actor"]: e["new_position"] for e in accepted}
        k = {name: i for i, name in enumerate(out.actor_ids or [f"a{i}" for i in range(n)])}
        for actor, pos in moved.items():
            assert out.history[0, t, k[actor], 0] == pos
    first = next(e for e in out.events if e["accepted"])
    assert set(first) == {
        "round", "issue", "actor", "counterpart", "type", "eu_ij", "eu_ji",
        "position", "new_position", "accepted",
    }  # fmt: skip
    quad = {(q["actor"], q["counterpart"]): q for q in out.extra["quadrants"] if q["round"] == 1}
    assert quad[(first["actor"], first["counterpart"])]["eu_ij"] == first["eu_ij"]
    only = run(eu_case(), rounds=3, events="accepted", quadrants=False)
    assert only.events == [e for e in out.events if e["accepted"]]
    assert "quadrants" not in only.extra
    assert run(eu_case(), rounds=3, events="none").events == []
    small = run(eu_case(), rounds=3, detail_max_actors=5)
    assert small.events == only.events and small.extra["quadrants"] == []


def test_a_thousand_actors_run() -> None:
    rng = np.random.default_rng(0)
    n = 1000
    x = rng.uniform(0, 100, size=(n, 1))
    out = run(
        arrays_of(x, rng.uniform(0.1, 1, (n, 1)), rng.uniform(0.1, 1, (n, 1))),
        rounds=2,
        events="accepted",
        quadrants=False,
    )
    assert out.history.shape == (1, 3, n, 1)
    assert ((out.history >= x.min()) & (out.history <= x.max())).all()
    assert 0 < len(out.events) <= 2 * n


def test_cli_forecast_json_carries_events(runner, tmp_path: Path) -> None:
    pytest.importorskip("parley.io.bdm")  # the BDM CSV reader lands separately
    from parley.cli import app

    case = DATA / "eu_emissions_bdm1994.csv"
    args = ["forecast", str(case), "--model", "eum", "--preset", "scholz_code", "--rounds", "10"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    model = json.loads(result.stdout)["models"]["eum"]
    assert len(model["rounds"]) == 11
    assert list(model["forecast"].values()) == [pytest.approx(7.0)]
    assert model["events"] and "quadrants" in model and "summaries" in model
    ref = json.loads((DATA / "eu_emissions_jmckib_10rounds_full.json").read_text())
    for t, rd in enumerate(ref["rounds"], start=1):
        for actor, pos in rd["positions"].items():
            assert list(model["rounds"][t]["positions"][actor].values()) == [
                pytest.approx(pos, abs=1e-9)
            ]
    bad = runner.invoke(app, [*args, "--param", "capitulation=maybe"])
    assert bad.exit_code == 2
    assert "capitulation" in bad.output
