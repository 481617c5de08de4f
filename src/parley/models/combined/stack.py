"""The `combined` forecaster's arithmetic: a constrained linear stack of model forecasts.

On 0-1 scales (each issue's range mapped to [0, 1]) the forecast of an issue is

    yhat = sum_m w_m f_m + d * (b_0 + b_1 u + b_2 c + b_3 s),     w_m >= 0, sum_m w_m = 1,

where f_m are the base models' forecasts, d = rp - f_compromise is the pull of the reference point
(status quo) away from the compromise forecast (d = 0 where no reference point is known), and
u, c, s are the voting rule (1 = unanimity, 0 = QMV), the procedure (1 = co-decision COD, 0 = CNS)
and the spread of positions (standard deviation of the positions held), each centred on its mean
over the training issues. A feature that is unknown for an issue takes the value 0 after centring,
i.e. the training average: the neutral default. Every term is a point of the scale or a difference
of points times a number that does not depend on the scale's direction, so flipping an issue's
scale (x -> 1 - x) flips the forecast: nothing in the stack prefers one end of an arbitrary scale.

The fit minimises squared error (stacked regression, Breiman 1996, "Stacked regressions", Machine
Learning 24: non-negative weights; here also summing to 1, so the stack stays a weighted average of
forecasts). The problem is a small convex quadratic program; it is solved exactly by trying every
support set of base models (equality-constrained least squares on each, keeping the best one whose
weights are non-negative), which is cheap for the handful of models parley has.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from parley.errors import ModelError

FEATURES = ("rp_pull", "rp_pull_x_unanimity", "rp_pull_x_codecision", "rp_pull_x_spread")
CENTRED = ("unanimity", "codecision", "spread")
ANCHOR = "compromise"
MAX_MODELS = 12


@dataclass(frozen=True)
class Inputs:
    """What the stack sees of a set of issues (arrays of one shape, e.g. (n,) or (B, I)), on 0-1.

    forecasts: (..., K) base model forecasts; rp: reference point (NaN unknown); spread: standard
    deviation of positions; unanimity, codecision: 1/0 (NaN unknown).
    """

    forecasts: np.ndarray
    rp: np.ndarray
    spread: np.ndarray
    unanimity: np.ndarray
    codecision: np.ndarray

    def take(self, index: np.ndarray | tuple[int, list[int]]) -> Inputs:
        return Inputs(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


def position_spread(positions01: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(B, I) standard deviation of the positions (on 0-1) of the actors holding one."""
    m = mask.astype(float)[None]
    n = m.sum(axis=1)
    mean = (positions01 * m).sum(axis=1) / n
    return np.sqrt((m * (positions01 - mean[:, None, :]) ** 2).sum(axis=1) / n)


@dataclass(frozen=True)
class Stack:
    """A fitted stack: base model names, their weights, the feature coefficients, the centring."""

    models: tuple[str, ...]
    weights: np.ndarray  # (K,)
    coefs: np.ndarray  # (len(FEATURES),)
    centring: dict[str, float]
    penalty: float = 0.0  # the ridge it was fitted with (a record; prediction does not use it)

    def design(self, x: Inputs) -> np.ndarray:
        """(..., len(FEATURES)) feature terms of the stack."""
        return design(x, self.models, self.centring)

    def predict(self, x: Inputs) -> np.ndarray:
        """Forecasts on 0-1, clipped to the scale."""
        raw = x.forecasts @ self.weights + self.design(x) @ self.coefs
        return np.clip(raw, 0.0, 1.0)

    def to_json(self) -> dict:
        return {
            "models": list(self.models),
            "weights": dict(zip(self.models, map(float, self.weights), strict=True)),
            "features": dict(zip(FEATURES, map(float, self.coefs), strict=True)),
            "centring": {k: float(v) for k, v in self.centring.items()},
            "penalty": float(self.penalty),
        }

    @classmethod
    def from_json(cls, data: dict) -> Stack:
        """The stack a weights file records; ValueError (KeyError, TypeError) for anything that is
        not one: model names that are not a list of names including the anchor, weights and
        coefficients that are not one finite number each (NaN would be every forecast)."""
        models = data["models"]
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise ValueError("'models' must be a list of model names")
        if ANCHOR not in models:
            raise ValueError(f"'models' must include {ANCHOR!r}, the anchor of the stack")
        stack = cls(
            models=tuple(models),
            weights=np.array([data["weights"][m] for m in models], dtype=float),
            coefs=np.array([data["features"][f] for f in FEATURES], dtype=float),
            centring={k: float(data["centring"][k]) for k in CENTRED},
            penalty=float(data.get("penalty", 0.0)),
        )
        numbers = [stack.weights, stack.coefs, np.array([*stack.centring.values(), stack.penalty])]
        if any(a.ndim != 1 or not np.isfinite(a).all() for a in numbers):
            raise ValueError("weights, features, centring and penalty must be finite numbers")
        return stack


def design(x: Inputs, models: tuple[str, ...], centring: dict[str, float]) -> np.ndarray:
    if ANCHOR not in models:
        raise ModelError(f"the combined stack needs the {ANCHOR!r} model among its base models")
    anchor = x.forecasts[..., models.index(ANCHOR)]
    pull = np.where(np.isnan(x.rp), 0.0, x.rp - anchor)
    terms = [pull]
    for name in CENTRED:
        value = getattr(x, name) - centring[name]
        terms.append(pull * np.where(np.isnan(value), 0.0, value))
    return np.stack(terms, axis=-1)


def fit_stack(x: Inputs, y: np.ndarray, models: tuple[str, ...], penalty: float = 0.0) -> Stack:
    """Least-squares stack on issues `x` with outcomes `y` (on 0-1); see the module docstring.

    `penalty` (lambda >= 0) adds lambda * n * (|w - e_compromise|^2 + |b|^2) to the squared error: a
    ridge that shrinks the stack towards the plain compromise model, the forecaster the literature
    finds hard to beat; lambda = 0 is the unpenalised stack.
    """
    k = len(models)
    if not 1 <= k <= MAX_MODELS:
        raise ModelError(f"the combined stack takes 1 to {MAX_MODELS} base models, got {k}")
    centring = {}
    for name in CENTRED:
        known = getattr(x, name)[~np.isnan(getattr(x, name))]
        centring[name] = float(known.mean()) if known.size else 0.0
    g = design(x, models, centring)
    f = x.forecasts
    prior = np.array([float(m == ANCHOR) for m in models])
    ridge = penalty * len(y)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            w, b = _fit_support(f[:, support], g, y, prior[list(support)], ridge)
            if w.min() < -1e-10:
                continue
            weights = np.zeros(k)
            weights[list(support)] = np.clip(w, 0.0, None) / np.clip(w, 0.0, None).sum()
            loss = float(((y - f @ weights - g @ b) ** 2).sum())
            loss += ridge * float(((weights - prior) ** 2).sum() + (b**2).sum())
            if best is None or loss < best[0] - 1e-12:
                best = (loss, weights, b)
    assert best is not None  # every single-model support is feasible
    return Stack(models, best[1], best[2], centring, penalty)


def _fit_support(
    f: np.ndarray, g: np.ndarray, y: np.ndarray, prior: np.ndarray, ridge: float
) -> tuple[np.ndarray, np.ndarray]:
    """Weights summing to 1 (sign free) and coefficients on one support: the KKT system of
    min |y - f w - g b|^2 + ridge (|w - prior|^2 + |b|^2) subject to sum(w) = 1."""
    x = np.column_stack([f, g])
    n_z = x.shape[1]
    a = np.r_[np.ones(f.shape[1]), np.zeros(g.shape[1])]
    z0 = np.r_[prior, np.zeros(g.shape[1])]
    kkt = np.zeros((n_z + 1, n_z + 1))
    kkt[:n_z, :n_z] = x.T @ x + ridge * np.eye(n_z)
    kkt[:n_z, n_z] = kkt[n_z, :n_z] = a
    rhs = np.r_[x.T @ y + ridge * z0, 1.0]
    z = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:n_z]
    return z[: f.shape[1]], z[f.shape[1] :]


def case_inputs(
    arrays, forecasts01: np.ndarray, procedure: dict[str, str], voting: dict[str, str]
) -> Inputs:
    """Stack inputs of every issue of a case: `forecasts01` is (B, I, K) on 0-1; result (B, I)."""
    n_b = forecasts01.shape[0]
    lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
    rp = (arrays.status_quo - lo) / (hi - lo)

    def indicator(rules: dict[str, str], yes: str) -> np.ndarray:
        row = [float(rules[i] == yes) if i in rules else np.nan for i in arrays.issue_ids]
        return np.tile(np.array(row, dtype=float), (n_b, 1))

    return Inputs(
        forecasts=forecasts01,
        rp=np.tile(rp, (n_b, 1)),
        spread=position_spread(arrays.normalised(), arrays.mask),
        unanimity=indicator(voting, "Unan"),
        codecision=indicator(procedure, "COD"),
    )
