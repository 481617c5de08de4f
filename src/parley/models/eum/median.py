"""The median position μ (SPEC step 0): the Condorcet winner among the current positions.

In one dimension with single-peaked (|distance|) preferences the Condorcet winner is the capability
x salience weighted median (Black 1948). Scholz's code finds it by scanning the distinct positions
in ascending order, a challenger replacing the incumbent when its rho = 1 pairwise vote is positive.
"""

from __future__ import annotations

from typing import Literal

from parley.models.backend import Array, namespace
from parley.models.baselines import weighted_median


def condorcet_scan(x: Array, w: Array, delta: Array, tie: float = 0.0) -> Array:
    """The result of the ascending pairwise scan, (N,) from (N, n) positions and weights c*s.

    The net rho = 1 vote of challenger p over incumbent m is W(m) - W(p) with
    W(p) = sum_k w_k |x_k - p| / D, so the scan keeps replacing the incumbent while W falls and ends
    on the lowest position where W is smallest. Computing W for every position is O(n^2) and needs
    no sequential loop; totals within `tie` x sum(w) of the minimum count as ties (0: only equal
    ones, the code's exact `votes > 0`).
    """
    xp = namespace(x, w, delta)
    total = xp.abs(x[:, None, :] - x[:, :, None]) @ w[:, :, None]  # (N, candidate, 1)
    score = total[:, :, 0] / delta[:, None]
    best = xp.min(score, axis=1, keepdims=True)
    tied = score <= best + tie * xp.sum(w, axis=1, keepdims=True)
    return xp.min(xp.where(tied, x, xp.inf), axis=1)


def median_position(
    x: Array, w: Array, delta: Array, rule: Literal["condorcet", "weighted"], tie: float = 0.0
) -> Array:
    """μ per problem, (N,), by the chosen rule (`tie`: see `condorcet_scan`)."""
    if rule == "weighted":
        return weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    return condorcet_scan(x, w, delta, tie)
