"""Which scenario each ensemble member lives in: a draw by the scenarios' probabilities.

Scenarios that carry a `probability` are alternatives; the base case has the rest (1 minus their
sum). `--scenario NAME` puts every member in one scenario; `--no-scenario-mix` keeps them all in
the base case.

>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
...     "issues": [{"id": "x", "lower": 0, "upper": 1}],
...     "stances": {"a": {"x": {"position": 0, "salience": 1}}, "b": {"x": {"position": 1, "salience": 1}}},
...     "scenarios": [{"name": "win", "probability": 0.7}, {"name": "lose", "probability": 0.3}]})
>>> scenario_weights(case)
[(None, 0.0), ('win', 0.7), ('lose', 0.3)]
>>> pick_scenarios(np.array([0.1, 0.69, 0.71, 0.999]), scenario_weights(case)).tolist()
[1, 1, 2, 2]
"""

from __future__ import annotations

import numpy as np

from parley.case.schema import Case

Weights = list[tuple[str | None, float]]


def scenario_weights(case: Case, scenario: str | None = None, mix: bool = True) -> Weights:
    """(name, probability) of each scenario members may live in; None names the base case, first.

    `scenario` fixes one (probability 1); without `mix` the base case alone."""
    if scenario is not None:
        case.scenario(scenario)  # an unknown name is a ScenarioError
        return [(scenario, 1.0)]
    alternatives = [(s.name, s.probability) for s in case.scenarios if s.probability is not None]
    if not mix or not alternatives:
        return [(None, 1.0)]
    rest = max(0.0, 1.0 - sum(p for _, p in alternatives))
    return [(None, rest), *alternatives]


def pick_scenarios(u: np.ndarray, weights: Weights) -> np.ndarray:
    """Index into `weights` for each uniform in `u`: the scenario whose cumulative probability
    interval [F(j-1), F(j)) holds it (a scenario of probability 0 is never drawn)."""
    cumulative = np.cumsum([p for _, p in weights])
    cumulative /= cumulative[-1]
    picked = np.searchsorted(cumulative, u, side="right")
    return np.minimum(picked, len(weights) - 1)
