"""Rank correlation of the inputs of actors that share a tag, by a Gaussian copula.

`correlate={"resistance": 0.6}` says: the factions tagged `resistance` tend to be misjudged
together. For each pair of inputs of two such actors that measure the same thing (the same field
on the same issue, or both actor-level capabilities), the members' draws get Spearman rank
correlation 0.6; every input keeps its own distribution. Inputs of different fields or issues, and
of actors sharing no correlated tag, stay independent. An actor in several correlated tags takes
the largest coefficient of the tags it shares with the other actor.

Method (Gaussian copula): uniforms u -> normals z = Phi^-1(u) -> z R^(1/2) -> Phi(.) -> each
input's inverse CDF. For normals, Pearson r and Spearman rho are related by
r = 2 sin(pi rho / 6) (Pearson 1907; Kruskal 1958), so R holds that r and the ranks have rho.

>>> import numpy as np
>>> root = copula_root(np.array([[1.0, 0.5], [0.5, 1.0]]))
>>> bool(np.allclose(root @ root.T, [[1.0, 2 * np.sin(np.pi * 0.5 / 6)], [2 * np.sin(np.pi * 0.5 / 6), 1.0]]))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtr, ndtri

from parley.case.schema import Case
from parley.ensemble.inputs import UncertainInput
from parley.errors import ParleyError


def check_correlate(case: Case, correlate: Mapping[str, float | str] | None) -> dict[str, float]:
    """`correlate` checked against `case`: each tag carried by some actor, each coefficient a
    number in [-1, 1]. Raises ParleyError naming the bad item."""
    tags = sorted({t for a in case.actors for t in a.tags})
    out: dict[str, float] = {}
    for tag, rho in (correlate or {}).items():
        if tag not in tags:
            known = ", ".join(tags) or "none"
            raise ParleyError.about("correlate", f": no actor has tag {tag!r} (tags: {known})")
        try:
            value = float(rho)
        except (TypeError, ValueError):
            raise ParleyError.about("correlate", f"{tag}: expected a number, got {rho!r}") from None
        if not -1 <= value <= 1:
            raise ParleyError.about(
                "correlate", f"{tag}: expected a coefficient in [-1, 1], got {rho!r}"
            )
        out[tag] = value
    return out


def rank_correlations(
    case: Case, inputs: Sequence[UncertainInput], correlate: Mapping[str, float]
) -> np.ndarray | None:
    """(K, K) Spearman rank correlations of the inputs (1 on the diagonal), or None when no pair
    is correlated."""
    correlate = check_correlate(case, correlate)
    tags = {a.id: set(a.tags) & set(correlate) for a in case.actors}
    slots = [u.key[len(u.actor) + 1 :] for u in inputs]  # "ISSUE.FIELD" or "capability"
    k = len(inputs)
    rho = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            shared = tags.get(inputs[i].actor, set()) & tags.get(inputs[j].actor, set())
            if shared and slots[i] == slots[j] and inputs[i].actor != inputs[j].actor:
                rho[i, j] = rho[j, i] = max(correlate[t] for t in shared)
    return None if np.array_equal(rho, np.eye(k)) else rho


def copula_root(rho: np.ndarray) -> np.ndarray:
    """A square root S of the normal correlation matrix of rank correlations `rho` (S S^T = R),
    by eigendecomposition so that R may be singular (rho = 1). Raises ParleyError when the
    coefficients cannot hold together (R not positive semidefinite)."""
    r = 2 * np.sin(np.pi * rho / 6)
    np.fill_diagonal(r, 1.0)
    w, v = np.linalg.eigh(r)
    if w.min() < -1e-9:
        raise ParleyError.about(
            "correlate",
            ": these coefficients cannot hold together (negative correlation among "
            "three or more actors of one tag is impossible); use coefficients >= 0",
        )
    return v * np.sqrt(np.clip(w, 0, None))


def correlate_uniforms(u: np.ndarray, root: np.ndarray) -> np.ndarray:
    """Uniforms (B, K) with the copula's dependence: Phi(Phi^-1(u) S^T), still uniform per column."""
    return ndtr(ndtri(u) @ root.T)
