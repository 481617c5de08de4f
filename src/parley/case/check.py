"""Relations between the fields of a case: ids, ranges, capabilities. Collects every problem."""

from __future__ import annotations

import math
from collections import Counter

from parley.case.locations import Path
from parley.case.schema import Case, Estimate, Issue
from parley.suggest import did_you_mean

Found = list[tuple[Path, str]]


def case_problems(case: Case) -> Found:
    """Every problem with `case` as (path, message), in file order; empty when the case is valid."""
    found: Found = []
    if not case.actors:
        found.append((("actors",), "the case has no actors"))
    if not case.issues:
        found.append((("issues",), "the case has no issues"))
    scale_problem = _scale_problem(case)
    if scale_problem:
        found.append((("salience_scale",), scale_problem))
    _duplicates(found, "actors", [a.id for a in case.actors], "actor")
    _duplicates(found, "issues", [i.id for i in case.issues], "issue")
    for k, issue in enumerate(case.issues):
        _check_issue(found, k, issue)
    for k, actor in enumerate(case.actors):
        if actor.capability is not None:
            _capability(found, ("actors", k, "capability"), actor.capability)
    _check_stances(found, case)
    names = [s.name for s in case.scenarios]
    for k, name in enumerate(names):
        if names.index(name) != k:  # `--scenario NAME` could only ever reach the first
            found.append((("scenarios", k, "name"), f"duplicate scenario {name!r}"))
        elif name == "base":  # compare and report name the unpatched case so
            found.append((("scenarios", k, "name"), "'base' is reserved for the base case"))
    for k, scenario in enumerate(case.scenarios):
        _check_scenario(found, case, k, scenario)
    _check_probabilities(found, case)
    return found


def _check_probabilities(found: Found, case: Case) -> None:
    """Scenarios with a probability are alternatives: together at most 1, the rest is the base's."""
    total = 0.0
    for k, scenario in enumerate(case.scenarios):
        if scenario.probability is None:
            continue
        total += scenario.probability
        if total > 1 + 1e-9:
            found.append(
                (
                    ("scenarios", k, "probability"),
                    f"scenario probabilities sum to {total:g} by here; they must sum to at most 1 "
                    "(the rest is the base case's)",
                )
            )
            return


def _saliences(case: Case) -> list[float]:
    return [
        v
        for stances in case.stances.values()
        for s in stances.values()
        for v in (s.salience.value, s.salience.low, s.salience.high)
        if v is not None
    ]


def _meant_scale(case: Case) -> float:
    """100 when the case says 1 but several saliences lie in (1, 100] and none outside [0, 100]:
    the saliences are on 0-100 and the declaration is the one mistake."""
    values = _saliences(case)
    above = [v for v in values if v > 1]
    if case.salience_scale == 1 and len(above) > 1 and all(0 <= v <= 100 for v in values):
        return 100.0
    return case.salience_scale


def _scale_problem(case: Case) -> str:
    if case.salience_scale not in (1.0, 100.0):
        return f"must be 1 or 100, got {case.salience_scale:g}"
    if _meant_scale(case) != case.salience_scale:
        above = [v for v in _saliences(case) if v > 1]
        return (
            f"1 (saliences on 0-1, the default) but {len(above)} saliences are above 1 (up to "
            f"{max(above):g}): for saliences on 0-100 write salience_scale: 100"
        )
    return ""


def _duplicates(found: Found, section: str, ids: list[str], what: str) -> None:
    counts = Counter(ids)
    for k, i in enumerate(ids):
        if counts[i] > 1 and ids.index(i) != k:
            found.append(((section, k, "id"), f"duplicate {what} {i!r}"))


def _check_issue(found: Found, k: int, issue: Issue) -> None:
    for name in ("lower", "upper"):
        value = getattr(issue, name)
        if math.isinf(value):  # NaN fails the order test below
            found.append(
                (("issues", k, name), f"{name} bound must be a finite number, got {value}")
            )
            return
    if not issue.lower < issue.upper:
        found.append(
            (
                ("issues", k, "upper"),
                f"upper bound {issue.upper:g} must exceed lower {issue.lower:g}",
            )
        )
        return
    for name in ("status_quo", "outcome"):
        value = getattr(issue, name)
        if value is not None and not issue.lower <= value <= issue.upper:
            found.append((("issues", k, name), _outside(value, issue)))
    for point in issue.anchors:
        if not issue.lower <= point <= issue.upper:
            found.append((("issues", k, "anchors"), f"anchor {_outside(point, issue)}"))


def _outside(value: float, issue: Issue) -> str:
    return f"{value:g} is outside the issue's range [{issue.lower:g}, {issue.upper:g}]"


def _capability(found: Found, path: Path, cap: Estimate) -> None:
    for part, value in (("value", cap.value), ("low", cap.low)):
        if value is not None and not value > 0:
            found.append(((*path, part), f"capability must be > 0, got {value:g}"))
    for part, value in (("value", cap.value), ("low", cap.low), ("high", cap.high)):
        if value is not None and math.isinf(value):  # an infinite weight drowns every other actor
            found.append(((*path, part), f"capability must be a finite number, got {value}"))
    _ordered(found, path, cap)


def _ordered(found: Found, path: Path, est: Estimate) -> None:
    if est.low is not None and est.low > est.value:
        found.append(((*path, "low"), f"low {est.low:g} exceeds the value {est.value:g}"))
    if est.high is not None and est.high < est.value:
        found.append(((*path, "high"), f"high {est.high:g} is below the value {est.value:g}"))


def _in_range(found: Found, path: Path, est: Estimate, lo: float, hi: float) -> None:
    for part in ("value", "low", "high"):
        value = getattr(est, part)
        if value is not None and not lo <= value <= hi:
            found.append(((*path, part), f"{value:g} is outside [{lo:g}, {hi:g}]"))
    _ordered(found, path, est)


def _check_stances(found: Found, case: Case) -> None:
    actors = {a.id: a for a in case.actors}
    issues = {i.id: i for i in case.issues}
    # a wrong scale is one error, not one more per salience: check ranges on what was meant
    scale = None if case.salience_scale not in (1.0, 100.0) else _meant_scale(case)
    for actor_id, stances in case.stances.items():
        if actor_id not in actors:
            found.append(
                (
                    ("stances", actor_id),
                    f"unknown actor {actor_id!r}{did_you_mean(actor_id, actors)}",
                )
            )
            continue
        for issue_id, stance in stances.items():
            _check_stance(
                found, ("stances", actor_id, issue_id), stance, issues, actors[actor_id], scale
            )
        saliences = [s.salience.value for s in stances.values()]
        if saliences and all(s == 0 for s in saliences):
            found.append((("stances", actor_id), f"all saliences of actor {actor_id!r} are zero"))
    for issue_id, _issue in issues.items():
        if not any(
            issue_id in s and s[issue_id].position is not None for s in case.stances.values()
        ):
            k = list(issues).index(issue_id)
            found.append((("issues", k, "id"), f"no actor takes a position on issue {issue_id!r}"))


def _check_stance(found, path, stance, issues, actor, scale) -> None:
    issue = issues.get(path[-1])
    if issue is None:
        found.append((path, f"unknown issue {path[-1]!r}{did_you_mean(path[-1], issues)}"))
        return
    if stance.position is not None and issue.lower < issue.upper:
        _in_range(found, (*path, "position"), stance.position, issue.lower, issue.upper)
    if scale is not None:
        _in_range(found, (*path, "salience"), stance.salience, 0.0, scale)
    if stance.capability is not None:
        _capability(found, (*path, "capability"), stance.capability)
    elif actor.capability is None and stance.position is not None:
        found.append(((*path, "capability"), f"no capability for actor {actor.id!r}"))


def _check_scenario(found: Found, case: Case, k: int, scenario) -> None:
    actors = {a.id for a in case.actors}
    issues = {i.id for i in case.issues}
    base = ("scenarios", k)
    for j, patch in enumerate(scenario.set):
        if patch.actor not in actors and patch.actor not in {a.id for a in scenario.add_actors}:
            found.append(
                (
                    (*base, "set", j, "actor"),
                    f"unknown actor {patch.actor!r}{did_you_mean(patch.actor, actors)}",
                )
            )
        if patch.issue is not None and patch.issue not in issues:
            found.append(
                (
                    (*base, "set", j, "issue"),
                    f"unknown issue {patch.issue!r}{did_you_mean(patch.issue, issues)}",
                )
            )
    for j, actor_id in enumerate(scenario.drop_actors):
        if actor_id not in actors:
            found.append(
                (
                    (*base, "drop_actors", j),
                    f"unknown actor {actor_id!r}{did_you_mean(actor_id, actors)}",
                )
            )
    for j, new in enumerate(scenario.add_actors):
        if new.id in actors:
            found.append(((*base, "add_actors", j, "id"), f"actor {new.id!r} already exists"))
        for issue_id in new.stances:
            if issue_id not in issues:
                found.append(
                    (
                        (*base, "add_actors", j, "stances", issue_id),
                        f"unknown issue {issue_id!r}{did_you_mean(issue_id, issues)}",
                    )
                )
