"""Every validation error of the foundation issue (item 4), through `parley convert IN OUT`.

Each bad input gives one line per problem naming the file, the line (or row) and the field, exit
code 2, no traceback, and convert writes nothing. Legitimate edge cases are not errors.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parley.cli import app

HEADER = "actor,issue,position,salience,capability"


def convert_fails(runner, src: Path, tmp_path: Path, suffix: str = ".yaml") -> list[str]:
    """Run convert on a bad input; check the contract and return the error lines."""
    out = tmp_path / f"converted{suffix}"
    result = runner.invoke(app, ["convert", str(src), str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.glob(".converted*")) == []  # no temporary file left behind either
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    return [line.removeprefix("error: ") for line in lines]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_unknown_actor_in_a_row(runner, tmp_path):
    src = write(
        tmp_path,
        "c.txt",
        "#A\ta\n#A\tb\n#P\tx\tX\n#D\ta\tx\t10\t0.5\t1\n#D\tzz\tx\t20\t0.5\t1\n#D\tb\tx\t20\t0.5\t1\n",
    )
    assert convert_fails(runner, src, tmp_path) == [f"{src}: line 5: actor: unknown actor 'zz'"]


def test_unknown_issue_in_a_row(runner, tmp_path):
    src = write(
        tmp_path,
        "c.txt",
        "#A\ta\n#A\tb\n#P\tx\tX\n#D\ta\tx\t10\t0.5\t1\n#D\tb\tq\t20\t0.5\t1\n#D\tb\tx\t20\t0.5\t1\n",
    )
    assert convert_fails(runner, src, tmp_path) == [f"{src}: line 5: issue: unknown issue 'q'"]


def test_unknown_actor_in_ktab_xml_adjustment(runner, data_dir, tmp_path):
    text = (data_dir / "io" / "smpExample.xml").read_text(encoding="utf-8-sig")
    text = text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>")
    text = text.replace(
        "<referencePos>David</referencePos>", "<referencePos>Dave</referencePos>", 1
    )
    src = write(tmp_path, "s.xml", text)
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 139: referencePos: unknown actor 'Dave'"
    ]


def test_duplicate_actor(runner, tmp_path):
    """In the BDM CSV a repeated name is a role several actors share (issue #14): see
    test_reading_spreadsheets.py. In formats where a row is an actor-issue pair, a repeated pair
    stays an error."""
    src = write(tmp_path, "t.csv", f"{HEADER}\na,x,1,0.5,1\nb,x,5,0.5,1\na,x,2,0.5,1\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 4: duplicate row for actor 'a' on issue 'x' (line 2)"
    ]


def test_duplicate_actor_in_decide(runner, tmp_path):
    src = write(
        tmp_path,
        "c.txt",
        "#A\ta\n#A\tb\n#A\ta\n#P\tx\n#D\ta\tx\t10\t0.5\t1\n#D\tb\tx\t20\t0.5\t1\n",
    )
    assert convert_fails(runner, src, tmp_path) == [f"{src}: line 3: actor: duplicate actor 'a'"]


def test_salience_out_of_range(runner, tmp_path):
    src = write(tmp_path, "b.csv", "Actor,Capability,Position,Salience\nA,1,2,50\nB,1,3,150\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 3: Salience: 150 is outside [0, 100]"
    ]


def test_salience_out_of_range_in_decide(runner, tmp_path):
    src = write(
        tmp_path, "c.txt", "#A\ta\n#A\tb\n#P\tx\n#D\ta\tx\t10\t1.5\t1\n#D\tb\tx\t20\t-0.5\t1\n"
    )
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 4: salience: 1.5 is outside [0, 1]",
        f"{src}: line 5: salience: -0.5 is outside [0, 1]",
    ]


def test_position_out_of_range(runner, tmp_path):
    src = write(tmp_path, "t.csv", f"{HEADER},lower,upper\na,x,12,0.5,1,0,10\nb,x,5,1,1,,\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 2: position: 12 is outside [0, 10]"
    ]


def test_position_out_of_range_in_ktab(runner, data_dir, tmp_path):
    text = (data_dir / "io" / "dummyData_3Dim.csv").read_text()
    src = write(tmp_path, "k.csv", text.replace("82.72", "182.72"))
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 4: Pstn1: 182.72 is outside [0, 100]"
    ]


def test_non_numeric_cell(runner, tmp_path):
    src = write(tmp_path, "b.csv", "Actor,Capability,Position,Salience\nA,high,2,50\nB,1,3,40\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 2: Capability: expected a number, got 'high'"
    ]


def test_decimal_comma_is_non_numeric(runner, tmp_path):
    src = write(
        tmp_path, "c.txt", "#A\ta\n#A\tb\n#P\tx\n#D\ta\tx\t10\t0,5\t1\n#D\tb\tx\t20\t0.5\t1\n"
    )
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 4: salience: expected a number, got '0,5'"
    ]


def test_empty_cell(runner, tmp_path):
    src = write(tmp_path, "t.csv", f"{HEADER}\na,x,1,0.5,1\nb,x,5,,1\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 3: salience: expected a number, got an empty cell"
    ]


@pytest.mark.parametrize("capability", ["0", "-2"])
def test_capability_not_positive(runner, tmp_path, capability):
    src = write(
        tmp_path, "b.csv", f"Actor,Capability,Position,Salience\nA,1,2,50\nB,{capability},3,40\n"
    )
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 3: Capability: capability must be > 0, got {capability}"
    ]


def test_all_saliences_of_an_actor_zero(runner, tmp_path):
    src = write(tmp_path, "t.csv", f"{HEADER}\na,x,1,0.5,1\nb,x,5,0,1\na,y,1,0.5,1\nb,y,2,0,1\n")
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 3: salience: all saliences of actor 'b' are zero"
    ]


@pytest.mark.parametrize(
    "name", ["empty.csv", "empty.yaml", "empty.txt", "empty.xlsx", "empty.xml"]
)
@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file(runner, tmp_path, name, content):
    src = write(tmp_path, name, content)
    assert convert_fails(runner, src, tmp_path) == [f"{src}: the file is empty"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a stakeholder table with '|' (';' and tabs are sniffed: issue #14)
            "actor|issue|position|salience|capability\na|x|1|1|1\n",
            "line 1: expected comma-, semicolon- or tab-separated columns actor, issue, position, "
            "salience, capability; the header 'actor|issue|position|salience|capability' is one "
            "column (delimiter '|'?)",
        ),
        (
            "Actor;Capability;Position;Salience\nA;1;2;50\n",
            "line 1: expected comma-separated columns Actor,Capability,Position,Salience; the header "
            "'Actor;Capability;Position;Salience' is one column (delimiter ';'?)",
        ),
        (  # ';' and ',' are Decide delimiters too (issue #14); '|' is not
            "#A|a\n#P|x\n#D|a|x|1|1|1\n",
            "line 1: expected Decide rows (#A, #P, #M, #D) separated by tabs, ';' or ','; found "
            "none of them (delimiter '|'?)",
        ),
    ],
)
def test_wrong_delimiter(runner, tmp_path, text, expected):
    src = write(tmp_path, "c.csv", text)
    assert convert_fails(runner, src, tmp_path) == [f"{src}: {expected}"]


def test_wrong_encoding(runner, tmp_path):
    src = write(
        tmp_path,
        "b.csv",
        b"Actor,Capability,Position,Salience\nA,1,2,50\n" + "José,1,3,40\n".encode("latin-1"),
    )
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    ]


def test_xml_as_shipped_with_an_empty_element(runner, data_dir, tmp_path):
    src = tmp_path / "smpExample.xml"
    shutil.copy(data_dir / "io" / "smpExample.xml", src)
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 32: actor 'Alice': position 1 (FirstDim): <dCoord> is empty, expected a number"
    ]


def test_xml_with_a_missing_element(runner, data_dir, tmp_path):
    text = (data_dir / "io" / "smpExample.xml").read_text(encoding="utf-8-sig")
    text = text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>")
    text = text.replace("<capability>93.2</capability>", "")
    text = text.replace("<dSal>18.2</dSal>", "")
    src = write(tmp_path, "s.xml", text)
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 43: actor 'Bob': missing element <capability>",
        f"{src}: line 68: actor 'Carol': 2 <dSal> elements, expected 3 (one per dimension)",
    ]


def test_copenhagen_with_errors_reports_all(runner, data_dir, tmp_path):
    src = tmp_path / "copenhagen_with_errors.csv"
    shutil.copy(data_dir / "io" / "copenhagen_with_errors.csv", src)
    assert convert_fails(runner, src, tmp_path) == [
        f"{src}: line 86: position: 160 is outside [0, 100]",
        f"{src}: line 87: power: capability must be > 0, got -0.247",
    ]


def test_unsafe_yaml_is_refused_not_executed(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = write(
        tmp_path,
        "evil.yaml",
        'title: !!python/object/apply:os.system ["touch pwned"]\nactors: []\nissues: []\n',
    )
    lines = convert_fails(runner, src, tmp_path, ".json")
    assert lines == [
        f"{src}: line 1: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ]
    assert not (tmp_path / "pwned").exists()


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Scenario><name>&lol3;</name></Scenario>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Scenario><name>&xxe;</name></Scenario>
"""
REFUSED = (
    "XML entity declarations and external references are refused (they can expand without bound "
    "or read other files); remove the <!DOCTYPE> part"
)


@pytest.mark.parametrize(("text", "line"), [(BOMB, 3), (EXTERNAL, 2)])
def test_xml_entities_are_refused(runner, tmp_path, text, line):
    src = write(tmp_path, "evil.xml", text)
    assert convert_fails(runner, src, tmp_path) == [f"{src}: line {line}: {REFUSED}"]


def test_unrecognised_file(runner, tmp_path):
    src = write(tmp_path, "c.csv", "round,median,mean\n1,8.4,7.4\n")
    [line] = convert_fails(runner, src, tmp_path)
    assert line.startswith(
        f"{src}: cannot recognise the file's format (wrong delimiter or layout?)"
    )


# --- legitimate edge cases: not errors --------------------------------------------------------------


def test_all_actors_agree_is_a_warning(runner, tmp_path):
    src = write(tmp_path, "b.csv", "Actor,Capability,Position,Salience\nA,1,5,50\nB,2,5,60\n")
    result = runner.invoke(app, ["validate", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: issue 'issue': all actors take the same position (5); every model forecasts that point"
    ]
    out = tmp_path / "agree.yaml"
    assert runner.invoke(app, ["convert", str(src), str(out)]).exit_code == 0
    assert out.exists()


def test_actor_without_position_on_an_issue_is_fine(runner, data_dir, tmp_path):
    src = data_dir / "io" / "copenhagen.csv"  # Russia has no #D row on Commitments and Extra
    result = runner.invoke(app, ["validate", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "ok: 11 actors, 7 issues" in result.stdout
