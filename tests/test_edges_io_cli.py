"""Hostile inputs at parley's edges: every bad file is one error line naming the file, exit 2,
nothing written; odd but valid cases run through every command.

Each probe crafts its input in tmp_path and drives the CLI as a user would.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from parley.cli import app

runner = CliRunner()

TABLE = "actor,issue,position,salience,capability\na,x,1,50,10\nb,x,5,60,20\n"
YAML = """\
issues:
  - {id: x, lower: 0, upper: 10}
actors:
  - {id: a, capability: 1}
  - {id: b, capability: 2}
stances:
  a: {x: {position: 1, salience: 50}}
  b: {x: {position: 9, salience: 60}}
salience_scale: 100
"""


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def rejected(result, name: str, *fragments: str) -> list[str]:
    """Exit 2, no traceback, every output line an `error:` line naming the file."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines, "no error line"
    for line in lines:
        assert line.startswith("error: "), line
        assert name in line, line
    text = "\n".join(lines)
    for fragment in fragments:
        assert fragment in text, text
    return lines


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def workbook(tmp_path: Path, name: str, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# --- text quirks that must be read as intended -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + TABLE,  # a BOM, as Excel writes
        TABLE.replace("\n", "\r\n"),  # Windows line endings
        TABLE.replace("a,x,1,50,10", 'a,x,"1",50,10'),  # quoted numbers
    ],
    ids=["bom", "crlf", "quoted"],
)
def test_table_csv_quirks_read_as_plain(tmp_path, text):
    path = write(tmp_path, "t.csv", text)
    result = invoke("forecast", path, "-m", "compromise", "-f", "json")
    assert result.exit_code == 0, result.output
    # hand calculation: weights c*s = 10*0.5 = 5 and 20*0.6 = 12; (5*1 + 12*5) / 17
    assert f"{(5 * 1 + 12 * 5) / 17!r}" in result.output


def test_quoted_names_with_commas_survive(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "actor,issue,position,salience,capability,actor_name\n"
        'a,x,1,50,10,"Smith, John"\nb,x,5,60,20,"B, Inc"\n',
    )
    out = tmp_path / "out.yaml"
    assert invoke("convert", path, out).exit_code == 0
    assert "name: Smith, John" in out.read_text()


# --- bad values in every row format ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("dup.csv", "actor,issue,position,salience,capability,actor\na,x,1,50,10,a\n", "twice"),
        ("huge.csv", TABLE + "c,x,1e400,50,10\n", "line 4: position"),
        ("nan.csv", TABLE + "c,x,nan,50,10\n", "line 4: position"),
        ("nansal.csv", TABLE + "c,x,3,nan,4\n", "line 4: salience"),
        ("neg.csv", TABLE + "c,x,3,50,-4\n", "line 4: capability: capability must be > 0"),
        ("infcap.csv", TABLE + "c,x,3,50,inf\n", "line 4: capability: capability must be a finite"),
        (
            "infcap_high.csv",
            "actor,issue,position,salience,capability,high_capability\na,x,1,50,10,inf\n"
            "b,x,5,60,20,30\n",
            "line 2: high_capability: capability must be a finite",
        ),
        (
            "infbound.csv",
            "actor,issue,position,salience,capability,lower,upper\na,x,1,50,10,0,inf\n"
            "b,x,5,60,20,0,inf\n",
            "line 2: upper: upper bound must be a finite number",
        ),
        (
            "bdm_neg.csv",
            "Actor,Capability,Position,Salience\nA,-1,2,50\nB,2,4,60\n",
            "line 2: Capability: capability must be > 0",
        ),
        (
            "bdm_inf.csv",
            "Actor,Capability,Position,Salience\nA,inf,2,50\nB,2,4,60\n",
            "line 2: Capability: capability must be a finite number",
        ),
        (
            "bdm_short.csv",
            "Actor,Capability,Position,Salience\nA,1,2\nB,2,4,60\n",
            "line 2: expected 4 cells",
        ),
        (
            "decide_inf.txt",
            "#A\tA\tA\n#A\tB\tB\n#P\tx\tX\n#D\tA\tx\t10\t0.5\tinf\n#D\tB\tx\t20\t0.5\t1\n",
            "line 4: power: capability must be a finite number",
        ),
        (
            "decide_neg.txt",
            "#A\tA\tA\n#A\tB\tB\n#P\tx\tX\n#D\tA\tx\t10\t0.5\t-3\n#D\tB\tx\t20\t0.5\t1\n",
            "line 4: power: capability must be > 0",
        ),
    ],
)
def test_bad_rows_are_one_located_line(tmp_path, name, text, fragment):
    rejected(invoke("validate", write(tmp_path, name, text)), name, fragment)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (
            "capability: 1}",
            "capability: .inf}",
            "line 4: actors.0.capability: capability must be a",
        ),
        ("capability: 1}", "capability: -1}", "line 4: actors.0.capability: capability must be >"),
        ("upper: 10", "upper: .inf", "line 2: issues.0.upper: upper bound must be a finite"),
        ("lower: 0", "lower: -.inf", "line 2: issues.0.lower: lower bound must be a finite"),
        ("lower: 0", "lower: .nan", "line 2: issues.0.upper"),
        ("position: 1,", "position: .nan,", "line 7: stances.a.x.position"),
    ],
)
def test_non_finite_yaml_values_rejected(tmp_path, old, new, fragment):
    path = write(tmp_path, "c.yaml", YAML.replace(old, new, 1))
    rejected(invoke("validate", path), "c.yaml", fragment)


def test_infinite_capability_never_reaches_a_model(tmp_path):
    """Before the fix an infinite capability passed validation and every forecast was null."""
    path = write(tmp_path, "t.csv", TABLE + "c,x,3,50,inf\n")
    rejected(invoke("forecast", path, "-m", "compromise", "-f", "json"), "t.csv", "finite")


# --- files that are not what they claim --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("list.yaml", "- a\n- b\n"),
        ("scalar.yaml", "hello\n"),
        ("number.yaml", "42\n"),
        ("list.json", "[1, 2]\n"),
        ("scalar.json", '"x"\n'),
        ("blank.yaml", "\n  \n"),
        (
            "tag.yaml",
            YAML.replace("capability: 1}", "capability: !!python/object/apply:os.system [x]}"),
        ),
        ("noissues.yaml", "actors: [{id: a, capability: 1}]\nissues: []\n"),
    ],
)
def test_wrong_shapes_rejected(tmp_path, name, text):
    rejected(invoke("validate", write(tmp_path, name, text)), name)


def test_directory_as_case(tmp_path):
    rejected(invoke("validate", tmp_path), str(tmp_path), "is a directory")


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    """'Billion laughs': nine levels of nine aliases; before the fix validate never returned."""
    text = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
    prev = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    text += "actors: *i\nissues: []\n"
    rejected(invoke("validate", write(tmp_path, "bomb.yaml", text)), "bomb.yaml", "expands to")


def test_yaml_alias_to_itself(tmp_path):
    path = write(tmp_path, "rec.yaml", "a: &a [*a]\n" + YAML)
    rejected(invoke("validate", path), "rec.yaml", "line 1", "refers to itself")


def test_moderate_aliases_still_work(tmp_path):
    """Aliases themselves are legitimate YAML: a shared stance written once."""
    text = YAML.replace(
        "a: {x: {position: 1, salience: 50}}", "a: {x: &s {position: 1, salience: 50}}"
    )
    text = text.replace("b: {x: {position: 9, salience: 60}}", "b: {x: *s}")
    result = invoke("validate", write(tmp_path, "alias.yaml", text))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deep_nesting_rejected(tmp_path, name):
    depth = 5000 if name.endswith("yaml") else 100_000
    text = '{"actors": ' + "[" * depth + "]" * depth + ', "issues": []}\n'
    rejected(invoke("validate", write(tmp_path, name, text)), name, "nested too deeply")


# --- workbooks ---------------------------------------------------------------------------------

HEADER = ["actor", "issue", "position", "salience", "capability"]


def test_xlsx_damaged_sheet_xml(tmp_path):
    """A workbook whose sheet XML is cut short (openpyxl reads it lazily): was a traceback."""
    good = workbook(tmp_path, "good.xlsx", [HEADER, ["a", "x", 1, 50, 10], ["b", "x", 5, 60, 20]])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    rejected(invoke("validate", bad), "bad.xlsx", "damaged")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_xlsx_truncated(tmp_path, cut):
    good = workbook(tmp_path, "good.xlsx", [HEADER, ["a", "x", 1, 50, 10], ["b", "x", 5, 60, 20]])
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: int(len(data) * cut)])
    rejected(invoke("validate", bad), "cut.xlsx")


def test_xlsx_not_a_workbook(tmp_path):
    rejected(invoke("validate", write(tmp_path, "t.xlsx", TABLE)), "t.xlsx", "not a readable")


def test_xlsx_date_cell_named(tmp_path):
    import datetime

    path = workbook(
        tmp_path,
        "d.xlsx",
        [HEADER, ["a", "x", datetime.datetime(2020, 1, 1), 50, 10], ["b", "x", 5, 60, 20]],
    )
    rejected(invoke("validate", path), "d.xlsx", "row 2: position: expected a number")


def test_xlsx_negative_capability(tmp_path):
    path = workbook(tmp_path, "n.xlsx", [HEADER, ["a", "x", 1, 50, -10], ["b", "x", 5, 60, 20]])
    rejected(invoke("validate", path), "n.xlsx", "row 2: capability: capability must be > 0")


def test_xlsx_duplicate_header(tmp_path):
    path = workbook(tmp_path, "h.xlsx", [[*HEADER, "actor"], ["a", "x", 1, 50, 10, "a"]])
    rejected(invoke("validate", path), "h.xlsx", "row 1", "twice")
