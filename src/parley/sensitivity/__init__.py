"""Sensitivity of forecasts to their uncertain inputs: tornado (exact), Sobol and Morris (SALib).

The methods work on any vectorised function of K inputs (`Problem` + an `Evaluate` callable), so
that the same code ranks a case's expert judgements and reproduces textbook test functions;
`sensitivity(case, specs, method, ...)` (from `parley.sensitivity.case`) binds them to a case and
its models.
"""

from parley.sensitivity.methods import METHODS, Method, analyse
from parley.sensitivity.problem import Evaluate, Problem
from parley.sensitivity.result import SensitivityResult

__all__ = [
    "METHODS",
    "Evaluate",
    "Method",
    "Problem",
    "SensitivityResult",
    "analyse",
    "sensitivity",
]


def __getattr__(name: str):
    """`sensitivity` on first use: it imports the ensemble machinery (SciPy)."""
    if name == "sensitivity":
        from parley.sensitivity.case import sensitivity

        return sensitivity
    raise AttributeError(f"module 'parley.sensitivity' has no attribute {name!r}")
