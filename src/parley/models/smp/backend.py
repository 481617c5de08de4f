"""What the smp kernels need around the array API standard: the namespace of their inputs,
batched gathers, masks, a C-order copy, buffer reuse where NumPy allows it, and NumPy at the
output edge.

The kernels take their namespace from their inputs (`array_api_compat.array_namespace`), so the
same code runs on NumPy, `array_api_strict`, CuPy or PyTorch. The standard has no assignment
through integer arrays and no `put_along_axis`, so the kernels gather where NumPy code would
scatter; randomness is drawn on the host (NumPy) and passed in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.models.backend import device, namespace, to_numpy

__all__ = ["device", "namespace", "to_numpy"]  # re-exported for the smp modules


def axis_index(like: Any, n: int, axis: int, ndim: int) -> Any:
    """arange(n) shaped to run along `axis` of an ndim-dimensional index (ones elsewhere)."""
    xp = namespace(like)
    shape = [1] * ndim
    shape[axis] = n
    return xp.reshape(xp.arange(n, device=device(like)), tuple(shape))


def take_rows(x: Any, index: Any) -> Any:
    """x[b, index[b, t], ...] for x (B, A, ...) and integer index (B, T): a batched gather.

    Integer-array indexing with every axis indexed (the form the 2024.12 standard specifies);
    NumPy's `take_along_axis` costs several times more in Python overhead at these sizes.
    """
    tail = tuple(x.shape[2:])
    nd = 2 + len(tail)
    b_n, t_n = index.shape
    xp = namespace(index)
    idx = [axis_index(x, b_n, 0, nd), xp.reshape(index, (b_n, t_n) + (1,) * len(tail))]
    idx += [axis_index(x, n, 2 + k, nd) for k, n in enumerate(tail)]
    return x[tuple(idx)]


def take_last(x: Any, index: Any) -> Any:
    """x[..., index[..., k]] for x (..., M) and integer index (..., K), whose leading axes
    broadcast to x's: `take_along_axis` along the last axis, by integer-array indexing."""
    nd = x.ndim
    lead = [axis_index(x, n, k, nd) for k, n in enumerate(x.shape[:-1])]
    return x[(*lead, _expand(index, nd))]


def _expand(index: Any, nd: int) -> Any:
    """index with leading axes of length 1 added up to nd axes."""
    if index.ndim == nd:
        return index
    xp = namespace(index)
    return xp.reshape(index, (1,) * (nd - index.ndim) + tuple(index.shape))


def eye_mask(like: Any, m: int) -> Any:
    """(M, M) boolean identity on like's device."""
    xp = namespace(like)
    ar = xp.arange(m, device=device(like))
    return ar[:, None] == ar[None, :]


def lower_mask(like: Any, m: int) -> Any:
    """(M, M) boolean strict lower triangle (row > column) on like's device."""
    xp = namespace(like)
    ar = xp.arange(m, device=device(like))
    return ar[:, None] > ar[None, :]


def contiguous(x: Any) -> Any:
    """A copy of x in C order (row-major), e.g. of a transposed view.

    The standard has no layout control, but `reshape` reads in C order, so a flat copy is laid
    out that way; NumPy kernels that run over the last axis in cache-sized slices rely on it.
    """
    xp = namespace(x)
    return xp.reshape(xp.reshape(x, (-1,), copy=True), tuple(x.shape))


def into(out: Any, op: str, *args: Any) -> Any:
    """xp.<op>(*args) for an element-wise function `op`, written into `out` where the library
    takes `out=` (NumPy), else a new array; use the return value. `out` may be None.

    The standard has no `out=`. Fresh NumPy buffers of the kernels' slice size (hundreds of
    KiB) page-fault on first touch, since the allocator hands such blocks back to the system
    when several are freed, and that costs more than the arithmetic: hot loops keep buffers.
    """
    if isinstance(out, np.ndarray):
        return getattr(np, op)(*args, out=out)
    return getattr(namespace(args[0]), op)(*args)


def positive_part(x: Any) -> Any:
    """max(x, 0), in x's own buffer where the library allows it (`into`)."""
    return into(x, "maximum", x, 0.0)


def scratch(like: Any, shape: tuple[int, ...], count: int) -> list[Any]:
    """`count` reusable buffers for `into` where it uses them (NumPy), else Nones."""
    if not isinstance(like, np.ndarray):
        return [None] * count
    return [np.empty(shape, dtype=like.dtype) for _ in range(count)]
