"""Challenges i -> j with third parties: victory probability and expected gain (SPEC step 4).

KTAB `SMPState::probEduChlg(h, k, i, j)`, `Actor::vProbLittle` and `Actor::thirdPartyVoteSU`.
For every estimator row at once the (receiver, third party) tensor is built, so one call costs
O(T A^2) and the proposals of a whole turn O(A^3), where KTAB's logging tables cost O(A^4).
"""

from __future__ import annotations

from typing import Any, Literal

from parley.models.smp.backend import axis_index, into, namespace, positive_part
from parley.models.smp.voting import vote

ThirdPartyCommitName = Literal["NoCommit", "SemiCommit", "FullCommit"]

MIN_CHALLENGE_COALITION = 1e-10  # KTAB probEduChlg: minCltn


def challenges(
    ut: Any,
    init: Any,
    total_salience: Any,
    capability: Any,
    rule: str,
    commit: str,
    scratch: tuple[Any, Any] = (None, None),
) -> tuple[Any, Any]:
    """P[t, j] and delta[t, j]: the estimated chance that init[t] defeats j and init[t]'s gain.

    ut (B, T, J, N): row t's estimator utilities, transposed: ut[t, j, n] = U^h(n, j), the utility
    to actor n of j's position (overwritten: it is the largest buffer and is reused); init (B, T):
    the initiator i of row t; the affected actor k = i. Returns (B, T, J) arrays over every
    receiver j (the entry j = i is meaningless and left to the caller to mask). `scratch`: two
    buffers shaped like ut that may be overwritten (see `backend.into`), or Nones.

    Principals vote with weight S c (total salience x capability); each third party n decides on
    the 'little' contest of i, j and itself, p_in = (ch_ij + v_n+) / (ch_ij + ch_ji + |v_n|), then
    votes between joining i and joining j. Under SemiCommit joining i is worth
    p_in (2U(n,i) + U(n,n)) + (1 - p_in) 3U(n,j) and joining j p_in 3U(n,i) + (1 - p_in)
    (2U(n,j) + U(n,n)); under NoCommit and FullCommit both are equal, so third parties stay out.
    P = ch_ij / (ch_ij + ch_ji); euChlg = (1 - S_j) 2U(i,i) + S_j (P 2U(i,i) + (1 - P) 2U(i,j));
    delta = euChlg - euSQ with euSQ = U(i,i) + U(i,j).
    """
    if commit not in ("SemiCommit", "NoCommit", "FullCommit"):
        raise ValueError(f"unknown ThirdPartyCommit {commit!r}")
    xp = namespace(ut, init)
    b_n, t_n, j_n, n_n = ut.shape
    w = total_salience * capability  # (B, A)
    # gathers by integer-array indexing (every axis indexed, as the standard specifies)
    bi = axis_index(ut, b_n, 0, 3)  # (B, 1, 1)
    ti = axis_index(ut, t_n, 1, 3)  # (1, T, 1)
    nn = axis_index(ut, n_n, 2, 3)  # (1, 1, N)
    ii = init[:, :, None]  # (B, T, 1)
    uni = ut[bi, ti, ii, nn]  # (B, T, N): U(n, i); at n = j it is U(j, i)
    row_i = ut[bi, ti, nn, ii]  # (B, T, J): U(i, j)
    unn = ut[bi, ti, nn, nn]  # (B, T, N): U(n, n); at n = j U(j, j)
    uii = ut[bi, ti, ii, ii]  # (B, T, 1)
    w_i = w[bi[:, :, 0], init][..., None]  # (B, T, 1)
    e = uni - unn  # U(n, i) - U(n, n)
    contrib_i = vote(rule, w_i, uii - row_i)
    contrib_j = vote(rule, w[:, None, :], e)
    ch_ij = MIN_CHALLENGE_COALITION + xp.maximum(contrib_i, 0.0) + xp.maximum(contrib_j, 0.0)
    ch_ji = MIN_CHALLENGE_COALITION + xp.maximum(-contrib_i, 0.0) + xp.maximum(-contrib_j, 0.0)

    if commit == "SemiCommit":
        # Three buffers of the slice's size (ut, a, b), in place wherever possible, with signs
        # flipped where that saves a pass: nd = -d0 where d0 = U(n,i) - U(n,j), and q = -p_in.
        # Negation is exact, so every value is bitwise the one of the plain formulas.
        a_buf, b_buf = scratch
        w_n = w[:, None, None, :]
        ut -= uni[:, :, None, :]
        nd = ut  # U(n,j) - U(n,i)
        # a = -v0; vote is not antisymmetric in general (ASymProsp), Proportional is
        proportional = rule == "Proportional"
        a = into(a_buf, "multiply", nd, w_n) if proportional else -vote(rule, w_n, -nd)
        b = into(b_buf, "minimum", a, 0.0)  # -v0+
        a = into(a, "abs", a)
        a += (ch_ij + ch_ji)[..., None]  # den = ch_ij + ch_ji + |v0|
        b -= ch_ij[..., None]
        b /= a  # q = -p_in = -(ch_ij + v0+) / den
        # join_i - join_j = a2 + p_in (a1 - a2) with a1 = U(n,n) - U(n,i) = -e and
        # a2 = U(n,j) - U(n,n) = e - d0: e - d0 + p_in (d0 - 2e) = (e + nd) + q (nd + 2e)
        e4 = e[:, :, None, :]
        a = into(a, "add", nd, 2 * e4)
        a *= b
        nd += e4
        nd += a
        # principals do not vote as third parties: zero weight for n = i, zero entries n = j
        w_t = xp.where(nn == ii, 0.0, w[:, None, :])
        v = _vote_inplace(rule, w_t[:, :, None, :], nd)
        flat = xp.reshape(v, (b_n, t_n, j_n * n_n))
        flat[..., :: n_n + 1] = 0.0
        v = xp.reshape(flat, (b_n, t_n, j_n, n_n))
        total = xp.sum(v, axis=-1)
        pos = xp.sum(positive_part(v), axis=-1)
        ch_ij = ch_ij + pos
        ch_ji = ch_ji + (pos - total)
    p = ch_ij / (ch_ij + ch_ji)

    s_j = total_salience[:, None, :]
    u_vict = 2 * uii
    u_loss = 2 * row_i
    eu_sq = uii + row_i
    eu_chlg = (1 - s_j) * u_vict + s_j * (p * u_vict + (1 - p) * u_loss)
    return p, eu_chlg - eu_sq


def _vote_inplace(rule: str, weight: Any, du: Any) -> Any:
    """`vote`, reusing du's buffer for the default Proportional rule (the hot path)."""
    if rule == "Proportional":
        du *= weight
        return du
    return vote(rule, weight, du)
