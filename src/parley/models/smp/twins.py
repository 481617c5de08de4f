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

from parley.models.smp.backend import namespace


def first_twin(positions: Any, ideals: Any, salience: Any, capability: Any) -> Any:
    """(B, A) index of the first actor identical to each actor (itself when it has no twin).

    Identical: equal positions, ideals and saliences on every issue and equal capability (exact
    equality: twins come from identical input rows, and positions are rounded to 4 decimals).

    >>> import numpy as np
    >>> x = np.array([[[0.2], [0.5], [0.2], [0.2]]])
    >>> s = np.array([[[0.6], [0.6], [0.6], [0.3]]])
    >>> first_twin(x, x, s, np.array([[1.0, 1.0, 1.0, 1.0]])).tolist()
    [[0, 1, 0, 3]]
    """
    xp = namespace(positions, ideals, salience, capability)

    def same(a: Any) -> Any:
        return xp.all(a[:, :, None, :] == a[:, None, :, :], axis=-1)

    twin = same(positions) & same(ideals) & same(salience)
    twin = twin & (capability[:, :, None] == capability[:, None, :])
    return xp.argmax(xp.astype(twin, xp.int8), axis=-1)
