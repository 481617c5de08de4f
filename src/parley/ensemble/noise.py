"""Signal or noise? How much a model's forecast of a case moves when its inputs move a little.

A shift printed by `parley compare` (scenario minus base), `parley front` (with minus without the
front) or `parley levers` (with minus without the lever) is a difference of two forecasts. Some
models jump between outcomes on small changes of their inputs (the bargaining models are
discontinuous), so a shift is only worth reading when it is larger than that jitter. This module
measures it with a small-perturbation ensemble of the case, drawn by the ensemble's own sampler:

- The perturbation (`Perturbation`): every value the case states a range for is drawn within it,
  as `parley ensemble` draws it; every value stated without one within +/- `DEFAULT_SPREAD` (5%)
  of its scale (`position`, `salience`) or of itself (`capability`), triangular around the value.
  `DEFAULT_MEMBERS` (32) members, seed 0.
- Common random numbers: each input is drawn from its own stream, keyed by the seed and the input's
  key (`ACTOR.ISSUE.FIELD`), so two cases that share an input perturb it alike in member n. The
  shift of member n is then the change's effect on a perturbed case, and the spread of the member
  shifts is the noise of the *difference* (`shift_noise`), not of each forecast alone.
- The noise scale of a shift is the half-width of the central 90% interval of the member shifts,
  (q95 - q05) / 2, per model and issue, in issue units. A shift is *within noise* when
  |shift| <= noise (plus 1e-9 of the issue's scale, so that a shift of exactly 0 is within it).

A model that jitters gives wide noise; a smooth one (the compromise model, a weighted mean) gives
noise that follows from the inputs' ranges. With common random numbers a change that moves the
forecast by the same amount in every member has noise 0 and is signal however small.

>>> import numpy as np
>>> halfwidth(np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])).round(12).tolist()  # q05 0.2, q95 3.8
[1.8]
>>> within_noise(np.array([0.0, 2.0]), np.array([0.0, 1.8]), np.array([10.0, 10.0])).tolist()
[True, False]
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.case.schema import Case
from parley.ensemble.apply import apply_inputs
from parley.ensemble.distributions import ppf
from parley.ensemble.draws import member_uniforms
from parley.ensemble.inputs import check_spread, uncertain_inputs
from parley.errors import ParleyError

DEFAULT_MEMBERS = 32
"""Members of the noise ensemble: enough for the 5% and 95% quantiles to be read from
interpolated order statistics, few enough that compare, front and levers stay interactive
(docs/uncertainty.md gives the timings)."""

DEFAULT_SPREAD: dict[str, float] = {"position": 0.05, "salience": 0.05, "capability": 0.05}
"""The range given to a value stated without one (`parley ensemble --spread` semantics)."""

LEVEL = 0.90
"""The central interval of the member shifts whose half-width is the noise scale."""

TOLERANCE = 1e-9
"""A shift within this share of the issue's scale above the noise still counts as within it."""


def check_noise_members(members: object) -> int:
    """The noise ensemble's member count: a whole number, 0 (off) or at least 2.

    >>> check_noise_members(0), check_noise_members(32)
    (0, 32)
    >>> check_noise_members(1)
    Traceback (most recent call last):
    ...
    parley.errors.ParleyError: noise_members must be 0 (off) or at least 2, got 1
    """
    if isinstance(members, bool) or not isinstance(members, int) or members < 0 or members == 1:
        raise ParleyError.about("noise_members", f"must be 0 (off) or at least 2, got {members!r}")
    return members


def key_uniforms(seed: int, members: int, keys: Sequence[str]) -> np.ndarray:
    """(members, K) uniforms, column k from the stream of `keys[k]` alone (`member_uniforms`,
    keyed by the seed and the key's CRC-32): a key draws the same numbers whatever other inputs
    the case has, which is what makes two cases' perturbations common random numbers.

    >>> a = key_uniforms(0, 4, ["x.position", "y.position"])
    >>> b = key_uniforms(0, 4, ["y.position"])
    >>> bool((a[:, 1] == b[:, 0]).all()), bool((a[:, 0] != a[:, 1]).all())
    (True, True)
    """
    columns = [member_uniforms(_key_seed(seed, key), 0, members, 1)[:, 0] for key in keys]
    return np.stack(columns, axis=1) if columns else np.empty((members, 0))


def _key_seed(seed: int, key: str) -> int:
    state = np.random.SeedSequence([seed, zlib.crc32(key.encode("utf-8"))]).generate_state(2)
    return int(state[0]) << 32 | int(state[1])


@dataclass(frozen=True)
class Perturbation:
    """A small-perturbation ensemble: `members` draws, `seed`, default ranges `spread`."""

    members: int = DEFAULT_MEMBERS
    seed: int = 0
    spread: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPREAD))

    def __post_init__(self) -> None:
        check_noise_members(self.members)
        object.__setattr__(self, "spread", check_spread(self.spread))

    def arrays(self, case: Case) -> CaseArrays:
        """(members, A, I) arrays of `case`, member n perturbed by its common random numbers."""
        inputs = uncertain_inputs(case, self.spread)
        u = key_uniforms(self.seed, self.members, [i.key for i in inputs])
        values = ppf(
            u,
            np.array([i.low for i in inputs]),
            np.array([i.value for i in inputs]),
            np.array([i.high for i in inputs]),
            [i.distribution for i in inputs],
        )
        return apply_inputs(case, inputs, values)


def forecasts(model: Any, batch: CaseArrays) -> np.ndarray:
    """(N, I) forecast-only forecasts of a perturbed batch."""
    return np.asarray(model.run(batch, detail="forecast").forecast, dtype=float)


def halfwidth(shifts: np.ndarray) -> np.ndarray:
    """(I,) half the width of the central `LEVEL` interval of (N, I) member shifts (NaN where an
    issue has no forecast)."""
    shifts = np.asarray(shifts, dtype=float)
    if np.isnan(shifts).all(axis=0).any():
        out = np.full(shifts.shape[1], np.nan)
        ok = ~np.isnan(shifts).all(axis=0)
        out[ok] = halfwidth(shifts[:, ok])
        return out
    low, high = np.nanquantile(shifts, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=0)
    return (high - low) / 2


def shift_noise(model: Any, base: CaseArrays, changed: CaseArrays) -> np.ndarray:
    """(I,) noise scale of the shift `changed - base` under `model`: the two batches are the same
    members' perturbations (common random numbers) of the case before and after the change."""
    return halfwidth(forecasts(model, changed) - forecasts(model, base))


def within_noise(shift: np.ndarray, noise: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(I,) whether each |shift| is within its noise (NaN noise: never within)."""
    with np.errstate(invalid="ignore"):
        return np.abs(shift) <= noise + TOLERANCE * scale


def noise_json(
    issue_ids: Sequence[str], shift: np.ndarray, noise: np.ndarray, scale: np.ndarray
) -> dict[str, dict[str, Any]]:
    """`{issue: {"noise": x, "within_noise": bool}}` (noise null where there is no forecast)."""
    inside = within_noise(shift, noise, scale)
    return {
        i: {
            "noise": None if np.isnan(n) else float(n),
            "within_noise": bool(w),
        }
        for i, n, w in zip(issue_ids, noise, inside, strict=True)
    }


def issue_scales(case: Case) -> np.ndarray:
    """(I,) each issue's scale, upper - lower."""
    return np.array([i.upper - i.lower for i in case.issues], dtype=float)
