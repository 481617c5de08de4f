"""parley: forecast how multi-party negotiations end.

Data flows one way: file -> Case -> CaseArrays -> model kernel -> Outcome -> report.
"""

__version__ = "0.1.0"  # before the imports: modules below record it in their outputs

from parley.case import Case, CaseArrays
from parley.errors import CaseError, ParleyError
from parley.io import read_case, write_case
from parley.models import Outcome, get_model, model_names

__all__ = [
    "Case",
    "CaseArrays",
    "CaseError",
    "Outcome",
    "ParleyError",
    "__version__",
    "ensemble",
    "get_model",
    "model_names",
    "read_case",
    "write_case",
]


def __getattr__(name: str):
    """`parley.ensemble` on first use (it imports SciPy): callable, `parley.ensemble(case, ...)`."""
    if name == "ensemble":
        import importlib

        return importlib.import_module("parley.ensemble")
    raise AttributeError(f"module 'parley' has no attribute {name!r}")
