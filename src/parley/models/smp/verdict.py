"""How an SMP run ended, per member: KTAB's stop rule mapped onto `parley.models.status`.

Two members stop at turn 3, the cap: one had settled (step ratio under 0.02), one had not.

>>> from parley.models.smp.model import SMP
>>> verdicts(SMP(max_turns=3), 3, np.array([0.01, 0.5])).tolist()
['converged', 'round_limit']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.models import status


def verdicts(model: Any, turn: int, ratios: np.ndarray) -> np.ndarray:
    """(M,) statuses of members stopping after `turn` turns with step ratios `ratios`
    (KTAB's smpStopFn: converged once the ratio falls below min_delta_ratio from min_turns on)."""
    if model.max_turns == 0:
        return np.full(ratios.shape, status.NO_ROUNDS, dtype=object)
    converged = (turn >= model.min_turns) & (ratios < model.min_delta_ratio)
    capped = (turn >= model.max_turns) & ~converged
    return np.where(capped, status.ROUND_LIMIT, status.CONVERGED).astype(object)


def message(model: Any, codes: np.ndarray, rounds: np.ndarray) -> str:
    """One line for a batch: the full record's words when every member ended alike, else counts."""
    words = {
        status.NO_ROUNDS: f"max turns ({model.max_turns})",
        status.ROUND_LIMIT: f"max turns ({model.max_turns})",
        status.CONVERGED: "converged after {} turns",
    }
    kinds = sorted(set(zip(codes.tolist(), rounds.tolist(), strict=True)))
    if len(kinds) == 1:
        code, turns = kinds[0]
        return words[code].format(turns)
    counts = {c: int((codes == c).sum()) for c in status.STATUSES if (codes == c).any()}
    return "; ".join(f"{n} {c}" for c, n in counts.items())
