"""Spreadsheets and files as analysts have them (issue #14). Every fixture is written here.

The expected numbers are the cells as typed: a European `0,75` is 0.75, a title row is not an
actor; the workbook case's compromise forecast is checked by hand in its test.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import openpyxl
import pytest

import parley.io.layout
import parley.io.workbook
from parley.cli import app
from parley.cli.common import flag_lines
from parley.errors import CaseError, ParleyWarning
from parley.io import read_case

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
HEADER = ["actor", "issue", "position", "salience", "capability"]
ROWS = [["a", "x", 2, 0.25, 1], ["b", "x", 8, 0.75, 3]]


def test_doctests() -> None:
    assert doctest.testmod(parley.io.layout).failed == 0
    assert doctest.testmod(parley.io.workbook).failed == 0


def _csv(tmp_path: Path, text: str, name: str = "t.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _values(case) -> list[tuple[str, float, float, float]]:
    return [
        (a, s["x"].position.value, s["x"].salience.value, s["x"].capability.value)
        for a, s in case.stances.items()
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter) -> None:
    text = "\n".join(delimiter.join(map(str, r)) for r in [HEADER, *ROWS]) + "\n"
    case = read_case(_csv(tmp_path, text))
    assert _values(case) == [("a", 2, 0.25, 1), ("b", 8, 0.75, 3)]


def test_european_excel_csv(tmp_path) -> None:
    # what Excel writes in a German or Dutch locale: BOM, ';', decimal commas, CRLF
    text = "Actor;Issue;Position;Salience;Capability\r\na;x;2;0,25;1\r\nb;x;1.008,5;0,75;3\r\n"
    case = read_case(_csv(tmp_path, text, bom=True))
    assert _values(case) == [("a", 2, 0.25, 1), ("b", 1008.5, 0.75, 3)]


def test_old_mac_line_endings(tmp_path) -> None:
    text = "\r".join(",".join(map(str, r)) for r in [HEADER, *ROWS]) + "\r"
    assert _values(read_case(_csv(tmp_path, text))) == [("a", 2, 0.25, 1), ("b", 8, 0.75, 3)]


def test_extra_columns_are_ignored_with_one_warning(runner, tmp_path) -> None:
    text = "actor,issue,position,salience,capability,notes,source\n"
    text += "a,x,2,0.25,1,hawkish,interview\nb,x,8,0.75,3,,press\n"
    path = _csv(tmp_path, text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [
        f"warning: {path}: line 1: ignored column(s) 'notes', 'source' (parley reads actor, "
        "issue, position, salience, capability, low_position, high_position, low_salience, "
        "high_salience, low_capability, high_capability, issue_name, lower, upper, unit, "
        "status_quo, actor_name, tags)"
    ]


def test_title_and_blank_rows_above_the_header(tmp_path) -> None:
    text = "Iran nuclear talks 2015,,,,\nsource: interviews,,,,\n\n" + "\n".join(
        ",".join(map(str, r)) for r in [HEADER, *ROWS]
    )
    case = read_case(_csv(tmp_path, text))
    assert [a.id for a in case.actors] == ["a", "b"]


def test_header_row_option(runner, tmp_path) -> None:
    # the first row names actor and issue too (a summary line): --header-row picks the real one
    text = "actor,issue\nsummary,of positions\n" + "\n".join(
        ",".join(map(str, r)) for r in [HEADER, *ROWS]
    )
    path = _csv(tmp_path, text)
    with pytest.raises(CaseError):
        read_case(path)
    assert _values(read_case(path, header_row=3))[1] == ("b", 8, 0.75, 3)
    result = runner.invoke(app, ["forecast", str(path), "--header-row", "3", "-m", "compromise"])
    assert result.exit_code == 0, result.output
    # compromise = (2 x 1 x 0.25 + 8 x 3 x 0.75) / (1 x 0.25 + 3 x 0.75) = 18.5 / 2.5 = 7.4
    assert "7.4" in result.stdout
    result = runner.invoke(app, ["validate", str(path), "--header-row", "9"])
    assert (
        result.exit_code == 2 and "--header-row 9: line 9 is blank or past the end" in result.stderr
    )


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    for k, (title, rows) in enumerate(sheets.items()):
        sheet = book.active if k == 0 else book.create_sheet(title)
        sheet.title = title
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_first_sheet_with_the_columns_or_sheet_option(tmp_path) -> None:
    path = _book(
        tmp_path / "b.xlsx",
        {
            "Notes": [["read me first"], ["positions from interviews"]],
            "Old": [HEADER, ["a", "x", 1, 0.5, 1], ["b", "x", 9, 0.5, 1]],
            "New": [HEADER, *ROWS],
        },
    )
    assert _values(read_case(path))[0] == ("a", 1, 0.5, 1)  # 'Old': the first with the columns
    assert _values(read_case(path, sheet="New"))[0] == ("a", 2, 0.25, 1)
    with pytest.raises(CaseError) as info:
        read_case(path, sheet="new ")
    assert "no sheet 'new ' (did you mean 'New'?) in the workbook" in str(info.value)


def test_xlsx_without_the_columns_names_the_sheet_read_and_the_others(tmp_path) -> None:
    path = _book(
        tmp_path / "b.xlsx",
        {"Data": [["actor", "issue", "pos"], ["a", "x", 1]], "Notes": [["nothing here"]]},
    )
    with pytest.raises(CaseError) as info:
        read_case(path)
    assert str(info.value) == (
        f"{path}: no sheet has the columns actor, issue, position, salience, capability: read "
        "sheet 'Data' (row 1 lacks position, salience, capability); the other sheets: 'Notes'; "
        "choose one with sheet='NAME'"
    )
    assert flag_lines(info.value)[0].endswith("choose one with --sheet NAME")  # the CLI's words


def test_workbook_recognised_from_content(tmp_path) -> None:
    book = _book(tmp_path / "b.xlsx", {"stances": [HEADER, *ROWS]})
    renamed = tmp_path / "b.xls"
    renamed.write_bytes(book.read_bytes())
    assert _values(read_case(renamed)) == _values(read_case(book))
    csv_named_xlsx = _csv(
        tmp_path, "\n".join(",".join(map(str, r)) for r in [HEADER, *ROWS]), "c.xlsx"
    )
    assert _values(read_case(csv_named_xlsx)) == _values(read_case(book))
    old = tmp_path / "old.xls"  # the OLE2 signature of an Excel 97-2003 file, then padding
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    with pytest.raises(CaseError) as info:
        read_case(old)
    assert "an Excel 97-2003 workbook (.xls, binary); parley reads .xlsx" in str(info.value)
    assert "UTF-8" not in str(info.value)


def _whole_case_book(path: Path) -> Path:
    return _book(
        path,
        {
            "stances": [
                [*HEADER, "notes"],
                ["us", "deal", 3000, 90, None, "caps from the Actors sheet"],
                ["iran", "deal", 9000, 100, None, ""],
                ["eu", "deal", 5000, 60, 40, "own capability on this issue"],
            ],
            "Case": [["field", "value"], ["title", "Iran 2015"], ["source", "press"]],
            "Issues": [
                ["id", "name", "lower", "upper", "unit", "anchors", "outcome"],
                ["deal", "Centrifuges", 0, 20000, "centrifuges", "0: none\n6104: JCPOA", 6104],
            ],
            "Actors": [
                ["id", "name", "tags", "capability"],
                ["us", "United States", "p5, west", 100],
                ["iran", "Iran", "iran", 60],
                ["eu", "EU3", "p5, west", 30],
            ],
            "Scenarios": [
                ["scenario", "description", "change", "actor", "issue", "position"],
                ["hard line", "Iran hardens", "set", "iran", "deal", 12000],
                ["no eu", "", "drop", "eu", "", ""],
            ],
        },
    )


def test_whole_case_workbook(tmp_path) -> None:
    with pytest.warns(ParleyWarning, match=r"ignored column\(s\) 'notes'"):
        case = read_case(_whole_case_book(tmp_path / "iran.xlsx"))
    assert case.title == "Iran 2015" and case.sources == ["press"]
    deal = case.issue("deal")
    assert (deal.name, deal.upper, deal.unit, deal.outcome) == (
        "Centrifuges",
        20000,
        "centrifuges",
        6104,
    )
    assert deal.anchors == {0.0: "none", 6104.0: "JCPOA"}
    assert [a.tags for a in case.actors] == [["p5", "west"], ["iran"], ["p5", "west"]]
    assert case.stances["us"]["deal"].capability is None  # the Actors sheet's 100 applies
    assert case.stances["eu"]["deal"].capability.value == 40
    assert [s.name for s in case.scenarios] == ["hard line", "no eu"]
    assert case.scenarios[0].set[0].position == 12000 and case.scenarios[1].drop_actors == ["eu"]


def test_front_search_and_forecast_from_a_workbook(runner, tmp_path) -> None:
    path = _whole_case_book(tmp_path / "iran.xlsx")
    result = runner.invoke(app, ["forecast", str(path), "-m", "compromise"])
    assert result.exit_code == 0, result.output
    # (3000 x 100 x 0.9 + 9000 x 60 x 1 + 5000 x 40 x 0.6) / (90 + 60 + 24) = 930000 / 174
    assert "5,345" in result.stdout  # 5344.8
    result = runner.invoke(app, ["front", str(path), "--search", "--among", "west", "--all"])
    assert result.exit_code == 0, result.output
    assert "us, eu" in result.stdout  # the two actors tagged west, read from the Actors sheet


def test_yaml_to_xlsx_to_yaml_keeps_the_case(runner, tmp_path) -> None:
    book, back = tmp_path / "case.xlsx", tmp_path / "back.yaml"
    result = runner.invoke(app, ["convert", str(SEED), str(book)])
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    assert runner.invoke(app, ["convert", str(book), str(back)]).exit_code == 0
    assert read_case(back) == read_case(SEED)
    assert read_case(book) == read_case(SEED)


@pytest.mark.parametrize(("delimiter", "salience"), [(";", "0,5"), (",", "0.5"), ("\t", "0.5")])
def test_decide_delimiters(tmp_path, delimiter, salience) -> None:
    rows = [
        ["'#A'", "'NL'", "'Netherlands; VVD'"],
        ["'#A'", "'PvdA'", "'PvdA'"],
        ["'#P'", "'tax'", "'Tax'"],
        ["'#M'", "'tax'", "0", "'low'"],
        ["'#M'", "'tax'", "100", "'high'"],
        ["'#D'", "'NL'", "'tax'", "20", salience, "1"],
        ["'#D'", "'PvdA'", "'tax'", "80", "1", "2"],
    ]
    path = tmp_path / "formation.txt"
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    case = read_case(path)
    assert case.actor("NL").name == "Netherlands; VVD"  # a quoted field keeps its ';'
    assert case.stances["NL"]["tax"].salience.value == 0.5
    assert case.issue("tax").anchors == {0.0: "low", 100.0: "high"}


def test_bdm_repeated_role_names(runner, tmp_path) -> None:
    text = (
        "Actor,Capability,Position,Salience\nAttorney,50,100,80\nSection Chief,30,80,70\n"
        "Attorney,40,90,60\nAttorney,20,70,50\nSection Chief,10,60,90\nJudge,100,50,40\n"
    )
    path = _csv(tmp_path, text, "litigation.csv")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning:") == 1
    assert "'Attorney' (lines 2, 4, 5); 'Section Chief' (lines 3, 6)" in result.stderr
    with pytest.warns(ParleyWarning, match="rows repeat the Actor name"):
        case = read_case(path)
    assert [a.id for a in case.actors] == [
        "Attorney",
        "Section Chief",
        "Attorney (2)",
        "Attorney (3)",
        "Section Chief (2)",
        "Judge",
    ]
    assert case.actor("Attorney (3)").label == "Attorney"
    assert case.stances["Attorney (3)"]["issue"].position.value == 70
