"""Where the model kernels run: NumPy on the host (`cpu`) or PyTorch CUDA tensors (`cuda`).

The kernels are written against the array API, so the same code runs on either; the draws are
made on the host (NumPy) and the batch is moved to the device, the forecasts moved back, in
float64 throughout so that both agree to round-off. `cuda` needs the `gpu` extra (PyTorch) and a
CUDA device; without either it is one clear error, never a silent fallback to the CPU.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.errors import ParleyError


def cuda_available() -> bool:
    """Whether PyTorch is installed and sees a CUDA device."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def check_device(device: str) -> None:
    """Raise ParleyError when `device` cannot be used here."""
    if device == "cuda" and not cuda_available():
        raise ParleyError.about(
            "device",
            "cuda needs PyTorch with a CUDA device (pip install 'parley[gpu]'); "
            "none is available here",
        )


def to_device(arrays: CaseArrays, device: str) -> CaseArrays:
    """`arrays` with every array field on `device` (float64 and bool kept)."""
    if device == "cpu":
        return arrays
    import torch

    moved = {
        f.name: torch.as_tensor(getattr(arrays, f.name), device=device)
        for f in fields(arrays)
        if isinstance(getattr(arrays, f.name), np.ndarray)
    }
    return CaseArrays(**{**arrays.__dict__, **moved})


def to_host(values: Any) -> np.ndarray:
    """A NumPy array of `values`, wherever they live (NumPy, PyTorch, CuPy)."""
    if isinstance(values, np.ndarray):
        return values
    if hasattr(values, "detach"):  # torch
        return values.detach().cpu().numpy()
    if hasattr(values, "get"):  # cupy
        return values.get()
    return np.asarray(values)
