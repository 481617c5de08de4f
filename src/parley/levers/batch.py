"""Batched forecast-only runs of lever candidates, shared by the analysis and its ensemble check.

Kept apart from `levers.analysis` so that `levers.robust` (which that analysis calls) can use the
same runner without an import cycle.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.case import CaseArrays
from parley.models.chunking import chunk_for

TOLERANCE = 1e-9
"""An effect smaller than this (in value units, a share of the scale) counts as none."""


def run_chunked(model: Any, batch: CaseArrays, chunk: int | None = None) -> np.ndarray:
    """(B, I) forecasts of a batched CaseArrays, solved `chunk` members per forecast-only run
    (default: `chunk_for(model, batch)`, from the model's declared cost)."""
    n = batch.shape[0]
    chunk = chunk or chunk_for(model, batch)
    parts = []
    for start in range(0, n, chunk):
        part = batch.with_batch(
            **{
                k: getattr(batch, k)[start : start + chunk]
                for k in ("positions", "salience", "capability")
            }
        )
        parts.append(np.asarray(model.run(part, detail="forecast").forecast))
    return np.concatenate(parts, axis=0)
