"""Bargains between an initiator and its target: per-dimension interpolation (SPEC step 5).

KTAB `SMPActor::interpBrgnSnPm` (S1P1, S2P2) and `interpBrgnS2PMax`, and the three ways
`SMPState::doBCN` turns them into proposals (InitOnlyInterp, InitRcvrInterp, PWCompInterp).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from parley.models.smp.backend import namespace

InterVecBrgnName = Literal["S1P1", "S2P2", "S2PMax"]
BargnModelName = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]

_MIN_W = 1e-6  # KTAB: keeps 0/0 away when neither side cares or can coerce


def round4(x: Any) -> Any:
    """KTAB's round4: (int)(0.5 + 10000 x) / 10000, i.e. half-up on the 0-1 scale."""
    if isinstance(x, int | float):
        return math.floor(0.5 + x * 10000.0) / 10000.0
    return namespace(x).floor(0.5 + x * 10000.0) / 10000.0


def interpolate(
    rule: str,
    x_i: Any,
    s_i: Any,
    p_i: Any,
    x_j: Any,
    s_j: Any,
) -> tuple[Any, Any]:
    """The positions (init side, receiver side), each (..., D), of a bargain between i and j.

    p_i (...,) is the probability of i winning as the bargain's author sees it (p_j = 1 - p_i).
    SnPm: a = s_ik^n p_i^m, b = s_jk^n p_j^m, init side ((a + 1e-6) x_i + b x_j)/(a + b + 1e-6),
    receiver side (a x_i + (b + 1e-6) x_j)/(a + b + 1e-6), rounded to 4 decimals (KTAB rounds to
    avoid spurious precision). S2PMax moves only the weaker side, by its probability deficit.
    """
    p_i = p_i[..., None]
    p_j = 1.0 - p_i
    if rule in ("S1P1", "S2P2"):
        n = 1 if rule == "S1P1" else 2
        a = s_i**n * p_i**n
        b = s_j**n * p_j**n
        den = a + b + _MIN_W
        return round4(((a + _MIN_W) * x_i + b * x_j) / den), round4(
            (a * x_i + (b + _MIN_W) * x_j) / den
        )
    if rule == "S2PMax":
        xp = namespace(p_i)
        di = xp.maximum(p_j - p_i, 0.0)
        dj = xp.maximum(p_i - p_j, 0.0)
        si2, sj2 = s_i**2, s_j**2
        dik = (di * sj2) / (di * sj2 + _MIN_W + (1 - di) * si2)
        djk = (dj * si2) / (dj * si2 + _MIN_W + (1 - dj) * sj2)
        return x_i + dik * (x_j - x_i), x_j + djk * (x_i - x_j)
    raise ValueError(f"unknown InterVecBrgn {rule!r}")
