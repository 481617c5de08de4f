"""Text that does not survive, and nonsense that was silently accepted: each refused when the case
is read, in one line naming the file and the field (exit 2, nothing written), whichever command
reads it; numbers follow one plain-decimal rule in every reader.
"""

from __future__ import annotations

import json

import pytest
from hostile.corpus import (
    CSV_READERS,
    PAYLOADS,
    SAMPLES,
    TEXT_READERS,
    invoke,
    rejected,
    sample,
    snapshot,
    with_actor_id,
)

from parley.io import read_case

COMMANDS = {
    "validate": lambda case: ["validate", case],
    "forecast": lambda case: ["forecast", case],
    "report": lambda case: ["report", case, "-o", case.parent / "out.html"],
    "convert": lambda case: ["convert", case, case.parent / "out.txt", "--to", "decide"],
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("reader", TEXT_READERS)
def test_a_control_character_in_an_id_is_refused_by_every_reader(tmp_path, reader, payload):
    path = with_actor_id(reader, tmp_path, "a" + PAYLOADS[payload])
    before = snapshot(tmp_path)
    first = PAYLOADS[payload][0]
    shown = "\\x1b" if first == "\x1b" else "\\x9b"
    lines = rejected(invoke("validate", path), str(path), f"control character {shown}")
    assert all("\x1b" not in line and "\x9b" not in line for line in lines)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("reader", ["yaml", "json", "table", "bdm"])
def test_a_tab_or_newline_in_an_id_is_refused(tmp_path, reader):
    path = with_actor_id(reader, tmp_path, "a\tb" if reader != "table" else '"a\nb"')
    rejected(invoke("validate", path), str(path), "control character \\")


# (field, how to put a lone surrogate there in the YAML sample)
SURROGATE_FIELDS = {
    "actors.0.id": lambda t: t.replace("{id: a,", '{id: "a\\ud800",').replace(
        "  a: {x", '  "a\\ud800": {x'
    ),
    "actors.1.name": lambda t: t.replace("{id: b,", '{id: b, name: "B\\udc80",'),
    "title": lambda t: t + 'title: "War \\ud800"\n',
    "issues.0.unit": lambda t: t.replace("upper: 10}", 'upper: 10, unit: "\\udfff%"}'),
    "scenarios.0.name": lambda t: t + 'scenarios:\n  - {name: "s\\ud800", drop_actors: [b]}\n',
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("field", sorted(SURROGATE_FIELDS))
def test_a_lone_surrogate_is_refused_when_read(tmp_path, field, command):
    path = tmp_path / "case.yaml"
    path.write_text(SURROGATE_FIELDS[field](SAMPLES["yaml"][1]), encoding="utf-8")
    before = snapshot(tmp_path)
    lines = rejected(invoke(*COMMANDS[command](path)), str(path), f"{field}: not text")
    assert "lone surrogate (\\ud" in lines[0] or "lone surrogate (\\udc80)" in lines[0]
    assert snapshot(tmp_path) == before


def test_a_lone_surrogate_in_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "case.json"
    data = json.loads(SAMPLES["json"][1])
    data["title"] = "x\udc80"  # what surrogateescape makes of a byte that is not UTF-8
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    rejected(invoke("forecast", path), str(path), "title: not text: a lone surrogate (\\udc80)")


@pytest.mark.parametrize(
    ("reader", "anchors", "fragment"),
    [
        ("yaml", "{0: low, 0.0: high}", "0.0: given twice (first as 0 on line 2)"),
        ("yaml", "{1: low, 1e0: high}", "1e0: given twice (first as 1 on line 2)"),
        ("json", '{"0": "low", "0.0": "high"}', "anchor '0.0' given twice (also as '0')"),
    ],
)
def test_anchors_given_twice_as_one_number_are_refused(tmp_path, reader, anchors, fragment):
    path = sample(reader, tmp_path)
    text = path.read_text(encoding="utf-8")
    if reader == "yaml":
        text = text.replace("upper: 10}", f"upper: 10, anchors: {anchors}}}")
    else:
        text = text.replace('"upper": 10}', f'"upper": 10, "anchors": {anchors}}}')
    path.write_text(text, encoding="utf-8")
    rejected(invoke("validate", path), str(path), fragment)


def test_anchors_of_distinct_numbers_still_read(tmp_path):
    path = sample("yaml", tmp_path)
    text = path.read_text().replace("upper: 10}", "upper: 10, anchors: {0: low, 0.5: mid}}")
    path.write_text(text)
    assert read_case(path).issues[0].anchors == {0.0: "low", 0.5: "mid"}


# `5_0` where a number is meant: one rule (parley.case.numbers) in every reader
UNDERSCORED = {
    "yaml": lambda t: t.replace("position: 9,", "position: 5_0,").replace("upper: 10", "upper: 99"),
    "table": lambda t: t.replace("b,x,5,60,20", "b,x,5,6_0,20"),
    "tsv": lambda t: t.replace("b\tx\t5\t60\t20", "b\tx\t5\t60\t2_0"),
    "bdm": lambda t: t.replace("b,2,9,60", "b,2,9_0,60"),
    "ktab": lambda t: t.replace("b,second,20,80,60", "b,second,2_0,80,60"),
    "decide": lambda t: t.replace("#D\tb\tx\t9\t0.6\t2", "#D\tb\tx\t9\t0.6\t2_0"),
}


@pytest.mark.parametrize("reader", sorted(UNDERSCORED))
def test_an_underscored_number_is_refused_in_every_reader(tmp_path, reader):
    path = sample(reader, tmp_path)
    path.write_text(UNDERSCORED[reader](path.read_text(encoding="utf-8")), encoding="utf-8")
    rejected(invoke("validate", path), str(path), "_0")


@pytest.mark.parametrize("value", ["1:30", "0o17", "0x1f"])
def test_yaml_numbers_beyond_plain_decimals_are_not_numbers(tmp_path, value):
    path = sample("yaml", tmp_path)
    path.write_text(path.read_text().replace("position: 9,", f"position: {value},"))
    rejected(invoke("validate", path), str(path), "stances.b.x.position: expected a number")


def test_text_that_looks_like_a_number_stays_text(tmp_path):
    path = sample("yaml", tmp_path)
    path.write_text(path.read_text() + "title: 1_000\n")
    assert read_case(path).title == "1_000"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("date: 2006-10-31", "date: expected text, got 2006-10-31 (read as a date); put the value"),
        ("title: yes", "title: expected text, got true (read as true/false); put the value"),
    ],
)
def test_a_value_yaml_reads_as_no_text_gets_a_hint_to_quote_it(tmp_path, line, fragment):
    path = sample("yaml", tmp_path)
    path.write_text(path.read_text() + line + "\n")
    rejected(invoke("validate", path), str(path), f"line 10: {fragment} in quotes")
    path.write_text(sample("yaml", tmp_path).read_text() + line.replace(": ", ': "') + '"\n')
    assert invoke("validate", path).exit_code == 0


def test_the_csv_readers_are_all_covered():
    assert set(CSV_READERS) <= set(UNDERSCORED)


TWO_IDS = """\
issues:
  - {id: x, lower: 0, upper: 10}
actors:
  - {id: "ID1", capability: 1}
  - {id: "ID2", capability: 2}
stances:
  "ID1": {x: {position: 1, salience: 50}}
  "ID2": {x: {position: 9, salience: 60}}
salience_scale: 100
"""


@pytest.mark.parametrize(
    ("first", "second", "to", "suffix"),
    [
        ("a", " a", "table", ".csv"),  # the table reader strips cells: ' a' reads back as 'a'
        ("a", " a", "bdm", ".csv"),
        ("a", "a ", "ktab", ".csv"),
    ],
)
def test_a_writer_refuses_a_file_that_would_not_read_back(tmp_path, first, second, to, suffix):
    case = tmp_path / "case.yaml"
    case.write_text(TWO_IDS.replace("ID1", first).replace("ID2", second))
    target = tmp_path / f"out{suffix}"
    target.write_text("kept\n")
    result = invoke("convert", case, target, "--to", to)
    rejected(result, str(target), f"not written: the {to} file would not read back as this case")
    assert target.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml", target.name]


@pytest.mark.parametrize("to", ["decide", "table", "ktab", "ktab-xml", "json", "xlsx"])
def test_ids_differing_only_in_inner_spaces_survive_every_writer(tmp_path, to):
    case = tmp_path / "case.yaml"
    case.write_text(TWO_IDS.replace("ID1", "a b").replace("ID2", "a  b"))
    target = tmp_path / f"out.{ {'decide': 'txt', 'table': 'csv', 'ktab': 'csv'}.get(to, to) }"
    target = target.with_suffix(".xml") if to == "ktab-xml" else target
    result = invoke("convert", case, target, "--to", to)
    assert result.exit_code == 0, result.output
    assert [a.id for a in read_case(target).actors] == ["a b", "a  b"]


def test_a_deu3_file_truncated_mid_row_is_refused_naming_the_row(tmp_path):
    from pathlib import Path

    text = (Path(__file__).parents[1] / "data" / "deu3" / "deu3_dev.tsv").read_text()
    lines = text.splitlines()
    cut = tmp_path / "cut.tsv"
    cut.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])
    shown = len(lines[-1][: len(lines[-1]) // 2].split("\t"))
    before = snapshot(tmp_path)
    rejected(
        invoke("backtest", "deu3", cut, "-m", "mean", "-c", "equal", "-q"),
        str(cut),
        f"line {len(lines)}: {shown} of 75 columns: the row is cut short",
    )
    assert snapshot(tmp_path) == before
    # the same file cut at the end of a row is a shorter file, read as such
    whole = tmp_path / "whole.tsv"
    whole.write_text("\n".join(lines[:-1]) + "\n")
    assert invoke("backtest", "deu3", whole, "-m", "mean", "-c", "equal", "-q").exit_code == 0


@pytest.mark.parametrize("reader", TEXT_READERS)
def test_a_line_break_python_sees_in_an_id_never_splits_an_error_line(tmp_path, reader):
    # found by fuzzing: NEL (\x85) is a line break to str.splitlines, so an error quoting it read
    # as two lines, the second without the file's name; every problem is now one line
    path = with_actor_id(reader, tmp_path, "a\x85b")
    lines = rejected(invoke("validate", path), str(path), "control character \\x85")
    assert len(lines) == 1 or all(str(path) in line for line in lines)


def test_a_unicode_line_separator_in_quoted_text_stays_on_its_line(tmp_path):
    path = sample("yaml", tmp_path)
    path.write_text(path.read_text() + 'scenarios:\n  - {name: s, drop_actors: ["z\\u2028z"]}\n')
    [line] = rejected(invoke("validate", path), str(path), "unknown actor")
    assert "\u2028" not in line
