"""Paths inside a case (`model_params: {combined: {weights: FILE}}`): resolved against the case
file's folder, wherever parley runs from; read with the same rules as the case (a regular file,
within the input limit) and parsed when the case is read, so `validate` refuses what a run would;
refused altogether in a case uploaded to the workbench.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hostile.corpus import NOT_REGULAR, SAMPLES, invoke, rejected, snapshot

from parley.io import read_case

SHIPPED = resources.files("parley.models.combined").joinpath("combined_weights.json").read_text()


def case_naming(folder, weights: str, extra: str = ""):
    path = folder / "case.yaml"
    path.write_text(
        SAMPLES["yaml"][1]
        + f"model_params:\n  combined: {{weights: {json.dumps(weights)}{extra}}}\n"
    )
    return path


def reweighted() -> str:
    """The shipped fit with every weight on the compromise model: a forecast tells it apart."""
    record = json.loads(SHIPPED)
    record["weights"] = {k: (1.0 if k == "compromise" else 0.0) for k in record["weights"]}
    return json.dumps(record)


def forecast(path) -> float:
    result = invoke("forecast", path, "-m", "combined", "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["models"]["combined"]["forecast"]["x"]


def test_a_relative_path_means_the_file_beside_the_case(tmp_path, monkeypatch):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "fit.json").write_text(reweighted())
    path = case_naming(folder, "fit.json")
    plain = tmp_path / "plain.yaml"
    plain.write_text(SAMPLES["yaml"][1])
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no fit.json here
    assert read_case(path).model_params["combined"]["weights"] == str(folder / "fit.json")
    # all the weight on compromise: the combined forecast is compromise's, not the shipped fit's
    compromise = invoke("forecast", plain, "-m", "compromise", "-f", "json")
    expected = json.loads(compromise.stdout)["models"]["compromise"]["forecast"]["x"]
    assert forecast(path) == pytest.approx(expected)
    assert forecast(plain) != pytest.approx(expected)


@pytest.mark.parametrize("kind", sorted(NOT_REGULAR))
@pytest.mark.parametrize("command", ["validate", "forecast", "report"])
def test_a_weights_path_that_is_not_a_regular_file_is_refused_when_read(tmp_path, kind, command):
    make, message = NOT_REGULAR[kind]
    make(tmp_path / "w.json")
    path = case_naming(tmp_path, "w.json")
    before = snapshot(tmp_path)
    args = [command, path] + (["-o", tmp_path / "out.html"] if command == "report" else [])
    lines = rejected(invoke(*args), str(path), "model_params: combined.weights:", message)
    assert str(tmp_path / "w.json") in lines[0]
    assert snapshot(tmp_path) == before


def test_a_weights_file_over_the_input_limit_is_refused(tmp_path, monkeypatch):
    (tmp_path / "w.json").write_text(SHIPPED)
    path = case_naming(tmp_path, "w.json")
    monkeypatch.setenv("PARLEY_MAX_INPUT", str(len(SHIPPED.encode()) - 1))
    rejected(invoke("validate", path), str(path), "combined.weights", "larger than the input limit")


@pytest.mark.parametrize(
    ("content", "extra", "fragment"),
    [
        ("not json at all", "", "is not a weights file"),
        ('{"model": "combined"}', "", "is not a weights file"),
        (SHIPPED, ", procedure: XYZ", "procedure/voting: expected one of COD, CNS, got 'XYZ'"),
    ],
)
def test_validate_runs_what_a_run_would_check(tmp_path, content, extra, fragment):
    (tmp_path / "w.json").write_text(content)
    path = case_naming(tmp_path, "w.json", extra)
    for command in ("validate", "forecast"):
        rejected(invoke(command, path), str(path), "model_params: combined", fragment)


def test_a_case_uploaded_to_the_workbench_names_no_file(tmp_path):
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from parley.errors import CaseError
    from parley.web.uploads import read_upload

    text = case_naming(tmp_path, str(tmp_path / "w.json")).read_bytes()
    (tmp_path / "w.json").write_text(SHIPPED)  # it exists: refused all the same, never opened
    with pytest.raises(CaseError) as caught:
        read_upload(text, "case.yaml", 1_000_000)
    [line] = str(caught.value).splitlines()
    assert line.startswith("case.yaml: model_params: combined.weights: names a file")
    assert "workbench may not name files" in line
    plain = (
        (tmp_path / "case.yaml")
        .read_text()
        .replace(f"weights: {json.dumps(str(tmp_path / 'w.json'))}", "procedure: COD")
    )
    assert read_upload(plain.encode(), "case.yaml", 1_000_000).model_params["combined"]


@pytest.mark.parametrize(
    ("triples", "fragment"),
    [
        ("[[zz, a, 0.5]]", "smp.accommodation: unknown actor 'zz'"),
        ("[[a, b, 1.5]]", "smp.accommodation: adjust for 'a', 'b' must be in [0, 1], got 1.5"),
        ("[[a, b, 0.5]]", "smp.accommodation: adjustments of a sum to more than 1"),
    ],
)
def test_validate_checks_smps_accommodation_as_a_run_would(tmp_path, triples, fragment):
    path = tmp_path / "case.yaml"
    path.write_text(SAMPLES["yaml"][1] + f"model_params:\n  smp: {{accommodation: {triples}}}\n")
    for command in ("validate", "forecast"):
        rejected(invoke(command, path), str(path), f"model_params: {fragment}")
    # an actor a scenario adds may be named: the base run leaves smp out, the scenario's runs it
    path.write_text(
        SAMPLES["yaml"][1]
        + "model_params:\n  smp: {accommodation: [[new, new, 0.5], [new, a, 0.5]]}\n"
        + "scenarios:\n  - name: more\n    add_actors:\n"
        + "      - {id: new, capability: 1, stances: {x: {position: 5, salience: 50}}}\n"
    )
    assert invoke("validate", path).exit_code == 0
    assert invoke("forecast", path, "-m", "smp", "-s", "more").exit_code == 0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda r: r["weights"].update(compromise=float("nan")), "must be finite numbers"),
        (lambda r: r["features"].update({next(iter(r["features"])): [1, 2]}), "an array element"),
        (lambda r: r.update(models="compromise"), "'models' must be a list of model names"),
        (lambda r: r.update(models=["mean"]), "'models' must include 'compromise'"),
    ],
)
def test_a_weights_file_that_would_forecast_nan_is_no_weights_file(tmp_path, change, fragment):
    record = json.loads(SHIPPED)
    change(record)
    (tmp_path / "w.json").write_text(json.dumps(record))
    path = case_naming(tmp_path, "w.json")
    rejected(invoke("validate", path), str(path), "is not a weights file", fragment)


@pytest.mark.parametrize(
    "command",
    [
        ("convert", "{case}", "{out}"),
        ("report", "{case}", "-o", "{out}"),
        ("ensemble", "{case}", "-m", "compromise", "-n", "10", "-o", "{out}"),
    ],
    ids=lambda c: c[0],
)
def test_a_file_the_case_names_is_an_input_and_never_an_output(tmp_path, command):
    # the weights file beside the case is read by every run of it: writing a conversion, a report
    # or the draws over it would destroy what the case needs, so it is refused like the case itself
    (tmp_path / "fit.csv").write_text(reweighted())  # a .csv name, so ensemble -o accepts it
    path = case_naming(tmp_path, "fit.csv")
    before = snapshot(tmp_path)
    args = [a.format(case=path, out=tmp_path / "fit.csv") for a in command]
    lines = rejected(invoke(*args), "fit.csv", "never writes over")
    assert len(lines) == 1
    assert snapshot(tmp_path) == before
