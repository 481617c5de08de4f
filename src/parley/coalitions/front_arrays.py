"""United fronts on arrays: many candidate fronts as a few batched, forecast-only model runs.

`parley.coalitions.fronts.merge_front` builds the merged *case* of one front (members replaced by
one bloc actor appended last); a search over hundreds of fronts would build and solve hundreds of
cases. Here the same merged case is built directly as arrays (`merged_arrays`: the non-members'
rows unchanged, in their order, then the bloc's row, exactly as `case_arrays(merge_front(...))`
lays it out), and fronts whose merged arrays have the same shape and the same position mask (the
contract's mask is shared by a batch) are stacked on the batch axis and solved by one
`model.run(batch, detail="forecast")` per model and group (`front_forecasts`). A front of k
members leaves A - k + 1 actors, so fronts of one size over actors that hold positions on every
issue form a single batch.

>>> from parley.models import get_model
>>> from parley.models.examples import three_actor_arrays
>>> arrays = three_actor_arrays()
>>> merged_arrays(arrays, [0, 1], bloc_rows(arrays, [0, 1])).actor_ids
('c', 'a+b')
>>> front_forecasts(get_model("median"), arrays, [[0, 1], [1, 2]]).round(2).tolist()
[[15.0, 45.71], [10.0, 34.52]]

(a+b on tax: weight 4 x 0.9 + 2 x 0.2 = 4 at (36 + 24) / 4 = 15 against c's 3 x 0.6 = 1.8 at 90:
the bloc holds the weighted median; b+c on tax: weight 2.2 against a's 3.6 at 10.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.errors import FrontError
from parley.models import get_model
from parley.models.baselines import weighted_mean
from parley.models.chunking import chunk_for

Progress = Callable[[int, int], None]
"""`progress(done, total)`: called after each batched run with the fronts solved so far."""


def check_rules(position_rule: str, salience_rule: str, capability_rule: str) -> None:
    """FrontError for an unknown bloc rule (checked once, before any front is formed)."""
    if capability_rule not in ("sum", "max"):
        raise FrontError(f"unknown capability rule {capability_rule!r}: sum or max")
    if salience_rule not in ("capability_weighted", "mean", "max"):
        raise FrontError(
            f"unknown salience rule {salience_rule!r}: capability_weighted, mean or max"
        )
    if position_rule != "compromise" and not position_rule.startswith("model:"):
        raise FrontError(f"unknown position rule {position_rule!r}: compromise or model:NAME")


def member_arrays(arrays: CaseArrays, idx: Sequence[int]) -> CaseArrays:
    """The arrays of the actors `idx` only (in that order)."""
    idx = list(idx)
    return CaseArrays(
        positions=arrays.positions[:, idx],
        salience=arrays.salience[:, idx],
        capability=arrays.capability[:, idx],
        mask=arrays.mask[idx],
        bounds=arrays.bounds,
        actor_ids=tuple(arrays.actor_ids[k] for k in idx),
        issue_ids=arrays.issue_ids,
        status_quo=arrays.status_quo,
    )


def one_member(arrays: CaseArrays, n: int) -> CaseArrays:
    """Batch member `n` of `arrays` alone (B = 1)."""
    return arrays.with_batch(
        **{k: getattr(arrays, k)[n : n + 1] for k in ("positions", "salience", "capability")}
    )


def bloc_rows(
    arrays: CaseArrays,
    idx: Sequence[int],
    position_rule: str = "compromise",
    salience_rule: str = "capability_weighted",
    capability_rule: str = "sum",
    model_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, np.ndarray]:
    """The bloc of the actors `idx` (batch member 0): 'position', 'salience' (0-1), 'capability'
    and 'mask' per issue, by the rules `parley.coalitions.fronts.bloc_stances` documents."""
    check_rules(position_rule, salience_rule, capability_rule)
    sub = member_arrays(arrays, idx)
    held = sub.mask  # (K, I)
    cap, sal = sub.capability[0], sub.salience[0]
    capability = cap.sum(axis=0) if capability_rule == "sum" else cap.max(axis=0)
    mask = held.any(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if salience_rule == "capability_weighted":
            salience = (cap * sal * held).sum(axis=0) / (cap * held).sum(axis=0)
        elif salience_rule == "mean":
            salience = (sal * held).sum(axis=0) / held.sum(axis=0)
        else:
            salience = np.where(held, sal, 0).max(axis=0)
        one = sub.with_batch(**_first(sub))
        if position_rule == "compromise":
            position = weighted_mean(one)[0]
        else:
            name = position_rule[6:]
            model = get_model(name, None, (model_params or {}).get(name, {}))
            position = np.asarray(model.run(one, detail="forecast").forecast)[0]
    lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
    return {
        "position": np.where(mask, np.clip(position, lo, hi), np.nan),
        "salience": np.where(mask, np.nan_to_num(salience), 0.0),
        "capability": capability,
        "mask": mask,
    }


def _first(arrays: CaseArrays) -> dict[str, np.ndarray]:
    return {k: getattr(arrays, k)[:1] for k in ("positions", "salience", "capability")}


def merged_arrays(
    arrays: CaseArrays, idx: Sequence[int], bloc: Mapping[str, np.ndarray], name: str | None = None
) -> CaseArrays:
    """Batch member 0 with the actors `idx` replaced by their bloc, appended last (B = 1).

    Laid out as `case_arrays(merge_front(...))` lays the merged case out: the bloc holds a
    position where a member does and its capability there is positive; elsewhere it has the
    bloc actor's own capability (the largest per-issue one, or 1), salience 0 and the lower bound.
    """
    members = set(idx)
    keep = [k for k in range(len(arrays.actor_ids)) if k not in members]
    caps = bloc["capability"]
    held = bloc["mask"] & (caps > 0)
    own = float(caps.max()) if caps.max() > 0 else 1.0
    lo = arrays.bounds[:, 0]
    row = {
        "positions": np.where(held, bloc["position"], lo),
        "salience": np.where(held, bloc["salience"], 0.0),
        "capability": np.where(held, caps, own),
    }
    stacked = {
        k: np.concatenate([getattr(arrays, k)[:1, keep], v[None, None]], axis=1)
        for k, v in row.items()
    }
    bloc_id = name or "+".join(arrays.actor_ids[k] for k in idx)
    return CaseArrays(
        mask=np.concatenate([arrays.mask[keep], held[None]], axis=0),
        bounds=arrays.bounds,
        actor_ids=(*(arrays.actor_ids[k] for k in keep), bloc_id),
        issue_ids=arrays.issue_ids,
        status_quo=arrays.status_quo,
        **stacked,
    )


def stack(members: Sequence[CaseArrays]) -> CaseArrays:
    """Arrays of one shape and one mask stacked on the batch axis."""
    first = members[0]
    return first.with_batch(
        **{
            k: np.concatenate([getattr(m, k) for m in members], axis=0)
            for k in ("positions", "salience", "capability")
        }
    )


def batched_runs(
    model: Any,
    members: Sequence[CaseArrays],
    progress: Progress | None = None,
    chunk: int | None = None,
) -> np.ndarray:
    """(N, I) forecasts of `model` on each of `members` (B = 1 arrays each), solved as few
    forecast-only batched runs as the members' shapes and masks allow, `chunk` at a time
    (default: `chunk_for(model, ...)` per group, from the model's declared cost)."""
    groups: dict[tuple, list[int]] = {}
    for n, m in enumerate(members):
        groups.setdefault((m.mask.shape, m.mask.tobytes()), []).append(n)
    out = np.empty((len(members), len(members[0].issue_ids)))
    done = 0
    for rows in groups.values():
        step = chunk or chunk_for(model, members[rows[0]])
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            result = model.run(stack([members[n] for n in part]), detail="forecast")
            out[part] = np.asarray(result.forecast)
            done += len(part)
            if progress is not None:
                progress(done, len(members))
    return out


def front_forecasts(
    model: Any,
    arrays: CaseArrays,
    fronts: Sequence[Sequence[int]],
    progress: Progress | None = None,
    chunk: int | None = None,
    model_params: Mapping[str, Mapping[str, Any]] | None = None,
    **rules: str,
) -> np.ndarray:
    """(F, I) forecasts of `model` with each front (indices of its members) formed."""
    merged = [
        merged_arrays(arrays, idx, bloc_rows(arrays, idx, model_params=model_params, **rules))
        for idx in fronts
    ]
    return batched_runs(model, merged, progress, chunk)
