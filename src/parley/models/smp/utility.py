"""Salience-weighted distance, KTAB's risk-sensitive utility, and risk attitudes inferred from power.

KTAB SMP (`SMPModel::bvDiff`, `bsUtil`, `Model::bigRfromProb`, `Model::estNRA`); SPEC steps 1 and 3.
"""

from __future__ import annotations

from typing import Any, Literal

from parley.models.smp.backend import namespace

BigRRangeName = Literal["Min", "Mid", "Max"]
BigRAdjustName = Literal["Full", "TwoThirds", "Half", "OneThird", "No"]


def distances(ideals: Any, points: Any, salience: Any) -> Any:
    """(B, A, P) d[a, p] = sqrt(sum_k (s_ak (y_ak - x_pk))^2 / sum_k s_ak^2) (SPEC step 1).

    Each actor measures distance from its ideal with its own saliences, so d is on [0, 1] when
    positions are. An actor with no salience at all is indifferent (d = 0), where KTAB asserts.
    The sum over issues is a loop over the (few) issues on (B, A, P) arrays, in place: a
    reduction over a short last axis costs several times more, and for fewer than 8 issues
    NumPy's sum adds in this same order, so the bits are those of `sum(..., axis=-1)`.
    """
    xp = namespace(ideals, points, salience)
    s2 = salience**2
    num = None
    for k in range(ideals.shape[-1]):
        term = ideals[:, :, None, k] - points[:, None, :, k]
        term *= term
        term *= s2[:, :, None, k]
        if num is None:
            num = term
        else:
            num += term
    den = xp.sum(s2, axis=-1)[:, :, None]
    held = den > 0
    return xp.sqrt(xp.where(held, num / xp.where(held, den, 1.0), 0.0))


def utility(d: Any, risk: Any) -> Any:
    """KTAB `bsUtil`: u(d, R) = (1 - d)(1 + d R); for round-off d > 1, (1 - d)(1 + R).

    R in [-1, 1]: R > 0 is risk averse (concave in distance), R < 0 risk seeking.
    """
    xp = namespace(d)
    return (1.0 - d) * (1.0 + xp.minimum(d, 1.0) * risk)


def risk_from_probability(p: Any, rule: str) -> Any:
    """KTAB `bigRfromProb`: risk attitudes (B, A) from win probabilities p (B, A).

    The most likely actor is the most risk averse. Min maps [p_min, p_max] to [0, 1], Mid to
    [-1/2, 1] (default), Max to [-1, 1]. When every p is equal (KTAB divides by zero) all actors
    are risk neutral.
    """
    xp = namespace(p)
    lo = xp.min(p, axis=-1, keepdims=True)
    hi = xp.max(p, axis=-1, keepdims=True)
    span = hi - lo
    safe = xp.where(span > 0, span, 1.0)
    if rule == "Min":
        r = (p - lo) / safe
    elif rule == "Mid":
        r = (3 * p - (hi + 2 * lo)) / (2 * safe)
    elif rule == "Max":
        r = (2 * p - (hi + lo)) / safe
    else:
        raise ValueError(f"unknown BigRRange {rule!r}")
    return xp.where(span > 0, r, 0.0)


def perceived_risk(risk: Any, rule: str) -> Any:
    """KTAB `estNRA`: r[h, i], actor h's estimate of i's risk attitude, shape (B, A, A).

    Full: R_i; TwoThirds: (R_h + 2R_i)/3; Half: (R_h + R_i)/2; OneThird (default):
    (2R_h + R_i)/3; No: R_h. Every rule gives r[h, h] = R_h.
    """
    xp = namespace(risk)
    rh = risk[:, :, None]
    ri = risk[:, None, :]
    full = tuple(risk.shape) + tuple(risk.shape[-1:])
    if rule == "Full":
        return xp.broadcast_to(ri, full)
    if rule == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if rule == "Half":
        return (rh + ri) / 2.0
    if rule == "OneThird":
        return (2.0 * rh + ri) / 3.0
    if rule == "No":
        return xp.broadcast_to(rh, full)
    raise ValueError(f"unknown BigRAdjust {rule!r}")
