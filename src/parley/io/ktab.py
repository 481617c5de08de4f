"""KTAB's SMP input files (KAPSARC Toolkit for Behavioral Analysis): the CSV format.

(The XML format is in `parley.io.ktab_xml`; both share the rules below.)

CSV (reference/smp/*.csv): line 1 is `scenario name, description, actor count, dimension count`;
line 2 the header `Actor, Description, Power (or Influence), <position>, <salience>, ...` with one
position/salience pair per dimension; then one row per actor. Trailing commas are ignored. The
counts on line 1 must match the rows and the header.

In both: positions and saliences are on 0-100, every dimension becomes an issue with bounds 0-100
(id and name: the position column's header, or the dName), salience_scale is 100, and an actor's
saliences may sum to at most 100 (KTAB's requirement). The actor's Description becomes its
description; Power/capability its capability.

The writers rescale positions linearly from the issue's bounds to 0-100 and saliences to 0-100;
they refuse cases KTAB cannot hold (an actor without a position on some issue, capability that differs
between issues, saliences summing to more than 100).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError, Problem
from parley.io.rows import Collector, cell, first_lines, fmt, header_words, stance_values
from parley.io.rows import number_or_none as _num
from parley.io.safe_read import csv_rows, read_text
from parley.io.safe_write import write_text

MAX_TOTAL_SALIENCE = 100.0
SMP_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("Full", "TwoThirds", "Half", "OneThird", "No"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}


def sniff_csv(text: str) -> bool:
    """Line 2 starts `Actor, Description` (line 1 is the scenario line)."""
    lines = first_lines(text, 2)
    return len(lines) == 2 and header_words(lines[1])[:2] == ["actor", "description"]


def read_ktab_csv(path: Path) -> Case:
    text = read_text(path)
    col = Collector(str(path))
    rows = [(n, _trim(r)) for n, r in csv_rows(text, str(path)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise CaseError(
            "expected a scenario line and a header line (Actor,Description,Power,...)",
            source=str(path),
        )
    (first_at, first), (head_at, header) = rows[0], rows[1]
    if len(first) < 4:
        raise CaseError(
            f"line {first_at}: expected 'scenario name, description, actor count, dimension "
            f"count', found {len(first)} field(s)",
            source=str(path),
        )
    n_actors, n_dims = (
        _count(first[2], first_at, "actor count", col),
        _count(first[3], first_at, "dimension count", col),
    )
    pairs = len(header) - 3
    if len(header) < 5 or pairs % 2:
        col.problem(
            head_at,
            f"expected Actor,Description,Power and one position,salience pair per dimension; "
            f"found {len(header)} columns",
        )
    col.fail_if_any()
    dims = [header[3 + 2 * d] for d in range(pairs // 2)]
    if n_dims is not None and n_dims != len(dims):
        col.problem(
            first_at, f"dimension count {n_dims}, but the header on line {head_at} has {len(dims)}"
        )
    body = rows[2:]
    if n_actors is not None and n_actors != len(body):
        col.problem(first_at, f"actor count {n_actors}, but the file has {len(body)} actor rows")
    actors: list[dict[str, Any]] = []
    stances: dict[str, dict[str, Any]] = {}
    col.at(("actors",), head_at, "Actor")
    for line, row in body:
        if len(row) != len(header):
            col.problem(line, f"expected {len(header)} cells like the header, found {len(row)}")
            continue
        actor = row[0]
        k = len(actors)
        actors.append({"id": actor, "description": row[1], "capability": cell(row[2])})
        col.at(("actors", k, "id"), line, header[0])
        col.at(("actors", k, "capability"), line, header[2])
        col.at(("stances", actor), line, "salience")
        stances[actor] = {}
        for d, dim in enumerate(dims):
            pos, sal = row[3 + 2 * d], row[4 + 2 * d]
            stances[actor][dim] = {"position": cell(pos), "salience": cell(sal)}
            col.at(("stances", actor, dim, "position"), line, header[3 + 2 * d])
            col.at(("stances", actor, dim, "salience"), line, header[4 + 2 * d])
        check_total_salience(actor, [row[4 + 2 * d] for d in range(len(dims))], line, col)
    issues = [{"id": dim, "name": dim, "lower": 0.0, "upper": 100.0} for dim in dims]
    for k, _dim in enumerate(dims):
        col.at(("issues", k, "id"), head_at, header[3 + 2 * k])
    data = {
        "title": first[0],
        "description": first[1],
        "sources": [path.name],
        "salience_scale": 100.0,
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    return col.build(data)


def _trim(row: list[str]) -> list[str]:
    cells = [c.strip() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _count(text: str, line: int, what: str, col: Collector) -> int | None:
    if re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):  # int() also reads '1_0' as 10
        return int(text)
    col.problem(line, f"{what}: expected a whole number, got {text!r}")
    return None


def check_total_salience(actor: str, values: list[Any], line: int | None, col: Collector) -> None:
    numbers = [_num(v) for v in values]
    if all(v is not None for v in numbers):
        total = sum(v for v in numbers if v is not None)
        if total > MAX_TOTAL_SALIENCE + 1e-9:
            col.problem(
                line,
                f"saliences of actor {actor!r} sum to {total:g}; KTAB requires at most "
                f"{MAX_TOTAL_SALIENCE:g} over all dimensions",
            )


def write_ktab_csv(case: Case, path: Path) -> None:
    rows = ktab_rows(case, path, "CSV")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [_one_line(case.title), _one_line(case.description), len(case.actors), len(case.issues), ""]
    )
    header = ["Actor", "Description", "Power"]
    for issue in case.issues:
        header += [issue.id, f"{issue.id} Salience"]
    writer.writerow([*header, ""])
    for row in rows:
        writer.writerow([_one_line(c) for c in row] + [""])
    write_text(path, buf.getvalue())


def _one_line(text: str) -> str:
    """KTAB reads its CSV line by line: a line break inside a text cell would end the row."""
    return " ".join(str(text).split()) if any(c in str(text) for c in "\r\n") else str(text)


def ktab_rows(case: Case, path: Path, what: str) -> list[list[str]]:
    """Per actor: id, description, power, then position and salience per issue, on 0-100.

    CaseError naming every actor KTAB cannot hold, so that nothing is written.
    """
    rows, problems = [], []
    for actor in case.actors:
        row, problem = actor_row(case, actor.id)
        rows.append(row)
        if problem:
            problems.append(problem)
    if problems:
        raise CaseError(
            [Problem(str(path), "", f"KTAB's {what} cannot hold this case: {p}") for p in problems]
        )
    return rows


def actor_row(case: Case, actor_id: str) -> tuple[list[str], str]:
    """The row of an actor (positions rescaled from the issue's bounds), or why KTAB cannot hold it."""
    actor = case.actor(actor_id)
    cells: list[str] = []
    powers = set()
    total = 0.0
    for issue in case.issues:
        values = stance_values(case, actor_id, issue.id)
        if values is None:
            return [], f"actor {actor_id!r} has no position on issue {issue.id!r}"
        position, salience, capability = values
        powers.add(capability.value)
        pos = (position.value - issue.lower) * 100.0 / (issue.upper - issue.lower)
        if (issue.lower, issue.upper) == (0.0, 100.0):
            pos = position.value
        sal = salience.value * (100.0 / case.salience_scale)  # exact when already 0-100
        total += sal
        cells += [fmt(pos), fmt(sal)]
    if len(powers) > 1:
        return [], f"actor {actor_id!r} has a different capability per issue (KTAB has one)"
    if total > MAX_TOTAL_SALIENCE + 1e-9:
        return [], f"saliences of actor {actor_id!r} sum to {total:g} on 0-100 (at most 100)"
    description = actor.description or actor.name
    return [actor_id, description, fmt(powers.pop()), *cells], ""
