"""Input values onto arrays: a (B, K) matrix of values for K uncertain inputs becomes a batch of
B cases, at once (no loop over members). Ensembles, tornado, Sobol and Morris all go through here.

>>> import numpy as np
>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
...                    "issues": [{"id": "x", "lower": 0, "upper": 10}],
...                    "stances": {"a": {"x": {"position": 2, "salience": 1}},
...                                "b": {"x": {"position": 8, "salience": 1}}}})
>>> inputs = uncertain_inputs(case, {"position": 0.1})
>>> apply_inputs(case, inputs, np.array([[1.0, 9.0], [3.0, 7.0]])).positions[:, :, 0].tolist()
[[1.0, 9.0], [3.0, 7.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parley.case.arrays import CaseArrays, case_arrays
from parley.case.schema import Case
from parley.ensemble.inputs import UncertainInput, uncertain_inputs

__all__ = ["apply_inputs", "uncertain_inputs"]

_ARRAYS = {"position": "positions", "salience": "salience", "capability": "capability"}


def apply_inputs(
    base: Case | CaseArrays, inputs: Sequence[UncertainInput], values: np.ndarray
) -> CaseArrays:
    """`base` (a case, or its arrays with B = 1) repeated B times with input k of member b set to
    `values[b, k]` (file units, as `UncertainInput.value`). Cells no input touches keep the base's
    values; an actor-level capability input sets every issue in its `issues`."""
    arrays = case_arrays(base) if isinstance(base, Case) else base
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[None, :]
    if values.ndim != 2 or values.shape[1] != len(inputs):
        raise ValueError(f"values must be (B, {len(inputs)}), got shape {values.shape}")
    if arrays.positions.shape[0] != 1:
        raise ValueError("apply_inputs expects base arrays with one member (B = 1)")
    n = values.shape[0]
    actor_index = {a: k for k, a in enumerate(arrays.actor_ids)}
    issue_index = {i: k for k, i in enumerate(arrays.issue_ids)}
    batched = {}
    for field, name in _ARRAYS.items():
        base_values = getattr(arrays, name)
        out = np.repeat(base_values, n, axis=0)
        cols, a_idx, i_idx, scale = [], [], [], []
        for k, item in enumerate(inputs):
            if item.field != field:
                continue
            for issue in item.issues:
                cols.append(k)
                a_idx.append(actor_index[item.actor])
                i_idx.append(issue_index[issue])
                scale.append(item.scale)
        if cols:
            out[:, np.array(a_idx), np.array(i_idx)] = values[:, cols] / np.array(scale)
        batched[name] = out
    return arrays.with_batch(**batched)
