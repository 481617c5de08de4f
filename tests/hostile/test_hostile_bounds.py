"""Run bounds: `--max-memory` (the same limit as PARLEY_MAX_MEMORY) on every command that runs
models, read once (a bad value is one line, exit 2); every command checks the declared cost of
each run before it starts, at the batch sizes it will actually run (ensemble chunks, lever and
front batches, sensitivity designs), and fits its batches to the limit where it can.
"""

from __future__ import annotations

import json
import os

import pytest
from hostile.corpus import SAMPLES, invoke, rejected

from parley.errors import ModelError
from parley.models import compiled, get_model
from parley.models.combined.model import Combined
from parley.models.cost import LIMIT_VARIABLE, check_memory, declared_cost

# every command that runs models, with the arguments it needs on the sample case CASE
MODEL_COMMANDS = {
    "forecast": ["forecast", "CASE", "-m", "eum"],
    "compare": ["compare", "CASE", "-m", "eum"],
    "ensemble": ["ensemble", "CASE", "-m", "eum", "-n", "8"],
    "levers": ["levers", "CASE", "-m", "eum", "-a", "a"],
    "sensitivity": ["sensitivity", "CASE", "-m", "eum", "--spread", "position=0.1"],
    "report": ["report", "CASE", "-m", "eum", "-o", "OUT"],
    "front": ["front", "CASE", "-m", "eum", "--members", "a,b"],
    "diff": ["diff", "CASE", "CASE", "-m", "eum"],
}


def args_for(command: str, tmp_path) -> list[str]:
    case = tmp_path / "case.yaml"
    case.write_text(SAMPLES["yaml"][1])
    swap = {"CASE": str(case), "OUT": str(tmp_path / "r.html")}
    return [swap.get(a, a) for a in MODEL_COMMANDS[command]]


@pytest.mark.parametrize("command", sorted(MODEL_COMMANDS))
def test_a_bad_max_memory_is_one_line(tmp_path, command):
    for bad in ("lots", "0", "-1GB", "2 GiB"):
        result = invoke(*args_for(command, tmp_path), "--max-memory", bad)
        lines = rejected(result, "--max-memory", "must be a size such as 2GB, 500MB")
        assert len(lines) == 1
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("command", sorted(MODEL_COMMANDS))
def test_max_memory_refuses_a_run_before_it_starts(tmp_path, command):
    # eum on 2 actors x 1 issue declares 190 x 2^2 + 832 x 2 + 8 x 11 x 2 = 2,600 bytes (pair
    # matrices, the cycle finder's ring and the history of 10 rounds); 900 bytes do not hold it
    assert declared_cost(type(get_model("eum"))).bytes(get_model("eum"), 1, 2, 1) == 2600
    result = invoke(*args_for(command, tmp_path), "--max-memory", "900")
    fragment = "eum: 2 actors x 1 issue" + (" x 36 members" if command == "ensemble" else "")
    rejected(result, "eum", fragment, "the limit is 900 bytes", "--max-memory")
    assert LIMIT_VARIABLE not in os.environ  # the option's limit ends with the command
    assert not (tmp_path / "r.html").exists()
    assert invoke(*args_for(command, tmp_path), "--max-memory", "1MB").exit_code == 0


def test_backtest_records_a_run_too_large_as_that_model_s_failure(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b"):
        (data / f"{name}.yaml").write_text(
            SAMPLES["yaml"][1].replace("upper: 10}", "upper: 10, outcome: 4}")
        )
    args = ["backtest", "cases", data, "-m", "eum", "-m", "compromise", "-q", "-f", "json"]
    result = invoke(*args, "--max-memory", "900")
    assert result.exit_code == 0, result.output
    assert "model 'eum' failed on a.yaml issue x: ModelError: eum: 2 actors" in result.stderr
    assert json.loads(result.stdout)["models"]["compromise"]["n"] == 2


def test_ensemble_chunks_shrink_to_the_limit_with_the_same_result(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(SAMPLES["yaml"][1])
    smp = get_model("smp")
    cost = declared_cost(type(smp))
    # exactly what the 36 members sizing measures need on the array path (checked before any
    # run): 9 x 36 x 2^3 + 8 x 36 x 101 x 2 = 60,768 bytes
    limit = int(cost.bytes(smp, 36, 2, 1))
    args = ["ensemble", case, "-m", "smp", "-n", "600", "--seed", "3", "-f", "json"]
    free = invoke(*args)
    tight = invoke(*args, "--max-memory", str(limit))
    assert free.exit_code == 0 and tight.exit_code == 0, tight.output
    a, b = json.loads(free.stdout), json.loads(tight.stdout)
    # 256 members halved to fit: the compiled forecast-only run declares 256 x 256 bytes plus a
    # thread's scratch (65,536 + 1,152 per thread: too much) and 128 fit; on the array path
    # 64 members need 108,032 bytes and 32 fit
    assert a["settings"]["chunk"] > 40
    assert b["settings"]["chunk"] == (128 if compiled.enabled() else 32)
    a["settings"].pop("chunk"), b["settings"].pop("chunk")
    assert a == b  # each member's draws and result do not depend on the chunks


def test_combined_declares_the_cost_of_its_costliest_base_model(monkeypatch):
    model = Combined()
    need = model.base_bytes(1, 3_000, 1)
    # by hand: the shipped weights run exchange (weight > 0), whose cost on one issue is
    # 80 x A^2 x I^2 + 8 x (rounds + 1) x A x I; eum and smp carry weight 0 and are not run
    exchange = get_model("exchange")
    assert need == declared_cost(type(exchange)).bytes(exchange, 1, 3_000, 1)
    monkeypatch.setenv(LIMIT_VARIABLE, "100MB")
    with pytest.raises(ModelError, match="combined: 3,000 actors x 1 issue need ~7"):
        check_memory("combined", model, (1, 3_000, 1))
