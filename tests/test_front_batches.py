"""Batched fronts: the arrays of a merged front and a batched search equal the case-level path."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from parley.case import case_arrays
from parley.coalitions.front_arrays import batched_runs, bloc_rows, merged_arrays
from parley.coalitions.fronts import evaluate_front, merge_front, search_fronts
from parley.forecast import model_specs
from parley.io import read_case
from parley.models import model_names

SEED = ROOT / "cases" / "iraq-2006" / "case.yaml"


@pytest.fixture(scope="module")
def seed():
    return read_case(SEED)


@pytest.mark.parametrize(
    "members",
    [["iai", "rev_1920"], ["aqi", "iai", "kurds"], ["us_admin", "arab_neighbours"]],
)
@pytest.mark.parametrize("rule", ["compromise", "model:median"])
def test_merged_arrays_lay_out_the_merged_case(seed, members, rule):
    # aqi holds no position on oil: the bloc's mask comes from the members holding one
    arrays = case_arrays(seed)
    idx = [arrays.actor_ids.index(m) for m in members]
    got = merged_arrays(arrays, idx, bloc_rows(arrays, idx, position_rule=rule))
    want = case_arrays(merge_front(seed, members, position_rule=rule))
    assert got.actor_ids == want.actor_ids
    np.testing.assert_array_equal(got.mask, want.mask)
    for key in ("positions", "salience", "capability"):
        np.testing.assert_allclose(getattr(got, key), getattr(want, key), rtol=1e-15, atol=0)


def test_batched_runs_equal_one_by_one_for_every_model(seed):
    arrays = case_arrays(seed)
    fronts = [[3, 4], [3, 5], [4, 5], [3, 4, 5], [3, 7], [0, 16]]  # aqi (7): another mask group
    merged = [merged_arrays(arrays, f, bloc_rows(arrays, f)) for f in fronts]
    for name in model_names():
        model = model_specs([name])[0].build(seed)
        batch = batched_runs(model, merged)
        one = np.array([model.run(m, detail="forecast").forecast[0] for m in merged])
        np.testing.assert_allclose(batch, one, rtol=0, atol=1e-12, err_msg=name)


def test_batched_search_equals_evaluating_each_front(seed):
    specs = model_specs(["compromise", "median", "eum", "exchange", "smp"])
    calls = []
    found = search_fronts(
        seed,
        "resistance",
        specs,
        max_size=3,
        include_unstable=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert len(found) == 6 + 4  # 4 actors tagged resistance: 6 pairs and 4 triples
    assert calls[-1] == (10 * len(specs), 10 * len(specs))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # the search runs forecast-only batches (compiled kernels where a model has one), a front
    # evaluated alone runs the full models: the two agree to round-off (parley.models.compiled)
    for result in found:
        one = evaluate_front(seed, list(result.members), specs)
        for model, gains in one.gain_by_model.items():
            for member, gain in gains.items():
                assert result.gain_by_model[model][member] == pytest.approx(gain, abs=1e-9)
        assert result.forecast_with.keys() == one.forecast_with.keys()
        for model, forecast in one.forecast_with.items():
            for issue, value in forecast.items():
                assert result.forecast_with[model][issue] == pytest.approx(value, abs=1e-9)
        assert result.bloc == one.bloc
