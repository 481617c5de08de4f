"""smp through parley's readers and CLI: KTAB CSV and XML files, JSON output, parameter errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_smp_reference import ktab_arrays, ktab_history

from parley.cli import app
from parley.errors import CaseError
from parley.forecast import ModelSpec, run_models
from parley.io import read_case
from parley.models import get_model

DATA = Path(__file__).parent / "data" / "smp"


@pytest.fixture
def fixed_xml(tmp_path) -> Path:
    """KTAB's smpExample.xml with its empty coordinate set to 52.8."""
    text = (DATA / "smpExample.xml").read_text(encoding="utf-8-sig")
    assert text.count("<dCoord></dCoord>") == 1
    path = tmp_path / "smpExample.xml"
    path.write_text(text.replace("<dCoord></dCoord>", "<dCoord>52.8</dCoord>"))
    return path


def test_cli_json_reproduces_ktab_history(runner):
    path = DATA / "dummyData_3Dim.csv"
    result = runner.invoke(app, ["forecast", str(path), "--model", "smp", "--format", "json"])
    assert result.exit_code == 0, result.output
    smp = json.loads(result.output)["models"]["smp"]
    count, positions, probs = ktab_history(DATA / "dummyData_3Dim.ktab_history.txt")
    assert len(smp["rounds"]) == count == smp["state_count"]
    for (actor, dim), printed in positions.items():
        ours = [f"{r['positions'][actor][dim]:.1f}" for r in smp["rounds"]]
        assert ours == printed
    for actor, printed in probs.items():
        ours = [
            f"{next(c['probability'] for c in s['classes'] if actor in c['actors']):.4f}"
            for s in smp["states"]
        ]
        assert ours == printed
    assert smp["forecast"] == pytest.approx(smp["weighted"])
    assert set(smp["most_probable"]) == {"Pstn1", "Pstn2", "Pstn3"}
    kinds = {e["event"] for e in smp["events"]}
    assert kinds == {"proposal", "choice"}
    assert smp["params"]["VotingRule"] == "Proportional"


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Competitive"])
def test_reader_and_own_parser_give_the_same_run(name):
    case = read_case(DATA / f"{name}.csv")
    via_reader = run_models(case, [ModelSpec("smp")])["smp"]
    direct = get_model("smp").run(ktab_arrays(DATA / f"{name}.csv"))
    np.testing.assert_array_equal(via_reader.history, direct.history)


def test_shipped_xml_is_rejected_clearly():
    with pytest.raises(CaseError) as err:
        read_case(DATA / "smpExample.xml")
    assert "dCoord" in str(err.value)


def test_xml_model_parameters_are_honoured(fixed_xml):
    case = read_case(fixed_xml)
    out = run_models(case, [ModelSpec("smp")])["smp"]
    p = out.params
    assert (p["PCEModel"], p["StateTransitions"], p["VotingRule"]) == (
        "MarkovIncentive",
        "Stochastic",
        "PropCbc",
    )
    assert p["seed"] == 3507583219545544127
    assert ["Bob", "Alice", 0.07] in p["accommodation"]
    again = run_models(case, [ModelSpec("smp")])["smp"]
    np.testing.assert_array_equal(out.history, again.history)
    plain = run_models(case.model_copy(update={"model_params": {}}), [ModelSpec("smp")])["smp"]
    n = min(plain.history.shape[1], out.history.shape[1])
    assert not np.allclose(plain.history[:, :n], out.history[:, :n])


def test_cli_bad_ktab_name_one_line_exit_2(runner):
    path = DATA / "dummyData_3Dim.csv"
    result = runner.invoke(
        app, ["forecast", str(path), "--model", "smp", "--param", "smp.BigRRange=Middle"]
    )
    assert result.exit_code == 2
    assert "smp.BigRRange: expected one of Min, Mid, Max, got 'Middle'" in result.output
    assert "Traceback" not in result.output
