"""The vectorised logarithm and exponential of eum's compiled kernel against libm (Python's
`math`, correctly rounded in practice): within one ulp, and the edges the kernel meets."""

from __future__ import annotations

import math

import numpy as np

from parley.models.eum.powers import LOG_ZERO, exp_into, log_into


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_log_within_one_ulp_of_libm() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [rng.uniform(0, 1, 5000), 10.0 ** rng.uniform(-300, 300, 2000), [1.0, 0.5, 2.0, 5e-320]]
    )
    out, bits = np.empty_like(x), np.empty(len(x), dtype=np.int64)
    log_into(x, out, bits)
    assert ulps(out, np.array([math.log(v) for v in x])).max() <= 1.0
    assert out[-4] == 0.0  # log 1


def test_log_of_zero_is_the_floor_whose_exp_is_zero() -> None:
    out, bits = np.empty(2), np.empty(2, dtype=np.int64)
    log_into(np.array([0.0, 0.0]), out, bits)
    assert out.tolist() == [LOG_ZERO, LOG_ZERO]
    powered = np.empty(2)
    exp_into(out * np.array([0.5, 2.0]), powered, bits)  # 0^r = 0 for r = 0.5 and 2
    assert powered.tolist() == [0.0, 0.0]


def test_exp_within_one_ulp_of_libm() -> None:
    rng = np.random.default_rng(2)
    y = np.concatenate([rng.uniform(-700, 700, 5000), rng.uniform(-1, 1, 2000), [0.0, -1e-300]])
    out, bits = np.empty_like(y), np.empty(len(y), dtype=np.int64)
    exp_into(y, out, bits)
    assert ulps(out, np.array([math.exp(v) for v in y])).max() <= 1.0
    assert out[-2] == 1.0


def test_exp_below_the_floor_is_zero() -> None:
    y = np.array([-708.5, -1e9, -np.inf])
    out, bits = np.empty(3), np.empty(3, dtype=np.int64)
    exp_into(y, out, bits)
    assert out.tolist() == [0.0, 0.0, 0.0]


def test_exp_at_the_ends_of_its_range() -> None:
    """The floor and the top: e^-708 is normal (so one scale 2^k makes it exactly) and e^709 is
    finite; each within one ulp of libm."""
    y = np.array([-708.0, -707.99, -650.0, 700.0, 709.0])
    out, bits = np.empty(5), np.empty(5, dtype=np.int64)
    exp_into(y, out, bits)
    assert ulps(out, np.array([math.exp(v) for v in y])).max() <= 1.0
    assert (out >= 2.2250738585072014e-308).all() and np.isfinite(out).all()
