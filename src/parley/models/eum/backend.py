"""Which array library the eum kernels run on, and the one way back to the host.

The kernels (votes, utility, median, offers, round, simulate) are written against the array API
standard: each public function resolves its namespace once with
`array_api_compat.array_namespace(...)` and uses only standard functions, so the same code runs on
NumPy, on `array_api_strict` (the reference implementation, used in the tests) and, in principle,
on CuPy or PyTorch arrays. What builds the Outcome, the events and the JSON is NumPy; `to_numpy`
is the single conversion at that edge.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from array_api_compat import is_cupy_array, is_jax_array, is_torch_array, to_device

#: An array of any array-API library (NumPy, array_api_strict, CuPy, PyTorch, ...).
Array: TypeAlias = Any


def to_numpy(x: Array) -> np.ndarray:
    """x as a NumPy array on the host (no copy for NumPy input).

    GPU libraries are first moved to the CPU (`array_api_compat.to_device(x, "cpu")`); CPU
    libraries such as array_api_strict convert through the buffer protocol.
    """
    if isinstance(x, np.ndarray):
        return x
    if is_cupy_array(x) or is_torch_array(x) or is_jax_array(x):
        x = to_device(x, "cpu")
    return np.asarray(x)
