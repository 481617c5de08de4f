"""parley: forecast how multi-party negotiations end.

Data flows one way: file -> Case -> CaseArrays -> model kernel -> Outcome -> report.

>>> import parley
>>> from parley.case import case_arrays
>>> case = parley.read_case("cases/iraq-2006/case.yaml")
>>> [issue.id for issue in case.issues]
['withdrawal', 'unity', 'inclusion', 'oil', 'bases']
>>> out = parley.get_model("median").run(case_arrays(case))
>>> out.forecast.tolist(), out.status.tolist()
([[3.0, 45.0, 25.0, 35.0, 40.0]], ['no_rounds'])
>>> out.to_json()["forecast"]["withdrawal"]
3.0
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
