"""Hostile inputs at parley's edges: every bad file is one error line naming the file, exit 2,
nothing written; odd but valid cases run through every command.

Each probe crafts its input in tmp_path and drives the CLI as a user would.
"""

from __future__ import annotations

import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from hostile.corpus import TABLE, YAML
from typer.testing import CliRunner

from parley.cli import app

runner = CliRunner()


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


def test_yaml_key_given_twice(tmp_path):
    """YAML loaders keep the last of two equal keys: a second `b:` stance silently replaced the
    first, and a repeated top-level field won without a word."""
    text = YAML + "salience_scale: 1\n" + "stances:\n  a: {x: {position: 1, salience: 1}}\n"
    lines = rejected(invoke("validate", write(tmp_path, "k.yaml", text)), "k.yaml")
    assert [line.split("k.yaml: ")[1] for line in lines] == [
        "line 10: salience_scale: given twice (first on line 9)",
        "line 11: stances: given twice (first on line 6)",
    ]
    inner = YAML.replace(
        "b: {x: {position: 9, salience: 60}}", "b: {x: {position: 9, salience: 60}}\n  b: {}"
    )
    rejected(
        invoke("validate", write(tmp_path, "i.yaml", inner)), "i.yaml", "line 9: b: given twice"
    )


def test_json_key_given_twice(tmp_path):
    text = '{"issues": [], "actors": [],\n "issues": []}\n'
    rejected(
        invoke("validate", write(tmp_path, "k.json", text)), "k.json", "line 2: issues: given twice"
    )


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
    """A CSV named .xlsx is read as the CSV it is (issue #14); a file that is neither is refused
    as a workbook that cannot be read."""
    assert invoke("validate", write(tmp_path, "t.xlsx", TABLE)).exit_code == 0
    rejected(invoke("validate", write(tmp_path, "u.xlsx", "hello\n")), "u.xlsx", "not a readable")


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


# --- scenarios ---------------------------------------------------------------------------------


def scenario_case(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, "s.yaml", YAML + "scenarios:\n  - name: sc\n" + body)


def test_scenario_problems_are_one_line_each(tmp_path):
    """Two problems of a patched case were joined on one line with '; '."""
    path = scenario_case(tmp_path, "    drop_actors: [a, b]\n")
    for command in (["validate", path], ["forecast", path, "-s", "sc", "-m", "compromise"]):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert lines == [  # the file is named too (it was not)
            f"error: {path}: scenario 'sc': actors: the case has no actors",
            f"error: {path}: scenario 'sc': issues.0.id: no actor takes a position on issue 'x'",
        ]


def test_scenario_re_adding_an_existing_actor(tmp_path):
    path = scenario_case(
        tmp_path,
        "    add_actors: [{id: a, capability: 3, stances: {x: {position: 2, salience: 10}}}]\n"
        "    drop_actors: [a]\n",
    )
    rejected(invoke("validate", path), "s.yaml", "add_actors.0.id: actor 'a' already exists")


def test_scenario_dropping_one_actor_leaves_the_other(tmp_path):
    path = scenario_case(tmp_path, "    drop_actors: [a]\n")
    result = invoke("compare", path, "-m", "compromise", "-f", "json")
    assert result.exit_code == 0, result.output
    # base: (1*0.5*1 + 2*0.6*9) / (0.5 + 1.2) = 11.3 / 1.7; without a: b's position 9
    assert '"x": 9.0' in result.output
    assert f'"x": {9.0 - 11.3 / 1.7!r}' in result.output


def test_unknown_scenario_and_reserved_base(tmp_path):
    path = scenario_case(tmp_path, "    drop_actors: [a]\n")
    rejected(invoke("forecast", path, "-s", "nope"), "s.yaml", "unknown scenario 'nope'")
    for args in (
        ["compare"],
        ["coalitions"],
        ["front", "--members", "a,b"],
        ["report", "-o", "r.html"],
    ):
        result = invoke(args[0], path, *args[1:], "-s", "nope")
        rejected(result, "s.yaml", "unknown scenario 'nope'")
    rejected(invoke("compare", path, "-s", "base"), "base", "may not be named 'base'")


# --- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--param", "eum.rounds=3"], "model 'eum' is not among the chosen models"),
        (["--param", "rounds=3"], "no chosen model has a parameter 'rounds'"),
        (["--param", "rounds"], "--param expects NAME=VALUE"),
        (["--preset", "scholz_code"], "no chosen model has a preset 'scholz_code'"),
        (["-m", "nosuch"], "unknown model 'nosuch'"),
    ],
)
def test_option_mistakes(tmp_path, args, fragment):
    path = write(tmp_path, "c.yaml", YAML)
    result = invoke("forecast", path, "-m", "compromise", *args)
    assert result.exit_code == 2 and fragment in result.output, result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1


def test_invalid_format_is_a_usage_error(tmp_path):
    result = invoke("forecast", write(tmp_path, "c.yaml", YAML), "--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of" in result.output


# --- outputs -----------------------------------------------------------------------------------


def test_read_only_output_is_not_replaced(tmp_path):
    """atomic_write renamed over a read-only file (a rename needs only the folder writable)."""
    source = write(tmp_path, "c.yaml", YAML)
    target = write(tmp_path, "out.json", "keep me\n")
    target.chmod(0o444)
    try:
        rejected(invoke("convert", source, target), "out.json", "read-only")
        assert target.read_text() == "keep me\n"
    finally:
        target.chmod(0o644)


@pytest.mark.parametrize("target", ["missing/out.yaml", "out.docx", "."])
def test_unwritable_targets(tmp_path, target):
    source = write(tmp_path, "c.yaml", YAML)
    result = invoke("convert", source, tmp_path / target)
    assert result.exit_code == 2 and result.output.startswith("error: "), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_convert_refuses_what_the_format_cannot_hold(tmp_path):
    source = write(
        tmp_path,
        "c.yaml",
        YAML.replace("upper: 10}", "upper: 10}\n  - {id: y, lower: 0, upper: 1}").replace(
            "position: 9, salience: 60}",
            "position: 9, salience: 60}, y: {position: 1, salience: 5}",
        ),
    )
    rejected(invoke("convert", source, tmp_path / "o.csv", "--to", "bdm"), "o.csv", "one issue")
    assert not (tmp_path / "o.csv").exists()


# --- round trips -------------------------------------------------------------------------------

DATA = Path(__file__).parent / "data" / "io"
SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
SUFFIX = {
    "yaml": ".yaml",
    "json": ".json",
    "table": ".csv",
    "xlsx": ".xlsx",
    "bdm": ".csv",
    "ktab": ".csv",
    "ktab-xml": ".xml",
    "decide": ".txt",
}


@pytest.mark.parametrize(
    "source",
    [SEED, DATA / "greece_2015_debt_relief.csv", DATA / "dummyData_3Dim.csv"],
    ids=lambda p: p.name,
)
def test_every_format_through_every_other_and_back(tmp_path, source):
    """Case -> format 1 -> format 2 -> arrays: every number where an actor holds a position is
    unchanged (exactly, except KTAB, which rescales positions to 0-100 and capability ratios)."""
    import numpy as np

    from parley.case import case_arrays
    from parley.errors import CaseError
    from parley.io import FORMATS, read_case, write_case

    case = read_case(source)
    a = case_arrays(case)
    done = 0
    for f1 in FORMATS:
        for f2 in FORMATS:
            try:
                one = tmp_path / f"1-{f1.name}{SUFFIX[f1.name]}"
                write_case(case, one, f1.name)
                two = tmp_path / f"2-{f1.name}-{f2.name}{SUFFIX[f2.name]}"
                write_case(read_case(one), two, f2.name)
            except CaseError as exc:
                assert "cannot hold" in str(exc) or "holds one issue" in str(exc), str(exc)
                continue
            b = case_arrays(read_case(two))
            done += 1
            where = (f1.name, f2.name)
            assert (a.actor_ids, a.issue_ids) == (b.actor_ids, b.issue_ids), where
            np.testing.assert_array_equal(a.mask, b.mask, err_msg=str(where))
            m = a.mask[None]
            if "ktab" in f1.name or "ktab" in f2.name:
                np.testing.assert_allclose(
                    np.where(m, a.normalised(), 0), np.where(m, b.normalised(), 0), atol=1e-12
                )
            else:
                np.testing.assert_array_equal(
                    np.where(m, a.positions, 0), np.where(m, b.positions, 0)
                )
                np.testing.assert_array_equal(a.bounds, b.bounds, err_msg=str(where))
            np.testing.assert_allclose(
                np.where(m, a.salience, 0),
                np.where(m, b.salience, 0),
                rtol=1e-15,
                err_msg=str(where),
            )
            ca, cb = np.where(m, a.capability, 0), np.where(m, b.capability, 0)
            np.testing.assert_allclose(ca / ca.sum(), cb / cb.sum(), rtol=1e-12, err_msg=str(where))
    assert done >= 25


# --- odd cases through every command -----------------------------------------------------------

ONE_ACTOR = """\
issues:
  - {id: x, lower: 0, upper: 10}
actors:
  - {id: a, capability: 1}
stances:
  a: {x: {position: 3, salience: 0.5}}
"""
AGREE = """\
issues:
  - {id: x, lower: 0, upper: 10}
  - {id: y, lower: 0, upper: 1}
actors:
  - {id: a, capability: 1, tags: [t]}
  - {id: b, capability: 2, tags: [t]}
  - {id: c, capability: 2}
stances:
  a: {x: {position: 3, salience: 0.5}, y: {position: 1, salience: 0.5}}
  b: {x: {position: 3, salience: 0.5}}
  c: {x: {position: 3, salience: 0.5}, y: {position: null, salience: 0}}
"""


@pytest.mark.parametrize("text", [ONE_ACTOR, AGREE], ids=["one-actor", "all-agree"])
def test_odd_cases_run_everywhere(tmp_path, text):
    path = write(tmp_path, "c.yaml", text)
    for model in ("compromise", "eum", "exchange", "smp"):
        result = invoke("forecast", path, "-m", model, "-f", "csv")
        assert result.exit_code == 0, (model, result.output)
        assert f"{model},x,3.0," in result.output  # everyone holding a position agrees
    assert invoke("compare", path, "-m", "compromise").exit_code == 0
    for extra in ([], ["--issue", "x"]):
        result = invoke("coalitions", path, *extra)
        assert result.exit_code == 0, result.output
    report = tmp_path / "r.html"
    result = invoke("report", path, "-o", report, "-m", "compromise")
    assert result.exit_code == 0 and report.stat().st_size > 0, result.output


def test_front_and_coalition_mistakes_on_one_actor(tmp_path):
    path = write(tmp_path, "c.yaml", ONE_ACTOR)
    for args, fragment in [
        (["coalitions", path, "--exclude", "a"], "no players"),
        (["coalitions", path, "--quota", "count:5"], "more members than the 1 players"),
        (["front", path, "--members", "a"], "at least two members"),
        (["front", path, "--members", "a,zz", "-m", "compromise"], "unknown actor 'zz'"),
        (
            ["front", path, "--search", "--among", "t", "-m", "compromise"],
            "tags in this case: none",
        ),
    ]:
        result = invoke(*args)
        assert result.exit_code == 2 and fragment in result.output, (args, result.output)
        assert result.output.startswith("error: ")


# --- the report escapes every string the case holds --------------------------------------------


class Elements(HTMLParser):
    """The tags and attributes of a page (text is ignored)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]


def test_report_escapes_ids_tags_units_and_scenario_names(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("jinja2")
    import yaml

    def evil(k: str) -> str:
        return f"{k}<img src=http://e.x/{k} onerror=alert(1)>\"'&$x^{{2}}$"

    a, x, b = evil("actor"), evil("issue"), "b </style><script>x()</script>"
    case = {
        "title": evil("title"),
        "actors": [
            {"id": a, "tags": [evil("tag")], "capability": 3},
            {"id": b, "tags": [evil("tag")], "capability": 2},
            {"id": "c", "tags": ["plain"], "capability": 2},
        ],
        "issues": [
            {
                "id": x,
                "lower": 0,
                "upper": 10,
                "unit": evil("unit"),
                "anchors": {0: evil("anchor")},
                "status_quo": 5,
                "outcome": 4,
            }
        ],
        "stances": {
            a: {x: {"position": 2, "salience": 0.5}},
            b: {x: {"position": 8, "salience": 0.6}},
            "c": {x: {"position": 5, "salience": 0.6}},
        },
        "scenarios": [{"name": evil("scen"), "set": [{"actor": "c", "capability": 9}]}],
    }
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "evil.html"
    result = invoke(
        "report",
        path,
        "-o",
        out,
        "-m",
        "compromise",
        "--front",
        f"{a},c",
        "--front-search",
        evil("tag"),
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    elements = Elements()
    elements.feed(html)
    assert not {"img", "script", "iframe", "link", "object"} & elements.tags
    assert not [(t, k) for t, k, _ in elements.attrs if k.startswith("on")]
    assert not [(t, k, v) for t, k, v in elements.attrs if k in ("src", "href") and "//" in v]
    assert html.count("</style>") == html.count("<style")
    for word in ("actor", "issue", "tag", "unit", "anchor", "scen", "title"):
        assert f"{word}&lt;img" in html, word  # shown, as text


# --- terminal output prints user text as written -----------------------------------------------

MARKUP = "[/bold] [red]x[/] [link=http://e.x]y"


def test_square_brackets_in_user_text_print_as_written(tmp_path):
    """Rich read '[...]' in titles, names and ids as console markup: '[/bold]' was a traceback in
    every table, and the seed case's '[scenario: democratic-congress]' title vanished."""
    import yaml

    case = {
        "title": MARKUP,
        "actors": [
            {"id": "a" + MARKUP, "name": MARKUP, "tags": ["t"], "capability": 1},
            {"id": "b", "tags": ["t"], "capability": 2},
        ],
        "issues": [{"id": "x", "name": MARKUP, "lower": 0, "upper": 10, "unit": "[u]"}],
        "stances": {
            "a" + MARKUP: {"x": {"position": 1, "salience": 0.5}},
            "b": {"x": {"position": 9, "salience": 0.5}},
        },
        "scenarios": [{"name": "s" + MARKUP, "set": [{"actor": "b", "capability": 3}]}],
    }
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    for args in (
        ["validate", path],
        ["forecast", path, "-m", "compromise"],
        ["forecast", path, "-m", "compromise", "-s", "s" + MARKUP],
        ["compare", path, "-m", "compromise"],
        ["coalitions", path],
        ["front", path, "--members", f"a{MARKUP},b", "-m", "compromise"],
    ):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert "[/bold]" in result.output, (args, result.output)


def test_seed_scenario_title_is_shown():
    seed = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
    result = invoke("forecast", seed, "-m", "compromise", "-s", "democratic-congress")
    assert result.exit_code == 0, result.output
    assert "[scenario: democratic-congress]" in result.output.splitlines()[0]
    assert "0-10 years" in result.output  # the scale under each issue, formerly via markup


def test_xlsx_text_starting_with_equals_stays_text(tmp_path):
    """openpyxl stores a string starting with '=' as a formula: an id '=1+1' came back as an empty
    cell (and would run in Excel: a name '=HYPERLINK(...)' became a live link)."""
    text = YAML.replace(
        "{id: a, capability: 1}",
        '{id: "=1+1", name: "=HYPERLINK(\\"http://e.x\\")", capability: 1}',
    )
    text = text.replace("  a: {x:", '  "=1+1": {x:').replace("id: x,", 'id: "=x",')
    text = text.replace("{x: {position", '{"=x": {position')
    source = write(tmp_path, "eq.yaml", text)
    book = tmp_path / "eq.xlsx"
    assert invoke("convert", source, book).exit_code == 0
    with zipfile.ZipFile(book) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    back = tmp_path / "back.yaml"
    result = invoke("convert", book, back)
    assert result.exit_code == 0, result.output
    data = __import__("yaml").safe_load(back.read_text())
    assert data["actors"][0] == {
        "id": "=1+1",
        "name": '=HYPERLINK("http://e.x")',
        "capability": 1.0,  # the workbook's Actors sheet keeps the actor's own capability
    }
    assert data["issues"][0]["id"] == "=x"


@pytest.mark.parametrize("samples", ["0", "-5"])
def test_coalitions_needs_at_least_one_sample(tmp_path, samples):
    """Zero or negative samples printed NaN indices (and NaN, which is not JSON, with -f json)."""
    path = write(tmp_path, "c.yaml", AGREE)
    args = ["coalitions", path, "--method", "monte-carlo", "--samples", samples, "-f", "json"]
    rejected(invoke(*args), "samples", "--samples must be at least 1")


def test_xlsx_formula_without_saved_value_is_named(tmp_path):
    """A formula no spreadsheet has computed (a workbook written by a script) was reported as 'an
    empty cell'; the message now names the formula."""
    path = workbook(tmp_path, "f.xlsx", [HEADER, ["a", "x", "=1+2", 50, 10], ["b", "x", 5, 60, 20]])
    rejected(invoke("validate", path), "f.xlsx", "row 2: position: expected a number", "=1+2")


@pytest.mark.parametrize("name", ["big.yaml", "big.json"])
def test_integer_too_long_to_read(tmp_path, name):
    """An integer of 5000 digits: Python refuses to convert it (ValueError), was a traceback."""
    digits = "1" + "0" * 5000
    if name.endswith("json"):
        text = '{"issues": [{"id": "x", "lower": 0, "upper": 10}], "actors": [{"id": "a", '
        text += f'"capability": {digits}}}]}}\n'
    else:
        text = YAML.replace("capability: 1}", f"capability: {digits}}}")
    rejected(invoke("validate", write(tmp_path, name, text)), name, "4300 digits")


def test_scenario_names_are_unique(tmp_path):
    """Two scenarios of one name were accepted; the second could never be run or compared."""
    text = (
        YAML + "scenarios:\n  - name: s\n    drop_actors: [a]\n  - name: s\n    drop_actors: [b]\n"
    )
    rejected(
        invoke("validate", write(tmp_path, "d.yaml", text)),
        "d.yaml",
        "line 13: scenarios.1.name: duplicate scenario 's'",
    )


def test_model_params_naming_an_unknown_model(tmp_path):
    """A misspelt model name under model_params was silently ignored by every command."""
    path = write(tmp_path, "p.yaml", YAML + "model_params: {eumm: {rounds: 3}}\n")
    rejected(invoke("validate", path), "p.yaml", "model_params: unknown model 'eumm'")
    result = invoke("forecast", path, "-m", "compromise")
    assert result.exit_code == 2 and "model_params: unknown model 'eumm'" in result.output


def test_validate_checks_the_parameters_a_case_carries(tmp_path):
    path = write(tmp_path, "p.yaml", YAML + "model_params: {eum: {roundz: 3}}\n")
    rejected(invoke("validate", path), "p.yaml", "model 'eum' has no parameter 'roundz'")
    # every command checks the parameters a case carries when it reads the case (as documented)
    rejected(invoke("forecast", path, "-m", "compromise"), "p.yaml", "no parameter 'roundz'")
    rejected(invoke("forecast", path, "-m", "eum"), "p.yaml", "no parameter 'roundz'")


def test_xlsx_boolean_cell_is_not_a_number(tmp_path):
    """A TRUE cell was read as position 1 without a word."""
    path = workbook(tmp_path, "b.xlsx", [HEADER, ["a", "x", True, 50, 10], ["b", "x", 5, 60, 20]])
    rejected(invoke("validate", path), "b.xlsx", "row 2: position: expected a number, got 'TRUE'")


def test_report_with_cjk_names_is_quiet(tmp_path):
    """Names in scripts matplotlib's font lacks printed a Python UserWarning per glyph on stderr;
    the text stays text in the SVG, for the viewer's fonts to draw."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("jinja2")
    text = YAML.replace("{id: a, capability: 1}", '{id: a, name: "名前 أحمد", capability: 1}')
    out = tmp_path / "r.html"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("report", write(tmp_path, "u.yaml", text), "-o", out, "-m", "compromise")
    assert result.exit_code == 0, result.output
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "名前 أحمد" in out.read_text(encoding="utf-8")


def test_unicode_ids_with_spaces_and_an_id_shared_by_actor_and_issue(tmp_path):
    """Ids are free text: 'Ñoño é' with a space, and 'x' naming both an actor and an issue."""
    import json

    text = YAML.replace("{id: a, capability: 1}", '{id: "Ñoño é", capability: 1}')
    text = text.replace("  a: {x:", '  "Ñoño é": {x:').replace("{id: b,", "{id: x,")
    text = text.replace("  b: {x:", "  x: {x:")
    path = write(tmp_path, "u.yaml", text)
    result = invoke("forecast", path, "-m", "compromise", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["models"]["compromise"]["rounds"][0]["positions"] == {
        "Ñoño é": {"x": 1.0},
        "x": {"x": 9.0},
    }
    for suffix in (".csv", ".xlsx", ".json"):
        out = tmp_path / f"u{suffix}"
        assert invoke("convert", path, out).exit_code == 0
        again = invoke("forecast", out, "-m", "compromise", "-f", "json")
        assert json.loads(again.output)["models"] == data["models"], suffix


def test_scenario_named_base_is_refused_by_validate(tmp_path):
    """validate accepted a scenario named 'base', which compare and report then refused."""
    text = YAML + "scenarios:\n  - name: base\n    drop_actors: [a]\n"
    rejected(
        invoke("validate", write(tmp_path, "b.yaml", text)),
        "b.yaml",
        "line 11: scenarios.0.name: 'base' is reserved for the base case",
    )


ZERO_SALIENCE = """\
issues:
  - {id: x, lower: 0, upper: 10}
  - {id: y, lower: 0, upper: 10}
actors:
  - {id: a, capability: 1}
  - {id: b, capability: 2}
stances:
  a: {x: {position: 1, salience: 0.5}, y: {position: 2, salience: 0}}
  b: {x: {position: 9, salience: 0.5}, y: {position: 8, salience: 0}}
"""


def test_coalitions_on_an_issue_nobody_cares_about(tmp_path):
    """Every weight 0 on the issue: the table showed Shapley-Shubik indices of 0 summing to 0
    (they must sum to 1) and no winning coalition, without a word."""
    path = write(tmp_path, "z.yaml", ZERO_SALIENCE)
    rejected(
        invoke("coalitions", path, "--issue", "y"), "'y'", "every player weighs 0", "--no-salience"
    )
    ok = invoke("coalitions", path, "--issue", "y", "--no-salience", "-f", "json")
    assert ok.exit_code == 0, ok.output
    assert invoke("coalitions", path, "--issue", "y", "--quota", "count:1").exit_code == 0


def test_validate_warns_of_an_issue_nobody_gives_salience(tmp_path):
    """validate said ok, then `forecast` (every model) stopped at eum on that issue."""
    result = invoke("validate", write(tmp_path, "z.yaml", ZERO_SALIENCE))
    assert result.exit_code == 0
    assert "warning: issue 'y': every actor taking a position gives it salience 0" in result.output


def test_front_verdict_when_nobody_moves(tmp_path):
    """Every member gaining exactly 0 was reported as 'some member loses'."""
    result = invoke(
        "front", write(tmp_path, "a.yaml", AGREE), "--members", "a,b", "-m", "compromise"
    )
    assert result.exit_code == 0, result.output
    assert "+0.000" in result.output and "loses" not in result.output.replace("or loses", "")
    assert "not stable: some member gains nothing or loses" in result.output


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [
        ("table", ".csv"),
        ("xlsx", ".xlsx"),
        ("ktab", ".csv"),
        ("ktab-xml", ".xml"),
        ("decide", ".txt"),
    ],
)
def test_text_with_line_breaks_and_delimiters_reads_back(tmp_path, fmt, suffix):
    """A title with a line break made `convert --to ktab` write a file parley could not read."""
    import json

    odd = "A&B <c> \"q\" 'p'\ttab\nnew line ; , | #A"
    quoted = json.dumps(odd)  # a JSON string is a YAML double-quoted string
    text = YAML.replace("issues:", f"title: {quoted}\ndescription: {quoted}\nissues:")
    text = text.replace(
        "{id: a, capability: 1}", f"{{id: a, description: {quoted}, capability: 1}}"
    )
    source = write(tmp_path, "w.yaml", text)
    out = tmp_path / f"w{suffix}"
    assert invoke("convert", source, out, "--to", fmt).exit_code == 0
    result = invoke("forecast", out, "-m", "compromise", "-f", "csv")
    assert result.exit_code == 0, result.output


def test_report_never_replaces_its_own_case_file(tmp_path):
    """`parley report case.yaml -o case.yaml` replaced the case with HTML."""
    path = write(tmp_path, "c.yaml", YAML)
    rejected(invoke("report", path, "-o", tmp_path / "." / "c.yaml"), "c.yaml", "case file itself")
    assert path.read_text() == YAML


def test_backtest_cases_skips_hidden_files(tmp_path):
    """An empty '.case.yaml' (an editor's file, macOS's '._case.yaml') stopped the backtest."""
    write(tmp_path, "c.yaml", AGREE.replace("upper: 10}", "upper: 10, outcome: 5}"))
    write(tmp_path, "._c.yaml", "\x00")
    (tmp_path / ".swap.yaml").write_text("")
    result = invoke("backtest", "cases", tmp_path, "-q", "-m", "compromise", "-f", "json")
    assert result.exit_code == 0, result.output
    scores = __import__("json").loads(result.output)["models"]["compromise"]
    # one scored issue: everyone at 3, outcome 5, on a 0-10 scale: |3 - 5| / 10 * 100 = 20
    assert (scores["n"], scores["mae"]) == (1, 20.0)


@pytest.mark.parametrize("bad", ["-5", "inf"])
@pytest.mark.parametrize("fmt", ["ktab", "ktab-xml"])
def test_ktab_bad_capability(tmp_path, fmt, bad):
    """Negative or infinite power in KTAB's CSV and XML: one located line each."""
    suffix = ".csv" if fmt == "ktab" else ".xml"
    good = tmp_path / f"g{suffix}"
    assert invoke("convert", DATA / "greece_2015_debt_relief.csv", good, "--to", fmt).exit_code == 0
    text = good.read_text(encoding="utf-8")
    if fmt == "ktab":
        lines = text.splitlines()
        cells = lines[2].split(",")
        cells[2] = bad  # Power of the first actor
        lines[2] = ",".join(cells)
        text = "\n".join(lines) + "\n"
        where = "line 3"
    else:
        text = text.replace("<capability>100<", f"<capability>{bad}<", 1)
        where = "line 13"
    path = write(tmp_path, f"b{suffix}", text)
    rejected(invoke("validate", path), f"b{suffix}", where)


@pytest.mark.parametrize("word", ["no", "yes", "off"])
def test_yaml_yes_no_is_not_a_number(tmp_path, word):
    """`position: no` (meant as 'no position') was read as position 0, `yes` as 1."""
    text = YAML.replace("position: 1,", f"position: {word},")
    rejected(
        invoke("validate", write(tmp_path, "b.yaml", text)),
        "b.yaml",
        "line 7: stances.a.x.position: expected a number, got",
        "for no position write null",
    )
