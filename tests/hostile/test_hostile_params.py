"""Model parameters are checked once, at the edge, by declared type and range: the same one line
whether a bad value comes from `--param`, `--rounds` or the case file's `model_params`.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest
from hostile.corpus import SAMPLES, invoke, rejected

from parley.models import model_class, model_names
from parley.models.constraints import MAX_ROUNDS, declared_ranges

# (model, parameter, value as YAML, value as --param text, expected fragment)
BAD = [
    ("eum", "rounds", "2.5", "2.5", "eum.rounds: expected an integer in [0, 10000], got"),
    ("exchange", "rounds", "2.5", "2.5", "exchange.rounds: expected an integer in [0, 10000]"),
    ("eum", "rounds", "true", "true", "eum.rounds: expected an integer in [0, 10000], got"),
    ("eum", "rounds", "1000000000", "1000000000", "eum.rounds: expected an integer in [0, 10000]"),
    ("exchange", "seed", "-1", "-1", "exchange.seed: expected an integer >= 0, got"),
    ("smp", "seed", "-1", "-1", "smp.seed: expected an integer >= 0, got"),
    ("eum", "tolerance", ".nan", "nan", "eum.tolerance: expected a number in [0, 1], got"),
    ("eum", "tolerance", ".inf", "inf", "eum.tolerance: expected a number in [0, 1], got"),
    ("smp", "min_delta_ratio", ".nan", "nan", "smp.min_delta_ratio: expected a number >= 0"),
    ("eum", "kernel", "3", "3", "eum.kernel: expected one of fast, plain, got"),
    ("eum", "quadrants", "1", "1", "eum.quadrants: expected true or false, got"),
    ("eum", "q", "5_0", "5_0", "eum.q: expected a number in [0, 1], got"),
    ("smp", "max_turns", "-1", "-1", "smp.max_turns: expected an integer in [0, 10000]"),
]


def case_with(tmp_path, model: str, param: str, yaml_value: str):
    path = tmp_path / "case.yaml"
    text = SAMPLES["yaml"][1]
    path.write_text(text + f"model_params:\n  {model}: {{{param}: {yaml_value}}}\n")
    return path


@pytest.mark.parametrize(("model", "param", "as_yaml", "as_text", "fragment"), BAD)
def test_a_bad_parameter_is_one_line_from_every_source(
    tmp_path, model, param, as_yaml, as_text, fragment
):
    path = case_with(tmp_path, model, param, as_yaml)
    for command in ("validate", "forecast", "compare", "coalitions"):
        lines = rejected(invoke(command, path), str(path), f"model_params: {fragment}")
        assert len(lines) == 1
    plain = tmp_path / "plain.yaml"
    plain.write_text(SAMPLES["yaml"][1])
    result = invoke("forecast", plain, "-m", model, "--param", f"{model}.{param}={as_text}")
    lines = rejected(result, "", fragment)  # a command-line value: the line names the parameter
    assert len(lines) == 1


def test_rounds_from_the_command_line_are_capped(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(SAMPLES["yaml"][1])
    for model in ("eum", "exchange", "smp"):
        result = invoke("forecast", plain, "-m", model, "--rounds", "1000000000")
        rejected(result, "", f"expected an integer in [0, {MAX_ROUNDS}]")


def test_deeply_nested_json_is_refused_without_recursion(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(SAMPLES["yaml"][1])
    deep = "[" * 200_000 + "]" * 200_000
    result = invoke("forecast", plain, "-m", "smp", "--param", f"accommodation={deep}")
    rejected(result, "", "smp.accommodation: expected a list nested at most 2 deep")


def test_a_capability_factor_that_overflows_is_refused(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        SAMPLES["yaml"][1]
        + "scenarios:\n  - name: big\n    set:\n      - {actor: b, capability_factor: 1.0e+308}\n"
    )
    rejected(invoke("forecast", path, "-s", "big"), str(path), "capability_factor 1e+308 overflows")


def test_every_numeric_parameter_of_every_model_has_a_declared_range():
    for name in model_names():
        cls = model_class(name)
        hints = typing.get_type_hints(cls)
        ranges = declared_ranges(cls)
        for field in dataclasses.fields(cls):
            kinds = set(typing.get_args(hints[field.name])) | {hints[field.name]}
            if kinds & {int, float}:
                assert field.name in ranges, f"{name}.{field.name} declares no range"
        for rounds in ("rounds", "max_turns"):
            if rounds in ranges:
                assert ranges[rounds].high == MAX_ROUNDS


# backtest fit-combined's options are declared once (combined_fit.FIT_OPTIONS) and checked at the
# edge: never a traceback, a run without end (nested CV over 100,000 folds) or NaN weights
BAD_FIT = [
    ("--seed", "-1", "--seed: expected an integer >= 0, got -1"),
    ("--penalty", "nan", "--penalty: expected a number >= 0 or none, got nan"),
    ("--penalty", "inf", "--penalty: expected a number >= 0 or none, got inf"),
    ("--penalty", "-1", "--penalty: expected a number >= 0 or none, got -1.0"),
    ("--folds", "0", "--folds: expected an integer in [2, 20] or none, got 0"),
    ("--folds", "100000", "--folds: expected an integer in [2, 20] or none, got 100000"),
    ("--folds", "3", "--folds must be at most 2 (one per proposal with outcomes), got 3"),
]


@pytest.mark.parametrize(("option", "value", "message"), BAD_FIT)
def test_fit_combined_options_are_checked_at_the_edge(tmp_path, option, value, message):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b"):  # two proposals, each with one issue's outcome
        (data / f"{name}.yaml").write_text(
            SAMPLES["yaml"][1].replace("upper: 10}", "upper: 10, outcome: 4}")
        )
    out = tmp_path / "w.json"
    result = invoke("backtest", "fit-combined", data, "-o", out, "-q", option, value)
    assert rejected(result, option, message) == [f"error: {message}"]
    assert not out.exists()


def test_direct_construction_is_checked_by_the_same_declared_ranges():
    # each range declared once (param_ranges): a model built directly gets the line --param gets
    from parley.errors import ModelError
    from parley.models import get_model

    for name in model_names():
        cls = model_class(name)
        for field, interval in declared_ranges(cls).items():
            bad = (interval.low - 1) if interval.low is not None else interval.high + 1
            with pytest.raises(ModelError) as from_param:
                get_model(name, None, {field: bad})
            with pytest.raises(ValueError) as direct:
                cls(**{field: bad})
            assert str(direct.value) == str(from_param.value), (name, field)
