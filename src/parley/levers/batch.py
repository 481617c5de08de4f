"""Batched forecast-only runs of lever candidates, shared by the analysis and its ensemble check.

Kept apart from `levers.analysis` so that `levers.robust` (which that analysis calls) can use the
same runner without an import cycle.

Most levers change one issue (persuading X on I, X's salience on I, conceding on I, capability on
I). For a model whose issues are separable (`traits(name).separable_issues`: eum and the
baselines) the other issues' forecasts are those of the unchanged case, to the bit, so
`run_levers` re-runs only the changed issue of such a lever: on a 50-actor, 5-issue case a fifth
of the work for eum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.case import CaseArrays
from parley.models import traits
from parley.models.chunking import chunk_for

TOLERANCE = 1e-9
"""An effect smaller than this (in value units, a share of the scale) counts as none."""

FIELDS = ("positions", "salience", "capability")


def run_chunked(model: Any, batch: CaseArrays, chunk: int | None = None) -> np.ndarray:
    """(B, I) forecasts of a batched CaseArrays, solved `chunk` members per forecast-only run
    (default: `chunk_for(model, batch)`, from the model's declared cost)."""
    n = batch.shape[0]
    chunk = chunk or chunk_for(model, batch)
    parts = []
    for start in range(0, n, chunk):
        part = batch.with_batch(**{k: getattr(batch, k)[start : start + chunk] for k in FIELDS})
        parts.append(np.asarray(model.run(part, detail="forecast").forecast))
    return np.concatenate(parts, axis=0)


def run_levers(
    model: Any,
    batch: CaseArrays,
    base: CaseArrays,
    base_forecast: np.ndarray,
    chunk: int | None = None,
) -> np.ndarray:
    """(B, I) forecasts of the lever rows of `batch`, each a change of its row of `base` (B rows,
    or one shared by all) whose forecast is `base_forecast` ((B, I) or (I,)).

    For a model with separable issues a row that changes one issue runs on that issue alone and
    keeps the base forecast elsewhere; a row that changes several runs whole; a row that changes
    nothing keeps the base forecast. Other models run every row whole (`run_chunked`)."""
    if not traits(model.name).separable_issues:
        return run_chunked(model, batch, chunk)
    n_b, _, n_i = batch.shape
    touched = changed_issues(batch, base)
    count = touched.sum(axis=1)
    out = np.array(np.broadcast_to(base_forecast, (n_b, n_i)), dtype=float)
    several = np.flatnonzero(count > 1)
    if several.size:
        out[several] = run_chunked(model, _rows(batch, several), chunk)
    for i in range(n_i):
        rows = np.flatnonzero((count == 1) & touched[:, i])
        if rows.size:
            out[rows, i] = run_chunked(model, _one_issue(_rows(batch, rows), i), chunk)[:, 0]
    return out


def changed_issues(batch: CaseArrays, base: CaseArrays) -> np.ndarray:
    """(B, I) bool: where a row of `batch` differs from its row of `base` (or from base's only
    row) in any actor's position, salience or capability (NaN equals NaN)."""
    out = np.zeros((batch.shape[0], batch.shape[2]), dtype=bool)
    for k in FIELDS:
        new, old = getattr(batch, k), getattr(base, k)
        same = (new == old) | (np.isnan(new) & np.isnan(old))
        out |= ~same.all(axis=1)
    return out


def _rows(batch: CaseArrays, rows: np.ndarray) -> CaseArrays:
    return batch.with_batch(**{k: getattr(batch, k)[rows] for k in FIELDS})


def _one_issue(arrays: CaseArrays, i: int) -> CaseArrays:
    """Issue i alone, every actor kept (so each actor's row, and so each problem, is the same)."""
    cut = slice(i, i + 1)
    return CaseArrays(
        positions=arrays.positions[:, :, cut],
        salience=arrays.salience[:, :, cut],
        capability=arrays.capability[:, :, cut],
        mask=arrays.mask[:, cut],
        bounds=arrays.bounds[cut],
        actor_ids=arrays.actor_ids,
        issue_ids=(arrays.issue_ids[i],),
        status_quo=arrays.status_quo[cut],
    )
