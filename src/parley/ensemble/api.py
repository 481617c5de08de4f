"""`parley.ensemble(...)`: the forecast of a case with its uncertainty, in one call.

>>> import parley
>>> result = parley.ensemble("cases/iraq-2006/case.yaml", members=200, models=["compromise"])
>>> result.forecasts["compromise"].shape
(200, 5)
>>> sorted(result.to_json()["models"]["compromise"]["issues"]["withdrawal"])[:4]
['bands', 'mean', 'median', 'q05']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parley.case.schema import Case
from parley.ensemble.chunk import Chunk
from parley.ensemble.correlation import check_correlate
from parley.ensemble.device import check_device
from parley.ensemble.executors import DaskExecutor, LocalExecutor, executor_for
from parley.ensemble.inputs import check_spread
from parley.ensemble.model_error import Residuals, load_residuals, with_model_error
from parley.ensemble.plan import EnsemblePlan, make_plan
from parley.ensemble.result import EnsembleResult, scenario_names
from parley.ensemble.run import Draws, check_results_fit, run_plan
from parley.ensemble.stats import Threshold
from parley.errors import ParleyError
from parley.forecast import ModelSpec, model_specs
from parley.io.draws import DrawsWriter, draws_format
from parley.io.safe_write import atomic_write
from parley.models.status import STATUSES
from parley.whatif import ValueChange


def ensemble(
    case: Case | str | Path,
    members: int = 2000,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    seed: int = 0,
    scenario: str | None = None,
    mix: bool = True,
    spread: Mapping[str, float | str] | None = None,  # numbers or numeric strings, checked here
    correlate: Mapping[str, float | str] | None = None,
    thresholds: Sequence[str | Threshold] = (),
    workers: int | None = None,
    scheduler: str | None = None,
    executor: LocalExecutor | DaskExecutor | None = None,
    device: str = "cpu",
    draws: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    changes: Sequence[ValueChange] = (),
    model_error: bool | str | Path | Residuals = True,
) -> EnsembleResult:
    """Run `members` members of `case` (a Case or a case file) with each model.

    Each member draws its scenario by the scenarios' probabilities (unless `scenario` fixes one or
    `mix` is False), then every uncertain input from its distribution (`spread`: default ranges,
    e.g. `{"position": 0.05}`; `correlate`: `{TAG: rank correlation}`), and every model forecasts
    it. `workers` starts a Dask LocalCluster of that many workers, `scheduler` uses a running Dask
    cluster, else the local cores (or pass an `executor`). `device="cuda"` runs the kernels on a
    GPU. `thresholds`: events such as "withdrawal<=2" whose probability is reported.
    `draws`: a .parquet or .csv file to write every member's scenario, inputs and forecasts to
    (`parley.io.draws`). `progress(done, total)` is called as members finish. `changes`: what-if
    values (`--set`, `parley.whatif`) applied in every world after its scenario, certain values.
    `model_error`: beside each model's input ensemble, its calibrated distribution (the forecast
    of the case as stated plus the model's recorded errors, `parley.ensemble.model_error`): True
    with the residuals shipped with parley (DEU III), a path to a residuals file, or False.
    Same seed, same numbers: whatever the executor, workers or chunking.
    """
    source = None
    if not isinstance(case, Case):
        from parley.io import read_case

        source = Path(case)
        case = read_case(source)
    specs = [
        m if isinstance(m, ModelSpec) else ModelSpec(m)
        for m in (models if models is not None else model_specs(None))
    ]
    for spec in specs:
        spec.build(case)  # an unknown model or parameter is an error before anything runs
    parsed = tuple(t if isinstance(t, Threshold) else Threshold.parse(t) for t in thresholds)
    for t in parsed:
        if t.issue not in {i.id for i in case.issues}:
            known = ", ".join(i.id for i in case.issues)
            raise ParleyError.about(
                "thresholds", f"{t.issue}{t.label}: unknown issue (issues: {known})"
            )
    check_device(device)
    residuals = _residuals(model_error)
    spread, correlate = check_spread(spread), check_correlate(case, correlate)
    plan = make_plan(case, specs, members, seed, scenario, mix, spread, correlate, device, changes)
    if residuals is not None:  # its members: 8 bytes per issue and model, and its uniforms
        check_results_fit(plan, 8 * len(plan.issue_ids) * (len(plan.models) + 1))
    runner = executor or executor_for(workers, scheduler)
    if draws is None:
        ran = run_plan(plan, runner, on_chunk=_progress(plan.members, progress))
    else:
        ran = _run_writing(plan, runner, Path(draws), source, progress)
    calibrated: dict[str, np.ndarray] = {}
    without: dict[str, str] = {}
    if residuals is not None:
        not_default = {
            s.name for s in specs if s.preset or s.params or case.model_params.get(s.name)
        }
        calibrated, without = with_model_error(
            plan, ran.world, list(ran.forecasts), residuals, not_default
        )
    return EnsembleResult(
        case=case,
        members=members,
        seed=seed,
        issue_ids=plan.issue_ids,
        forecasts=ran.forecasts,
        status=ran.status,
        rounds=ran.rounds,
        scenario=ran.world,
        scenarios=scenario_names(plan.weights),
        thresholds=parsed,
        left_out=ran.left_out,
        calibrated=calibrated,
        model_error=_model_error_json(residuals, without),
        settings={
            "scenario": scenario,
            "set": [str(c) for c in changes],
            "mix": mix and scenario is None,
            "spread": spread,
            "correlate": correlate,
            "inputs": len(plan.input_keys),
            "device": device,
            "executor": ran.executor,
            "chunk": ran.chunk,
        },
    )


def _residuals(model_error: bool | str | Path | Residuals) -> Residuals | None:
    """The residuals of the model-error term asked for (None: off); a bad file is a ParleyError."""
    if isinstance(model_error, Residuals):
        return model_error
    if model_error is False:
        return None
    return load_residuals(None if model_error is True else model_error)


def _model_error_json(residuals: Residuals | None, without: dict[str, str]) -> dict[str, Any]:
    """What the calibrated distributions are and where their residuals come from ({}: off)."""
    if residuals is None:
        return {}
    return {
        "label": residuals.label,
        "source": residuals.source(),
        "method": "the forecast of the case as stated (each member's scenario's) plus a residual "
        "drawn from the model's recorded errors (fractions of the scale), cut at the scale's ends",
        "left_out": without,
    }


def _progress(total: int, progress: Callable[[int, int], None] | None):
    if progress is None:
        return None
    return lambda chunk: progress(chunk.stop, total)


def _run_writing(
    plan: EnsemblePlan,
    runner: LocalExecutor | DaskExecutor,
    path: Path,
    source: Path | None,
    progress: Callable[[int, int], None] | None,
) -> Draws:
    """Run the plan writing every member to the draws file `path` as chunks finish; the file
    appears only when the run succeeds."""
    kind = draws_format(path)
    names = np.array([n for n, _ in scenario_names(plan.weights)], dtype=object)
    codes = np.array(STATUSES, dtype=object)
    ran: list[Draws] = []

    def write(tmp: Path) -> None:
        writer = DrawsWriter(tmp, kind, plan.input_keys, plan.models, plan.issue_ids)

        def on_chunk(chunk: Chunk) -> None:
            if chunk.inputs is None:  # run_plan below keeps them (keep_inputs=True)
                raise AssertionError("an ensemble written to a draws file keeps its inputs")
            writer.write(
                np.arange(chunk.start, chunk.stop),
                names[chunk.world],
                chunk.inputs,
                chunk.forecasts,
                {m: codes[chunk.status[m]] for m in plan.models},
            )
            if progress is not None:
                progress(chunk.stop, plan.members)

        ran.append(run_plan(plan, runner, keep_inputs=True, on_chunk=on_chunk))
        writer.close()

    atomic_write(path, write, [source] if source is not None else (), "the case file")
    return ran[0]
