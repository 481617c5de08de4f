"""The eum kernels on array_api_strict (the array API reference implementation) give the NumPy
results: one round and several rounds of the simulation, on the EU emissions case (one problem)
and on a random 30-actor case (three issues, so the batched code paths run).

array_api_strict rejects anything outside the standard; the tests run it at API version 2024.12
(the oldest with take_along_axis and Python scalars in where/maximum) with boolean indexing and
data-dependent shapes switched off, and once on a second device, where any array the kernels
created without the input's device would fail to combine with the inputs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import array_api_strict as xs
import numpy as np
import pytest
from array_api_compat import array_namespace, is_array_api_strict_namespace

from parley.models.backend import to_numpy
from parley.models.eum.params import PRESETS, EumParams
from parley.models.eum.round import play_round
from parley.models.eum.simulate import simulate
from parley.models.eum.votes import _ranks_below

DATA = Path(__file__).parent / "data" / "eum"
TOL = 1e-12
VARIANTS = {
    "scholz_code": {},
    "scholz_paper": {"q": 0.5},  # the (1 - Q) term with T from the rule
    "paper_fixed_t_round_range": {"q": 0.5, "t": 0.3, "range": "round"},
    "code_median_stop_previous_risk": {
        "stop": "median",
        "patience": 2,
        "degenerate_risk": "previous",
        "vote_exponent": "one",
    },
}


def params_for(variant: str, **more: Any) -> EumParams:
    preset = "scholz_paper" if variant.startswith(("scholz_paper", "paper")) else "scholz_code"
    return EumParams(**{**PRESETS[preset], **VARIANTS[variant], **more})


@pytest.fixture(autouse=True)
def strict_standard() -> Iterator[None]:
    with xs.ArrayAPIStrictFlags(
        api_version="2024.12", boolean_indexing=False, data_dependent_shapes=False
    ):
        yield


def eu_emissions() -> dict[str, np.ndarray]:
    """Bueno de Mesquita's (1994) EU emissions case: one problem of 10 actors (saliences / 100)."""
    with open(DATA / "eu_emissions_bdm1994.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    col = {
        k: np.array([[float(r[k]) for r in rows]]) for k in ("Position", "Capability", "Salience")
    }
    x = col["Position"]
    return {
        "x": x,
        "c": col["Capability"],
        "s": col["Salience"] / 100.0,
        "bounds": np.array([[x.min(), x.max()]]),
    }


def random_30(seed: int = 7) -> dict[str, np.ndarray]:
    """Three problems of 30 actors; positions drawn from 12 values per problem so actors share them."""
    rng = np.random.default_rng(seed)
    grid = rng.uniform(-10.0, 110.0, size=(3, 12))
    x = np.take_along_axis(grid, rng.integers(0, 12, size=(3, 30)), axis=1)
    return {
        "x": x,
        "c": rng.uniform(0.1, 10.0, size=(3, 30)),
        "s": rng.uniform(0.05, 1.0, size=(3, 30)),
        "bounds": np.tile([-10.0, 110.0], (3, 1)),
    }


CASES = {"eu_emissions": eu_emissions, "random_30": random_30}


CPU = xs.Device("CPU_DEVICE")


def strict(values: dict[str, np.ndarray], device: Any = CPU) -> dict[str, Any]:
    return {k: xs.asarray(v, device=device) for k, v in values.items()}


def assert_same(ours: Any, ref: np.ndarray, what: str) -> None:
    """A strict result equals the NumPy one: floats to 1e-12, integers and flags exactly."""
    assert is_array_api_strict_namespace(array_namespace(ours)), f"{what}: {type(ours)}"
    got = to_numpy(ours.to_device(CPU))
    assert got.shape == ref.shape, what
    if np.issubdtype(ref.dtype, np.floating):
        np.testing.assert_allclose(got, ref, rtol=0, atol=TOL, err_msg=what)
    else:
        np.testing.assert_array_equal(got, ref, err_msg=what)


def round_inputs(v: dict[str, Any], xp: Any) -> tuple[Any, ...]:
    x, c, s = v["x"], v["c"], v["s"]
    delta = xp.max(x, axis=1) - xp.min(x, axis=1)
    return x, c * s, s, delta, xp.ones_like(x)


ROUND_FIELDS = ("median", "p_risk", "eu_risk", "security", "big_r", "r", "p", "eu", "eu_other")
OFFER_FIELDS = ("kind", "target", "chosen", "new_x")
TRACE_FIELDS = ("positions", "median", "r", "moves", "stopped_at", "converged")
DETAIL_FIELDS = ("active", "x", "chosen", "kind", "eu", "eu_other", "new_x", "all_eu")
DETAIL_FIELDS += ("all_eu_other", "all_kind", "all_target")


@pytest.mark.parametrize("kernel", ["fast", "plain"])
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("case", list(CASES))
def test_one_round_on_array_api_strict_equals_numpy(case: str, variant: str, kernel: str) -> None:
    values = CASES[case]()
    params = params_for(variant, kernel=kernel)
    ref = play_round(*round_inputs(values, np), params)
    ours = play_round(*round_inputs(strict(values), xs), params)
    for name in ROUND_FIELDS:
        assert_same(getattr(ours, name), getattr(ref, name), name)
    for name in OFFER_FIELDS:
        assert_same(getattr(ours.offers, name), getattr(ref.offers, name), f"offers.{name}")
    assert to_numpy(ours.offers.chosen).max() >= 0  # someone accepts an offer: not a still case


@pytest.mark.parametrize("kernel", ["fast", "plain"])
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("case", list(CASES))
def test_rounds_on_array_api_strict_equal_numpy(case: str, variant: str, kernel: str) -> None:
    """Five rounds with the events' detail of the first problem (every pair's matrices kept)."""
    v = CASES[case]()
    params = params_for(variant, kernel=kernel, rounds=5)
    keep = np.array([0])
    ref = simulate(v["x"], v["c"], v["s"], v["bounds"], params, keep, full_detail=True)
    w = strict(v)
    ours = simulate(w["x"], w["c"], w["s"], w["bounds"], params, keep, full_detail=True)
    for name in TRACE_FIELDS:
        assert_same(getattr(ours, name), getattr(ref, name), name)
    assert int(np.max(ref.stopped_at)) >= 2 and int(np.sum(ref.moves)) > 0
    assert len(ours.details) == len(ref.details)
    for t, (mine, theirs) in enumerate(zip(ours.details, ref.details, strict=True), start=1):
        np.testing.assert_array_equal(mine.rows, theirs.rows)
        for name in DETAIL_FIELDS:
            got, want = getattr(mine, name), getattr(theirs, name)
            assert isinstance(got, np.ndarray), f"round {t} {name}: details live on the host"
            assert got.dtype == want.dtype, f"round {t} {name}"
            np.testing.assert_allclose(got, want, rtol=0, atol=TOL, err_msg=f"round {t} {name}")
    host = ours.to_numpy()
    assert all(isinstance(getattr(host, f), np.ndarray) for f in TRACE_FIELDS)


@pytest.mark.parametrize("case", list(CASES))
def test_kernels_keep_every_array_on_the_inputs_device(case: str) -> None:
    """On array_api_strict's 'device1' an array made on the default device cannot be combined
    with the inputs: three rounds of both presets run there and give the NumPy numbers."""
    v = CASES[case]()
    on_device = strict(v, xs.Device("device1"))
    for variant in ("scholz_code", "paper_fixed_t_round_range"):
        for kernel in ("fast", "plain"):
            params = params_for(variant, kernel=kernel, rounds=3)
            ref = simulate(v["x"], v["c"], v["s"], v["bounds"], params)
            ours = simulate(
                on_device["x"], on_device["c"], on_device["s"], on_device["bounds"], params
            )
            assert ours.positions.device == xs.Device("device1")
            for name in TRACE_FIELDS:
                assert_same(getattr(ours, name), getattr(ref, name), f"{variant} {kernel} {name}")


@pytest.mark.parametrize("n_batch, n", [(2, 1), (3, 2), (4, 7), (5, 8), (2, 16), (6, 33)])
def test_batched_ranks_equal_searchsorted_row_by_row(n_batch: int, n: int) -> None:
    """The binary search of several rows counts exactly what NumPy's searchsorted counts in each
    row, for queries between, beyond and exactly at the sorted values (powers of two included)."""
    rng = np.random.default_rng(n_batch * 100 + n)
    sorted_x = np.sort(rng.choice(rng.uniform(-5, 5, size=max(1, n // 2)), size=(n_batch, n)))
    queries = np.concatenate(
        [
            0.5 * (sorted_x[:, :, None] + sorted_x[:, None, :]).reshape(n_batch, -1),
            sorted_x,
            rng.uniform(-7, 7, size=(n_batch, 20)),
        ],
        axis=1,
    )
    want = np.stack(
        [np.searchsorted(row, q, side="left") for row, q in zip(sorted_x, queries, strict=True)]
    )
    np.testing.assert_array_equal(_ranks_below(np, sorted_x, queries), want)
    got = _ranks_below(xs, xs.asarray(sorted_x), xs.asarray(queries))
    np.testing.assert_array_equal(to_numpy(got), want)


def test_to_numpy_is_the_host_edge() -> None:
    a = np.arange(6.0).reshape(2, 3)
    assert to_numpy(a) is a
    back = to_numpy(xs.asarray(a))
    assert isinstance(back, np.ndarray)
    np.testing.assert_array_equal(back, a)
