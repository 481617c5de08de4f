"""Which array library a model kernel runs on, and the one way back to the host.

Kernels are written against the array API standard (DESIGN.md): each resolves its namespace from
its inputs with `namespace(...)` and uses only standard functions, so the same code runs on NumPy,
on `array_api_strict` (the reference implementation, used in the tests) and, in principle, on CuPy
or PyTorch. What builds the Outcome, events and JSON is NumPy; `to_numpy` is the single conversion
at that edge. Randomness is drawn on the host (NumPy) and passed in.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import array_api_compat
import array_api_compat.numpy as compat_numpy
import numpy as np
from array_api_compat import array_namespace, to_device

#: An array of any array-API library (NumPy, array_api_strict, CuPy, PyTorch, ...).
Array: TypeAlias = Any

# NumPy >= 2.1 implements in its own namespace every standard function the kernels use; the
# compat wrappers around some of them (astype, argsort, take_along_axis, arange, ...) cost
# 5-10 us a call, which the few hundred small calls of a 50-actor turn feel.
_NATIVE_NUMPY = np.lib.NumpyVersion(np.__version__) >= "2.1.0"
_BY_TYPES: dict[tuple[type, ...], Any] = {}


def namespace(*arrays: Any) -> Any:
    """`array_namespace(*arrays)`, remembered per tuple of argument types.

    The namespace depends only on the types, and resolving it costs microseconds. For NumPy
    >= 2.1 arrays it is NumPy's own namespace (`use_compat=False`), not the compat wrapper; the
    tests run the kernels on `array_api_strict` too, which rejects anything outside the standard.
    """
    key = tuple(map(type, arrays))
    xp = _BY_TYPES.get(key)
    if xp is None:
        xp = array_namespace(*arrays)
        if xp is compat_numpy and _NATIVE_NUMPY:
            xp = array_namespace(*arrays, use_compat=False)
        _BY_TYPES[key] = xp
    return xp


def device(x: Any) -> Any:
    """The device of x, for creation functions (`xp.arange(n, device=device(x))`)."""
    return "cpu" if isinstance(x, np.ndarray) else array_api_compat.device(x)


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy array with x's values: for the host-side records (Outcome, events, JSON) only."""
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x)  # CPU libraries: array_api_strict, torch on the CPU
    except (TypeError, RuntimeError, ValueError):
        pass
    try:
        return np.asarray(to_device(x, "cpu"))  # CuPy, torch or JAX on a GPU
    except (TypeError, RuntimeError, ValueError):
        return np.from_dlpack(x, device="cpu", copy=True)  # e.g. array_api_strict's device1
