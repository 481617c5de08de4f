"""Backtest every model on cases with recorded outcomes.

Each model runs on each scored issue (one-dimensional models, issue by issue) or on each proposal
(models with the `multi_issue` trait); see `parley.models.by_issue`. A model that raises on an issue is
recorded as a failure on that issue (the run goes on) and is scored on the issues it forecast.
Models with the `learns_from_outcomes` trait (the `combined` forecaster) are not run with their stored
fit: they are refitted by grouped cross-validation and scored on held-out proposals only.

With `ensemble=N`, each model also forecasts N members of every proposal drawn from its uncertain
inputs (`parley.backtest.ensemble`), and the summary adds the coverage of the ensemble's central
50/80/90% intervals and its CRPS (`parley.backtest.probabilistic`); the point forecast scored by
MAE and the hit rates stays the model's forecast of the case as stated.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from parley.backtest.dataset import BacktestCase, Dataset
from parley.backtest.probabilistic import ensemble_summary
from parley.backtest.scoring import error_summary, paired_comparison
from parley.case import Issue, case_arrays
from parley.errors import ModelError, ParleyError
from parley.forecast import ModelSpec
from parley.models import model_class, model_names, traits
from parley.models.by_issue import issue_slice
from parley.models.combined.stack import ANCHOR, Inputs, case_inputs
from parley.models.cost import check_memory

REFERENCE = ANCHOR  # the compromise model: every model is compared with it
FOLDS = 5
CV_SEED = 0


@dataclass(frozen=True)
class Failure:
    model: str
    group: str
    issue: str | None  # None: the model failed on the whole proposal
    message: str

    def __str__(self) -> str:
        where = f"{self.group}" + (f" issue {self.issue}" if self.issue else "")
        return f"model {self.model!r} failed on {where}: {self.message}"


@dataclass
class BacktestResult:
    """Forecasts and outcomes of every scored issue (on 0-100), failures and notes."""

    source: str
    models: list[str]
    groups: list[str]
    issues: list[str]
    outcomes: np.ndarray  # (n,) on 0-100
    forecasts: dict[str, np.ndarray]  # model -> (n,) on 0-100, NaN where it failed
    seconds: dict[str, float] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ensembles: dict[str, np.ndarray] = field(default_factory=dict)  # model -> (n, members) 0-100
    folds: int = FOLDS  # of the grouped cross-validations (learners, the model-error term)
    cv_seed: int = CV_SEED

    def errors(self, model: str) -> np.ndarray:
        return np.abs(self.forecasts[model] - self.outcomes)

    def summary(self) -> dict:
        """The JSON object: `{"models": {name: {n, mae, rmse, median_ae, hit5, hit10,
        vs_compromise}}}`; with ensembles, each model also has `coverage` {"50", "80", "90"} and
        `crps` (null for a model without an ensemble, such as a learner), and the model-error
        term's scores: `calibrated` (held out by cross-conformal prediction grouped by proposal)
        and `calibrated_shipped` (the residuals shipped with parley, as they are; null for a model
        without them), each `{"coverage": {"50", "80", "90"}, "crps", "n"}`."""
        ref = self.errors(REFERENCE)
        out: dict[str, dict[str, Any]] = {}
        for name in self.models:
            e = self.errors(name)
            ok = ~np.isnan(e)
            both = ok & ~np.isnan(ref)
            groups = [g for g, b in zip(self.groups, both, strict=True) if b]
            out[name] = {
                **error_summary(e[ok]),
                "vs_compromise": paired_comparison(e[both], ref[both], groups),
            }
            if self.ensembles:
                out[name].update(self.ensemble_scores(name))
                out[name].update(self.calibrated_scores(name))
        return {"models": out}

    def calibrated_scores(self, model: str) -> dict[str, object]:
        """The model-error term's scores (`parley.backtest.calibration`)."""
        from parley.backtest.calibration import held_out_scores, shipped_scores
        from parley.ensemble.model_error import load_residuals

        point = self.forecasts[model]
        shipped = load_residuals().by_model.get(model)
        return {
            "calibrated": held_out_scores(
                point, self.outcomes, self.groups, self.folds, self.cv_seed
            ),
            "calibrated_shipped": shipped_scores(point, self.outcomes, shipped),
        }

    def ensemble_scores(self, model: str) -> dict[str, object]:
        """Coverage and CRPS of the model's ensembles on the issues it forecast (nulls if none)."""
        members = self.ensembles.get(model, np.empty((len(self.outcomes), 0)))
        rows = ~np.isnan(members).any(axis=1) & (members.shape[1] > 0)
        return ensemble_summary(members[rows], self.outcomes[rows])


def run_backtest(
    dataset: Dataset,
    models: Sequence[str] | None = None,
    progress: bool = False,
    console: Console | None = None,
    folds: int = FOLDS,
    seed: int = CV_SEED,
    ensemble: int | None = None,
    spread: Mapping[str, float] | None = None,
    ensemble_seed: int = 0,
) -> BacktestResult:
    """Backtest `models` (default: every registered model) on `dataset`; with `ensemble` members
    per proposal drawn with `spread` defaults (`parley.backtest.ensemble.DEFAULT_SPREAD` when
    None) and `ensemble_seed`, score the ensembles' intervals too."""
    names = list(dict.fromkeys(models or model_names()))
    if not models:  # learned models last: they are read against the others
        names.sort(key=lambda n: traits(n).learns_from_outcomes)
    for name in names:
        model_class(name)  # unknown names fail before anything runs
    learners = [n for n in names if traits(n).learns_from_outcomes]
    bases = [n for n in names if n not in learners]
    if REFERENCE not in bases:
        bases.insert(0, REFERENCE)
    if learners:
        bases += [n for n in base_models() if n not in bases]
    cases = dataset.cases
    groups = [c.group for c in cases for _ in c.scored]
    issues = [i for c in cases for i in c.scored]
    outcomes = np.array(
        [100 * _unit(c.case.issue(i), _recorded(c.case.issue(i))) for c in cases for i in c.scored]
    )
    result = BacktestResult(
        dataset.source, names, groups, issues, outcomes, {}, folds=folds, cv_seed=seed
    )
    result.notes.extend(dataset.notes)
    with _progress(progress, console) as bar:
        for name in bases:
            start = time.perf_counter()
            task = bar.add_task(name, total=len(cases))
            result.forecasts[name] = _run_model(name, cases, result.failures, bar, task)
            result.seconds[name] = time.perf_counter() - start
    if ensemble is not None:
        _run_ensembles(
            result,
            dataset,
            [n for n in names if n not in learners],
            ensemble,
            spread,
            ensemble_seed,
            learners,
        )
    for name in learners:
        start = time.perf_counter()
        result.forecasts[name] = _cross_validated(
            name, dataset, result, [b for b in base_models() if b in bases], folds, seed
        )
        result.seconds[name] = time.perf_counter() - start
    return result


def _run_ensembles(result, dataset, names, members, spread, seed, learners) -> None:
    from parley.backtest.ensemble import DEFAULT_SPREAD, ensemble_forecasts

    chosen = DEFAULT_SPREAD if spread is None else spread
    start = time.perf_counter()

    def failed(model: str, group: str, message: str) -> None:
        result.failures.append(Failure(model, group, None, message))

    result.ensembles = ensemble_forecasts(dataset, names, members, seed, chosen, failed)
    kinds = ", ".join(f"{k}={v:g}" for k, v in chosen.items())
    result.notes.append(
        f"ensembles: {members} members per proposal, spread {kinds}"
        f"{' (the calibrated default)' if spread is None else ''}, seed {seed}, "
        f"{time.perf_counter() - start:.1f} s"
    )
    for name in learners:
        result.notes.append(
            f"{name}: no ensemble (it learns from outcomes); coverage and crps null"
        )
    result.notes.append(_calibration_note(result, dataset))


def _calibration_note(result: BacktestResult, dataset: Dataset) -> str:
    """How the `calibrated` scores were made, and whether the shipped residuals are in-sample."""
    from parley.ensemble.model_error import load_residuals

    fitted = load_residuals().record.get("fitted_on", {})
    same = Path(dataset.source).name == fitted.get("file")
    return (
        f"calibrated: point forecast + model error, scored by {result.folds}-fold cross-conformal "
        f"prediction grouped by proposal (seed {result.cv_seed}); calibrated_shipped: the "
        f"residuals shipped with parley ({fitted.get('file')})"
        + (", fitted on this very file, so in-sample" if same else "")
    )


def base_models() -> list[str]:
    """Registered models a learner may stack: every model that does not itself learn from outcomes."""
    return [n for n in model_names() if not traits(n).learns_from_outcomes]


def _recorded(issue: Issue) -> float:
    """The recorded outcome of a scored issue (a dataset scores only issues with one)."""
    if issue.outcome is None:
        raise ValueError(f"issue {issue.id!r} is scored but records no outcome")
    return issue.outcome


def _unit(issue, value: float) -> float:
    return (value - issue.lower) / (issue.upper - issue.lower)


def _run_model(name: str, cases: list[BacktestCase], failures: list[Failure], bar, task):
    """(n,) forecasts on 0-100 of model `name` on every scored issue; NaN where it failed."""
    out: list[float] = []
    for bc in cases:
        if not bc.scored:  # nothing to score: do not run (multi-issue models can be slow)
            bar.advance(task)
            continue
        arrays = case_arrays(bc.case)
        index = [arrays.issue_ids.index(i) for i in bc.scored]
        lo, hi = arrays.bounds[index, 0], arrays.bounds[index, 1]
        values = np.full(len(index), np.nan)
        try:
            model = ModelSpec(name).build(bc.case)
        except ParleyError as exc:
            failures.append(Failure(name, bc.group, None, str(exc)))
            out.extend(values)
            bar.advance(task)
            continue
        if traits(name).multi_issue:
            values[:] = _attempt(model, arrays, name, bc.group, None, failures)[index]
        else:
            for k, i in enumerate(index):
                one = issue_slice(arrays, i)
                values[k] = _attempt(model, one, name, bc.group, arrays.issue_ids[i], failures)[0]
        out.extend(100 * (values - lo) / (hi - lo))
        bar.advance(task)
    return np.array(out, dtype=float)


def _attempt(
    model, arrays, name: str, group: str, issue: str | None, failures: list[Failure]
) -> np.ndarray:
    """The forecast row of batch 0, or NaN and a recorded failure if the model raised; a NaN
    forecast is recorded as a failure too."""
    size = arrays.shape[2]
    try:
        check_memory(name, model, arrays.shape)  # a case too large is a failure, not an OOM kill
        forecast = np.asarray(model.run(arrays).forecast, dtype=float)[0]
    except Exception as exc:  # a model's bug must not end the backtest of the others
        failures.append(Failure(name, group, issue, f"{type(exc).__name__}: {exc}"))
        return np.full(size, np.nan)
    if forecast.shape != (size,):
        failures.append(
            Failure(name, group, issue, f"forecast of shape {forecast.shape}, expected ({size},)")
        )
        return np.full(size, np.nan)
    if np.isnan(forecast).any():
        failures.append(Failure(name, group, issue, "the model gave no forecast (NaN)"))
    return forecast


def _progress(show: bool, console: Console | None) -> Progress:
    console = console or Console(stderr=True)
    return Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not (show and console.is_terminal),
        transient=True,
    )


def stack_inputs(dataset: Dataset, result: BacktestResult, bases: list[str]) -> Inputs:
    """Stack inputs (n scored issues) from the cases and the base models' backtest forecasts."""
    f01 = np.column_stack([result.forecasts[b] for b in bases]) / 100
    parts, start = [], 0
    for bc in dataset.cases:
        arrays = case_arrays(bc.case)
        index = [arrays.issue_ids.index(i) for i in bc.scored]
        k = len(index)
        full = np.full((1, arrays.shape[2], len(bases)), np.nan)
        full[0, index] = f01[start : start + k]
        x = case_inputs(arrays, full, bc.procedure, bc.voting)
        parts.append(x.take((0, index)))
        start += k
    return Inputs(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in Inputs.__dataclass_fields__)
    )


def _cross_validated(
    name: str, dataset: Dataset, result: BacktestResult, bases: list[str], folds: int, seed: int
) -> np.ndarray:
    """Out-of-fold forecasts (0-100) of learner `name`; NaN where it could not be evaluated."""
    usable = [b for b in bases if not np.isnan(result.forecasts[b]).any()]
    dropped = [b for b in bases if b not in usable]
    if dropped:
        result.notes.append(
            f"{name}: base model(s) {', '.join(dropped)} failed on some issues and were left out "
            "of its cross-validation"
        )
    if REFERENCE not in usable:
        raise ModelError(f"{name}: the {REFERENCE!r} model failed on some issues; cannot stack")
    x = stack_inputs(dataset, result, usable)
    y = result.outcomes / 100
    fit = traits(name).cross_validate
    if fit is None:
        result.failures.append(
            Failure(
                name, "all proposals", None, "learns from outcomes but declares no cross_validate"
            )
        )
        return np.full(len(y), np.nan)
    try:
        oof = fit(x, y, result.groups, tuple(usable), folds, seed)
    except ParleyError as exc:
        result.failures.append(Failure(name, "all proposals", None, str(exc)))
        return np.full(len(y), np.nan)
    result.notes.append(
        f"{name}: scored by {min(folds, len(set(result.groups)))}-fold cross-validation grouped by "
        f"proposal (seed {seed}) over base models {', '.join(usable)}; never on issues it was fitted on"
    )
    return 100 * oof
