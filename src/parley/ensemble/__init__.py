"""Ensembles: input uncertainty, member draws, batched runs on local cores or a Dask cluster.

`uncertain_inputs` lists what a case leaves uncertain; `apply_inputs` turns a (B, K) matrix of input
values into a batch of arrays that any model runs at once; `ensemble` runs a whole ensemble and
returns an `EnsembleResult` (docs/uncertainty.md).
"""

import sys
import types

from parley.ensemble.api import ensemble
from parley.ensemble.apply import apply_inputs
from parley.ensemble.inputs import UncertainInput, check_spread, uncertain_inputs
from parley.ensemble.result import EnsembleResult
from parley.ensemble.stats import Threshold

__all__ = [
    "EnsembleResult",
    "Threshold",
    "UncertainInput",
    "apply_inputs",
    "check_spread",
    "ensemble",
    "uncertain_inputs",
]


class _CallableModule(types.ModuleType):
    """`parley.ensemble(...)` calls `ensemble`, while `parley.ensemble.<name>` stays this package
    (a function bound to that name would hide the package's modules)."""

    def __call__(self, *args, **kwargs) -> EnsembleResult:
        return ensemble(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
