"""What a forecast-detail SMP run keeps: per member only its last state's forecast, status and
turns, computed for all members that stop in a turn at once (no per-member Python, no events).

The forecast is the same as the full record's: the probability-weighted position of the last
state's classes (`classes.py`), here computed where the positions live and brought to the host once
per turn for the members that stopped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models.outcome import Outcome, labels
from parley.models.smp.backend import device, namespace, to_numpy
from parley.models.smp.classes import class_probabilities, position_classes
from parley.models.smp.record import params_of
from parley.models.smp.turn import Assessment, Setup
from parley.models.smp.verdict import message, verdicts
from parley.models.status import statuses


class LeanRecorder:
    """The forecast-detail counterpart of `record.Recorder`, with the same calls from the loop."""

    def __init__(self, arrays: CaseArrays, model: Any) -> None:
        self.arrays = arrays
        self.model = model
        b_n, _, d_n = arrays.shape
        self.forecast = np.full((b_n, d_n), np.nan)  # 0-1 scale until outcome()
        self.status = np.full(b_n, "", dtype=object)
        self.rounds = np.zeros(b_n, dtype=int)
        self.last: tuple[Any, Assessment, Setup] | None = None

    def state(self, idx: np.ndarray, x: Any, cur: Assessment, setup: Setup) -> None:
        self.last = (x, cur, setup)  # only the stopping members' last state is ever read

    def turn(self, turn: int, idx: np.ndarray, record: Any) -> None:
        """Nothing: a forecast-detail run keeps no events."""

    def stop(self, members: np.ndarray, local: np.ndarray, turn: int, ratios: np.ndarray) -> None:
        """Members `members` (rows `local` of the running set) stopped after `turn` turns."""
        assert self.last is not None
        x, cur, setup = self.last
        xp = namespace(x)
        rows = xp.asarray(local, device=device(x))
        xs = xp.take(x, rows, axis=0)
        is_rep, _ = position_classes(xs, self.model.position_tolerance)
        prob = class_probabilities(
            xp.take(cur.own_util, rows, axis=0),
            xp.take(setup.capability, rows, axis=0),
            is_rep,
            self.model.VictoryProbModel,
            self.model.PCEModel,
        )
        self.forecast[members] = to_numpy(xp.sum(prob[:, :, None] * xs, axis=1))
        self.status[members] = verdicts(self.model, turn, ratios)
        self.rounds[members] = turn

    def outcome(self) -> Outcome:
        return Outcome(
            forecast=self.arrays.to_units(self.forecast),
            status=statuses(self.status.tolist()),
            rounds=self.rounds,
            message=message(self.model, self.status, self.rounds),
            **labels(self.arrays),
            detail="forecast",
            params=params_of(self.model),
        )
