"""The exchange model `exchange`: actors trade concessions across issues (Stokman & Van Oosten 1994).

Each round: the NBS of every issue (capability x salience weighted mean, step 1), the candidate
exchanges (step 2), their equal-gain rates and caps (step 3), executed best first until none is left
(step 4); the voting NBS uses the moved positions and each actor's next start moves a share
`fixed_weight + salience_weight (1 - s)` of the way to its voting position (step 5). Positions are
normalised to 0-100 by each issue's bounds and reported back in the issue's units.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models import compiled, status
from parley.models.baselines import weighted_mean
from parley.models.constraints import MAX_ROUNDS, Interval, check_fields
from parley.models.cost import Cost
from parley.models.exchange.candidates import AI, AJ, MEM, P, Q
from parley.models.exchange.rounds import RoundResult, next_start, play_round
from parley.models.exchange.stream import SharedStream
from parley.models.outcome import Detail, Outcome, check_detail, labels
from parley.models.progress import listening, round_reporter
from parley.models.registry import register
from parley.models.status import statuses


@register("exchange", multi_issue=True)  # trades across issues: backtests run it per proposal
@dataclass(frozen=True)
class Exchange:
    """Stokman's exchange model ("Decide"), equal-gain rate or a randomised rate.

    Stokman, F.N. & Van Oosten, R. (1994) "The exchange of voting positions: an object-oriented
    model of policy networks", in Bueno de Mesquita & Stokman (eds), European Community Decision
    Making, Yale UP; the round structure and start-position update of the Decide implementation
    (decide-exchange-model, equal-gain model), as written down in the reference SPEC (steps 1-6 and
    the "details an exact match needs", cited by number in rate.py and rounds.py). The randomised
    rate takes up the idea of random exchange rates (Dijkstra, Van Assen, Stokman & Draaijer 2018)
    in parley's own parameterisation (rate.random_ratio); it is not the reference's.

    rounds:          exchange rounds (default 10).
    fixed_weight:    share of the way to the voting position every mover keeps (0.1).
    salience_weight: extra share for low salience, times (1 - s) (0.4).
    p:               0 = equal gain; in (0, 1] the rate is drawn between the equal-gain rate and
                     the rates at which one partner gains nothing (see rate.random_ratio).
    seed:            seed of numpy.random.SeedSequence for the randomised rate.
    incremental:     recompute only the candidates an executed exchange touches; False recomputes
                     all of them, for checks and benchmarks (same results when p = 0; with p > 0
                     every recomputation draws a new rate, so the draws differ).

    Forecast-only runs (`detail="forecast"`) on NumPy arrays take the compiled kernel
    (compiled_kernel.py, numba; `parley.models.compiled.enabled()`) when p = 0 and incremental is
    True, for any rounds, fixed_weight and salience_weight: the defaults (the model has no
    presets). Full detail, p > 0, incremental=False and other arrays run the array path.
    """

    rounds: int = 10
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    p: float = 0.0
    seed: int = 0
    incremental: bool = True

    #: ~80 bytes per candidate exchange (pairs of actors x pairs of issues) and member; a
    #: forecast-only run on the compiled kernel needs each member's own arrays and one member's
    #: candidates per thread (compiled_kernel.forecast_bytes).
    memory_cost: ClassVar[Cost] = Cost(
        "the candidate exchanges (actor pairs x issue pairs)",
        lambda m, b, a, i: 80.0 * b * a * a * i * i + 8.0 * b * (m.rounds + 1) * a * i,
        forecast=lambda m, b, a, i: _forecast_bytes(m, b, a, i),
    )

    #: Declared ranges, checked once at the edge (parley.models.constraints).
    param_ranges: ClassVar[dict[str, Interval]] = {
        "rounds": Interval(0, MAX_ROUNDS),
        "fixed_weight": Interval(0, 1),
        "salience_weight": Interval(0, 1),
        "p": Interval(0, 1),
        "seed": Interval(0, None),
    }

    def __post_init__(self) -> None:
        check_fields(self, "exchange")  # direct construction: the declared types and ranges
        if self.fixed_weight + self.salience_weight > 1:  # a relation, beyond each one's range
            raise ValueError(
                "fixed_weight and salience_weight must sum to at most 1 "
                f"(got {self.fixed_weight} and {self.salience_weight})"
            )

    def run(self, arrays: CaseArrays, detail: Detail = "full") -> Outcome:
        """Play the rounds on every batch member.

        >>> from parley.models.examples import three_actor_arrays
        >>> out = Exchange(rounds=2).run(three_actor_arrays())
        >>> out.status.tolist(), out.rounds.tolist(), out.history.shape
        (['fixed_rounds'], [2], (1, 3, 3, 2))
        """
        check_detail(detail)
        return run_exchange(arrays, self, detail)


def run_exchange(arrays: CaseArrays, model: Exchange, detail: Detail = "full") -> Outcome:
    """Play `model.rounds` rounds on every batch member at once (each step executes the best
    exchange of every member, see rounds.py); outputs in the issues' units. With
    `detail="forecast"` no events, history or per-round summaries are kept."""
    full = detail == "full"
    n_b = arrays.shape[0]
    verdict: dict[str, Any] = {
        "status": statuses(status.FIXED_ROUNDS if model.rounds else status.NO_ROUNDS, n_b),
        "rounds": np.full(n_b, model.rounds, dtype=int),
        "message": "fixed rounds" if model.rounds else "no rounds",
        **labels(arrays),
        "params": dataclasses.asdict(model),
    }
    fast = not full and compiled_route(model, arrays)
    if fast and (arrays.shape[2] < 2 or model.rounds == 0):
        # no issue pair (or no round): nobody trades, the forecast is the input's NBS (the array
        # path computes the same from positions taken to 0-100 and back: equal to round-off)
        return Outcome(forecast=weighted_mean(arrays), detail="forecast", **verdict)
    lo, hi = arrays.bounds[:, 0], arrays.bounds[:, 1]
    span = hi - lo
    mask = arrays.mask[None]
    s = np.where(mask, arrays.salience, 0.0)
    c = np.where(mask, arrays.capability, 0.0)
    cs = c * s
    tradable = mask & (s > 0) & (c > 0)
    x = np.where(mask, (arrays.positions - lo) / span * 100.0, 0.0)

    def units(v: np.ndarray) -> np.ndarray:
        return np.where(mask, lo + v / 100.0 * span, arrays.positions)

    if fast:  # each member's whole run in machine code
        from parley.models.exchange import compiled_kernel  # numba: where it is used

        weights = (model.fixed_weight, model.salience_weight)
        if listening():  # one call per round, each reported
            tick = round_reporter("exchange")
            for r in range(1, model.rounds + 1):
                tick(r, model.rounds)
                x = compiled_kernel.play_members(x, s, cs, tradable, 1, *weights)
        else:
            x = compiled_kernel.play_members(x, s, cs, tradable, model.rounds, *weights)
        forecast = weighted_mean(arrays.with_batch(positions=units(x)))
        return Outcome(forecast=forecast, detail="forecast", **verdict)

    stream = SharedStream(model.seed, arrays.shape[0]) if model.p > 0 else None

    starts, votes, events = [x], [], []
    counts, executed = [], []
    tick = round_reporter("exchange")
    for r in range(1, model.rounds + 1):
        tick(r, model.rounds)
        res = play_round(x, s, cs, tradable, model.p, stream, model.incremental)
        x = next_start(x, res.voting, s, model.fixed_weight, model.salience_weight)
        if not full:
            continue
        votes.append(res.voting)
        starts.append(x)
        counts.append(int(res.counts[0]))
        executed.append(int(res.executed[0]))
        events.extend(_events(r, res, arrays, span, model.p > 0))
    if not full:
        forecast = weighted_mean(arrays.with_batch(positions=units(x)))
        return Outcome(forecast=forecast, detail="forecast", **verdict)

    history = np.stack([units(v) for v in starts], axis=1)  # (B, R+1, A, I)
    preference = np.stack(
        [weighted_mean(arrays.with_batch(positions=history[:, k])) for k in range(len(starts))],
        axis=1,
    )
    voting = np.full_like(preference, np.nan)
    for k, v in enumerate(votes, start=1):
        voting[:, k] = weighted_mean(arrays.with_batch(positions=units(v)))
    return Outcome(
        forecast=preference[:, -1],
        **verdict,
        history=history,
        summaries={"preference_nbs": preference, "voting_nbs": voting},
        events=events,
        extra={
            "nbs_rounds": _nbs_rounds(preference[0], voting[0], arrays.issue_ids),
            "candidates_per_round": counts,
            "executed_per_round": executed,
        },
    )


def compiled_route(model: Exchange, arrays: CaseArrays) -> bool:
    """Whether a forecast-only run of `model` on `arrays` takes the compiled kernel: numba on
    (`compiled.enabled()`), NumPy arrays and parameters it covers (`compiled_kernel.covers`)."""
    if not (compiled.enabled() and isinstance(arrays.positions, np.ndarray)):
        return False
    from parley.models.exchange import compiled_kernel  # numba: where it is used

    return compiled_kernel.covers(model)


def _forecast_bytes(m: Exchange, b: int, a: int, i: int) -> float:
    """Peak bytes of a forecast-only run: the compiled kernel's where it runs (each member's
    arrays and one member's candidates per thread), else the candidate tables of every member."""
    if compiled.enabled():
        from parley.models.exchange import compiled_kernel  # numba: where it is used

        if compiled_kernel.covers(m):
            return compiled_kernel.forecast_bytes(b, a, i, compiled.threads())
    return 80.0 * b * a * a * i * i


def _events(
    r: int, res: RoundResult, arrays: CaseArrays, span: np.ndarray, random_rate: bool
) -> list[dict[str, Any]]:
    """Executed exchanges of batch member 0: i supplies `supply_i` (moving `move_i`, in the issue's
    units) and demands `supply_j`; `gain` is the equal gain (the ranking value; with p > 0 also
    each partner's gain at the executed rate), salience-weighted NBS shifts on the 0-100 scale."""
    ints = res.candidates.ints[res.rows]
    keep = ints[:, MEM] == 0
    ints = ints[keep]
    actors, issues = arrays.actor_ids, arrays.issue_ids
    rows = []
    for k, (ai, aj, p, q) in enumerate(ints[:, [AI, AJ, P, Q]].tolist()):
        gi, gj = float(res.gain_i[keep][k]), float(res.gain_j[keep][k])
        row: dict[str, Any] = {
            "round": r,
            "i": actors[ai],
            "j": actors[aj],
            "supply_i": issues[q],
            "supply_j": issues[p],
            "move_i": float(res.move_i[keep][k] * span[q] / 100.0),
            "move_j": float(res.move_j[keep][k] * span[p] / 100.0),
            "gain": float(res.gain[keep][k]),
        }
        if random_rate:
            row["gain_i"], row["gain_j"] = gi, gj
        rows.append(row)
    return rows


def _nbs_rounds(preference: np.ndarray, voting: np.ndarray, issues: tuple[str, ...]) -> list:
    """[{"round", "preference": {issue: v}, "voting": {issue: v} or None}] (round 0 = input)."""

    def as_dict(values: np.ndarray) -> dict[str, float | None]:
        return {i: (None if np.isnan(v) else float(v)) for i, v in zip(issues, values, strict=True)}

    return [
        {
            "round": k,
            "preference": as_dict(preference[k]),
            "voting": None if k == 0 else as_dict(voting[k]),
        }
        for k in range(preference.shape[0])
    ]
