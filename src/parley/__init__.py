"""parley: forecast how multi-party negotiations end.

Data flows one way: file -> Case -> CaseArrays -> model kernel -> Outcome -> report.
"""

from parley.case import Case, CaseArrays
from parley.errors import CaseError, ParleyError
from parley.io import read_case, write_case
from parley.models import Outcome, get_model, model_names

__version__ = "0.1.0"

__all__ = [
    "Case",
    "CaseArrays",
    "CaseError",
    "Outcome",
    "ParleyError",
    "__version__",
    "get_model",
    "model_names",
    "read_case",
    "write_case",
]
