"""The stakeholder table (CSV, TSV, XLSX): columns, bounds, uncertainty, scales, the writer."""

from __future__ import annotations

import openpyxl
import pytest

from parley.case import case_arrays
from parley.errors import CaseError
from parley.io import read_case, write_case
from parley.io.formats import detect_format

TABLE = """actor,issue,position,salience,capability,low_position,high_position,lower,upper,unit
usa,timetable,24,90,10,12,36,0,48,months
usa,oil,0.8,40,10,,,0,1,
iran,timetable,0,70,4,,,,,
iran,oil,0.2,20,3,0.1,0.4,,,
"""


def test_reads_columns_bounds_uncertainty(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(TABLE)
    assert detect_format(path).name == "table"
    case = read_case(path)
    assert case.salience_scale == 100  # 90 > 1
    assert [a.id for a in case.actors] == ["usa", "iran"]
    timetable = case.issue("timetable")
    assert (timetable.lower, timetable.upper, timetable.unit) == (0, 48, "months")
    usa = case.stances["usa"]["timetable"].position
    assert (usa.value, usa.low, usa.high) == (24, 12, 36)
    iran = case.stances["iran"]["oil"]
    assert (iran.position.low, iran.position.high, iran.capability.value) == (0.1, 0.4, 3)
    arrays = case_arrays(case)
    assert arrays.salience[0, 1, 0] == pytest.approx(0.7)
    assert arrays.capability[0].tolist() == [[10, 10], [4, 3]]


def test_bounds_from_positions_when_not_given(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("actor,issue,position,salience,capability\na,x,3,0.5,1\nb,x,7.5,1,2\n")
    case = read_case(path)
    assert (case.issue("x").lower, case.issue("x").upper) == (3, 7.5)
    assert case.salience_scale == 1


def test_tab_separated(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text(
        "actor\tissue\tposition\tsalience\tcapability\na\tx\t3\t0.5\t1\nb\tx\t7\t1\t2\n"
    )
    case = read_case(path)
    assert case.stances["b"]["x"].position.value == 7


def test_actor_without_a_row_on_an_issue_is_fine(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "actor,issue,position,salience,capability\na,x,3,0.5,1\nb,x,7,1,2\na,y,1,0.5,1\nb,y,2,1,1\nc,x,5,1,1\n"
    )
    arrays = case_arrays(read_case(path))
    assert arrays.mask.tolist() == [[True, True], [True, True], [True, False]]


def test_xlsx_reader_rows_and_writer(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["Actor", "Issue", "Position", "Salience", "Capability", "lower", "upper"],
        ["a", "x", 3, 50, 1, 0, 10],
        ["b", "x", 7, 100, 2.5, None, None],
    ]:
        sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    case = read_case(path)
    assert case.salience_scale == 100
    assert (case.issue("x").lower, case.issue("x").upper) == (0, 10)
    assert case.stances["b"]["x"].capability.value == 2.5
    out = tmp_path / "out.xlsx"
    write_case(case, out)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("actor", "issue", "position", "salience", "capability", "lower", "upper")
    assert rows[2] == ("b", "x", 7, 100, 2.5, 0, 10)
    assert (case_arrays(read_case(out)).positions == case_arrays(case).positions).all()


def test_xlsx_errors_name_the_row(tmp_path):
    book = openpyxl.Workbook()
    for row in [
        ["actor", "issue", "position", "salience", "capability"],
        ["a", "x", "high", 50, 1],
    ]:
        book.active.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    with pytest.raises(CaseError, match=r"t.xlsx: row 2: position: expected a number, got 'high'"):
        read_case(path)


def test_csv_writer(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(TABLE)
    case = read_case(path)
    out = tmp_path / "out.csv"
    write_case(case, out)
    lines = out.read_text().splitlines()
    assert lines[0] == (
        "actor,issue,position,salience,capability,low_position,high_position,lower,upper,unit"
    )
    assert lines[1] == "usa,timetable,24,90,10,12,36,0,48,months"
    assert lines[4] == "iran,oil,0.2,20,3,0.1,0.4,0,1,"
    assert read_case(out).model_dump() == case.model_dump() | {
        "sources": ["out.csv"],
        "title": "out",
    }


def test_conflicting_bounds_are_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "actor,issue,position,salience,capability,lower,upper\na,x,3,0.5,1,0,10\nb,x,7,1,2,0,20\n"
    )
    with pytest.raises(
        CaseError, match=r"line 3: upper: 20 disagrees with 10 for issue 'x' \(line 2\)"
    ):
        read_case(path)


def test_duplicate_row_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("actor,issue,position,salience,capability\na,x,3,0.5,1\nb,x,7,1,2\na,x,4,1,1\n")
    with pytest.raises(
        CaseError, match=r"line 4: duplicate row for actor 'a' on issue 'x' \(line 2\)"
    ):
        read_case(path)


def test_unknown_and_missing_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("actor,issue,positon,salience,capability\na,x,3,0.5,1\n")
    with pytest.raises(CaseError) as info:
        read_case(path)
    # a misspelt required column is named with the column it resembles (issue #14: other
    # unknown columns are ignored with a warning, see test_reading_spreadsheets.py)
    assert str(info.value).splitlines() == [
        f"{path}: line 1: missing column(s) position; required: actor, issue, position, salience, "
        "capability; found 'positon' (did you mean 'position'?)"
    ]
