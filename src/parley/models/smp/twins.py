"""Identical actors ('twins') are interchangeable targets of a challenge.

Two actors with the same position, ideal, saliences and capability are, in exact arithmetic,
equally attractive targets for every challenger, and KTAB's `bestChallenge` (strict `>`, actors
in order) then takes the first. In floating point the two gains differ by round-off that depends
on how the sums over third parties are grouped: KTAB's sequential loop happens to give adjacent
twins bitwise-equal gains, parley's vectorised (pairwise) sums did not, and the later twin won by
one ulp (KTAB's SOE-Competitive example departed at state 5). Giving every twin its first twin's
estimate makes the tie exact whatever the summation order, library or thread count.
"""

from __future__ import annotations

from typing import Any

from parley.models.smp.backend import device, eye_mask, namespace


def first_twin(
    positions: Any, ideals: Any, salience: Any, capability: Any, fixed: Any | None = None
) -> Any:
    """(B, A) index of the first actor identical to each actor (itself when it has no twin).

    Identical: equal positions, ideals and saliences on every issue and equal capability (exact
    equality: twins come from identical input rows, and positions are rounded to 4 decimals).
    `fixed` (B, A, A), when given, is `fixed_twins(salience, capability)`, which does not change
    over a run; where no member has two actors alike in it, nobody has a twin and positions
    are not compared.

    >>> import numpy as np
    >>> x = np.array([[[0.2], [0.5], [0.2], [0.2]]])
    >>> s = np.array([[[0.6], [0.6], [0.6], [0.3]]])
    >>> first_twin(x, x, s, np.array([[1.0, 1.0, 1.0, 1.0]])).tolist()
    [[0, 1, 0, 3]]
    """
    xp = namespace(positions, ideals, salience, capability)
    if fixed is None:
        fixed = fixed_twins(salience, capability)
    a_n = positions.shape[1]
    if not bool(xp.any(fixed & ~eye_mask(fixed, a_n))):
        return xp.broadcast_to(xp.arange(a_n, device=device(positions))[None, :], fixed.shape[:2])
    twin = fixed & _same(positions) & _same(ideals)
    return xp.argmax(xp.astype(twin, xp.int8), axis=-1)


def fixed_twins(salience: Any, capability: Any) -> Any:
    """(B, A, A) actors alike in what a run never changes: saliences and capability."""
    return _same(salience) & (capability[:, :, None] == capability[:, None, :])


def _same(a: Any) -> Any:
    """(B, A, A) rows of a (B, A, D) equal on every column."""
    xp = namespace(a)
    return xp.all(a[:, :, None, :] == a[:, None, :, :], axis=-1)
