"""The BDM `Actor,Capability,Position,Salience` CSV: every reference file, numbers from the files."""

from __future__ import annotations

import pytest

from parley.case import case_arrays
from parley.errors import CaseError
from parley.io import read_case, write_case
from parley.io.formats import detect_format

# (file, actors, salience scale, first row as written in the file, last row, min and max position)
FILES = [
    (
        "eu_emissions_bdm1994.csv",
        10,
        100,
        ("Netherlands", 0.08, 4, 80),
        ("Greece", 0.08, 7, 70),
        (4, 10),
    ),
    (
        "greece_2015_debt_relief.csv",
        11,
        100,
        ("Greece", 100, 40, 100),
        ("Spain", 20, 100, 100),
        (40, 100),
    ),
    ("iran_2013_election.csv", 8, 100, ("Jalili", 0.24, 1, 70), ("Aref", 0.30, 10, 70), (1, 10)),
    (
        "saudi_oil_sultan_bdm1997.csv",
        17,
        1,
        ("HAWKS", 0.65, 14.25, 0.8),
        ("EUR/JPN", 0.75, 12.85, 0.75),
        (12.85, 14.25),
    ),
    (
        "uk_emu_conservative_govt.csv",
        9,
        100,
        ("Labour (pro-euro)", 0.1, 8, 40),
        ("Conservative (pro-EU)", 0.4, 6, 50),
        (1, 10),
    ),
    (
        "uk_emu_labour_govt.csv",
        9,
        100,
        ("Labour (pro-euro)", 1.0, 8, 40),
        ("Conservative (pro-EU)", 0.3, 6, 50),
        (1, 10),
    ),
]


@pytest.mark.parametrize(("name", "n", "scale", "first", "last", "bounds"), FILES)
def test_reads_every_reference_file(data_dir, name, n, scale, first, last, bounds):
    path = data_dir / "io" / name
    assert detect_format(path).name == "bdm"
    case = read_case(path)
    assert len(case.actors) == n
    assert case.salience_scale == scale
    assert [i.id for i in case.issues] == ["issue"]
    assert (case.issues[0].lower, case.issues[0].upper) == bounds
    for actor, capability, position, salience in (first, last):
        assert case.actor(actor).capability.value == capability
        stance = case.stances[actor]["issue"]
        assert stance.position.value == position
        assert stance.salience.value == salience
    arrays = case_arrays(case)
    a = arrays.actor_ids.index(first[0])
    assert arrays.salience[0, a, 0] == pytest.approx(first[3] / scale)  # 80 on 0-100 -> 0.8


def test_all_same_position_widens_bounds(tmp_path):
    path = tmp_path / "agree.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,1,5,50\nB,2,5,60\n")
    case = read_case(path)
    assert (case.issues[0].lower, case.issues[0].upper) == (4.0, 6.0)


def test_columns_in_any_order_and_case(tmp_path):
    path = tmp_path / "order.csv"
    path.write_text("salience,actor,position,CAPABILITY\n0.5,A,1,2\n0.25,B,3,1\n")
    case = read_case(path)
    assert case.salience_scale == 1
    assert case.stances["B"]["issue"].salience.value == 0.25
    assert case.actor("A").capability.value == 2


def test_writer_keeps_the_file_numbers(data_dir, tmp_path):
    out = tmp_path / "out.csv"
    case = read_case(data_dir / "io" / "eu_emissions_bdm1994.csv")
    write_case(case, out, "bdm")
    original = (data_dir / "io" / "eu_emissions_bdm1994.csv").read_text().splitlines()
    assert out.read_text().splitlines() == original


def test_writer_puts_small_saliences_on_0_1(tmp_path):
    """A 0-100 case whose saliences are all <= 1 would be re-read as 0-1: written on 0-1."""
    src = tmp_path / "c.yaml"
    src.write_text(
        "salience_scale: 100\nactors: [{id: a, capability: 1}, {id: b, capability: 1}]\n"
        "issues: [{id: x, lower: 0, upper: 1}]\n"
        "stances: {a: {x: {position: 0, salience: 0.5}}, b: {x: {position: 1, salience: 1}}}\n"
    )
    case = read_case(src)
    out = tmp_path / "c.csv"
    write_case(case, out, "bdm")
    assert out.read_text().splitlines()[1] == "a,1,0,0.005"
    again = read_case(out)
    assert (case_arrays(again).salience == case_arrays(case).salience).all()


def test_writer_refuses_several_issues(data_dir, tmp_path):
    case = read_case(data_dir / "io" / "sample_data.txt")
    out = tmp_path / "out.csv"
    with pytest.raises(CaseError, match="the BDM CSV holds one issue; this case has 6"):
        write_case(case, out, "bdm")
    assert not out.exists()
