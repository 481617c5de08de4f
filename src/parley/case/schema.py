"""The case file schema (YAML or JSON), checked by pydantic.

Types are checked here; relations between fields (unknown ids, ranges, duplicates) are checked in
`parley.case.check` so that every problem in a file is reported at once, with its location.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from parley.case.numbers import number_problem, parse_number
from parley.text import control_character

Distribution = Literal["triangular", "pert", "uniform"]
"""How an ensemble draws a value within its range: `triangular` (mode = value), `pert` (beta-PERT:
mode = value, less weight on the extremes) or `uniform` (flat between low and high)."""


def _plain(value: Any) -> Any:
    """Text meant as a number follows the plain-decimal rule (`5_0` is not 50)."""
    problem = number_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _printable(value: str) -> str:
    """An id names an actor or issue on every terminal and in every file: no control characters
    (escape sequences, tabs, newlines), which no format holds alike and a terminal would obey."""
    found = control_character(value)
    if found:
        raise ValueError(
            f"contains the control character {found}; ids are printable text (no tabs, newlines "
            "or escape sequences)"
        )
    return value


def _anchor_keys(value: Any) -> Any:
    """Anchor points given twice as different spellings of one number (`0` and `0.0`, `"1"` and
    `1`) would silently keep the last label."""
    if not isinstance(value, dict):
        return value
    seen: dict[float, Any] = {}
    for key in value:
        number = key if isinstance(key, int | float) and not isinstance(key, bool) else None
        if isinstance(key, str):
            number = parse_number(key)
        if number is None:
            continue
        if number in seen:
            raise ValueError(
                f"anchor {key!r} given twice (also as {seen[number]!r}), one label each"
            )
        seen[number] = key
    return value


Number = Annotated[float, BeforeValidator(_plain)]
Id = Annotated[str, Field(min_length=1), AfterValidator(_printable)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Estimate(_Strict):
    """A number with optional uncertainty bounds; a bare number in a file means no uncertainty.

    `distribution` overrides the case's default (`uncertainty: {distribution: ...}`) for this value.
    """

    value: Number
    low: Number | None = None
    high: Number | None = None
    distribution: Distribution | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, bool):  # YAML's yes/no/on/off: `position: no` must not mean 0
            raise ValueError(
                f"expected a number, got {str(data).lower()} (YAML reads yes/no/on/off as "
                "true/false; for no position write null)"
            )
        if isinstance(data, dict):
            return data
        return {"value": data}

    @property
    def uncertain(self) -> bool:
        return self.low is not None or self.high is not None


class Actor(_Strict):
    """A party to the negotiation; capability here applies to every issue unless a stance overrides."""

    id: Id
    name: str = ""
    description: str = ""
    tags: list[str] = []
    capability: Estimate | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Issue(_Strict):
    """One dimension of the negotiation: a scale in its own units with labelled anchors."""

    id: Id
    name: str = ""
    description: str = ""
    lower: Number
    upper: Number
    unit: str = ""
    anchors: Annotated[dict[Number, str], BeforeValidator(_anchor_keys)] = {}
    status_quo: Number | None = None
    outcome: Number | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    def nearest_anchor(self, value: float) -> str:
        """The label of the anchor closest to `value` ('' when the issue has none)."""
        if not self.anchors:
            return ""
        point = min(self.anchors, key=lambda a: (abs(a - value), a))
        return self.anchors[point]


class Stance(_Strict):
    """An actor's position, salience and (optionally) issue-specific capability on one issue.

    `position: null` records that the actor takes no position on the issue.
    """

    position: Estimate | None = None
    salience: Estimate
    capability: Estimate | None = None


class ActorPatch(_Strict):
    """A scenario change: set some values of one actor, on one issue or (capability) overall.

    `capability_factor` multiplies the actor's capability (on one issue, or on every issue keeping
    the issue-specific ones in proportion): "the Democrats' leverage grows by half" is 1.5.
    """

    actor: str
    issue: str | None = None
    position: Number | None = None
    salience: Number | None = None
    capability: Number | None = None
    capability_factor: Number | None = Field(default=None, gt=0)


class NewActor(Actor):
    """An actor a scenario adds, with its stances."""

    stances: dict[str, Stance] = {}


class Scenario(_Strict):
    """A patch on the base case: change values, add actors, drop actors (applied in that order).

    `probability`: the chance that this scenario happens. The scenarios that carry one are
    alternatives (their probabilities sum to at most 1; the rest is the base case's), and an
    ensemble draws one per member by these probabilities.
    """

    name: str = Field(min_length=1)
    description: str = ""
    probability: Number | None = Field(default=None, ge=0, le=1)
    set: list[ActorPatch] = []
    add_actors: list[NewActor] = []
    drop_actors: list[str] = []


class Uncertainty(_Strict):
    """Case-level defaults of ensembles: the distribution of every `{value, low, high}` that does
    not name its own."""

    distribution: Distribution = "triangular"


class Case(_Strict):
    """A negotiation: actors, issues, and every actor's stance on every issue.

    Saliences are given on `salience_scale` (1 or 100); positions in each issue's own units.
    """

    title: str = "untitled case"
    description: str = ""
    sources: list[str] = []
    date: str | None = None
    salience_scale: Number = 1.0
    actors: list[Actor]
    issues: list[Issue]
    stances: dict[str, dict[str, Stance]] = {}
    scenarios: list[Scenario] = []
    uncertainty: Uncertainty = Uncertainty()
    colour_by: str | None = None
    """The tag family that colours actors in the report: each actor's first tag starting with
    this prefix (`sect:` colours by `sect:sunni`, `sect:shia`, ...); `--colour-by` overrides it."""
    model_params: dict[str, dict[str, Any]] = {}
    """Per-model parameters the case carries (e.g. KTAB XML's ModelParameters for `smp`);
    command-line parameters override them."""

    def fingerprint(self) -> str:
        """SHA-256 of the case's canonical JSON: the same case read from any format hashes the same,
        so a run's record names exactly the inputs it was given."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)

    def scenario(self, name: str) -> Scenario:
        from parley.errors import ScenarioError

        for s in self.scenarios:
            if s.name == name:
                return s
        from parley.suggest import did_you_mean

        names = [s.name for s in self.scenarios]
        hint = did_you_mean(name, names) or f" (this case has: {', '.join(names) or 'none'})"
        raise ScenarioError(f"unknown scenario {name!r}{hint}")
