"""Each actor resolves its queue of bargains by a capability-weighted PCE (SPEC step 6).

KTAB `SMPState::doBCN` (the `brgnUtil` lambda and the per-actor `scalarPCE`). Queues differ in
length, so they are padded to the longest; the coalition strengths of all queue pairs are computed
from one flat list of pairs, which keeps the cost O(A^2 x pairs) without Python loops over actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.models.smp.backend import (
    axis_index,
    contiguous,
    device,
    eye_mask,
    into,
    lower_mask,
    namespace,
    positive_part,
    scratch,
    take_last,
    take_rows,
    to_numpy,
)
from parley.models.smp.utility import distances, utility
from parley.models.smp.voting import (
    MIN_COALITION,
    log_victory,
    pce,
    victory_matrix,
    vote,
)

#: Voting rules with vote(w, -du) == -vote(w, du) bit for bit. Cubic and PropCbc are
#: antisymmetric in exact arithmetic only (NumPy's du**3 is not odd to the last bit),
#: ASymProsp not at all.
ANTISYMMETRIC = ("Proportional", "Binary", "PropBin")


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
    max_elements: int = 1 << 16,
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
    prob = _queue_probabilities(
        xp,
        values,
        capability,
        queue,
        length,
        slots_valid,
        (rule, vp_model, pce_model),
        max_elements,
    )
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


def _queue_probabilities(
    xp: Any,
    values: Any,
    capability: Any,
    queue: Any,
    length: Any,
    valid: Any,
    models: tuple[str, str, str],
    max_elements: int,
) -> Any:
    """(B, K, M) PCE probability of every option of every queue (KTAB's per-actor scalarPCE).

    KTAB votes once per pair of a queue, the later option against the earlier: positive votes
    strengthen C[later, earlier], negative ones C[earlier, later]. The strengths come from
    `_option_coalitions` (once per member) by a gather. Under the default Conditional PCE with a
    rule in `ANTISYMMETRIC`, log P[i > j] too depends only on the two options, so it is computed
    per member and gathered into queues grouped by length (`_conditional_by_length`).
    """
    rule, vp_model, pce_model = models
    pos, neg = _option_coalitions(xp, values, capability, rule, max_elements)
    if pce_model == "Conditional" and rule in ANTISYMMETRIC:
        log_vm = log_victory(victory_matrix(vp_model, pos + MIN_COALITION))
        return _conditional_by_length(xp, log_vm, queue, length)
    m_n = queue.shape[-1]
    later = lower_mask(queue, m_n)
    shape = tuple(queue.shape) + tuple(queue.shape[-1:])
    q1 = xp.broadcast_to(queue[..., :, None], shape)
    q2 = xp.broadcast_to(queue[..., None, :], shape)
    c = xp.where(later, _queue_gather(xp, pos, q1, q2), _queue_gather(xp, neg, q2, q1))
    inside = valid[..., :, None] & valid[..., None, :] & ~eye_mask(queue, m_n)
    return pce(pce_model, vp_model, xp.where(inside, c, 0.0) + MIN_COALITION, valid)


def _option_coalitions(
    xp: Any, values: Any, capability: Any, rule: str, max_elements: int
) -> tuple[Any, Any]:
    """(B, O, O) pos[o1, o2] = sum_a max(v_a, 0) and neg[o1, o2] = sum_a max(-v_a, 0) with
    v_a = vote(c_a, V_a(o1) - V_a(o2)), over every ordered pair of options of each member.

    Coalition strengths between two options do not depend on whose queue holds them, so they
    are computed once per member (O = 1 + G options) and gathered into each queue. For the
    rules in `ANTISYMMETRIC` neg is pos transposed, bit for bit, so only pos is summed.
    Members go in chunks of at most `max_elements` votes.
    """
    b_n, a_n, o_n = values.shape
    by_option = contiguous(xp.matrix_transpose(values))  # (B, O, A)
    step = max(1, min(b_n, max_elements // max(1, o_n * o_n * a_n)))
    symmetric = rule in ANTISYMMETRIC
    (buf,) = scratch(values, (step, o_n, o_n, a_n), 1)  # reused: fresh ones page-fault
    pos, neg = [], []
    for start in range(0, b_n, step):
        rows = slice(start, min(b_n, start + step))
        vt = by_option[rows, ...]
        out = None if buf is None else buf[: rows.stop - start]
        du = into(out, "subtract", vt[:, :, None, :], vt[:, None, :, :])
        weight = capability[rows, None, None, :]
        if rule == "Proportional":
            du *= weight  # vote in place
            v = du
        else:
            v = vote(rule, weight, du)
        if not symmetric:
            neg.append(xp.sum(xp.maximum(-v, 0.0), axis=-1))
        pos.append(xp.sum(positive_part(v), axis=-1))
    p = pos[0] if len(pos) == 1 else xp.concat(pos, axis=0)
    if symmetric:
        return p, xp.matrix_transpose(p)
    return p, neg[0] if len(neg) == 1 else xp.concat(neg, axis=0)


def _conditional_by_length(xp: Any, log_vm: Any, queue: Any, length: Any) -> Any:
    """(B, K, M) Conditional PCE of every queue from per-member log P[o1 > o2] (B, O, O).

    Queues are grouped by their length L (at most O groups, a loop over lengths, not actors or
    members): each group gathers its (L, L) blocks and sums exactly its L terms, so a queue's
    probabilities do not depend on how long the batch's longest queue is, and no padded cells
    are computed. The groups' results are put back in queue order by one inverse permutation.
    """
    b_n, k_n, m_n = queue.shape
    dev = device(queue)
    flat_q = xp.reshape(queue, (b_n * k_n, m_n))
    flat_len = xp.reshape(length, (-1,))
    order = xp.argsort(flat_len, stable=True)
    sizes = xp.arange(1, m_n + 1, dtype=flat_len.dtype, device=dev)
    ends = to_numpy(xp.searchsorted(xp.take(flat_len, order), sizes, side="right")).tolist()
    o_n = log_vm.shape[-1]
    table = xp.reshape(log_vm, (-1,))
    parts, start = [], 0
    for size, end in zip(range(1, m_n + 1), ends, strict=True):
        if end == start:
            continue
        rows = order[start:end]
        q = xp.take(flat_q, rows, axis=0)[:, :size]  # (n, L)
        base = (rows // k_n)[:, None, None] * (o_n * o_n)
        index = base + q[:, :, None] * o_n + q[:, None, :]
        logp = xp.sum(xp.reshape(xp.take(table, xp.reshape(index, (-1,))), index.shape), axis=-1)
        p = xp.exp(logp - xp.max(logp, axis=-1, keepdims=True))
        p = p / xp.sum(p, axis=-1, keepdims=True)
        pad = xp.zeros((end - start, m_n - size), dtype=p.dtype, device=dev)
        parts.append(xp.concat([p, pad], axis=-1))
        start = end
    prob = xp.take(xp.concat(parts, axis=0), xp.argsort(order), axis=0)
    return xp.reshape(prob, (b_n, k_n, m_n))


def _queue_gather(xp: Any, by_pair: Any, first: Any, second: Any) -> Any:
    """(B, K, M, M) by_pair[b, first[b, k, m1, m2], second[b, k, m1, m2]] for by_pair (B, O, O):
    one flat gather (the standard has integer-array indexing, not take_along_axis)."""
    b_n, o_n = by_pair.shape[0], by_pair.shape[-1]
    flat = xp.reshape(by_pair, (-1,))
    base = axis_index(first, b_n, 0, 4) * (o_n * o_n)
    index = base + first * o_n + second
    return xp.reshape(xp.take(flat, xp.reshape(index, (-1,))), tuple(index.shape))
