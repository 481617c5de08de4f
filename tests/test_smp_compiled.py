"""smp's compiled forecast-only kernel against the array-API path (the reference), member by member.

Both run the same members: the seed case and random KTAB-style cases moved member by member
(positions, saliences, capabilities), and every option of every KTAB parameter the kernel covers.
Forecasts agree to 1e-9 (the last bit of exp and log differs between numba and NumPy), statuses
and turns exactly. No member of these ensembles sits on a knife-edge (a tie or a rounding to 4
decimals decided by one ulp), so none is excluded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from casebuilders import SMP_OPTIONS, jittered_members, ktab_random_arrays

from parley.case.arrays import CaseArrays, case_arrays
from parley.io import read_case
from parley.models import compiled, get_model
from parley.models.chunking import chunk_for
from parley.models.smp import SMP, compiled_run
from parley.models.smp import model as smp_model

pytestmark = pytest.mark.skipif(not compiled.available(), reason="numba (the fast extra) missing")

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"


def both_paths(model: SMP, arrays: CaseArrays) -> tuple[object, object]:
    fast = model.run(arrays, detail="forecast")
    with compiled.disabled():
        slow = model.run(arrays, detail="forecast")
    return fast, slow


def assert_agree(fast, slow) -> None:
    np.testing.assert_allclose(fast.forecast, slow.forecast, rtol=0, atol=1e-9)
    assert fast.status.tolist() == slow.status.tolist()
    assert fast.rounds.tolist() == slow.rounds.tolist()
    assert fast.message == slow.message


@pytest.mark.parametrize(
    "case",
    ["seed", "20x3", "20x1", "9x2"],
)
def test_compiled_forecasts_equal_the_array_path(case):
    if case == "seed":
        base = case_arrays(read_case(SEED))  # 17 actors x 5 issues, some holding no position
    else:
        base = ktab_random_arrays(*map(int, case.split("x")), seed=3)
    fast, slow = both_paths(get_model("smp"), jittered_members(base, 12))
    assert_agree(fast, slow)
    assert len(set(fast.rounds.tolist())) > 1  # members stop at different turns


@pytest.mark.parametrize(("name", "value"), SMP_OPTIONS)
def test_every_covered_option_equals_the_array_path(name, value):
    model = get_model("smp", params={name: value, "seed": "4"})
    fast, slow = both_paths(model, jittered_members(ktab_random_arrays(9, 2, seed=5), 4))
    assert_agree(fast, slow)


@pytest.mark.parametrize(
    "params",
    [
        {"max_turns": "0"},
        {"max_turns": "3"},
        {"min_turns": "5", "min_delta_ratio": "0.1", "min_sig_delta": "0.01"},
        {"position_tolerance": "0.05"},
        {"accommodation": '[["A00", "A00", 0.5], ["A00", "A01", 0.25], ["A02", "A02", 0.3]]'},
    ],
    ids=str,
)
def test_stop_rule_classes_and_accommodation_equal_the_array_path(params):
    fast, slow = both_paths(
        get_model("smp", params=params), jittered_members(ktab_random_arrays(9, 2, 6), 4)
    )
    assert_agree(fast, slow)


def test_identical_actors_break_their_tie_as_the_array_path():
    """Two identical actors (twins.py): the first is targeted on both paths."""
    base = ktab_random_arrays(8, 1, seed=7)
    for name in ("positions", "salience", "capability"):
        getattr(base, name)[0, 5] = getattr(base, name)[0, 2]
    fast, slow = both_paths(get_model("smp"), base)
    assert_agree(fast, slow)


def test_forecast_runs_take_the_compiled_kernel(monkeypatch):
    """With numba on, a forecast-only run never enters the array path's turn; full detail and
    the options the kernel does not cover still do."""

    def refuse(*args, **kwargs):
        raise AssertionError("the array path ran")

    monkeypatch.setattr(smp_model, "step", refuse)
    arrays = jittered_members(ktab_random_arrays(6, 2, seed=8), 3)
    out = get_model("smp").run(arrays, detail="forecast")
    assert out.detail == "forecast" and np.isfinite(out.forecast).all()
    with pytest.raises(AssertionError, match="array path ran"):
        get_model("smp").run(arrays, detail="full")
    monkeypatch.setattr(compiled_run, "MAX_DRAWS", 10)  # more Stochastic draws than covered
    with pytest.raises(AssertionError, match="array path ran"):
        get_model("smp", params={"StateTransitions": "Stochastic"}).run(arrays, detail="forecast")
    with compiled.disabled(), pytest.raises(AssertionError, match="array path ran"):
        get_model("smp").run(arrays, detail="forecast")


def test_coverage_rule():
    x = np.zeros((1, 4, 2))
    assert compiled_run.covers(SMP(), x, "forecast")
    assert not compiled_run.covers(SMP(), x, "full")
    assert not compiled_run.covers(SMP(), x.astype(np.float32), "forecast")
    assert compiled_run.covers(SMP(BargnModel="InitRcvrInterp"), x, "forecast")
    stochastic = SMP(StateTransitions="Stochastic", max_turns=10_000)
    assert compiled_run.covers(stochastic, x, "forecast")  # 40,000 draws
    assert not compiled_run.covers(stochastic, np.zeros((1, 500, 2)), "forecast")


def test_results_do_not_depend_on_the_threads():
    """Members are dealt to one block per thread; each is computed alone."""
    arrays = jittered_members(ktab_random_arrays(8, 2, seed=9), 7)
    model = get_model("smp", params={"StateTransitions": "Stochastic", "seed": "2"})
    try:
        runs = []
        for n in (1, 2, 3, 8):
            compiled.set_threads(n)
            runs.append(model.run(arrays, detail="forecast"))
    finally:
        compiled.set_threads(None)
    for out in runs[1:]:
        np.testing.assert_array_equal(out.forecast, runs[0].forecast)
        assert out.rounds.tolist() == runs[0].rounds.tolist()


def test_a_compiled_forecast_run_declares_its_own_memory():
    """Chunks of forecast-only runs (levers, fronts, ensembles) are sized by what the compiled
    kernel holds: per member its own arrays, per thread one member's scratch. By hand at 50 x 5
    with 2 threads: 80 x 250 + 48 x 50 = 22,400 bytes a member, 128 x 51^2 = 332,928 a thread,
    so one member declares 355,328 and 64 MiB take 188; the array path declares
    9 x 50^3 + 8 x 101 x 250 = 1,327,000 a member (50 a chunk)."""
    model = get_model("smp")
    try:
        compiled.set_threads(2)
        assert chunk_for(model, (1, 50, 5)) == 188
        with compiled.disabled():
            assert chunk_for(model, (1, 50, 5)) == 50
        many = get_model("smp", params={"StateTransitions": "Stochastic", "max_turns": 10_000})
        assert chunk_for(many, (1, 500, 1)) == 1  # not covered: the array path's A^3 tensor
    finally:
        compiled.set_threads(None)
