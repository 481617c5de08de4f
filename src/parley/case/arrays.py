"""CaseArrays: the numeric form of a case that every model kernel works on.

Arrays carry a leading batch axis B (ensemble members; B = 1 for a single case). Positions stay in
each issue's own units (every model normalises in its own published way: by the range of positions,
to 0-100 or to 0-1) and `bounds` gives each issue's scale; saliences are on 0-1.
Where an actor takes no position (`mask` False) position is the lower bound and salience 0, so that
weighted sums ignore it without special cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parley.case.schema import Case


@dataclass(frozen=True)
class CaseArrays:
    positions: np.ndarray  # (B, A, I) issue units
    salience: np.ndarray  # (B, A, I) on 0-1, 0 where masked
    capability: np.ndarray  # (B, A, I) > 0 where the actor takes a position
    mask: np.ndarray  # (A, I) bool: actor holds a position on the issue
    bounds: np.ndarray  # (I, 2) lower, upper
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    status_quo: np.ndarray  # (I,) NaN where not given

    def __post_init__(self) -> None:
        # Capabilities are only relative (every model divides them out), but a product or a sum of
        # values near 1e308 overflows to inf and then NaN. Each member whose largest capability
        # lies outside [2^-100, 2^100] is rescaled by a power of two (exact: ratios keep every bit),
        # so no model ever sees such a value; ordinary cases are left untouched, bit for bit.
        cap = self.capability
        if not isinstance(cap, np.ndarray) or cap.size == 0 or not np.isfinite(cap).all():
            return  # device arrays are built from host arrays, which were rescaled here
        top = cap.reshape(cap.shape[0], -1).max(axis=1) if cap.ndim == 3 else np.array([cap.max()])
        exponent = np.frexp(np.where(top > 0, top, 1.0))[1]
        if ((exponent > 100) | (exponent < -100)).any():
            shift = np.where((exponent > 100) | (exponent < -100), -exponent, 0)
            scaled = np.ldexp(cap, shift.reshape((-1,) + (1,) * (cap.ndim - 1)))
            object.__setattr__(self, "capability", scaled)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.positions.shape

    @property
    def weights(self) -> np.ndarray:
        """capability x salience, 0 where an actor takes no position: the compromise weights."""
        return self.capability * self.salience * self.mask

    def normalised(self) -> np.ndarray:
        """Positions mapped to [0, 1] by each issue's bounds."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        return (self.positions - lo) / (hi - lo)

    def to_units(self, values01: np.ndarray) -> np.ndarray:
        """Inverse of `normalised` for any array whose last axis is the issue axis."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        return lo + values01 * (hi - lo)

    def with_batch(self, **batched: np.ndarray) -> CaseArrays:
        """A copy with some (B, A, I) arrays replaced, e.g. by ensemble draws."""
        fields = {**self.__dict__, **batched}
        return CaseArrays(**fields)


def case_arrays(case: Case) -> CaseArrays:
    """The arrays of a validated case (B = 1); salience divided by the declared scale."""
    actors = [a.id for a in case.actors]
    issues = [i.id for i in case.issues]
    n_a, n_i = len(actors), len(issues)
    lower = np.array([i.lower for i in case.issues], dtype=float)
    positions = np.tile(lower, (n_a, 1))
    salience = np.zeros((n_a, n_i))
    capability = np.zeros((n_a, n_i))
    mask = np.zeros((n_a, n_i), dtype=bool)
    for a, actor in enumerate(case.actors):
        if actor.capability is not None:
            capability[a, :] = actor.capability.value
        for i, issue_id in enumerate(issues):
            stance = case.stances.get(actor.id, {}).get(issue_id)
            if stance is None:
                continue
            if stance.capability is not None:
                capability[a, i] = stance.capability.value
            if stance.position is not None:
                positions[a, i] = stance.position.value
                salience[a, i] = stance.salience.value / case.salience_scale
                mask[a, i] = True
    status_quo = np.array(
        [np.nan if i.status_quo is None else i.status_quo for i in case.issues], dtype=float
    )
    return CaseArrays(
        positions=positions[None],
        salience=salience[None],
        capability=capability[None],
        mask=mask,
        bounds=np.column_stack([lower, [i.upper for i in case.issues]]).astype(float),
        actor_ids=tuple(actors),
        issue_ids=tuple(issues),
        status_quo=status_quo,
    )
