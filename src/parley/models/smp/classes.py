"""A state's distribution over distinct positions ('classes'), as KTAB reports it.

KTAB `State::setUENdx` (`ueIndices`: scanning actors in order, a position within the tolerance of an
earlier distinct position joins that class, else it starts a new one), `SMPState::pDist(-1)`
(a PCE over the distinct positions with capability weights, Proportional votes and each actor's own
risk-aware utilities U^i(i, class)) and `State::posProb` (the class an actor is reported in).
"""

from __future__ import annotations

from typing import Any

from parley.models.smp.backend import device, lower_mask, namespace, take_last
from parley.models.smp.voting import coalitions, pce


def position_classes(positions: Any, tol: float) -> tuple[Any, Any]:
    """(is_rep (B, A), cls (B, A)): which actors start a class and each actor's class representative.

    Actor i starts a class when no earlier representative lies within `tol` (Euclidean norm on the
    0-1 scale). Its class is the last representative within `tol` (KTAB `posProb`): usually the
    only one, but in a chain of near-equal positions an actor may be within `tol` of a
    representative before it and one after it. The recursion only looks back,
    so iterating it over all actors at once reaches the sequential answer within A sweeps (usually
    one or two).
    """
    xp = namespace(positions)
    a_n = positions.shape[1]
    diff = positions[:, :, None, :] - positions[:, None, :, :]
    near = xp.sqrt(xp.sum(diff**2, axis=-1)) < tol  # (B, A, A)
    earlier = lower_mask(positions, a_n)[None, ...]
    is_rep = xp.ones(positions.shape[:2], dtype=xp.bool, device=device(positions))
    for _ in range(a_n):
        new = ~xp.any(near & earlier & is_rep[:, None, :], axis=-1)
        if bool(xp.all(new == is_rep)):
            break
        is_rep = new
    # the last representative within tol: KTAB `State::posProb` scans the distinct positions and
    # keeps the last match (an actor can be within tol of two when positions form a chain)
    hit = xp.flip(xp.astype(near & is_rep[:, None, :], xp.int8), axis=-1)
    cls = (a_n - 1) - xp.argmax(hit, axis=-1)
    return is_rep, cls


def class_probabilities(
    own_util: Any,
    capability: Any,
    is_rep: Any,
    vp_model: str,
    pce_model: str,
) -> Any:
    """(B, A) probability of each class, indexed by its representative actor (0 elsewhere).

    Only the representatives' columns enter the PCE (packed to the front, padded to the largest
    class count of the batch), so converged states with few classes cost little.
    """
    xp = namespace(own_util, is_rep)
    b_n, a_n = is_rep.shape
    # representatives first, in actor order
    order = xp.argsort(xp.astype(~is_rep, xp.int8), axis=-1, stable=True)
    count = xp.cumulative_sum(xp.astype(is_rep, xp.int64), axis=-1)
    k_n = int(xp.max(count[:, -1]))
    cols = order[:, :k_n]
    valid = take_last(is_rep, cols)
    util = take_last(own_util, cols[:, None, :])
    coal = coalitions("Proportional", capability, util)
    packed = xp.where(valid, pce(pce_model, vp_model, coal, valid), 0.0)
    # unpacked: a representative's column is its rank among the representatives
    prob = take_last(packed, xp.maximum(count - 1, 0))
    return xp.where(is_rep, prob, 0.0)
