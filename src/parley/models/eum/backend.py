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

import array_api_compat.numpy as compat_numpy
import numpy as np
from array_api_compat import (
    array_namespace,
    is_cupy_array,
    is_jax_array,
    is_torch_array,
    to_device,
)

#: An array of any array-API library (NumPy, array_api_strict, CuPy, PyTorch, ...).
Array: TypeAlias = Any


def namespace(*arrays: Array) -> Any:
    """`array_namespace(*arrays)`, answered at once when every array is a NumPy array.

    Every kernel resolves its namespace on each call; the general lookup costs a few microseconds,
    which a round of a ten-actor case (about 0.2 ms) would feel, so the common case is a type test.
    """
    for a in arrays:
        if type(a) is not np.ndarray:
            return array_namespace(*arrays)
    return compat_numpy


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
