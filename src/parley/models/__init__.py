"""Bargaining models. Importing this package registers every model.

The contract every model keeps (docs/architecture.md): `get_model(name).run(arrays, detail)`
returns an `Outcome`; traits are read with `traits(name)`; statuses come from `status.STATUSES`.

>>> from parley.models import get_model, model_names
>>> from parley.models.examples import two_actor_arrays
>>> "compromise" in model_names()
True
>>> get_model("median").run(two_actor_arrays(), detail="forecast").forecast.tolist()
[[0.0]]
"""

import parley.models.baselines  # noqa: F401  (registers compromise, mean, median: listed first)
import parley.models.combined  # noqa: F401  (registers combined, the learned stack)
import parley.models.eum  # noqa: F401  (registers eum, the expected utility model)
import parley.models.exchange  # noqa: F401  (registers exchange, Stokman's exchange model)
import parley.models.smp  # noqa: F401  (registers smp, KTAB's spatial model of politics)
from parley.models import registry, status
from parley.models.outcome import Detail, Outcome
from parley.models.registry import (
    Model,
    default_model_names,
    get_model,
    model_class,
    model_names,
    param_names,
    register,
    traits,
)
from parley.models.status import STATUSES
from parley.models.traits import Traits

__all__ = [
    "STATUSES",
    "Detail",
    "Model",
    "Outcome",
    "Traits",
    "default_model_names",
    "get_model",
    "model_class",
    "model_names",
    "param_names",
    "register",
    "registry",
    "status",
    "traits",
]
