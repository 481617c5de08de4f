"""Round trips through the case format, `parley convert` between formats, detection from content."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from parley.case import CaseArrays, case_arrays
from parley.cli import app
from parley.io import read_case, write_case
from parley.io.formats import detect_format

BDM = [
    "eu_emissions_bdm1994.csv",
    "greece_2015_debt_relief.csv",
    "greece_2015_debt_relief.csv",
    "saudi_oil_sultan_bdm1997.csv",
    "uk_emu_conservative_govt.csv",
    "uk_emu_labour_govt.csv",
]
NATIVE = {
    **{name: "bdm" for name in BDM},
    "SOE-Pol-Comp.csv": "ktab",
    "dummyData_3Dim.csv": "ktab",
    "sample_data.txt": "decide",
    "copenhagen.csv": "decide",
}
FIELDS = ("positions", "salience", "capability", "mask", "bounds", "status_quo")


def same_arrays(a: CaseArrays, b: CaseArrays) -> None:
    """Every number identical (not close): a round trip must not change any value."""
    assert a.actor_ids == b.actor_ids
    assert a.issue_ids == b.issue_ids
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


def close_arrays(a: CaseArrays, b: CaseArrays) -> None:
    """Conversions that rescale (KTAB is on 0-100) agree to rounding in the last bits."""
    assert a.actor_ids == b.actor_ids
    assert a.issue_ids == b.issue_ids
    np.testing.assert_array_equal(a.mask, b.mask)
    np.testing.assert_allclose(a.normalised(), b.normalised(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.salience, b.salience, rtol=1e-12)
    np.testing.assert_allclose(a.capability, b.capability, rtol=1e-12)


def fixed_xml(data_dir: Path, tmp_path: Path) -> Path:
    text = (data_dir / "io" / "smpExample.xml").read_text(encoding="utf-8-sig")
    out = tmp_path / "smpExample.xml"
    out.write_text(text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"), encoding="utf-8")
    return out


@pytest.mark.parametrize("name", [*NATIVE, "smpExample.xml"])
@pytest.mark.parametrize("via", ["yaml", "json"])
def test_round_trip_through_the_case_format(data_dir, tmp_path, name, via):
    src = fixed_xml(data_dir, tmp_path) if name.endswith(".xml") else data_dir / "io" / name
    case = read_case(src)
    mid = tmp_path / f"case.{via}"
    write_case(case, mid)
    back = read_case(mid)
    assert back == case
    same_arrays(case_arrays(case), case_arrays(back))
    out = tmp_path / f"again{src.suffix}"  # and back to the original format
    write_case(back, out, NATIVE.get(name, "ktab-xml"))
    again = read_case(out)
    same_arrays(case_arrays(case), case_arrays(again))
    assert again.model_params == case.model_params


@pytest.mark.parametrize(
    ("name", "target", "check"),
    [
        ("sample_data.txt", "out.xlsx", same_arrays),
        ("sample_data.txt", "out.csv", same_arrays),
        ("copenhagen.csv", "out.json", same_arrays),
        ("eu_emissions_bdm1994.csv", "out.txt", same_arrays),
        ("SOE-Pol-Comp.csv", "out.yaml", same_arrays),
        ("SOE-Pol-Comp.csv", "out.txt", close_arrays),
        ("dummyData_3Dim.csv", "out.xlsx", same_arrays),
        ("dummyData_3Dim.csv", "out.xml", same_arrays),
    ],
)
def test_cli_convert(runner, data_dir, tmp_path, name, target, check):
    src = data_dir / "io" / name
    out = tmp_path / target
    result = runner.invoke(app, ["convert", str(src), str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout
    check(case_arrays(read_case(src)), case_arrays(read_case(out)))


def test_cli_convert_to_named_formats(runner, data_dir, tmp_path):
    """--to picks the format where the extension is shared: table -> BDM, KTAB -> KTAB."""
    table = tmp_path / "table.csv"
    assert (
        runner.invoke(
            app, ["convert", str(data_dir / "io" / "greece_2015_debt_relief.csv"), str(table)]
        ).exit_code
        == 0
    )
    assert detect_format(table).name == "table"
    bdm = tmp_path / "bdm.csv"
    result = runner.invoke(app, ["convert", str(table), str(bdm), "--to", "bdm"])
    assert result.exit_code == 0, result.output
    assert bdm.read_text() == (data_dir / "io" / "greece_2015_debt_relief.csv").read_text()
    ktab = tmp_path / "ktab.csv"
    result = runner.invoke(
        app, ["convert", str(data_dir / "io" / "dummyData_3Dim.csv"), str(ktab), "--to", "ktab"]
    )
    assert result.exit_code == 0, result.output
    same_arrays(
        case_arrays(read_case(ktab)), case_arrays(read_case(data_dir / "io" / "dummyData_3Dim.csv"))
    )


@pytest.mark.parametrize(
    ("name", "saved_as", "fmt"),
    [
        ("eu_emissions_bdm1994.csv", "bdm.txt", "bdm"),
        ("SOE-Pol-Comp.csv", "ktab.txt", "ktab"),
        ("sample_data.txt", "decide.csv", "decide"),
        ("copenhagen.csv", "decide.dat", "decide"),
        ("dummyData_3Dim.csv", "noext", "ktab"),
    ],
)
def test_format_from_content(data_dir, tmp_path, name, saved_as, fmt):
    path = tmp_path / saved_as
    shutil.copy(data_dir / "io" / name, path)
    assert detect_format(path).name == fmt
    same_arrays(case_arrays(read_case(path)), case_arrays(read_case(data_dir / "io" / name)))


def test_table_saved_as_txt_and_xml_named_other(data_dir, tmp_path):
    table = tmp_path / "t.txt"
    table.write_text("actor,issue,position,salience,capability\na,x,1,1,1\nb,x,2,1,1\n")
    assert detect_format(table).name == "table"
    xml = fixed_xml(data_dir, tmp_path)
    renamed = tmp_path / "scenario.txt"
    shutil.copy(xml, renamed)
    assert detect_format(renamed).name == "ktab-xml"
