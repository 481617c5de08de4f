"""`combined`: a forecaster that learns, from recorded outcomes, how to weigh the models' forecasts.

The forecast is a constrained linear stack of the other registered models' forecasts plus a pull
towards the reference point modulated by the voting rule, the procedure and the spread of positions
(see `parley.models.combined.stack` for the formula and Breiman 1996 for stacked regression). The
weights are fitted by `parley backtest fit-combined` and shipped in
`parley/models/combined/combined_weights.json`
together with the data they were fitted on; `parley backtest` never scores this model with those
weights but refits it by cross-validation grouped by proposal (see `parley.backtest.runner`).

Departures and caveats: the weights were fitted on EU legislative decisions (DEU III) with the base
models at their default parameters; on other kinds of negotiation they are an extrapolation. The
procedure and voting rule are DEU concepts: a case that does not give them (model parameters
`procedure`, `voting`) gets the neutral default, the average of the training issues, and the
forecast's `combined.notes` says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from parley.case import Case
from parley.case.arrays import CaseArrays
from parley.errors import CaseError, ModelError
from parley.models.baselines import static_outcome
from parley.models.by_issue import model_forecast
from parley.models.combined.crossval import cross_validate_stack
from parley.models.combined.rules import PROCEDURES, VOTING_RULES, parse_rule
from parley.models.combined.stack import ANCHOR, Stack, case_inputs
from parley.models.combined.weights import load_weights
from parley.models.cost import Cost, declared_cost
from parley.models.outcome import Detail, Outcome, check_detail
from parley.models.registry import get_model, model_names, register, traits


# multi_issue: it needs the whole case to run multi-issue base models;
# learns_from_outcomes: backtests refit it by grouped cross-validation.
@register(
    "combined",
    multi_issue=True,
    learns_from_outcomes=True,
    cross_validate=cross_validate_stack,
    in_default_set=False,  # no better than compromise on EU decisions: available by name only
)
@dataclass(frozen=True)
class Combined:
    """Stacked forecast of the base models it was fitted with (stored weights).

    procedure: 'COD' or 'CNS' for every issue, or 'ISSUE=COD,ISSUE=CNS'; None = unknown.
    voting: 'QMV' or 'Unan' likewise; None = unknown.
    weights: a weights file from `parley backtest fit-combined`; None = the one shipped with parley.

    >>> from parley.models.examples import three_actor_arrays
    >>> out = Combined().run(three_actor_arrays())
    >>> out.forecast.round(2).tolist(), out.status.tolist()
    ([[38.28, 47.21]], ['no_rounds'])
    """

    procedure: str | None = None
    voting: str | None = None
    weights: str | None = None

    #: Parameters naming a file: a case's are resolved against its folder (parley.io.case_files).
    file_params: ClassVar[tuple[str, ...]] = ("weights",)

    def check_inputs(self, case: Case) -> None:
        """What a run reads and parses before it runs anything (the weights file, the procedure
        and voting rules of the case's issues), checked when a case carrying them is read."""
        self._inputs([i.id for i in case.issues])

    def _inputs(self, issue_ids: list[str]) -> tuple[Stack, dict, dict, dict]:
        stack, record = load_weights(self.weights)
        try:
            procedure = parse_rule(self.procedure, issue_ids, PROCEDURES)
            voting = parse_rule(self.voting, issue_ids, VOTING_RULES)
        except CaseError as exc:
            raise ModelError(f"combined: procedure/voting: {exc}") from None
        return stack, record, procedure, voting

    #: The base models run one after the other: the costliest one's run (each at its defaults).
    memory_cost: ClassVar[Cost] = Cost(
        "its costliest base model", lambda m, b, a, i: m.base_bytes(b, a, i)
    )

    def base_bytes(self, b: int, a: int, i: int) -> float:
        """The declared memory of the costliest base model this stack runs, on (B, A, I)."""
        costs = []
        for name in self._needed(load_weights(self.weights)[0]):
            if name in model_names():
                model = get_model(name)
                cost = declared_cost(type(model))
                costs.append(cost.bytes(model, b, a, i) if cost is not None else 0.0)
        return max(costs, default=0.0)

    @staticmethod
    def _needed(stack) -> list[str]:
        """The base models with a weight, and the compromise model (the anchor of the reference-point
        terms) always: models with weight 0 add nothing and are not run."""
        return [m for m, w in zip(stack.models, stack.weights, strict=True) if w > 0 or m == ANCHOR]

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        check_detail(detail)

        stack, record, procedure, voting = self._inputs(list(arrays.issue_ids))
        needed = self._needed(stack)
        missing = [m for m in needed if m not in model_names()]
        if missing:
            raise ModelError(
                f"combined: fitted with models {', '.join(stack.models)}, but {', '.join(missing)} "
                "is not available in this installation; refit with `parley backtest fit-combined`"
            )
        if any(traits(m).learns_from_outcomes for m in needed):
            raise ModelError("combined: its weights name a learned model as a base model")
        lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
        columns = []
        for name in stack.models:
            if name not in needed:
                columns.append(np.zeros(arrays.positions.shape[::2]))  # weight 0: unused
                continue
            try:
                forecast = model_forecast(get_model(name), arrays)
            except Exception as exc:  # name the base model that failed
                raise ModelError(f"combined: base model {name!r} failed: {exc}") from exc
            columns.append((forecast - lo) / (hi - lo))
        inputs = case_inputs(arrays, np.stack(columns, axis=-1), procedure, voting)
        forecast = arrays.to_units(stack.predict(inputs))
        if detail == "forecast":
            return static_outcome(arrays, forecast, detail, params=dataclasses.asdict(self))
        return static_outcome(
            arrays,
            forecast,
            detail,
            extra={"combined": self._report(stack, record, arrays, procedure, voting)},
            params=dataclasses.asdict(self),
        )

    @staticmethod
    def _report(stack, record, arrays, procedure, voting) -> dict[str, Any]:
        notes = []
        for label, rules in (
            ("procedure (COD/CNS)", procedure),
            ("voting rule (QMV/Unan)", voting),
        ):
            unknown = [i for i in arrays.issue_ids if i not in rules]
            if unknown:
                notes.append(
                    f"{label} unknown for {', '.join(unknown)}: neutral default (training average)"
                )
        no_rp = [i for i, v in zip(arrays.issue_ids, arrays.status_quo, strict=True) if np.isnan(v)]
        if no_rp:
            notes.append(f"no reference point (status quo) for {', '.join(no_rp)}: no pull term")
        return {
            "weights": record.get("weights", {}),
            "features": record.get("features", {}),
            "fitted_on": record.get("fitted_on", {}),
            "notes": notes,
        }
