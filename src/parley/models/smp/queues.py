"""Each actor resolves its queue of bargains by a capability-weighted PCE (SPEC step 6).

KTAB `SMPState::doBCN` (the `brgnUtil` lambda and the per-actor `scalarPCE`). Queues differ in
length, so they are padded to the longest; the coalition strengths of all queue pairs are computed
from one flat list of pairs, which keeps the cost O(A^2 x pairs) without Python loops over actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.models.smp.backend import (
    contiguous,
    device,
    namespace,
    take_last,
    take_rows,
)
from parley.models.smp.utility import distances, utility
from parley.models.smp.voting import MIN_COALITION, pce, vote


@dataclass(frozen=True)
class Bargains:
    """G bargain slots per batch member, in initiator order (a slot may be empty)."""

    init: Any  # (B, G) initiator index
    rcvr: Any  # (B, G) receiver index
    pos_init: Any  # (B, G, D) position the bargain gives the initiator (0-1 scale)
    pos_rcvr: Any  # (B, G, D) position it gives the receiver
    valid: Any  # (B, G) slot holds a bargain


@dataclass(frozen=True)
class Resolution:
    option: Any  # (B, A) chosen option per actor: 0 = status quo, 1 + g = bargain g
    probability: Any  # (B, A) PCE probability of the chosen option
    queue_length: Any  # (B, A) options in the actor's queue (status quo included)
    positions: Any  # (B, A, D) every actor's new position


def bargain_values(
    own_util: Any,
    ideals: Any,
    salience: Any,
    risk: Any,
    bargains: Bargains,
) -> Any:
    """(B, A, 1 + G) V_a(option): mean utility to a of all positions once the option is applied.

    Option 0 is the status quo, (1/n) sum_q U^a(a, q); bargain g replaces the initiator's and the
    receiver's positions by the bargain's, valued with a's own risk attitude R_a.
    """
    xp = namespace(own_util, ideals)
    n = own_util.shape[-1]
    base = xp.sum(own_util, axis=-1)  # (B, A)
    u_old_i = take_last(own_util, bargains.init[:, None, :])  # (B, A, G)
    u_old_r = take_last(own_util, bargains.rcvr[:, None, :])
    r = risk[:, :, None]
    u_new_i = utility(distances(ideals, bargains.pos_init, salience), r)
    u_new_r = utility(distances(ideals, bargains.pos_rcvr, salience), r)
    vb = (base[:, :, None] - u_old_i - u_old_r + u_new_i + u_new_r) / n
    return xp.concat([base[:, :, None] / n, vb], axis=-1)


def resolve_queues(
    values: Any,
    capability: Any,
    positions: Any,
    bargains: Bargains,
    rule: str,
    vp_model: str,
    pce_model: str,
    uniforms: Any | None,
    max_elements: int = 1 << 22,
) -> Resolution:
    """Every actor k picks one option of its queue (KTAB's order, see `_queue_order`).

    Deterministic (uniforms None): the most probable option, the first on ties (KTAB ndxMaxAbs).
    Stochastic: the option where the cumulative probability first exceeds the actor's uniform draw.
    """
    xp = namespace(values, capability)
    b_n, a_n = values.shape[:2]
    dev = device(values)
    actors = xp.arange(a_n, device=dev)
    member = bargains.valid[:, None, :] & (
        (bargains.init[:, None, :] == actors[None, :, None])
        | (bargains.rcvr[:, None, :] == actors[None, :, None])
    )  # (B, K, G)
    length = 1 + xp.sum(xp.astype(member, xp.int64), axis=-1)  # (B, K)
    m_n = int(xp.max(length))
    slots_valid = xp.arange(m_n, device=dev)[None, None, :] < length[:, :, None]
    queue = _queue_order(xp, member, bargains.init, actors, m_n, slots_valid)
    coal = _queue_coalitions(xp, values, capability, queue, length, rule, max_elements)
    prob = pce(pce_model, vp_model, coal, slots_valid)
    prob = xp.where(slots_valid, prob, 0.0)
    if uniforms is None:
        chosen = xp.argmax(prob, axis=-1)
    else:
        below = xp.cumulative_sum(prob, axis=-1) <= uniforms[..., None]
        chosen = xp.minimum(xp.sum(xp.astype(below, length.dtype), axis=-1), length - 1)
    option = take_last(queue, chosen[..., None])[..., 0]
    p_chosen = take_last(prob, chosen[..., None])[..., 0]

    g = xp.maximum(option - 1, 0)
    is_init = take_last(bargains.init, g) == actors[None, :]
    side = xp.where(
        is_init[..., None], take_rows(bargains.pos_init, g), take_rows(bargains.pos_rcvr, g)
    )
    new = xp.where((option > 0)[..., None], side, positions)
    return Resolution(option, p_chosen, length, new)


def _queue_order(xp: Any, member: Any, init: Any, actors: Any, m_n: int, slots_valid: Any) -> Any:
    """(B, K, M) option ids of every queue in KTAB's order (0 = status quo, 1 + g = bargain g).

    KTAB's `doBCN` visits initiators in order and, on reaching actor k, first appends k's
    status quo to k's queue, then k's own proposal; a proposal goes to both parties' queues when
    it is made. So k's queue holds the proposals it received from earlier initiators, then its
    status quo, then the bargains of initiators from k on. The order decides exact ties (first
    wins) and where a Stochastic draw lands.
    """
    b_n, a_n = member.shape[:2]
    dev = device(member)
    if m_n == 1:
        return xp.zeros((b_n, a_n, 1), dtype=xp.int64, device=dev)
    # the bargains k is party to, in initiator order
    first = xp.argsort(xp.astype(~member, xp.int8), axis=-1, stable=True)[..., : m_n - 1]
    before = member & (init[:, None, :] < actors[None, :, None])
    sq_slot = xp.sum(xp.astype(before, first.dtype), axis=-1)[..., None]  # (B, K, 1)
    slot = xp.arange(m_n, dtype=first.dtype, device=dev)[None, None, :]
    src = xp.clip(xp.where(slot < sq_slot, slot, slot - 1), 0, m_n - 2)
    bargain = 1 + take_last(first, src)
    return xp.where((slot == sq_slot) | ~slots_valid, 0, bargain)


def _queue_coalitions(
    xp: Any,
    values: Any,
    capability: Any,
    queue: Any,
    length: Any,
    rule: str,
    max_elements: int,
) -> Any:
    """(B, K, M, M) KTAB coalition strengths between the options of every queue.

    As in `voting.coalitions`, votes are computed once per pair m1 > m2 (a flat list of the
    pairs of all queues, queue by queue, m1-major, in chunks): positive votes strengthen
    C[m1, m2], negative ones C[m2, m1]. Queue k's pairs start at the sum of the earlier queues'
    L(L - 1)/2 and pair (m1, m2) sits m1(m1 - 1)/2 + m2 further, so the dense result is one
    gather from the flat list (the standard has no scatter).
    """
    b_n, a_n, m_n = queue.shape
    o_n = values.shape[-1]
    dev = device(values)
    # pair p of the flat list: its queue (by the queues' running pair counts) and its place t
    per_queue = xp.reshape(length * (length - 1) // 2, (-1,))  # (B K,) pairs of each queue
    ends = xp.cumulative_sum(per_queue)
    starts = ends - per_queue
    n_pairs = int(ends[-1])
    if n_pairs == 0:
        return xp.full((b_n, a_n, m_n, m_n), MIN_COALITION, dtype=values.dtype, device=dev)
    every = xp.arange(n_pairs, dtype=ends.dtype, device=dev)
    bk = xp.searchsorted(ends, every, side="right")  # queue (b K + k) of every pair
    t = every - xp.take(starts, bk)
    # a queue's pairs m1 > m2 in row-major order (t = m1(m1 - 1)/2 + m2): the first cells of
    # the strict lower triangle once a stable sort puts them first (no data-dependent shapes)
    ar = xp.arange(m_n, device=dev)
    below = ar[:, None] > ar[None, :]  # (M, M) m1 > m2
    cells = xp.argsort(xp.astype(~xp.reshape(below, (-1,)), xp.int8), stable=True)
    cells = xp.take(cells[: m_n * (m_n - 1) // 2], t)
    queue_flat = xp.reshape(queue, (-1,))
    o1 = xp.take(queue_flat, bk * m_n + cells // m_n)
    o2 = xp.take(queue_flat, bk * m_n + cells % m_n)
    row0 = (bk // a_n) * o_n  # first row of the pair's batch member in by_option
    by_option = xp.reshape(contiguous(xp.matrix_transpose(values)), (b_n * o_n, a_n))
    chunk = max(1, max_elements // max(1, a_n))
    pos, neg = [], []
    for start in range(0, n_pairs, chunk):
        sl = slice(start, min(n_pairs, start + chunk))
        du = xp.take(by_option, row0[sl] + o1[sl], axis=0) - xp.take(
            by_option, row0[sl] + o2[sl], axis=0
        )  # (P, A)
        v = vote(rule, xp.take(capability, row0[sl] // o_n, axis=0), du)
        pos.append(xp.sum(xp.maximum(v, 0.0), axis=-1))
        neg.append(xp.sum(xp.maximum(-v, 0.0), axis=-1))
    # source: [0, pos..., neg...]; entry (m1, m2) of queue k reads 1 + start_k + t(m1, m2)
    # below the diagonal, 1 + P + start_k + t(m2, m1) above it, 0 (nothing) elsewhere
    zero = xp.zeros((1,), dtype=values.dtype, device=dev)
    source = xp.concat([zero, *pos, *neg])
    hi = xp.maximum(ar[:, None], ar[None, :])
    tri = hi * (hi - 1) // 2 + xp.minimum(ar[:, None], ar[None, :])
    sel = xp.where(below, 1 + tri, xp.where(ar[:, None] < ar[None, :], 1 + n_pairs + tri, 0))
    inside = (hi < length[:, :, None, None]) & ~(ar[:, None] == ar[None, :])
    start_k = xp.reshape(starts, (b_n, a_n))
    idx = xp.where(inside, start_k[:, :, None, None] + sel, 0)
    coal = xp.take(source, xp.reshape(idx, (-1,)))
    return xp.reshape(coal, (b_n, a_n, m_n, m_n)) + MIN_COALITION
