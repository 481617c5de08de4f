"""What-if changes: single values of a case set from the command line, without editing the file.

`parley forecast case.yaml --set iai.withdrawal.position=2 --set us_admin.capability=60` answers
"what if the Islamic Army asked for two years, and the administration were weaker?". `parse_changes` reads
each `--set` text into a `ValueChange` (for the CLI and the web alike); this module applies a list of them to a case (after any
scenarios) and validates the result exactly as a case file is validated, so a what-if can never
produce a case a file could not hold.

A change replaces the whole estimate: a value given on the command line carries no `low`/`high`
range. Saliences are on the case's own `salience_scale`, positions in the issue's units, as in the
file.

>>> from parley.case import build_case
>>> case = build_case({"actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
...     "issues": [{"id": "x", "lower": 0, "upper": 10}],
...     "stances": {"a": {"x": {"position": 0, "salience": 1}},
...                 "b": {"x": {"position": 10, "salience": 1}}}})
>>> changed = apply_changes(case, [ValueChange("b", None, "capability", 3)])
>>> changed.actor("b").capability.value
3.0
>>> apply_changes(case, [ValueChange("bb", "x", "position", 3)])
Traceback (most recent call last):
...
parley.errors.ScenarioError: set: unknown actor 'bb' (did you mean 'b'?); actors: a, b

Errors name the parameter `set` (the web form's field); the CLI shows its flag, `--set`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.case import Case, build_case
from parley.case.locations import Locations
from parley.errors import CaseError, ScenarioError
from parley.scenarios import apply_scenarios
from parley.suggest import did_you_mean

FIELDS = ("position", "salience", "capability")
"""What `--set` can change: an actor's position, salience or capability on an issue, or its
capability on every issue (no issue given)."""

SOURCE = "set"
"""The parameter a what-if error names (`ParleyError.parameter`): `--set` on the command line."""
FORM = "ACTOR.ISSUE.FIELD=VALUE or ACTOR.capability=VALUE"


@dataclass(frozen=True)
class ValueChange:
    """Set `field` of `actor` on `issue` (None: the actor-wide capability) to `value`.

    `value` None is allowed for a position only: the actor then takes no position on the issue.
    `text` is the change as the user typed it, quoted in error messages.
    """

    actor: str
    issue: str | None
    field: str
    value: float | None
    text: str = ""

    def __str__(self) -> str:
        if self.text:
            return self.text
        path = ".".join(p for p in (self.actor, self.issue, self.field) if p)
        return f"{path}={'none' if self.value is None else f'{self.value:g}'}"


def apply_changes(case: Case, changes: Sequence[ValueChange]) -> Case:
    """The case with every change applied in order (later ones win), validated like a file.

    Raises ScenarioError (one line per problem) for an unknown actor, issue or field, a change
    that needs an issue, or a value the case's rules refuse (a salience above the scale, a
    position off the issue's scale, a negative capability).
    """
    if not changes:
        return case
    actors = [a.id for a in case.actors]
    issues = [i.id for i in case.issues]
    data = case.model_dump()
    by_id = {a["id"]: a for a in data["actors"]}
    where = Locations()  # a problem of the patched case names the `set` item that caused it
    for change in changes:
        _check(change, actors, issues)
        if change.issue is None:
            where.add(
                ("actors", actors.index(change.actor), "capability"), str(change), "capability"
            )
            by_id[change.actor]["capability"] = {"value": change.value}
            for stance in data["stances"].get(change.actor, {}).values():
                stance["capability"] = None  # actor-wide means every issue, as in a scenario
            continue
        stance = (
            data["stances"]
            .setdefault(change.actor, {})
            .setdefault(change.issue, {"salience": {"value": 0}})
        )
        stance[change.field] = None if change.value is None else {"value": change.value}
        where.add(("stances", change.actor, change.issue, change.field), str(change), change.field)
    data["title"] = f"{case.title} [set {', '.join(map(str, changes))}]"
    try:
        return build_case(data, SOURCE, where)
    except CaseError as exc:
        err = ScenarioError("\n".join(str(p) for p in exc.problems))  # each line: "set: ..."
        err.parameter = SOURCE
        raise err from None


def whatif_case(
    case: Case, scenarios: str | Sequence[str] | None = None, changes: Sequence[ValueChange] = ()
) -> Case:
    """The case a run sees: `scenarios` (one name or several, applied in the order given), then
    the what-if `changes` on top."""
    names = [scenarios] if isinstance(scenarios, str) else list(scenarios or ())
    return apply_changes(apply_scenarios(case, names), changes)


def whatif_label(
    scenarios: str | Sequence[str] | None = None, changes: Sequence[ValueChange] = ()
) -> str | None:
    """How a run names its what-if: 'a + b' for scenarios, then 'set X=1, Y=2' (None: base case).

    >>> whatif_label(["democratic-congress"], [ValueChange("iai", "oil", "salience", 60)])
    'democratic-congress; set iai.oil.salience=60'
    """
    names = [scenarios] if isinstance(scenarios, str) else list(scenarios or ())
    parts = [" + ".join(names)] if names else []
    if changes:
        parts.append("set " + ", ".join(map(str, changes)))
    return "; ".join(parts) or None


def unknown_name(kind: str, name: str, known: Sequence[str]) -> str:
    """One line: the unknown name, the near miss if any, and every known name."""
    return f"unknown {kind} {name!r}{did_you_mean(name, known)}; {kind}s: {', '.join(known)}"


def _check(change: ValueChange, actors: list[str], issues: list[str]) -> None:
    def problem(message: str) -> ScenarioError:
        return ScenarioError.about(SOURCE, f": {message}")

    if change.actor not in actors:
        raise problem(unknown_name("actor", change.actor, actors))
    if change.issue is not None and change.issue not in issues:
        raise problem(unknown_name("issue", change.issue, issues))
    if change.field not in FIELDS:
        hint = f"; {change.field!r} is an issue: {FORM}" if change.field in issues else ""
        raise problem(unknown_name("field", change.field, FIELDS) + hint)
    if change.issue is None and change.field != "capability":
        raise problem(
            f"{change}: {change.field} needs an issue: ACTOR.ISSUE.{change.field}=VALUE "
            f"(issues: {', '.join(issues)})"
        )
    if change.value is None and change.field != "position":
        raise problem(f"{change}: {change.field} needs a number")


def parse_changes(items: Sequence[str] | None) -> list[ValueChange]:
    """Each `--set` item (text) as a ValueChange; a malformed item is a one-line ScenarioError.

    >>> parse_changes(["iai.withdrawal.position=2", "us_admin.capability=60"])[1]
    ValueChange(actor='us_admin', issue=None, field='capability', value=60.0, text='us_admin.capability=60')
    """
    return [_parse(item) for item in items or ()]


def _parse(item: str) -> ValueChange:
    key, sep, raw = item.partition("=")
    parts = [p.strip() for p in key.split(".")]
    if not sep or len(parts) not in (2, 3) or not all(parts):
        raise ScenarioError.about(SOURCE, f"expects {FORM}, got {item!r}")
    text = raw.strip()
    if text.lower() in {"none", "null"}:
        value = None  # no position on the issue
    else:
        try:
            value = float(text)
        except ValueError:
            raise ScenarioError.about(
                SOURCE, f"{item}: expected a number (or none for no position), got {text!r}"
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ScenarioError.about(SOURCE, f"{item}: expected a finite number, got {text!r}")
    actor, issue, field = parts if len(parts) == 3 else (parts[0], None, parts[1])
    return ValueChange(actor, issue, field, value, item)
