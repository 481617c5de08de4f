"""The inputs of a sensitivity analysis: names, point values, ranges and quantile functions.

Sampling methods draw points in the unit hypercube [0, 1]^K (SALib's Saltelli and Morris designs);
each input's quantile function maps its column to the input's own distribution, so that indices
are computed with respect to the distributions the case states (triangular, PERT, uniform) and not
to uniform ranges. The tornado needs only `value`, `low` and `high`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from parley.errors import ParleyError

# (N, K) input values -> (N, O) outputs (one column per forecast issue)
Evaluate = Callable[[np.ndarray], np.ndarray]
# (N, K) points of the unit hypercube -> (N, K) input values
Quantiles = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Problem:
    """K uncertain inputs and the O outputs they drive.

    >>> p = Problem.uniform(["x", "y"], [0.0, 1.0], [1.0, 3.0], outputs=["f"])
    >>> p.to_values(np.array([[0.5, 0.25]]))
    array([[0.5, 1.5]])
    """

    names: tuple[str, ...]
    values: np.ndarray  # (K,) the point values (the tornado's centre)
    lows: np.ndarray  # (K,)
    highs: np.ndarray  # (K,)
    to_values: Quantiles
    outputs: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.names:
            raise ParleyError("no uncertain inputs: nothing to analyse")
        k = len(self.names)
        for label in ("values", "lows", "highs"):
            if np.shape(getattr(self, label)) != (k,):
                raise ParleyError(f"{label} must have one entry per input ({k})")

    @property
    def size(self) -> int:
        return len(self.names)

    @classmethod
    def uniform(
        cls,
        names: Sequence[str],
        lows: Sequence[float],
        highs: Sequence[float],
        outputs: Sequence[str],
        values: Sequence[float] | None = None,
    ) -> Problem:
        """Inputs uniform on [low, high] (value: the midpoint unless given)."""
        lo, hi = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
        mid = (lo + hi) / 2 if values is None else np.asarray(values, dtype=float)
        return cls(tuple(names), mid, lo, hi, lambda u: lo + u * (hi - lo), tuple(outputs))

    def salib(self) -> dict:
        """The SALib problem of the unit hypercube (inputs are mapped by `to_values` afterwards)."""
        return {
            "num_vars": self.size,
            "names": list(self.names),
            "bounds": [[0.0, 1.0]] * self.size,
        }
