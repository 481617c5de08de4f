"""What an SMP run reports: every state's positions and position classes, the bargains of every
turn, and the stop rule's verdict, assembled into an `Outcome` in issue units.

The class probabilities are KTAB's reported "prob" values (`SMPModel::showVPHistory`); the
forecast is their probability-weighted position, the most probable outcome their argmax.
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from typing import Any

import numpy as np

from parley.case.arrays import CaseArrays
from parley.models import status
from parley.models.outcome import Outcome, labels
from parley.models.smp.backend import to_numpy
from parley.models.smp.classes import class_probabilities, position_classes
from parley.models.smp.turn import Assessment, Setup, Turn
from parley.models.smp.verdict import verdicts
from parley.models.status import statuses


def host_arrays(arrays: CaseArrays) -> CaseArrays:
    """The case's arrays as NumPy (the records, unit conversions and JSON are built on the host)."""
    host: dict[str, Any] = {
        f.name: to_numpy(getattr(arrays, f.name)) for f in fields(arrays) if "_ids" not in f.name
    }
    return replace(arrays, **host)


def _host(record: Any) -> Any:
    """A Turn, Bargains or Resolution with every array as NumPy."""
    return type(record)(
        *(
            _host(v) if hasattr(v, "__dataclass_fields__") else to_numpy(v)
            for v in (getattr(record, f.name) for f in fields(record))
        )
    )


class Recorder:
    """Collects per-member states and turns while batch members stop at different turns."""

    def __init__(self, arrays: CaseArrays, model: Any) -> None:
        self.arrays = arrays
        self.model = model
        b_n = arrays.shape[0]
        self.positions: list[list[np.ndarray]] = [[] for _ in range(b_n)]  # 0-1 scale
        self.classes: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [
            [] for _ in range(b_n)
        ]
        self.turns: list[tuple[int, np.ndarray, Turn]] = []
        self.reasons: list[str] = [""] * b_n
        self.statuses: list[str] = [""] * b_n
        self.ratios: list[float] = [float("nan")] * b_n

    def state(self, idx: np.ndarray, x: Any, cur: Assessment, setup: Setup) -> None:
        """Record the state x (members idx) and its position classes (computed where x lives)."""
        is_rep, cls = position_classes(x, self.model.position_tolerance)
        prob = class_probabilities(
            cur.own_util, setup.capability, is_rep, self.model.VictoryProbModel, self.model.PCEModel
        )
        x, is_rep, cls, prob = (to_numpy(a) for a in (x, is_rep, cls, prob))
        for k, b in enumerate(idx):
            self.positions[b].append(x[k])
            self.classes[b].append((is_rep[k], cls[k], prob[k]))

    def turn(self, turn: int, idx: np.ndarray, record: Turn) -> None:
        self.turns.append((turn, idx.copy(), _host(record)))

    def stop(self, members: np.ndarray, local: np.ndarray, turn: int, ratios: np.ndarray) -> None:
        """Members `members` (rows `local` of the running set) stopped after `turn` turns."""
        codes = verdicts(self.model, turn, ratios)
        for b, code, ratio in zip(members.tolist(), codes, ratios.tolist(), strict=True):
            self.statuses[b] = code
            self.reasons[b] = (
                f"converged after {turn} turns"
                if code == status.CONVERGED
                else f"max turns ({self.model.max_turns})"
            )
            self.ratios[b] = ratio

    # ------------------------------------------------------------------ assembling the Outcome

    def outcome(self) -> Outcome:
        arrays = self.arrays
        b_n = arrays.shape[0]
        r_n = max(len(p) for p in self.positions)
        hist = np.stack(
            [np.stack(p + [p[-1]] * (r_n - len(p))) for p in self.positions]
        )  # (B, R, A, D) 0-1, members that stopped early repeat their last state
        weighted = np.empty(hist.shape[:2] + hist.shape[-1:])
        most = np.empty_like(weighted)
        for b in range(b_n):
            for t in range(r_n):
                is_rep, _, prob = self.classes[b][min(t, len(self.classes[b]) - 1)]
                x = hist[b, t]
                weighted[b, t] = (prob[:, None] * x).sum(axis=0)
                most[b, t] = x[np.argmax(prob)]
        last = np.array([len(p) - 1 for p in self.positions])
        forecast = weighted[np.arange(b_n), last]
        extras = [self._extra(b) for b in range(b_n)]
        extra = extras[0] if b_n == 1 else {"batches": extras}
        reason = self.reasons[0] if len(set(self.reasons)) == 1 else "; ".join(self.reasons)
        return Outcome(
            forecast=arrays.to_units(forecast),
            status=statuses(self.statuses),
            rounds=last.astype(int),
            message=reason,
            **labels(arrays),
            history=arrays.to_units(hist),
            summaries={
                "weighted": arrays.to_units(weighted),
                "most_probable": arrays.to_units(most),
            },
            events=self._events(),
            extra=extra,
            params=params_of(self.model),
        )

    def _point(self, x01: np.ndarray) -> dict[str, float]:
        values = self.arrays.to_units(x01)
        return {i: float(v) for i, v in zip(self.arrays.issue_ids, values, strict=True)}

    def _extra(self, b: int) -> dict[str, Any]:
        ids = self.arrays.actor_ids
        issues = self.arrays.issue_ids
        states = []
        for t, (x, (is_rep, cls, prob)) in enumerate(
            zip(self.positions[b], self.classes[b], strict=True)
        ):
            reps = np.nonzero(is_rep)[0].tolist()
            members: dict[int, list[str]] = {r: [] for r in reps}
            for a, r in enumerate(cls.tolist()):
                members[r].append(ids[a])
            units = self.arrays.to_units(x[reps]).tolist()
            p = prob[reps].tolist()
            classes = [
                {
                    "position": dict(zip(issues, units[k], strict=True)),
                    "probability": p[k],
                    "actors": members[r],
                }
                for k, r in enumerate(reps)
            ]
            best = int(np.argmax(p))
            weighted = (prob[reps][:, None] * np.asarray(units)).sum(axis=0).tolist()
            states.append(
                {
                    "state": t,
                    "classes": classes,
                    "most_probable": classes[best]["position"],
                    "weighted": dict(zip(issues, weighted, strict=True)),
                }
            )
        x = self.positions[b][-1]
        is_rep, _, prob = self.classes[b][-1]
        return {
            "state_count": len(states),
            "last_step_ratio": self.ratios[b],
            "states": states,
            "most_probable": self._point(x[np.argmax(prob)]),
            "weighted": self._point((prob[:, None] * x).sum(axis=0)),
        }

    def _events(self) -> list[dict[str, Any]]:
        ids = self.arrays.actor_ids
        issues = self.arrays.issue_ids
        many = self.arrays.shape[0] > 1
        bargn = self.model.BargnModel
        per = 2 if bargn == "InitRcvrInterp" else 1
        views = (
            ["initiator", "receiver"]
            if per == 2
            else (["compromise"] if bargn == "PWCompInterp" else ["initiator"])
        )
        events: list[dict[str, Any]] = []
        for turn, idx, rec in self.turns:
            bg, res = rec.bargains, rec.resolution
            # bulk conversions: one to_units and tolist per array, not per event
            p_init = self.arrays.to_units(bg.pos_init).tolist()
            p_rcvr = self.arrays.to_units(bg.pos_rcvr).tolist()
            p_new = self.arrays.to_units(res.positions).tolist()
            target, gain, p_win = rec.target.tolist(), rec.gain.tolist(), rec.p_win.tolist()
            option, prob = res.option.tolist(), res.probability.tolist()
            length = res.queue_length.tolist()
            b_init, b_rcvr = bg.init.tolist(), bg.rcvr.tolist()
            for k, b in enumerate(idx.tolist()):
                tag = {"batch": b} if many else {}
                for i, j in enumerate(target[k]):
                    if j < 0:
                        continue
                    for v in range(per):
                        g = per * i + v
                        events.append(
                            {
                                "turn": turn,
                                "event": "proposal",
                                **tag,
                                "initiator": ids[i],
                                "receiver": ids[j],
                                "view": views[v],
                                "expected_gain": gain[k][i],
                                "p_initiator_wins": p_win[k][i],
                                "initiator_position": dict(zip(issues, p_init[k][g], strict=True)),
                                "receiver_position": dict(zip(issues, p_rcvr[k][g], strict=True)),
                            }
                        )
                for a, actor in enumerate(ids):
                    opt = option[k][a]
                    chosen: dict[str, Any] = {"chosen": "status quo"}
                    if opt > 0:
                        g = opt - 1
                        chosen = {
                            "chosen": "bargain",
                            "initiator": ids[b_init[k][g]],
                            "receiver": ids[b_rcvr[k][g]],
                            "view": views[g % per],
                        }
                    events.append(
                        {
                            "turn": turn,
                            "event": "choice",
                            **tag,
                            "actor": actor,
                            **chosen,
                            "probability": prob[k][a],
                            "queue_length": length[k][a],
                            "position": dict(zip(issues, p_new[k][a], strict=True)),
                        }
                    )
        return events


def params_of(model: Any) -> dict[str, Any]:
    """The parameters a run records (accommodation triples as JSON lists)."""
    out = asdict(model)
    out["accommodation"] = [list(t) for t in model.accommodation]
    return out
