"""`parley ensemble`: JSON keys as the issue spells them, table and CSV, the draws file (Parquet and
CSV), and one error line with exit 2 for every bad option."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

import parley
from parley.cli import app

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
FAST = ["-m", "compromise", "-m", "median"]


def run_json(runner, *args):
    result = runner.invoke(app, ["ensemble", str(SEED), *FAST, "-f", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_issue_keys(runner):
    obj = run_json(runner, "-n", "300", "--threshold", "withdrawal<=2", "-t", "bases>50")
    assert obj["case"].startswith("Iraq 2006") and obj["members"] == 300 and obj["seed"] == 0
    assert list(obj["models"]) == ["compromise", "median"]
    issue = obj["models"]["median"]["issues"]["withdrawal"]
    assert list(issue) == [
        "median", "mean", "q05", "q25", "q75", "q95", "se_median", "bands", "thresholds",
    ]  # fmt: skip
    assert issue["q05"] <= issue["q25"] <= issue["median"] <= issue["q75"] <= issue["q95"]
    assert list(issue["thresholds"]) == ["<=2"]
    assert list(obj["models"]["median"]["issues"]["bases"]["thresholds"]) == [">50"]
    assert sum(issue["bands"].values()) == pytest.approx(1.0)
    assert obj["models"]["compromise"]["status"] == {"no_rounds": 300}
    # the seed's election scenarios carry their probabilities (case README)
    split = obj["scenarios"]
    assert {k: v["probability"] for k, v in split.items()} == {
        "base": pytest.approx(0.0),
        "democratic-congress": 0.225,
        "republican-congress": 0.256,
        "split-congress": 0.519,
    }
    assert sum(v["members"] for v in split.values()) == 300
    assert set(obj["across_models"]["oil"]) == {"lowest_median", "highest_median", "range"}


def test_json_is_the_python_api(runner):
    obj = run_json(runner, "-n", "200", "--seed", "5", "--spread", "position=0.05")
    api = parley.ensemble(
        str(SEED), 200, ["compromise", "median"], seed=5, spread={"position": 0.05}
    )
    assert obj["models"] == json.loads(json.dumps(api.to_json()["models"]))
    assert obj["settings"]["spread"] == {"position": 0.05}
    assert obj["settings"]["inputs"] > api.settings["inputs"] - 1 > 40  # spread adds inputs


def test_correlated_factions_move_together(runner, tmp_path):
    out = tmp_path / "draws.csv"
    obj = run_json(runner, "-n", "2000", "--correlate", "resistance=0.8", "-o", str(out))
    assert obj["settings"]["correlate"] == {"resistance": 0.8}
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    iai = [float(r["iai.capability"]) for r in rows]
    rev = [float(r["rev_1920.capability"]) for r in rows]
    from scipy import stats

    assert stats.spearmanr(iai, rev).statistic == pytest.approx(0.8, abs=0.04)


def test_scenario_options(runner):
    fixed = run_json(runner, "-n", "50", "--scenario", "iraq-study-group")
    assert list(fixed["scenarios"]) == ["iraq-study-group"]
    base = run_json(runner, "-n", "50", "--no-scenario-mix")
    assert list(base["scenarios"]) == ["base"]


def test_table_and_csv(runner):
    result = runner.invoke(app, ["ensemble", str(SEED), *FAST, "-n", "200", "-t", "withdrawal<=3"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Timetable of US withdrawal" in text and "P(<=3)" in text
    assert "democratic-congress" in text and "medians across models" in text
    assert max(len(line) for line in text.splitlines()) <= 80 + 40  # title lines may run on
    result = runner.invoke(app, ["ensemble", str(SEED), *FAST, "-n", "200", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(rows[0]) == {"scenario", "model", "issue", "statistic", "value"}
    obj = run_json(runner, "-n", "200")
    median = next(
        r for r in rows
        if (r["scenario"], r["model"], r["issue"], r["statistic"]) == ("all", "median", "oil", "median")
    )  # fmt: skip
    assert float(median["value"]) == obj["models"]["median"]["issues"]["oil"]["median"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_draws_file_holds_every_member(runner, tmp_path, suffix):
    out = tmp_path / f"draws{suffix}"
    result = runner.invoke(
        app, ["ensemble", str(SEED), *FAST, "-n", "700", "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out).to_pydict()
    else:
        with out.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        table = {k: [r[k] for r in rows] for k in rows[0]}
    assert [int(m) for m in table["member"]] == list(range(700))
    medians = np.array([float(v) for v in table["forecast.median.withdrawal"]])
    assert float(np.median(medians)) == obj["models"]["median"]["issues"]["withdrawal"]["median"]
    assert set(table["scenario"]) <= {
        "democratic-congress",
        "republican-congress",
        "split-congress",
    }
    assert set(table["status.compromise"]) == {"no_rounds"}
    low, high = 0.0, 1.0  # iai's stated withdrawal range in the seed case
    iai = np.array([float(v) for v in table["iai.withdrawal.position"]])
    assert low <= iai.min() and iai.max() <= high and iai.std() > 0.1
    # same draws as the Python API: the file records exactly the members the summary used
    api = parley.ensemble(str(SEED), 700, ["compromise", "median"])
    np.testing.assert_array_equal(medians, api.column("median", "withdrawal"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--spread", "weight=0.1"], "--spread: unknown kind 'weight'"),
        (["--spread", "position"], "--spread expects KIND=FRACTION"),
        (["--spread", "capability=2"], "below 1"),
        (["--correlate", "nobody=0.5"], "--correlate: no actor has tag 'nobody'"),
        (["--correlate", "resistance=2"], "coefficient in [-1, 1]"),
        (["--threshold", "withdrawal=2"], "--threshold expects ISSUE<=VALUE"),
        (["--threshold", "speed<=2"], "--threshold speed<=2: unknown issue"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--scenario", "split-congress", "--no-scenario-mix"], "not both"),
        (["--device", "cuda"], "--device cuda needs PyTorch"),
        (["-o", "draws.xlsx"], "must end in .parquet or .csv"),
        (["-m", "nope"], "unknown model 'nope'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    if "--device" in args and parley.ensemble.device.cuda_available():
        pytest.skip("a CUDA device is present")
    result = runner.invoke(app, ["ensemble", str(SEED), "-n", "20", *FAST, *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_draws_never_replace_the_case_file(runner, tmp_path):
    case = tmp_path / "case.csv"
    case.write_text(
        "actor,issue,position,salience,capability\na,x,0,1,1\nb,x,10,1,1\n", encoding="utf-8"
    )
    before = case.read_bytes()
    result = runner.invoke(app, ["ensemble", str(case), "-n", "10", "-o", str(case)])
    assert result.exit_code == 2
    assert "is the case file itself" in result.stderr
    assert case.read_bytes() == before


def test_progress_bar_only_on_a_terminal(runner, monkeypatch):
    from rich.console import Console

    import parley.cli.ensemble as command

    quiet = runner.invoke(app, ["ensemble", str(SEED), *FAST, "-n", "300", "-f", "json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""  # not a terminal: no bar, nothing
    screen = io.StringIO()
    monkeypatch.setattr(command, "err", Console(file=screen, force_terminal=True, width=80))
    shown = runner.invoke(app, ["ensemble", str(SEED), *FAST, "-n", "300", "-f", "json"])
    assert shown.exit_code == 0
    assert "members" in screen.getvalue() and "300/300" in screen.getvalue()
