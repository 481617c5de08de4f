"""Model error: the residual term that makes a forecast's interval cover what it claims.

An ensemble over the inputs says how much a forecast hangs on the inputs; it says nothing about
what the model leaves out. On DEU III the compromise model's input-only 90% interval holds the
outcome on 27% of held-out issues. The calibrated predictive distribution of a model on an issue
is its point forecast `f` (the case as stated, or each scenario's) plus a residual `r` drawn from
the model's recorded errors on decisions with known outcomes, `r = outcome - forecast` in
fractions of the issue's scale, and cut at the scale's ends:

    Y = clip(f + r (upper - lower), lower, upper),   r uniform over the recorded residuals.

This is the split-conformal predictive distribution (Vovk, Gammerman & Shafer 2005; Lei et al.
2018): if the new issue and the recorded ones are exchangeable, its central p% interval
[f + q_(1-p)/2, f + q_(1+p)/2] holds the outcome with probability at least about p (exactly at
least p with the quantiles taken at ranks of n + 1; with n = 200 residuals the difference is under
one rank). Cutting at the scale's ends changes no coverage: outcomes lie on the scale.

The residuals shipped with parley (`model_error.json`, package data) were written by
`parley backtest calibrate tests/data/deu3/deu3_dev.tsv` from the DEU III development file
(`parley.backtest.calibration`); the file records the data, the method and the held-out coverage.

>>> residuals = np.array([-0.2, 0.0, 0.1, 0.3])
>>> predictive(np.array([50.0]), residuals, np.array([0.0]), np.array([100.0]))
array([[30., 50., 60., 80.]])
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from parley.ensemble.plan import EnsemblePlan
from parley.errors import CaseError, ParleyError
from parley.io.safe_read import read_text

RESIDUALS_FILE = "model_error.json"
LABEL = "with model error (calibrated on DEU III)"
_STREAM = 0x6D6F64656C  # "model": the residual draws' own stream, apart from the inputs'


@dataclass(frozen=True)
class Residuals:
    """Per model, the recorded residuals (outcome - forecast, fractions of the issue's scale),
    the label shown beside the calibrated intervals and the record of how they were fitted."""

    by_model: dict[str, np.ndarray]
    label: str = LABEL
    record: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Residuals:
        by_model = {}
        for name, values in obj["residuals"].items():
            r = np.asarray(values, dtype=float)
            if r.ndim != 1 or r.size < 2 or not np.isfinite(r).all() or np.abs(r).max() > 1:
                raise ValueError(f"model {name!r}: expected at least 2 residuals in -1..1")
            by_model[name] = r
        return cls(by_model, str(obj.get("label", LABEL)), obj)

    def source(self) -> str:
        """Where the residuals come from, in words (file, proposals, issues)."""
        fitted = self.record.get("fitted_on", {})
        if not fitted:
            return "residuals given by the caller"
        return (
            f"{fitted.get('file')}: {fitted.get('n_issues')} issues of "
            f"{fitted.get('n_proposals')} proposals, {fitted.get('capability')} capability"
        )


def load_residuals(path: str | Path | None = None) -> Residuals:
    """The residuals shipped with parley, or those of a file written by `parley backtest calibrate`."""
    where = str(path) if path is not None else f"the package (parley/ensemble/{RESIDUALS_FILE})"
    try:
        if path is None:
            text = resources.files("parley.ensemble").joinpath(RESIDUALS_FILE).read_text("utf-8")
        else:
            text = read_text(Path(path))
    except (OSError, CaseError) as exc:
        why = exc.problems[0].message if isinstance(exc, CaseError) else type(exc).__name__
        raise ParleyError(
            f"{where}: cannot read model residuals ({why}); write them with "
            "`parley backtest calibrate FILE -o RESIDUALS.json`"
        ) from None
    try:
        return Residuals.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ParleyError(
            f"{where}: not a model residuals file (expected {{'residuals': {{MODEL: [numbers in "
            f"-1..1]}}}}: {exc})"
        ) from None


def predictive(
    point: np.ndarray, residuals: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """(n, R) the calibrated predictive distribution of n forecasts, one member per residual:
    point + residual x (upper - lower), cut at the scale's ends. `point`, `lower`, `upper`: (n,).
    """
    lo, hi = np.asarray(lower, float)[:, None], np.asarray(upper, float)[:, None]
    shifted = np.asarray(point, float)[:, None] + np.asarray(residuals, float)[None, :] * (hi - lo)
    return np.clip(shifted, lo, hi)


def residual_uniforms(seed: int, members: int, issues: int) -> np.ndarray:
    """(members, issues) uniforms that pick each member's residual on each issue: a stream of
    its own (keyed by the ensemble's seed), so the input draws are the same with or without it.

    >>> a = residual_uniforms(0, 3, 2)
    >>> a.shape, bool(np.array_equal(a, residual_uniforms(0, 3, 2)))
    ((3, 2), True)
    """
    key = np.random.SeedSequence([seed, _STREAM])
    return np.random.Generator(np.random.Philox(key)).random((members, issues))


def draw_with_error(
    point: np.ndarray,
    residuals: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """(N, I) members of the calibrated distribution: each member's point forecast `point` (N, I)
    (its scenario's forecast of the case as stated) plus the residual that its uniform `u` (N, I)
    picks (uniformly among the n residuals), x (upper - lower), cut at the scale (`lower`, `upper`:
    (I,)).

    >>> draw_with_error(np.array([[5.0], [5.0]]), np.array([-0.1, 0.2]), np.array([0.0]),
    ...                 np.array([10.0]), np.array([[0.3], [0.7]]))
    array([[4.],
           [7.]])
    """
    r = np.asarray(residuals, float)
    pick = np.minimum((np.asarray(u) * r.size).astype(np.intp), r.size - 1)
    lo, hi = np.asarray(lower, float), np.asarray(upper, float)
    return np.clip(np.asarray(point, float) + r[pick] * (hi - lo), lo, hi)


def with_model_error(
    plan: EnsemblePlan,
    world: np.ndarray,
    names: Sequence[str],
    residuals: Residuals,
    not_default: Collection[str] = (),
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Per model of `names`, (N, I) members of its calibrated distribution: each member's
    scenario's forecast of the case as stated plus a drawn residual (`draw_with_error`); and the
    models left without one, with why: no recorded residuals, or (`not_default`) a preset or
    parameters other than the defaults the residuals were recorded at. `world`: (N,) each
    member's scenario (index into `plan.worlds`)."""
    bounds = plan.worlds[0].arrays.bounds
    u = residual_uniforms(plan.seed, len(world), len(plan.issue_ids))
    out: dict[str, np.ndarray] = {}
    skipped: dict[str, str] = {}
    for name in names:
        r = residuals.by_model.get(name)
        if r is None:
            skipped[name] = "no recorded residuals for this model"
        elif name in not_default:
            skipped[name] = "its residuals were recorded at its defaults; this run sets others"
        else:
            point = np.full((len(plan.worlds), len(plan.issue_ids)), np.nan)
            for w in np.unique(world):
                model = dict(plan.worlds[w].models)[name]
                forecast = model.run(plan.worlds[w].arrays, detail="forecast").forecast
                point[w] = np.asarray(forecast, dtype=float)[0]
            out[name] = draw_with_error(point[world], r, bounds[:, 0], bounds[:, 1], u)
    return out, skipped
