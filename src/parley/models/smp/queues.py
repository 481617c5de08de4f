"""Each actor resolves its queue of bargains by a capability-weighted PCE (SPEC step 6).

KTAB `SMPState::doBCN` (the `brgnUtil` lambda and the per-actor `scalarPCE`). Queues differ in
length, so they are padded to the longest; the coalition strengths of all queue pairs are computed
from one flat list of pairs, which keeps the cost O(A^2 x pairs) without Python loops over actors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parley.models.smp.utility import distances, utility
from parley.models.smp.voting import MIN_COALITION, pce, vote


@dataclass(frozen=True)
class Bargains:
    """G bargain slots per batch member, in initiator order (a slot may be empty)."""

    init: np.ndarray  # (B, G) initiator index
    rcvr: np.ndarray  # (B, G) receiver index
    pos_init: np.ndarray  # (B, G, D) position the bargain gives the initiator (0-1 scale)
    pos_rcvr: np.ndarray  # (B, G, D) position it gives the receiver
    valid: np.ndarray  # (B, G) slot holds a bargain


@dataclass(frozen=True)
class Resolution:
    option: np.ndarray  # (B, A) chosen option per actor: 0 = status quo, 1 + g = bargain g
    probability: np.ndarray  # (B, A) PCE probability of the chosen option
    queue_length: np.ndarray  # (B, A) options in the actor's queue (status quo included)
    positions: np.ndarray  # (B, A, D) every actor's new position


def bargain_values(
    own_util: np.ndarray,
    ideals: np.ndarray,
    salience: np.ndarray,
    risk: np.ndarray,
    bargains: Bargains,
) -> np.ndarray:
    """(B, A, 1 + G) V_a(option): mean utility to a of all positions once the option is applied.

    Option 0 is the status quo, (1/n) sum_q U^a(a, q); bargain g replaces the initiator's and the
    receiver's positions by the bargain's, valued with a's own risk attitude R_a.
    """
    n = own_util.shape[-1]
    base = own_util.sum(axis=-1)  # (B, A)
    a_shape = own_util.shape[:2] + bargains.init.shape[1:]
    u_old_i = np.take_along_axis(own_util, np.broadcast_to(bargains.init[:, None, :], a_shape), -1)
    u_old_r = np.take_along_axis(own_util, np.broadcast_to(bargains.rcvr[:, None, :], a_shape), -1)
    r = risk[:, :, None]
    u_new_i = utility(distances(ideals, bargains.pos_init, salience), r)
    u_new_r = utility(distances(ideals, bargains.pos_rcvr, salience), r)
    vb = (base[:, :, None] - u_old_i - u_old_r + u_new_i + u_new_r) / n
    return np.concatenate([base[:, :, None] / n, vb], axis=-1)


def resolve_queues(
    values: np.ndarray,
    capability: np.ndarray,
    positions: np.ndarray,
    bargains: Bargains,
    rule: str,
    vp_model: str,
    pce_model: str,
    uniforms: np.ndarray | None,
    max_elements: int = 1 << 22,
) -> Resolution:
    """Every actor k picks one option of its queue [status quo, bargains with k, ...].

    Deterministic (uniforms None): the most probable option, the first on ties (KTAB ndxMaxAbs).
    Stochastic: the option where the cumulative probability first exceeds the actor's uniform draw.
    """
    b_n, a_n = values.shape[:2]
    actors = np.arange(a_n)
    member = bargains.valid[:, None, :] & (
        (bargains.init[:, None, :] == actors[None, :, None])
        | (bargains.rcvr[:, None, :] == actors[None, :, None])
    )  # (B, K, G)
    length = 1 + member.sum(axis=-1)  # (B, K)
    m_n = int(length.max())
    queue = np.zeros((b_n, a_n, m_n), dtype=np.intp)  # option ids; slot 0 = status quo
    bb, kk, gg = np.nonzero(member)
    slot = np.cumsum(member, axis=-1)[bb, kk, gg]
    queue[bb, kk, slot] = 1 + gg
    slots_valid = np.arange(m_n)[None, None, :] < length[:, :, None]

    coal = np.full((b_n, a_n, m_n, m_n), MIN_COALITION)
    lower = slots_valid[..., :, None] & slots_valid[..., None, :] & np.tri(m_n, m_n, -1, dtype=bool)
    pb, pk, p1, p2 = np.nonzero(lower)
    chunk = max(1, max_elements // max(1, a_n))
    by_option = np.ascontiguousarray(np.swapaxes(values, -1, -2))  # (B, 1 + G, A): row gathers
    for start in range(0, pb.size, chunk):
        sl = slice(start, start + chunk)
        b_, o1, o2 = pb[sl], queue[pb[sl], pk[sl], p1[sl]], queue[pb[sl], pk[sl], p2[sl]]
        du = by_option[b_, o1] - by_option[b_, o2]  # (P, A)
        v = vote(rule, capability[b_], du)
        coal[b_, pk[sl], p1[sl], p2[sl]] += np.maximum(v, 0).sum(axis=-1)
        coal[b_, pk[sl], p2[sl], p1[sl]] += np.maximum(-v, 0).sum(axis=-1)
    prob = pce(pce_model, vp_model, coal, slots_valid)
    prob = np.where(slots_valid, prob, 0.0)
    if uniforms is None:
        chosen = prob.argmax(axis=-1)
    else:
        below = np.cumsum(prob, axis=-1) <= uniforms[..., None]
        chosen = np.minimum(below.sum(axis=-1), length - 1)
    option = np.take_along_axis(queue, chosen[..., None], -1)[..., 0]
    p_chosen = np.take_along_axis(prob, chosen[..., None], -1)[..., 0]

    g = np.maximum(option - 1, 0)
    bidx = np.arange(b_n)[:, None]
    is_init = bargains.init[bidx, g] == actors[None, :]
    side = np.where(is_init[..., None], bargains.pos_init[bidx, g], bargains.pos_rcvr[bidx, g])
    new = np.where((option > 0)[..., None], side, positions)
    return Resolution(option, p_chosen, length, new)
