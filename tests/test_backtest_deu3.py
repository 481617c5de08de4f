"""The DEU III reader: layout, conventions (blank, sentinels, missing salience), capabilities, errors."""

from __future__ import annotations

import pytest
from conftest import DATA

from parley.backtest.deu3 import read_deu3
from parley.errors import CaseError

DEV = DATA / "deu3" / "deu3_dev.tsv"

HEADER = [
    "prnr",
    "isnr",
    "proc",
    "counvte",
    "pcom",
    "pat",
    "pde",
    "scom",
    "sat",
    "sde",
    "rp",
    "out",
]


def _write(path, rows, delimiter="\t", gdp=("4.1", "0.5", "4.1")):
    lines = [delimiter.join(HEADER)]
    if gdp is not None:
        lines.append(delimiter.join(["", "", "", "", *gdp, "", "", "", "", ""]))
    lines += [delimiter.join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dev_file_counts():
    data = read_deu3(DEV)
    # README: 85 proposals, 212 issues, 200 with a scoreable outcome
    assert len(data.cases) == 85
    assert sum(len(c.case.issues) for c in data.cases) == 212
    assert data.n_scored == 200


def test_first_issue_by_hand():
    case = next(c for c in read_deu3(DEV).cases if c.group == "d00032")
    issue = case.case.issue("d00032i1")
    assert (issue.outcome, issue.status_quo, issue.lower, issue.upper) == (100, 0, 0, 100)
    assert case.procedure["d00032i1"] == "COD" and case.voting["d00032i1"] == "QMV"
    st = case.case.stances
    assert st["at"]["d00032i1"].position.value == 40 and st["at"]["d00032i1"].salience.value == 40
    assert "d00032i1" not in st.get("bu", {})  # blank position: no stance
    assert case.case.actor("com").capability.value == 4.1  # GDP row, com set to the maximum
    assert case.case.actor("fr").capability.value == 2.8


def test_missing_salience_counts_50():
    # line 174 of the dev file: pie = 15 with a blank sie
    case = next(c for c in read_deu3(DEV).cases if c.group == "d05246")
    assert case.case.stances["ie"]["d05246i2"].salience.value == 50


def test_sentinels_blanks_and_scoring(tmp_path):
    rows = [
        # 999 salience with a position = 50; 999 position = no position; 999 outcome = none
        ["p1", "i1", "COD", "Unan", "100", "20", "0", "50", "20", "999", "", "60"],
        ["p1", "i2", "COD", "QMV", "10", "999", "30", "50", "20", "10", "40", "999"],  # no outcome
        ["p2", "i3", "CNS", "QMV", "10", "", "30", "50", "", "10", "", "30"],  # 2 positions
    ]
    data = read_deu3(_write(tmp_path / "x.tsv", rows))
    p1, p2 = data.cases
    assert p1.scored == ("i1",) and p2.scored == ()
    assert "i2" not in p1.case.stances["at"] and p1.case.stances["at"]["i1"].position.value == 20
    assert p1.case.stances["de"]["i1"].salience.value == 50
    assert p1.case.issue("i1").status_quo is None and p1.case.issue("i2").outcome is None
    assert p1.case.issue("i2").status_quo == 40
    assert p1.voting == {"i1": "Unan", "i2": "QMV"} and p2.procedure == {"i3": "CNS"}


def test_semicolon_release_with_decimal_commas(tmp_path):
    rows = [["p1", "i1", "COD", "QMV", "100", "12,5", "0", "50", "20", "40", "", "60"]]
    path = _write(tmp_path / "x.csv", rows, delimiter=";", gdp=("4,1", "0,5", "4,1"))
    (case,) = read_deu3(path).cases
    assert case.case.stances["at"]["i1"].position.value == 12.5
    assert case.case.actor("at").capability.value == 0.5


def test_capability_equal_and_csv(tmp_path):
    rows = [["p1", "i1", "COD", "QMV", "100", "20", "0", "50", "20", "40", "", "60"]]
    path = _write(tmp_path / "x.tsv", rows, gdp=None)
    (case,) = read_deu3(path, "equal").cases
    assert {a.capability.value for a in case.case.actors} == {1.0}
    caps = tmp_path / "caps.csv"
    caps.write_text("actor,capability\ncom,3\nat,1\nde,2\n")
    (case,) = read_deu3(path, caps).cases
    assert case.case.actor("de").capability.value == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("com,3\nat,1\n", r"no capability for actor\(s\) de"),
        ("com,3\nat,x\nde,1\n", "line 2: column 2: expected a number"),
        ("com,3\nat,1\nde,0\n", "line 3: column 2: capability must be > 0"),
        ("com,3\nat,1\nde,1\nfoo,2\n", "line 4: column 1: unknown actor 'foo'"),
        ("com,3\nat,1\nat,2\nde,1\n", "line 3: column 1: duplicate actor 'at'"),
    ],
)
def test_capability_csv_errors(tmp_path, content, expected):
    rows = [["p1", "i1", "COD", "QMV", "100", "20", "0", "50", "20", "40", "", "60"]]
    path = _write(tmp_path / "x.tsv", rows)
    caps = tmp_path / "caps.csv"
    caps.write_text(content)
    with pytest.raises(CaseError, match=expected) as info:
        read_deu3(path, caps)
    assert str(info.value).startswith(str(caps))


def test_cell_errors_name_file_line_and_column(tmp_path):
    rows = [
        ["p1", "i1", "COD", "QMV", "100", "20", "0", "50", "20", "40", "", "60"],
        ["p1", "i2", "COD", "QMV", "100", "abc", "0", "50", "20", "40", "", "6o"],
    ]
    path = _write(tmp_path / "x.tsv", rows)
    with pytest.raises(CaseError) as info:
        read_deu3(path)
    lines = str(info.value).splitlines()
    assert lines == [
        f"{path}: line 4: column pat (6): expected a number or a blank, got 'abc'",
        f"{path}: line 4: column out (12): expected a number or a blank, got '6o'",
    ]


def test_gdp_requested_without_gdp_row(tmp_path):
    rows = [["p1", "i1", "COD", "QMV", "100", "20", "0", "50", "20", "40", "", "60"]]
    with pytest.raises(CaseError, match="line 2: no GDP row"):
        read_deu3(_write(tmp_path / "x.tsv", rows, gdp=None))


def test_not_a_deu_file(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("a\tb\n1\t2\n")
    with pytest.raises(CaseError, match="line 1: missing column"):
        read_deu3(path)
