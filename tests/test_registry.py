"""The model registry: presets and parameters from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from parley.errors import ModelError
from parley.models import get_model, model_names, register, registry


@dataclass(frozen=True)
class _Probe:
    rounds: int = 10
    eps: float = 0.01
    rule: Literal["a", "b"] = "a"
    verbose: bool = False
    limit: int | None = None

    def run(self, arrays):  # pragma: no cover - never run
        raise NotImplementedError


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    """Register the probe model for one test only, so that other tests never see it."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    register("_probe", presets={"fast": {"rounds": 2, "rule": "b"}})(_Probe)


def test_baselines_registered():
    assert {"compromise", "mean", "median"} <= set(model_names())


def test_defaults_preset_and_params_in_order():
    assert get_model("_probe") == _Probe()
    assert get_model("_probe", "fast") == _Probe(rounds=2, rule="b")
    m = get_model(
        "_probe", "fast", {"rounds": "5", "eps": "1e-3", "verbose": "yes", "limit": "none"}
    )
    assert m == _Probe(rounds=5, eps=1e-3, rule="b", verbose=True, limit=None)
    assert get_model("_probe", params={"limit": "7"}).limit == 7


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rounds": "ten"}, "_probe.rounds: expected int, got 'ten'"),
        ({"rule": "c"}, "_probe.rule: expected one of a, b, got 'c'"),
        ({"verbose": "maybe"}, "expected true or false"),
        ({"nope": "1"}, "has no parameter 'nope'"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ModelError, match=message):
        get_model("_probe", params=params)


def test_unknown_preset():
    with pytest.raises(ModelError, match="no preset 'slow'"):
        get_model("_probe", "slow")
