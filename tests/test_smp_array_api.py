"""The smp kernels on `array_api_strict`, the standard's strict reference implementation.

array_api_strict rejects everything outside the array API standard (NumPy-only functions,
`out=`, fancy-index assignment, bool x float arithmetic, flat indexing...); here it runs at API
version 2024.12 with boolean indexing and data-dependent shapes switched off, and once on its
'device1', where an array a kernel created without the input's device would not combine with
the inputs. So a run on its arrays shows that the kernels keep to the standard. Each run is
compared with the same run on NumPy arrays (which reproduces KTAB: test_smp_reference.py) to
1e-12.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from casebuilders import ktab_random_arrays
from test_smp_reference import ktab_arrays

from parley.case.arrays import CaseArrays
from parley.models.smp import SMP
from parley.models.smp.backend import namespace, to_numpy
from parley.models.smp.model import _capability, _salience, _start
from parley.models.smp.turn import Setup, assess, step

xs = pytest.importorskip("array_api_strict")

DUMMY = Path(__file__).parent / "data" / "smp" / "dummyData_3Dim.csv"
TOL = 1e-12


@pytest.fixture(autouse=True)
def strict_standard() -> Iterator[None]:
    with xs.ArrayAPIStrictFlags(
        api_version="2024.12", boolean_indexing=False, data_dependent_shapes=False
    ):
        yield


def strict(arrays: CaseArrays, device: Any = None) -> CaseArrays:
    """The same case with every array field as an array_api_strict array (on `device`)."""
    device = device or xs.Device("CPU_DEVICE")
    return replace(
        arrays,
        **{
            f.name: xs.asarray(getattr(arrays, f.name), device=device)
            for f in fields(arrays)
            if "ids" not in f.name
        },
    )


def assert_same_run(a, b) -> None:
    """Two Outcomes agree: every state, summary and forecast to 1e-12, events and JSON extras
    (numbers to 1e-12, everything else exactly)."""
    assert a.history.shape == b.history.shape
    np.testing.assert_allclose(b.history, a.history, rtol=0, atol=TOL)
    np.testing.assert_allclose(b.forecast, a.forecast, rtol=0, atol=TOL)
    for k in a.summaries:
        np.testing.assert_allclose(b.summaries[k], a.summaries[k], rtol=0, atol=TOL)
    assert a.status.tolist() == b.status.tolist() and a.rounds.tolist() == b.rounds.tolist()
    _assert_close_json(json.loads(json.dumps(a.events)), json.loads(json.dumps(b.events)))
    _assert_close_json(json.loads(json.dumps(a.extra)), json.loads(json.dumps(b.extra)))


def _assert_close_json(x, y) -> None:
    if isinstance(x, dict):
        assert x.keys() == y.keys()
        for k in x:
            _assert_close_json(x[k], y[k])
    elif isinstance(x, list):
        assert len(x) == len(y)
        for u, v in zip(x, y, strict=True):
            _assert_close_json(u, v)
    elif isinstance(x, float) and not isinstance(y, bool):
        assert y == pytest.approx(x, rel=0, abs=TOL, nan_ok=True)
    else:
        assert x == y


@pytest.fixture(scope="module")
def dummy() -> CaseArrays:
    return ktab_arrays(DUMMY)


@pytest.fixture(scope="module")
def random15() -> CaseArrays:
    return ktab_random_arrays(15, 3, seed=4)


def test_turns_run_on_strict_arrays(dummy):
    """Three turns of the kernels: every result stays an array_api_strict array (nothing is
    converted to NumPy behind the scenes) and equals the NumPy turns."""
    runs = {}
    for name, arrays in (("numpy", dummy), ("strict", strict(dummy))):
        xp = namespace(arrays.positions)
        mask = xp.astype(arrays.mask, arrays.positions.dtype)
        acc = xp.asarray(np.eye(arrays.shape[1]))
        setup = Setup(_salience(arrays, mask), _capability(arrays, mask), acc, SMP())
        x = _start(replace(arrays, mask=mask))
        y = x
        states = []
        for _ in range(3):
            cur = assess(x, y, setup)
            x, y, turn = step(x, y, cur, setup, None)
            states.append((cur.own_util, cur.risk, x, y, turn.gain, turn.resolution.probability))
        runs[name] = states
    for got in runs["strict"]:
        assert all(namespace(a) is xs for a in got)
    for want, got in zip(runs["numpy"], runs["strict"], strict=True):
        for w, g in zip(want, got, strict=True):
            np.testing.assert_allclose(to_numpy(g), w, rtol=0, atol=TOL)


@pytest.mark.parametrize("case", ["dummy", "random15"])
def test_full_run_on_strict_arrays_equals_numpy(case, request):
    arrays = request.getfixturevalue(case)
    assert_same_run(SMP().run(arrays), SMP().run(strict(arrays)))


@pytest.mark.parametrize(
    "params",
    [
        {"VotingRule": "ASymProsp", "PCEModel": "MarkovIncentive", "BargnModel": "InitRcvrInterp"},
        {"VotingRule": "PropBin", "PCEModel": "MarkovUniform", "VictoryProbModel": "Binary"},
        {"BargnModel": "PWCompInterp", "InterVecBrgn": "S2PMax", "BigRRange": "Max"},
        {"ThirdPartyCommit": "NoCommit", "BigRAdjust": "Full", "InterVecBrgn": "S1P1"},
        {"StateTransitions": "Stochastic", "seed": 9, "threads": 2},
    ],
)
def test_non_default_options_on_strict_arrays_equal_numpy(random15, params):
    """Every KTAB option family on strict arrays; stochastic draws come from the host."""
    params = {"max_turns": 8, **params}
    assert_same_run(SMP(**params).run(random15), SMP(**params).run(strict(random15)))


def test_batch_members_stopping_apart_on_strict_arrays(dummy, random15):
    """A batch of two whose members stop at different turns (the running members are taken)."""
    other = dummy.with_batch(positions=np.clip(dummy.positions[:, ::-1] * 0.8 + 10, 0, 100))
    batch = dummy.with_batch(
        positions=np.concatenate([dummy.positions, other.positions]),
        salience=np.concatenate([dummy.salience, dummy.salience]),
        capability=np.concatenate([dummy.capability, 2 * dummy.capability]),
    )
    a, b = SMP().run(batch), SMP().run(strict(batch))
    counts = [m["state_count"] for m in a.extra["batches"]]
    assert counts[0] != counts[1]
    assert_same_run(a, b)


def test_mask_and_bounds_may_stay_numpy(dummy):
    """Only the batched arrays need be on the device; mask and bounds are converted."""
    mixed = replace(
        dummy,
        positions=xs.asarray(dummy.positions),
        salience=xs.asarray(dummy.salience),
        capability=xs.asarray(dummy.capability),
    )
    assert_same_run(SMP(max_turns=4).run(dummy), SMP(max_turns=4).run(mixed))


def test_run_keeps_every_array_on_the_inputs_device(random15):
    """On 'device1' any array made on the default device fails to combine with the inputs."""
    device1 = xs.Device("device1")
    params = {"StateTransitions": "Stochastic", "BargnModel": "InitRcvrInterp", "max_turns": 6}
    b = SMP(**params).run(strict(random15, device1))
    assert_same_run(SMP(**params).run(random15), b)
    arrays = strict(random15, device1)
    xp = namespace(arrays.positions)
    mask = xp.astype(arrays.mask, arrays.positions.dtype)
    setup = Setup(
        _salience(arrays, mask), _capability(arrays, mask), xp.eye(15, device=device1), SMP()
    )
    x = _start(replace(arrays, mask=mask))
    cur = assess(x, x, setup)
    x, _, turn = step(x, x, cur, setup, None)
    assert {a.device for a in (cur.own_util, x, turn.gain, turn.resolution.option)} == {device1}


def test_to_numpy():
    x = np.arange(3.0)
    assert to_numpy(x) is x
    for device in (xs.Device("CPU_DEVICE"), xs.Device("device1")):
        got = to_numpy(xs.asarray([1.0, 2.0], device=device))
        assert isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got, [1.0, 2.0])
