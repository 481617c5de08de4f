"""Bargaining models. Importing this package registers every model."""

import parley.models.baselines  # noqa: F401  (registers compromise, mean, median: listed first)
import parley.models.combined  # noqa: F401  (registers combined, the learned stack)
import parley.models.eum  # noqa: F401  (registers eum, the expected utility model)
import parley.models.exchange  # noqa: F401  (registers exchange, Stokman's exchange model)
import parley.models.smp  # noqa: F401  (registers smp, KTAB's spatial model of politics)
from parley.models import registry
from parley.models.outcome import Outcome
from parley.models.registry import get_model, model_class, model_names, param_names, register

__all__ = [
    "Outcome",
    "get_model",
    "model_class",
    "model_names",
    "param_names",
    "register",
    "registry",
]
