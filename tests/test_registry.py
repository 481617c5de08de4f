"""The model registry: presets and parameters from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from parley.errors import ModelError
from parley.models import Traits, get_model, model_names, register, registry, traits


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
    monkeypatch.setattr(registry, "_TRAITS", dict(registry._TRAITS))
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
        ({"rounds": "ten"}, "_probe.rounds: expected an integer, got 'ten'"),
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


def test_a_misspelt_trait_fails_at_registration():
    with pytest.raises(TypeError, match="unknown trait\\(s\\) multi_isue"):
        register("_typo", multi_isue=True)


def test_rounds_param_must_name_a_parameter():
    with pytest.raises(TypeError, match="rounds_param 'turns' is not a parameter"):
        register("_bad_rounds", rounds_param="turns")(_Probe)


def test_traits_have_their_defaults_in_one_place():
    assert traits("_probe") == Traits(rounds_param="rounds")  # it has a `rounds` parameter
    # no rounds: --rounds sets nothing; each issue's forecast is its own weighted mean
    assert traits("compromise") == Traits(separable_issues=True)
    assert traits("smp").rounds_param == "max_turns"
    assert traits("exchange").multi_issue and not traits("eum").multi_issue
    assert traits("combined").learns_from_outcomes and traits("combined").cross_validate
    assert not traits("mean").uses_capability
    with pytest.raises(ModelError, match="unknown model 'nosuch'"):
        traits("nosuch")
