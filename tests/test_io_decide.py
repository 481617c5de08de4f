"""Decide's #A/#P/#M/#D text format: both reference cases, numbers from the files, the writer."""

from __future__ import annotations

import pytest

from parley.case import case_arrays
from parley.io import read_case, write_case
from parley.io.formats import detect_format


def test_sample_data(data_dir):
    path = data_dir / "io" / "sample_data.txt"
    assert detect_format(path).name == "decide"
    case = read_case(path)
    assert case.salience_scale == 1
    assert len(case.actors) == 10
    assert [i.id for i in case.issues] == [
        "tolheffing-binnenstad",
        "tol-hoogte",
        "wanneer-tol",
        "woonwerkverkeer",
        "extra-investering",
        "kleine-of-grote-ring",
    ]
    # '#M' 'tol-hoogte' 0.5 / 7: the bounds in the issue's own units
    hoogte = case.issue("tol-hoogte")
    assert (hoogte.lower, hoogte.upper) == (0.5, 7.0)
    assert case.issue("wanneer-tol").description == "Wat is dit voor onzin?"
    # '#D' 'Willems' 'tol-hoogte' 3.0 0.7 1.0
    willems = case.stances["Willems"]["tol-hoogte"]
    assert (willems.position.value, willems.salience.value, willems.capability.value) == (
        3.0,
        0.7,
        1.0,
    )
    # '#D' 'GL' 'tol-hoogte' 5.0 0.9 0.6
    gl = case.stances["GL"]["tol-hoogte"]
    assert (gl.position.value, gl.salience.value, gl.capability.value) == (5.0, 0.9, 0.6)
    # '#D' 'Wcentr' 'kleine-of-grote-ring' 100.0 0.9 0.9
    arrays = case_arrays(case)
    a, i = arrays.actor_ids.index("Wcentr"), arrays.issue_ids.index("kleine-of-grote-ring")
    assert (arrays.positions[0, a, i], arrays.salience[0, a, i], arrays.capability[0, a, i]) == (
        100,
        0.9,
        0.9,
    )
    assert arrays.mask.all()


def test_copenhagen(data_dir):
    path = data_dir / "io" / "copenhagen.csv"
    assert detect_format(path).name == "decide"
    case = read_case(path)
    assert len(case.actors) == 11
    assert len(case.issues) == 7
    assert all((i.lower, i.upper) == (0, 100) for i in case.issues)
    # Russia has no #D row on Commitments or Extra: no position there, not an error
    arrays = case_arrays(case)
    r = arrays.actor_ids.index("Russia")
    missing = [arrays.issue_ids[i] for i in range(7) if not arrays.mask[r, i]]
    assert missing == ["Commitments", "Extra"]
    assert arrays.mask.sum() == 11 * 7 - 2
    # '#D' 'Russia' 'Control' 60.0 0.1 0.013 and 'China India' 'Control' 75.0 0.75 0.247
    russia = case.stances["Russia"]["Control"]
    assert (russia.position.value, russia.salience.value, russia.capability.value) == (
        60,
        0.1,
        0.013,
    )
    china = case.stances["China India"]["Control"]
    assert (china.position.value, china.salience.value, china.capability.value) == (75, 0.75, 0.247)
    usa = case.stances["USA"]["MRVdecrease"]
    assert (usa.position.value, usa.salience.value, usa.capability.value) == (90, 1.0, 0.26)


def test_unquoted_variant_and_title(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(
        "#O\tA title\n#/\tcomment\n#A\ta\tActor A\n#A\tb\tActor B\n#P\tx\tIssue X\n"
        "#M\tx\t-5\tfar left\n#M\tx\t5\tfar right\n#M\tx\t0\tcentre\n"
        "#D\ta\tx\t-2\t0.5\t1\n#D\tb\tx\t3\t1\t2\n"
    )
    case = read_case(path)
    assert case.title == "A title"
    assert case.actor("a").name == "Actor A"
    issue = case.issue("x")
    assert (issue.lower, issue.upper) == (-5, 5)
    assert issue.anchors == {-5: "far left", 5: "far right", 0: "centre"}
    assert case.stances["b"]["x"].capability.value == 2


def test_writer_round_trip(data_dir, tmp_path):
    case = read_case(data_dir / "io" / "sample_data.txt")
    out = tmp_path / "out.txt"
    write_case(case, out)
    lines = out.read_text().splitlines()
    assert lines[0] == "'#O'\t'sample_data'"
    assert "'#M'\t'tol-hoogte'\t0.5" in lines
    assert "'#D'\t'Willems'\t'tol-hoogte'\t3\t0.7\t1" in lines
    again = read_case(out)
    assert again.model_dump() == case.model_dump() | {
        "sources": ["out.txt"],
        "title": "sample_data",
    }


@pytest.mark.parametrize("name", ["sample_data.txt", "copenhagen.csv"])
def test_writer_keeps_every_number(data_dir, tmp_path, name):
    case = read_case(data_dir / "io" / name)
    out = tmp_path / "out.txt"
    write_case(case, out, "decide")
    a, b = case_arrays(case), case_arrays(read_case(out))
    for field in ("positions", "salience", "capability", "mask", "bounds"):
        assert (getattr(a, field) == getattr(b, field)).all(), field
