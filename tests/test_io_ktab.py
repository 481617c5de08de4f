"""KTAB SMP CSV and XML: every reference file, numbers from the files, the XML parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.case import case_arrays
from parley.errors import CaseError
from parley.io import read_case, write_case
from parley.io.formats import detect_format


def fixed_xml(data_dir: Path, tmp_path: Path) -> Path:
    """smpExample.xml with Alice's empty first coordinate set to 52.8 (reference/smp/SPEC.md)."""
    text = (data_dir / "io" / "smpExample.xml").read_text(encoding="utf-8-sig")
    assert text.count("<dCoord></dCoord>") == 1
    out = tmp_path / "smpExample.xml"
    out.write_text(text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"), encoding="utf-8")
    return out


def test_soe_csv(data_dir):
    path = data_dir / "io" / "SOE-Pol-Comp.csv"
    assert detect_format(path).name == "ktab"
    case = read_case(path)
    assert case.title == "China Policy/Competitive; scen 2"
    assert case.description == "Scenario-0002;Combined Policy and Competitive"
    assert case.salience_scale == 100
    assert len(case.actors) == 13
    assert [i.id for i in case.issues] == ["Policy Position", "Competitive Position"]
    assert all((i.lower, i.upper) == (0, 100) for i in case.issues)
    # XJ,Xi Jinping, 100.0,30,24.0,20,48.0
    xj = case.actor("XJ")
    assert (xj.description, xj.capability.value) == ("Xi Jinping", 100.0)
    assert case.stances["XJ"]["Policy Position"].position.value == 30
    assert case.stances["XJ"]["Competitive Position"].salience.value == 48.0
    # WY,CNOOC - Wang Yilin, 40.0,15,49.0,60,46.0
    wy = case.stances["WY"]
    assert case.actor("WY").capability.value == 40.0
    assert (wy["Policy Position"].position.value, wy["Policy Position"].salience.value) == (15, 49)
    assert (
        wy["Competitive Position"].position.value,
        wy["Competitive Position"].salience.value,
    ) == (60, 46)


def test_dummy_csv(data_dir):
    case = read_case(data_dir / "io" / "dummyData_3Dim.csv")
    assert case.title == "DummyData_3Dim"
    assert case.description == "Dummy scenario to test reading format"
    assert [i.id for i in case.issues] == ["Pstn1", "Pstn2", "Pstn3"]
    arrays = case_arrays(case)
    a = arrays.actor_ids.index("SActor-02")
    # SActor-02, Random Spatial Actor, 129.643, 82.45, 48.47, 90.89, 13.55, 0.07, 34.62
    assert arrays.capability[0, a].tolist() == [129.643] * 3
    assert arrays.positions[0, a].tolist() == [82.45, 90.89, 0.07]
    assert arrays.salience[0, a].tolist() == pytest.approx([0.4847, 0.1355, 0.3462], abs=1e-15)


def test_fixed_xml(data_dir, tmp_path):
    path = fixed_xml(data_dir, tmp_path)
    assert detect_format(path).name == "ktab-xml"
    case = read_case(path)
    assert case.title == "DummyData_3Dim"
    assert [i.id for i in case.issues] == ["FirstDim", "SecondDim", "YADN"]
    assert [a.id for a in case.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    alice = case.stances["Alice"]
    assert case.actor("Alice").capability.value == 117.7
    assert [alice[d].position.value for d in ("FirstDim", "SecondDim", "YADN")] == [
        52.8,
        39.8,
        39.6,
    ]
    assert [alice[d].salience.value for d in ("FirstDim", "SecondDim", "YADN")] == [
        32.3,
        22.4,
        13.4,
    ]
    assert case.stances["Ellie"]["YADN"].position.value == 26.3
    assert case.stances["Ellie"]["YADN"].salience.value == 15.8
    smp = case.model_params["smp"]
    assert smp["seed"] == 3507583219545544127
    assert smp["VictoryProbModel"] == "Linear"
    assert smp["PCEModel"] == "MarkovIncentive"
    assert smp["StateTransitions"] == "Stochastic"
    assert smp["VotingRule"] == "PropCbc"
    assert smp["BigRAdjust"] == "OneThird"
    assert smp["BigRRange"] == "Mid"
    assert smp["ThirdPartyCommit"] == "SemiCommit"
    assert smp["InterVecBrgn"] == "S2P2"
    assert smp["BargnModel"] == "InitOnlyInterp"
    assert smp["accommodation"] == [
        ["Alice", "Alice", 0.87],
        ["Bob", "Bob", 0.75],
        ["Bob", "Alice", 0.07],
        ["Carol", "Carol", 0.65],
        ["Carol", "David", 0.13],
        ["David", "David", 0.57],
    ]


def test_shipped_xml_is_rejected_once_with_line_actor_field(data_dir):
    path = data_dir / "io" / "smpExample.xml"
    with pytest.raises(CaseError) as info:
        read_case(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: line 32: actor 'Alice': position 1 (FirstDim): <dCoord> is empty, expected a number"
    ]


def test_csv_writer_round_trip(data_dir, tmp_path):
    case = read_case(data_dir / "io" / "SOE-Pol-Comp.csv")
    out = tmp_path / "out.csv"
    write_case(case, out, "ktab")
    lines = out.read_text().splitlines()
    assert (
        lines[0]
        == "China Policy/Competitive; scen 2,Scenario-0002;Combined Policy and Competitive,13,2,"
    )
    assert lines[2] == "XJ,Xi Jinping,100,30,24,20,48,"
    again = read_case(out)
    assert again.model_dump() == case.model_dump() | {"sources": ["out.csv"]}


def test_csv_writer_rescales_positions_to_0_100(data_dir, tmp_path):
    """KTAB positions are on 0-100: an issue on [0.5, 7] is mapped linearly."""
    src = tmp_path / "c.yaml"
    src.write_text(
        "actors: [{id: a, capability: 2}, {id: b, capability: 1}]\n"
        "issues: [{id: x, lower: 0.5, upper: 7}]\n"
        "stances: {a: {x: {position: 3.75, salience: 0.25}}, b: {x: {position: 7, salience: 0.5}}}\n"
    )
    out = tmp_path / "c.csv"
    write_case(read_case(src), out, "ktab")
    # (3.75 - 0.5) / 6.5 * 100 = 50; salience 0.25 on 0-1 = 25 on 0-100
    assert out.read_text().splitlines()[2] == "a,,2,50,25,"


def test_csv_writer_refuses_what_ktab_cannot_hold(data_dir, tmp_path):
    case = read_case(data_dir / "io" / "copenhagen.csv")
    out = tmp_path / "out.csv"
    with pytest.raises(CaseError, match="actor 'Russia' has no position on issue 'Commitments'"):
        write_case(case, out, "ktab")
    assert not out.exists()


def test_csv_counts_must_match(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "S,desc,3,2,\nActor,Description,Power,P1,S1,P2,S2,\n"
        "A,a,10,20,30,40,50,\nB,b,10,20,30,40,50,\n"
    )
    with pytest.raises(CaseError, match="line 1: actor count 3, but the file has 2 actor rows"):
        read_case(path)
    path.write_text(
        "S,desc,2,3,\nActor,Description,Power,P1,S1,P2,S2,\nA,a,10,20,30,40,50,\nB,b,10,20,30,40,50,\n"
    )
    with pytest.raises(
        CaseError, match="line 1: dimension count 3, but the header on line 2 has 2"
    ):
        read_case(path)


def test_csv_total_salience_at_most_100(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "S,desc,2,2,\nActor,Description,Power,P1,S1,P2,S2,\nA,a,10,20,60,40,50,\nB,b,10,20,30,40,50,\n"
    )
    with pytest.raises(
        CaseError, match="line 3: saliences of actor 'A' sum to 110; KTAB requires at most 100"
    ):
        read_case(path)


def test_xml_writer_round_trip(data_dir, tmp_path):
    case = read_case(fixed_xml(data_dir, tmp_path))
    out = tmp_path / "out.xml"
    write_case(case, out)
    text = out.read_text()
    assert "<prngSeed>3507583219545544127</prngSeed>" in text
    assert "<VotingRule>PropCbc</VotingRule>" in text
    again = read_case(out)
    assert again.model_dump() == case.model_dump() | {"sources": ["out.xml"]}


def test_xml_writer_from_csv_and_refusal(data_dir, tmp_path):
    case = read_case(data_dir / "io" / "dummyData_3Dim.csv")
    out = tmp_path / "out.xml"
    write_case(case, out)
    again = read_case(out)
    assert again.stances == case.stances
    assert again.model_params == {"smp": {"seed": 0}}  # prngSeed is required by the schema
    refused = tmp_path / "refused.xml"
    with pytest.raises(
        CaseError, match="KTAB's XML cannot hold this case: actor 'Russia' has no position"
    ):
        write_case(read_case(data_dir / "io" / "copenhagen.csv"), refused)
    assert not refused.exists()
