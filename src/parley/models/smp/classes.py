"""A state's distribution over distinct positions ('classes'), as KTAB reports it.

KTAB `State::setUENdx` (`ueIndices`: scanning actors in order, a position within the tolerance of an
earlier distinct position joins that class, else it starts a new one) and `SMPState::pDist(-1)`
(a PCE over the distinct positions with capability weights, Proportional votes and each actor's own
risk-aware utilities U^i(i, class)).
"""

from __future__ import annotations

import numpy as np

from parley.models.smp.voting import coalitions, pce


def position_classes(positions: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """(is_rep (B, A), cls (B, A)): which actors start a class and each actor's class representative.

    Actor i starts a class when no earlier representative lies within `tol` (Euclidean norm on the
    0-1 scale); otherwise it joins the first such representative. The recursion only looks back,
    so iterating it over all actors at once reaches the sequential answer within A sweeps (usually
    one or two).
    """
    a_n = positions.shape[1]
    diff = positions[:, :, None, :] - positions[:, None, :, :]
    near = np.sqrt((diff**2).sum(axis=-1)) < tol  # (B, A, A)
    earlier = np.tri(a_n, a_n, -1, dtype=bool)[None]
    is_rep = np.ones(positions.shape[:2], dtype=bool)
    for _ in range(a_n):
        new = ~(near & earlier & is_rep[:, None, :]).any(axis=-1)
        if np.array_equal(new, is_rep):
            break
        is_rep = new
    cls = np.argmax(near & is_rep[:, None, :], axis=-1)  # first representative within tol
    return is_rep, cls


def class_probabilities(
    own_util: np.ndarray,
    capability: np.ndarray,
    is_rep: np.ndarray,
    vp_model: str,
    pce_model: str,
) -> np.ndarray:
    """(B, A) probability of each class, indexed by its representative actor (0 elsewhere).

    Only the representatives' columns enter the PCE (packed to the front, padded to the largest
    class count of the batch), so converged states with few classes cost little.
    """
    b_n, a_n = is_rep.shape
    order = np.argsort(~is_rep, axis=-1, kind="stable")  # representatives first, in actor order
    k_n = int(is_rep.sum(axis=-1).max())
    cols = order[:, :k_n]
    valid = np.take_along_axis(is_rep, cols, axis=-1)
    util = np.take_along_axis(own_util, np.broadcast_to(cols[:, None, :], (b_n, a_n, k_n)), -1)
    coal = coalitions("Proportional", capability, util)
    packed = np.where(valid, pce(pce_model, vp_model, coal, valid), 0.0)
    prob = np.zeros((b_n, a_n))
    np.put_along_axis(prob, cols, packed, axis=-1)
    return np.where(is_rep, prob, 0.0)
