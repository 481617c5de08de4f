"""The bundled seed case (cases/iraq-2006): it validates, is complete, and its scenarios do what
the case README says they do.

Forecast directions are argued by hand below (how a weighted mean moves when weights change); no
number here was copied from parley's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parley.case import Case, case_arrays, case_warnings
from parley.cli import app
from parley.forecast import model_specs, run_models
from parley.io import read_case
from parley.scenarios import apply_scenario

CASE_PATH = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
ELECTIONS = ("democratic-congress", "republican-congress")


@pytest.fixture(scope="module")
def case() -> Case:
    return read_case(CASE_PATH)


def hand_weighted_mean(case: Case, issue_id: str) -> float:
    """sum(c*s*x) / sum(c*s) over the actors holding a position, read straight from the Case
    objects (not from CaseArrays), as an independent check of the compromise model."""
    num = den = 0.0
    for actor in case.actors:
        stance = case.stances.get(actor.id, {}).get(issue_id)
        if stance is None or stance.position is None:
            continue
        cap = stance.capability or actor.capability
        w = cap.value * stance.salience.value
        num += w * stance.position.value
        den += w
    return num / den


def capability_of(case: Case, actor_id: str, issue_id: str) -> float:
    stance = case.stances[actor_id][issue_id]
    return (stance.capability or case.actor(actor_id).capability).value


def test_seed_case_validates_without_warnings(case):
    assert case.salience_scale == 100
    assert case.date is not None and case.date.startswith("2006-10")
    assert case.description and case.sources
    assert case_warnings(case) == []


def test_seed_case_is_complete(case):
    assert len(case.actors) >= 10
    assert len(case.issues) >= 4
    for issue in case.issues:
        assert len(issue.anchors) >= 3, issue.id
        assert issue.lower in issue.anchors and issue.upper in issue.anchors, issue.id
        assert all(label.strip() for label in issue.anchors.values())
        assert issue.status_quo is not None, issue.id
    issue_ids = {i.id for i in case.issues}
    for actor in case.actors:
        assert set(case.stances[actor.id]) == issue_ids, actor.id
    assert case.issue("withdrawal").unit == "years"


def test_seed_case_tags_are_consistent(case):
    tags = {a.id: set(a.tags) for a in case.actors}
    for actor_id, t in tags.items():
        assert t & {"us", "iraqi", "regional"}, actor_id
        assert not ({"us", "iraqi"} <= t), actor_id
    resistance = {a for a, t in tags.items() if "resistance" in t}
    assert {"iai", "rev_1920", "baathists", "mujahideen_army"} <= resistance
    assert all({"iraqi", "sunni"} <= tags[a] for a in resistance)
    # al-Qaeda in Iraq refuses talks: a spoiler, never part of the negotiating resistance
    assert "resistance" not in tags["aqi"] and "spoiler" in tags["aqi"]
    assert {"us_admin", "dem_congress", "rep_congress"} <= {a for a, t in tags.items() if "us" in t}


def test_seed_case_records_uncertainty_and_a_missing_position(case):
    uncertain = [
        (a, i)
        for a, stances in case.stances.items()
        for i, s in stances.items()
        if s.position is not None and s.position.uncertain
    ]
    assert len(uncertain) >= 10
    assert case.stances["aqi"]["oil"].position is None
    arrays = case_arrays(case)
    a, i = arrays.actor_ids.index("aqi"), arrays.issue_ids.index("oil")
    assert not arrays.mask[a, i]


@pytest.mark.parametrize("name", [*ELECTIONS, "iraq-study-group"])
def test_scenarios_apply(case, name):
    patched = apply_scenario(case, name)
    assert name in patched.title
    assert {a.id for a in case.actors} <= {a.id for a in patched.actors}


def test_iraq_study_group_adds_an_actor(case):
    patched = apply_scenario(case, "iraq-study-group")
    assert len(patched.actors) == len(case.actors) + 1
    assert "iraq_study_group" in {a.id for a in patched.actors}


def test_democratic_congress_raises_the_democratic_bloc(case):
    dem = apply_scenario(case, "democratic-congress")
    for issue in case.issues:
        assert capability_of(dem, "dem_congress", issue.id) > capability_of(
            case, "dem_congress", issue.id
        ), issue.id
    # the administration is constrained, the Republican bloc loses its majority leverage
    assert capability_of(dem, "us_admin", "withdrawal") < capability_of(
        case, "us_admin", "withdrawal"
    )
    assert capability_of(dem, "rep_congress", "withdrawal") < capability_of(
        case, "rep_congress", "withdrawal"
    )
    # the same holds in the arrays every model reads
    base_arr, dem_arr = case_arrays(case), case_arrays(dem)
    a = base_arr.actor_ids.index("dem_congress")
    assert np.all(dem_arr.capability[0, a] > base_arr.capability[0, a])


def test_republican_congress_pushes_the_partition_leaning_process(case):
    rep = apply_scenario(case, "republican-congress")
    assert (
        rep.stances["us_admin"]["unity"].position.value
        > case.stances["us_admin"]["unity"].position.value
    )
    assert capability_of(rep, "rep_congress", "withdrawal") > capability_of(
        case, "rep_congress", "withdrawal"
    )


def test_compromise_withdrawal_forecast_moves_with_the_election(case):
    """The compromise forecast m = sum(w x) / sum(w) moves toward x when an actor at x gains
    weight and away from x when it loses weight; moving a position down moves m down.

    democratic-congress, applied change by change to the withdrawal issue (base m0 in (2, 6)):
    the Democratic bloc (x = 2 < m) gains weight -> m falls (and stays above 2); the Republican
    bloc moves from 8 to 6 -> m falls; it then loses weight at x = 6 > m -> m falls; the
    administration (x = 10 > m) loses weight -> m falls. So m_dem < m0.
    republican-congress: the Republican bloc (x = 8 > m) gains weight -> m rises; the Democratic
    bloc (x = 2 < m) loses weight -> m rises. So m_rep > m0.
    """
    dem = apply_scenario(case, "democratic-congress")
    rep = apply_scenario(case, "republican-congress")
    # the premises of the argument, read from the file
    m0 = hand_weighted_mean(case, "withdrawal")
    assert 2 < m0 < 6
    assert case.stances["dem_congress"]["withdrawal"].position.value == 2
    assert case.stances["rep_congress"]["withdrawal"].position.value == 8
    assert dem.stances["rep_congress"]["withdrawal"].position.value == 6
    assert case.stances["us_admin"]["withdrawal"].position.value == 10
    # the compromise model agrees with the hand formula in every scenario
    specs = model_specs(["compromise"])
    forecasts = {}
    for name, patched in ((None, case), *((n, apply_scenario(case, n)) for n in ELECTIONS)):
        outcome = run_models(case, specs, name)["compromise"]
        i = outcome.issue_ids.index("withdrawal")
        forecasts[name] = float(outcome.forecast[0, i])
        assert forecasts[name] == pytest.approx(hand_weighted_mean(patched, "withdrawal"))
    assert forecasts["democratic-congress"] < forecasts[None] < forecasts["republican-congress"]
    assert hand_weighted_mean(dem, "withdrawal") < m0 < hand_weighted_mean(rep, "withdrawal")


def test_cli_forecasts_the_seed_case_under_each_scenario(runner):
    base = runner.invoke(app, ["validate", str(CASE_PATH)])
    assert base.exit_code == 0, base.output
    for name in ELECTIONS:
        result = runner.invoke(
            app, ["forecast", str(CASE_PATH), "-m", "compromise", "--scenario", name, "-f", "json"]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["scenario"] == name
        forecast = data["models"]["compromise"]["forecast"]
        assert set(forecast) == {i.id for i in read_case(CASE_PATH).issues}
        assert 0 <= forecast["withdrawal"] <= 10


DOC = Path(__file__).parents[1] / "docs" / "case-format.md"


def doc_blocks(kind: str) -> list[str]:
    """The fenced code blocks of docs/case-format.md opened with ```kind."""
    blocks, current, inside = [], None, False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not inside and line.startswith("```"):
            inside = True
            current = [] if line == f"```{kind}" else None
        elif inside and line == "```":
            if current is not None:
                blocks.append("\n".join(current) + "\n")
            inside, current = False, None
        elif current is not None:
            current.append(line)
    return blocks


def test_case_format_example_is_valid_and_its_scenario_does_what_the_doc_says(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(doc_blocks("yaml")[0], encoding="utf-8")
    case = read_case(path)
    assert case.salience_scale == 100
    assert case.stances["unions"]["start"].position is None
    assert case.actor("unions").capability.low == 5
    snap = apply_scenario(case, "snap-election")
    # an actor-level capability in `set` replaces the issue-specific one (40 on the budget)
    assert capability_of(case, "opp", "budget") == 40
    assert capability_of(snap, "opp", "budget") == 45 == capability_of(snap, "opp", "start")
    assert snap.stances["unions"]["budget"].salience.value == 100
    assert snap.actor("eu").capability.value == 25


def test_case_format_error_example_is_what_parley_prints(tmp_path, runner):
    text = doc_blocks("yaml")[0]
    text = text.replace("budget: {position: 20,", "budget: {position: 60,")
    text = text.replace("capability: 60}", "capability: 0}")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    documented = [b for b in doc_blocks("") if b.startswith("error:")][0].splitlines()
    printed = [line.replace(str(path), "case.yaml") for line in result.output.splitlines()]
    assert printed == documented


def test_election_scenarios_carry_the_markets_probabilities(case):
    # IEM 2006 Congressional Control, average prices of 30 October 2006, divided by their sum
    prices = {"NH_NS06": 0.220, "NH_RS06": 0.484, "RH_NS06": 0.023, "RH_RS06": 0.250}
    total = sum(prices.values())
    given = {s.name: s.probability for s in case.scenarios if s.probability is not None}
    assert given == {
        "democratic-congress": pytest.approx(prices["NH_NS06"] / total, abs=0.001),
        "republican-congress": pytest.approx(prices["RH_RS06"] / total, abs=0.001),
        "split-congress": pytest.approx((prices["NH_RS06"] + prices["RH_NS06"]) / total, abs=0.001),
    }
    assert sum(given.values()) == pytest.approx(1.0)  # nothing left to the pre-election base


def test_split_congress_goes_half_way_to_democratic_congress(case):
    base = case_arrays(case)
    dem = case_arrays(apply_scenario(case, "democratic-congress"))
    split = case_arrays(apply_scenario(case, "split-congress"))
    np.testing.assert_allclose(split.capability, (base.capability + dem.capability) / 2)
    np.testing.assert_allclose(split.positions, (base.positions + dem.positions) / 2)
