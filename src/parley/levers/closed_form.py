"""The compromise model's lever effects in closed form, without running the model.

The compromise forecast of issue I is f_I = N_I / W_I with N_I = sum_k w_kI x_kI and
W_I = sum_k w_kI, w = capability x salience over the actors holding a position. Its derivatives
are

    df_I / dx_kI = w_kI / W_I            df_I / dw_kI = (x_kI - f_I) / W_I

so persuading X a step t toward g moves the forecast by exactly t w_XI (g_I - x_XI) / W_I (f is
linear in positions), and a change of X's weight from w to w' moves it to
(N_I - w x + w' x) / (W_I - w + w'), the finite form of the second derivative's step. Every lever
is such a change of some actors' (x, w) pairs: `compromise_forecasts` applies them to N and W
directly, and the tests compare the result with the batched model run (to 1e-12).

>>> from parley.models.examples import two_actor_arrays
>>> arrays = two_actor_arrays()  # a at 0 (weight 3), b at 100 (weight 1): f = 25
>>> # b persuaded all the way to 0: f = 25 + 1 x 1 x (0 - 100) / 4 = 0
>>> compromise_forecasts(arrays, arrays.with_batch(positions=arrays.positions * 0)).tolist()
[[0.0]]
"""

from __future__ import annotations

import numpy as np

from parley.case import CaseArrays


def compromise_forecasts(base: CaseArrays, changed: CaseArrays) -> np.ndarray:
    """(B, I) compromise forecasts of the B members of `changed` (same actors and mask as
    `base`, B = 1), from the base's sums N and W and each member's changed (x, w) only."""
    w0 = base.weights[0]  # (A, I)
    x0 = base.positions[0]
    n0, big_w0 = (w0 * x0).sum(axis=0), w0.sum(axis=0)
    w1 = changed.weights
    x1 = changed.positions
    touched = (w1 != w0) | (x1 != x0)  # (B, A, I): the actors a lever changes
    dn = np.where(touched, w1 * x1 - w0 * x0, 0.0).sum(axis=1)
    dw = np.where(touched, w1 - w0, 0.0).sum(axis=1)
    return (n0 + dn) / (big_w0 + dw)


def compromise_derivatives(base: CaseArrays) -> tuple[np.ndarray, np.ndarray]:
    """(A, I) df/dx and df/dw of the compromise forecast at the base case (batch member 0)."""
    w = base.weights[0]
    x = base.positions[0]
    big_w = w.sum(axis=0)
    f = (w * x).sum(axis=0) / big_w
    return w / big_w, np.where(base.mask, x - f, 0.0) / big_w


def compromise_front_forecast(
    base: CaseArrays, idx: list[int], bloc: dict[str, np.ndarray]
) -> np.ndarray:
    """(I,) compromise forecast with the actors `idx` replaced by their `bloc` (as
    `parley.coalitions.front_arrays.bloc_rows` gives it): the members' terms leave N and W, the
    bloc's enter. Under the default rules the bloc's weight on an issue where every member holds a
    position is the members' summed weight at their weighted mean, so f does not move there."""
    w0, x0 = base.weights[0], base.positions[0]
    held = bloc["mask"] & (bloc["capability"] > 0)
    wb = np.where(held, bloc["capability"] * bloc["salience"], 0.0)
    xb = np.where(held, bloc["position"], 0.0)
    n = (w0 * x0).sum(axis=0) - (w0[idx] * x0[idx]).sum(axis=0) + wb * xb
    w = w0.sum(axis=0) - w0[idx].sum(axis=0) + wb
    return n / w
