"""The expected utility model (Bueno de Mesquita; Scholz, Calbert & Smith 2011) as model `eum`.

params: parameters and presets; votes: vote sums and win probabilities (fast and plain kernels);
utility: utilities, expected utilities, security and risk; median: the Condorcet median; offers:
offers and the choice among them; round: one round; simulate: rounds and stopping; model: the
registered model (issue by issue, batched) and its Outcome; events: JSON rows.
"""

from parley.models.eum.model import Eum
from parley.models.eum.params import PRESETS, EumParams

__all__ = ["PRESETS", "Eum", "EumParams"]
