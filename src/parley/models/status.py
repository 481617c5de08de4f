"""The fixed vocabulary of how a model run ended: `Outcome.status` holds one of these per member.

A status is for machines (tests, ensembles, the run store); `Outcome.message` says the same for
people, with numbers. Every model maps its own stop rule onto this vocabulary:

- `converged`: the model's own stop rule ended the run (eum's median rule, smp's step ratio).
- `round_limit`: the run reached its round cap before its stop rule fired (it may not have settled).
- `fixed_rounds`: the model plays a fixed number of rounds by design and played them all
  (exchange; eum with `stop="rounds"`).
- `no_rounds`: the model has no rounds (the baselines, combined) or was asked for none.
- `no_moves`: there was nothing to bargain over: every actor holds the same position (eum).

>>> from parley.models.status import STATUSES, CONVERGED
>>> CONVERGED in STATUSES
True
"""

from __future__ import annotations

from typing import Final

import numpy as np

CONVERGED: Final = "converged"
ROUND_LIMIT: Final = "round_limit"
FIXED_ROUNDS: Final = "fixed_rounds"
NO_ROUNDS: Final = "no_rounds"
NO_MOVES: Final = "no_moves"

#: Every status a model may report, in the order above.
STATUSES: Final = (CONVERGED, ROUND_LIMIT, FIXED_ROUNDS, NO_ROUNDS, NO_MOVES)


def statuses(values: object, batch: int | None = None) -> np.ndarray:
    """A (B,) array of statuses: `values` is one status (repeated `batch` times) or a sequence.

    An unknown status is a bug in the model, so it raises ValueError.

    >>> statuses("no_rounds", 2).tolist()
    ['no_rounds', 'no_rounds']
    """
    if isinstance(values, str):
        if batch is None:
            raise ValueError("statuses: a single status needs the batch size")
        if values not in STATUSES:
            raise ValueError(f"unknown status {values} (known: {', '.join(STATUSES)})")
        return np.full(batch, values)  # one check, not one per member
    out = np.asarray(values, dtype=object).astype(str)
    unknown = sorted(set(np.unique(out).tolist()) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status {', '.join(unknown)} (known: {', '.join(STATUSES)})")
    return out
