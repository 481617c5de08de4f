"""Model eum against independent references: the public replication of Scholz's code (round-1
internals, full 10-round trajectories, five more cases) and Scholz et al. (2011) Table 2.

Cases are built as CaseArrays straight from the `Actor,Capability,Position,Salience` CSVs (salience
divided by 100 when any value exceeds 1: reference SPEC.md, point 8), so these tests do not depend
on parley's file readers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from parley.case.arrays import CaseArrays
from parley.models import get_model
from parley.models.eum.offers import KIND_NAMES
from parley.models.eum.params import SCHOLZ_CODE, EumParams
from parley.models.eum.round import play_round
from parley.models.eum.votes import vote_gains

DATA = Path(__file__).parent / "data" / "eum"
TOL = 1e-9
CASES = [
    "eu_emissions_bdm1994.csv",
    "greece_2015_debt_relief.csv",
    "iran_2013_election.csv",
    "saudi_oil_sultan_bdm1997.csv",
    "uk_emu_conservative_govt.csv",
    "uk_emu_labour_govt.csv",
]


def bdm_arrays(name: str) -> CaseArrays:
    with open(DATA / name, newline="") as fh:
        rows = list(csv.DictReader(fh))
    col = {k: np.array([float(r[k]) for r in rows]) for k in ("Position", "Capability", "Salience")}
    sal = col["Salience"] / (100.0 if col["Salience"].max() > 1 else 1.0)
    x = col["Position"]
    return CaseArrays(
        positions=x[None, :, None],
        salience=sal[None, :, None],
        capability=col["Capability"][None, :, None],
        mask=np.ones((len(rows), 1), dtype=bool),
        bounds=np.array([[x.min(), x.max()]]),
        actor_ids=tuple(r["Actor"] for r in rows),
        issue_ids=("issue",),
        status_quo=np.array([np.nan]),
    )


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def run(name: str, preset: str = "scholz_code", **params):
    return get_model("eum", preset, params).run(bdm_arrays(name))


@pytest.mark.parametrize("kernel", ["fast", "plain"])
def test_round_one_internals_match_the_replication(kernel: str) -> None:
    ref = load("eu_emissions_round1_checkvalues_jmckib.json")
    arrays = bdm_arrays("eu_emissions_bdm1994.csv")
    names = arrays.actor_ids
    x, s = arrays.positions[:, :, 0], arrays.salience[:, :, 0]
    w = (arrays.capability * arrays.salience)[:, :, 0]
    delta = np.array([ref["position_range"]])
    res = play_round(x, w, s, delta, np.ones_like(x), EumParams(**SCHOLZ_CODE, kernel=kernel))
    assert ref["q"] == SCHOLZ_CODE["q"]
    # Den = sum of |v_k(a, b)| over voters and ordered pairs = 2 sum Num (SPEC scholz_code point 1)
    num = vote_gains(x, w, 1.0, delta, kernel)
    assert 2 * float(num.sum()) == pytest.approx(ref["sum_all_votes_pass1"], abs=TOL)

    def vec(key: str) -> np.ndarray:
        return np.array([ref[key][a] for a in names])

    p = np.array([[ref["P_pass1_r1"][a][b] for b in names] for a in names])
    np.testing.assert_allclose(res.p_risk[0], p, rtol=0, atol=TOL)
    np.testing.assert_allclose(res.security[0], vec("danger_level_pass1"), rtol=0, atol=TOL)
    np.testing.assert_allclose(res.big_r[0], vec("R_round1"), rtol=0, atol=TOL)
    np.testing.assert_allclose(res.r[0], vec("risk_exponent_round1"), rtol=0, atol=TOL)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if b in ref["EU_pass1_i_challenges_j"][a]:
                assert res.eu_risk[0, i, j] == pytest.approx(
                    ref["EU_pass1_i_challenges_j"][a][b], abs=TOL
                )
            if b in ref["EU_round1_from_i_perspective"][a]:
                pair = ref["EU_round1_from_i_perspective"][a][b]
                assert res.eu[0, i, j] == pytest.approx(pair["eu_ij"], abs=TOL)
                assert res.eu_other[0, i, j] == pytest.approx(pair["eu_ji_as_seen_by_i"], abs=TOL)
    for i, a in enumerate(names):
        offer = ref["accepted_offers_round1"][a]
        chosen = int(res.offers.chosen[0, i])
        if offer is None:
            assert chosen == -1, a
            continue
        assert names[chosen] == offer["with"]
        assert KIND_NAMES[int(res.offers.kind[0, i, chosen])] == _typed(offer["type"])
        assert res.eu[0, i, chosen] == pytest.approx(offer["eu_ij"], abs=TOL)
        assert res.eu_other[0, i, chosen] == pytest.approx(offer["eu_ji"], abs=TOL)
        assert res.offers.new_x[0, i] == pytest.approx(offer["new_pos"], abs=TOL)


def _typed(kind: str) -> str:
    return {"confrontation": "conflict"}.get(kind, kind)


def assert_round_matches(
    out, names: tuple[str, ...], t: int, rd: dict, offers: bool = True
) -> None:
    """Round t of an eum Outcome against one round of the replication's output: every actor's
    position and r, the median and the mean, and (offers) the accepted offers with their EUs."""
    risk = out.extra["risk_exponents"]["issue"]
    np.testing.assert_allclose(
        out.history[0, t, :, 0], [rd["positions"][a] for a in names], rtol=0, atol=TOL
    )
    np.testing.assert_allclose(
        [risk[t - 1][a] for a in names], [rd["r"][a] for a in names], rtol=0, atol=TOL
    )
    assert out.summaries["median"][0, t, 0] == pytest.approx(rd["median"], abs=TOL)
    assert out.summaries["weighted_mean"][0, t, 0] == pytest.approx(rd["mean"], abs=TOL)
    if not offers:
        return
    accepted = [e for e in out.events if e["round"] == t and e["accepted"]]
    assert len(accepted) == len(rd["events"])
    for mine, theirs in zip(accepted, rd["events"], strict=True):
        assert (mine["actor"], mine["counterpart"]) == (theirs["actor"], theirs["with"])
        assert mine["type"] == _typed(theirs["type"])
        assert mine["eu_ij"] == pytest.approx(theirs["eu_ij"], abs=TOL)
        assert mine["eu_ji"] == pytest.approx(theirs["eu_ji"], abs=TOL)
        assert mine["new_position"] == pytest.approx(theirs["new_pos"], abs=TOL)


@pytest.mark.parametrize("kernel", ["fast", "plain"])
@pytest.mark.parametrize(
    "case, reference",
    [
        ("eu_emissions_bdm1994.csv", "eu_emissions_jmckib_10rounds_full.json"),
        ("saudi_oil_sultan_bdm1997.csv", "saudi_oil_sultan_jmckib_10rounds_full.json"),
    ],
)
def test_ten_rounds_match_the_replication(case: str, reference: str, kernel: str) -> None:
    ref = load(reference)
    out = run(case, kernel=kernel)
    names = bdm_arrays(case).actor_ids
    assert ref["n"] == len(names)
    assert out.rounds.tolist() == [10] and out.status.tolist() == ["fixed_rounds"]
    np.testing.assert_allclose(
        out.history[0, 0, :, 0], [ref["initial"]["positions"][a] for a in names]
    )
    assert out.summaries["median"][0, 0, 0] == pytest.approx(ref["initial"]["median"], abs=TOL)
    assert out.summaries["weighted_mean"][0, 0, 0] == pytest.approx(ref["initial"]["mean"], abs=TOL)
    for t, rd in enumerate(ref["rounds"], start=1):
        assert_round_matches(out, names, t, rd)
    assert out.forecast[0, 0] == pytest.approx(ref["rounds"][-1]["median"], abs=TOL)


@pytest.mark.parametrize("preset", ["scholz_code", None])  # None: the defaults (robust tolerances)
@pytest.mark.parametrize("case", CASES)
def test_other_cases_match_the_replication_trajectories(case: str, preset: str | None) -> None:
    ref = load("scholz_code_trajectories.json")[case]
    out = run(case, preset)
    names = bdm_arrays(case).actor_ids
    np.testing.assert_allclose(
        out.summaries["median"][0, 1:, 0], ref["median_by_round"], rtol=0, atol=TOL
    )
    np.testing.assert_allclose(
        out.summaries["weighted_mean"][0, 1:, 0], ref["mean_by_round"], rtol=0, atol=TOL
    )
    assert out.extra["moves"]["issue"] == ref["moves_by_round"]
    np.testing.assert_allclose(
        out.history[0, -1, :, 0], [ref["final_positions"][a] for a in names], rtol=0, atol=TOL
    )


def test_published_table_2() -> None:
    """Scholz et al. (2011) Table 2 prints median and mean per round to one decimal.

    Reproduced: every printed value except the round-2 median lies within one unit of the last
    printed digit (0.1) of ours; the round-2 median is printed 9.9 where the code gives 9.61 (the
    reference SPEC notes the same). The table does not say how it rounded: truncating our values
    to one decimal gives every printed median except round 2 and six of the eight means (not
    rounds 3 and 8); rounding gives only the medians of rounds 1 and 7 and five means.
    """
    with open(DATA / "scholz2011_table2.csv", newline="") as fh:
        table = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(fh)]
    out = run("eu_emissions_bdm1994.csv", rounds=8)
    ours = {
        "median": out.summaries["median"][0, 1:, 0],
        "mean": out.summaries["weighted_mean"][0, 1:, 0],
    }
    close, truncated, rounded = set(), set(), set()
    for row in table:
        t = int(row["round"])
        for stat in ("median", "mean"):
            value = float(ours[stat][t - 1])
            if abs(value - row[stat]) < 0.1:
                close.add((t, stat))
            if np.floor(value * 10) / 10 == pytest.approx(row[stat]):
                truncated.add((t, stat))
            if round(value, 1) == pytest.approx(row[stat]):
                rounded.add((t, stat))
    every = {(t, stat) for t in range(1, 9) for stat in ("median", "mean")}
    assert close == every - {(2, "median")}
    assert ours["median"][1] == pytest.approx(9.6109, abs=1e-4)  # printed: 9.9
    assert truncated == every - {(2, "median"), (3, "mean"), (8, "mean")}
    assert rounded == {(1, "median"), (7, "median")} | {(t, "mean") for t in (3, 5, 6, 7, 8)}


def test_saudi_case_never_moves_and_median_rule_stops_it() -> None:
    out = run("saudi_oil_sultan_bdm1997.csv", stop="median", patience=2, rounds=50)
    assert out.rounds.tolist() == [2] and out.status.tolist() == ["converged"]
    assert out.extra["issue_stops"]["issue"]["rounds"] == 2
    np.testing.assert_array_equal(out.history[0, -1], out.history[0, 0])
    assert out.events == []


def test_capitulation_flag_changes_the_scholz_dynamics() -> None:
    """SPEC point 5: turning capitulation on breaks four of the six cases."""
    traj = load("scholz_code_trajectories.json")
    broken = 0
    for case in CASES:
        out = run(case, capitulation=True)
        ref = traj[case]
        same = np.allclose(out.summaries["median"][0, 1:, 0], ref["median_by_round"], atol=TOL)
        same &= np.allclose(
            out.summaries["weighted_mean"][0, 1:, 0], ref["mean_by_round"], atol=TOL
        )
        broken += not same
    assert broken == 4
