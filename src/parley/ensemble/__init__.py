"""Ensembles: input uncertainty, member draws, batched runs on local cores or a Dask cluster.

`uncertain_inputs` lists what a case leaves uncertain; `apply_inputs` turns a (B, K) matrix of input
values into a batch of arrays that any model runs at once.
"""

from parley.ensemble.apply import apply_inputs
from parley.ensemble.inputs import UncertainInput, check_spread, uncertain_inputs

__all__ = ["UncertainInput", "apply_inputs", "check_spread", "uncertain_inputs"]
