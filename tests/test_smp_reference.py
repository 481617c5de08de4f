"""KTAB SMP reference histories: everything KTAB prints of its own runs with default parameters --
the state and step counts, every position of every state (one decimal) and every class probability
(four decimals).

SOE-Competitive (34 actors) has identical actors (CPCIA and CUCBM: same capability, position and
salience): a challenger's gains against them tie exactly, and KTAB takes the first. parley's
vectorised sums broke the tie by round-off (one ulp) and departed from state 5 on, ending after 23
states instead of 36; every twin now takes its first twin's estimate (smp/twins.py), which
restores KTAB's choice. Its chains of near-equal positions
also check that an actor within the tolerance of two classes is reported in the later one (KTAB's
posProb).

The KTAB CSV is parsed here with a few lines of our own, independent of parley.io, so that these
numbers test the model alone.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from parley.case.arrays import CaseArrays
from parley.models import get_model

DATA = Path(__file__).parent / "data" / "smp"
CASES = ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Competitive"]


def ktab_arrays(path: Path) -> CaseArrays:
    """KTAB CSV -> CaseArrays: positions on 0-100, saliences / 100, one capability per actor."""
    rows = list(csv.reader(path.read_text().splitlines()))
    n_a, n_d = int(rows[0][2]), int(rows[0][3])
    body = rows[2 : 2 + n_a]
    cap = np.array([float(r[2]) for r in body])
    pos = np.array([[float(r[3 + 2 * k]) for k in range(n_d)] for r in body])
    sal = np.array([[float(r[4 + 2 * k]) for k in range(n_d)] for r in body]) / 100
    return CaseArrays(
        positions=pos[None],
        salience=sal[None],
        capability=np.repeat(cap[:, None], n_d, axis=1)[None],
        mask=np.ones((n_a, n_d), dtype=bool),
        bounds=np.array([[0.0, 100.0]] * n_d),
        actor_ids=tuple(r[0].strip() for r in body),
        issue_ids=tuple(rows[1][3 + 2 * k].strip() for k in range(n_d)),
        status_quo=np.full(n_d, np.nan),
    )


def ktab_history(path: Path) -> tuple[int, dict[tuple[str, str], list[str]], dict[str, list[str]]]:
    """(state count, {(actor, dimension): positions as printed}, {actor: probabilities as printed})."""
    text = path.read_text()
    counts = re.search(r"There were (\d+) states, with (\d+) steps between them", text)
    count = int(counts.group(1))
    assert int(counts.group(2)) == count - 1
    positions: dict[tuple[str, str], list[str]] = {}
    probs: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"(.+?), prob :\s+([\d. ]+)$", line)
        if m:
            probs[m.group(1)] = m.group(2).split()
            continue
        m = re.match(r"(.+?), (.+?):\s+([\d. ]+)$", line)
        if m:
            positions[(m.group(1), m.group(2))] = m.group(3).split()
    return count, positions, probs


@pytest.fixture(scope="module", params=CASES)
def run(request):
    arrays = ktab_arrays(DATA / f"{request.param}.csv")
    out = get_model("smp").run(arrays)
    return arrays, out, ktab_history(DATA / f"{request.param}.ktab_history.txt")


def test_state_count(run):
    _, out, (count, positions, _) = run
    assert out.history.shape[1] == count
    assert all(len(v) == count for v in positions.values())
    assert out.extra["state_count"] == count
    assert out.status.tolist() == ["converged"] and out.rounds.tolist() == [count - 1]
    assert out.extra["last_step_ratio"] < 0.02


def test_every_position_of_every_state(run):
    arrays, out, (_, positions, _) = run
    assert len(positions) == len(arrays.actor_ids) * len(arrays.issue_ids)
    for (actor, dim), printed in positions.items():
        a, d = arrays.actor_ids.index(actor), arrays.issue_ids.index(dim)
        ours = [f"{v:.1f}" for v in out.history[0, :, a, d]]
        assert ours == printed, (actor, dim)


def test_every_class_probability(run):
    arrays, out, (_, _, probs) = run
    assert set(probs) == set(arrays.actor_ids)
    for actor, printed in probs.items():
        ours = [
            f"{next(c['probability'] for c in s['classes'] if actor in c['actors']):.4f}"
            for s in out.extra["states"]
        ]
        assert ours == printed, actor


def test_forecast_is_probability_weighted_last_state(run):
    _, out, _ = run
    last = out.extra["states"][-1]["classes"]
    assert sum(c["probability"] for c in last) == pytest.approx(1.0)
    for k, issue in enumerate(out.extra["weighted"]):
        weighted = sum(c["probability"] * c["position"][issue] for c in last)
        assert out.forecast[0, k] == pytest.approx(weighted)
        assert out.extra["weighted"][issue] == pytest.approx(weighted)
    best = max(last, key=lambda c: c["probability"])
    assert out.extra["most_probable"] == best["position"]


def test_per_state_outcomes(run):
    _, out, _ = run
    for t, state in enumerate(out.extra["states"]):
        assert state["state"] == t
        best = max(state["classes"], key=lambda c: c["probability"])
        assert state["most_probable"] == best["position"]
        for k, issue in enumerate(state["weighted"]):
            w = sum(c["probability"] * c["position"][issue] for c in state["classes"])
            assert state["weighted"][issue] == pytest.approx(w)
            assert out.summaries["weighted"][0, t, k] == pytest.approx(w)
            assert out.summaries["most_probable"][0, t, k] == pytest.approx(best["position"][issue])
