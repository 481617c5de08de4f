"""KTAB's SMP input files (KAPSARC Toolkit for Behavioral Analysis): the CSV and the XML format.

CSV (reference/smp/*.csv): line 1 is `scenario name, description, actor count, dimension count`;
line 2 the header `Actor, Description, Power (or Influence), <position>, <salience>, ...` with one
position/salience pair per dimension; then one row per actor. Trailing commas are ignored. The
counts on line 1 must match the rows and the header.

XML (reference/smp/smpSchema.xsd): `<Scenario>` with name, desc, prngSeed, optional
ModelParameters, optional Dimensions (dName...), Actors (name, description, capability,
Position/dCoord..., Salience/dSal...) and optional IdealAdjustment (iaPair: adjustingIdeal,
referencePos, adjust). It is parsed with defusedxml: entity declarations and external references
are refused, never expanded. ModelParameters go to `case.model_params["smp"]` under KTAB's names,
prngSeed as `seed` (an integer) and the IdealAdjustment pairs as `accommodation`, a list of
`[adjusting_actor, reference_actor, adjust]`.

In both: positions and saliences are on 0-100, every dimension becomes an issue with bounds 0-100
(id and name: the position column's header, or the dName), salience_scale is 100, and an actor's
saliences may sum to at most 100 (KTAB's requirement). The actor's Description becomes its
description; Power/capability its capability.

The CSV writer rescales positions linearly from the issue's bounds to 0-100 and saliences to 0-100;
it refuses cases KTAB cannot hold (an actor without a position on some issue, capability that differs
between issues, saliences summing to more than 100).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from parley.case import Case
from parley.errors import CaseError
from parley.io.rows import Collector, cell, csv_rows, first_lines, fmt, header_words, stance_values
from parley.io.rows import number_or_none as _num
from parley.io.text import read_text, write_text

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


# --- CSV -----------------------------------------------------------------------------------------


def sniff_csv(text: str) -> bool:
    """Line 2 starts `Actor, Description` (line 1 is the scenario line)."""
    lines = first_lines(text, 2)
    return len(lines) == 2 and header_words(lines[1])[:2] == ["actor", "description"]


def read_ktab_csv(path: Path) -> Case:
    text = read_text(path)
    col = Collector(str(path))
    rows = [(n, _trim(r)) for n, r in csv_rows(text) if any(c.strip() for c in r)]
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
    actors, stances = [], {}
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
        _total_salience(actor, [row[4 + 2 * d] for d in range(len(dims))], line, col)
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
    try:
        return int(text)
    except ValueError:
        col.problem(line, f"{what}: expected a whole number, got {text!r}")
        return None


def _total_salience(actor: str, values: list[Any], line: int | None, col: Collector) -> None:
    numbers = [_num(v) for v in values]
    if all(v is not None for v in numbers):
        total = sum(numbers)  # type: ignore[arg-type]
        if total > MAX_TOTAL_SALIENCE + 1e-9:
            col.problem(
                line,
                f"saliences of actor {actor!r} sum to {total:g}; KTAB requires at most "
                f"{MAX_TOTAL_SALIENCE:g} over all dimensions",
            )


def write_ktab_csv(case: Case, path: Path) -> None:
    problems = []
    for actor in case.actors:
        row, problem = _ktab_row(case, actor.id)
        if problem:
            problems.append(problem)
    if problems:
        raise CaseError(
            "KTAB's CSV cannot hold this case: " + "; ".join(problems), source=str(path)
        )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([case.title, case.description, len(case.actors), len(case.issues), ""])
    header = ["Actor", "Description", "Power"]
    for issue in case.issues:
        header += [issue.id, f"{issue.id} Salience"]
    writer.writerow([*header, ""])
    for actor in case.actors:
        row, _ = _ktab_row(case, actor.id)
        writer.writerow([*row, ""])
    write_text(path, buf.getvalue())


def _ktab_row(case: Case, actor_id: str) -> tuple[list[Any], str]:
    """The CSV row of an actor, or the reason KTAB cannot hold it."""
    actor = case.actor(actor_id)
    cells: list[Any] = []
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
        return [], f"saliences of actor {actor_id!r} sum to {total:g} (at most 100)"
    description = actor.description or actor.name
    return [actor_id, description, fmt(powers.pop()), *cells], ""


# --- XML -----------------------------------------------------------------------------------------


def sniff_xml(text: str) -> bool:
    return "<Scenario" in text[:2000]


class _LineTarget:
    """An ElementTree target that records the line each element starts on."""

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.lines: dict[int, int] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self.builder.start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


def parse_xml(text: str, source: str) -> tuple[Element, dict[int, int]]:
    """The element tree and each element's line; entities and external references are refused."""
    target = _LineTarget()
    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    try:
        parser.feed(text)
        root = parser.close()
    except DefusedXmlException:
        line = parser.parser.CurrentLineNumber
        raise CaseError(
            f"line {line}: XML entity declarations and external references are refused "
            "(they can expand without bound or read other files); remove the <!DOCTYPE> part",
            source=source,
        ) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        msg = str(exc).split(":")[0]
        raise CaseError(f"line {line}: not well-formed XML: {msg}", source=source) from None
    return root, target.lines


class _Xml:
    """Reading elements with located problems: missing, empty or non-numeric elements."""

    def __init__(self, lines: dict[int, int], col: Collector) -> None:
        self.lines = lines
        self.col = col

    def line(self, el: Element) -> int:
        return self.lines.get(id(el), 0)

    def child(self, parent: Element, tag: str, what: str) -> Element | None:
        found = parent.find(tag)
        if found is None:
            self.col.problem(self.line(parent), f"{what}: missing element <{tag}>")
        return found

    def text(self, parent: Element, tag: str, what: str) -> str | None:
        found = self.child(parent, tag, what)
        return None if found is None else (found.text or "").strip()

    def number(self, el: Element, what: str) -> float:
        text = (el.text or "").strip()
        value = _num(text)
        if value is None:
            shown = "is empty" if not text else f"is {text!r}"
            self.col.problem(self.line(el), f"{what}: <{el.tag}> {shown}, expected a number")
            return 0.0
        return value


def read_ktab_xml(path: Path) -> Case:
    source = str(path)
    root, lines = parse_xml(read_text(path), source)
    col = Collector(source)
    xml = _Xml(lines, col)
    if root.tag != "Scenario":
        raise CaseError(
            f"line {xml.line(root)}: expected a <Scenario> element, found <{root.tag}>",
            source=source,
        )
    title = xml.text(root, "name", "Scenario") or ""
    description = xml.text(root, "desc", "Scenario") or ""
    params = _parameters(root, xml)
    dims = [(d.text or "").strip() for d in root.findall("Dimensions/dName")]
    actors_el = xml.child(root, "Actors", "Scenario")
    col.fail_if_any()
    actor_els = actors_el.findall("Actor") if actors_el is not None else []
    if not actor_els:
        raise CaseError(f"line {xml.line(actors_el)}: <Actors> holds no <Actor>", source=source)
    if not dims:
        first = actor_els[0].findall("Position/dCoord")
        dims = [f"dim{k + 1}" for k in range(len(first))]
    actors, stances = [], {}
    col.at(("actors",), xml.line(actors_el), "Actors")
    for k, el in enumerate(actor_els):
        name = xml.text(el, "name", f"actor {k + 1}")
        label = f"actor {name!r}" if name else f"actor {k + 1}"
        cap_el = xml.child(el, "capability", label)
        capability = xml.number(cap_el, label) if cap_el is not None else 0.0
        actor = name or f"actor {k + 1}"
        actors.append(
            {
                "id": actor,
                "description": xml.text(el, "description", label) or "",
                "capability": capability,
            }
        )
        col.at(("actors", k, "id"), xml.line(el), f"{label}: name")
        col.at(
            ("actors", k, "capability"),
            xml.line(cap_el) if cap_el is not None else None,
            f"{label}: capability",
        )
        col.at(("stances", actor), xml.line(el), label)
        stances[actor] = _actor_stances(el, label, actor, dims, xml)
    _check_accommodation(root, {a["id"] for a in actors}, params, xml)
    col.fail_if_any()
    data = {
        "title": title,
        "description": description,
        "sources": [path.name],
        "salience_scale": 100.0,
        "actors": actors,
        "issues": [{"id": d, "name": d, "lower": 0.0, "upper": 100.0} for d in dims],
        "stances": stances,
        "model_params": {"smp": params} if params else {},
    }
    for k, d in enumerate(root.findall("Dimensions/dName")):
        col.at(("issues", k, "id"), xml.line(d), "dName")
    return col.build(data)


def _actor_stances(el: Element, label: str, actor: str, dims: list[str], xml: _Xml) -> dict:
    out: dict[str, dict] = {}
    groups = {}
    for group, tag in (("Position", "dCoord"), ("Salience", "dSal")):
        parent = xml.child(el, group, label)
        items = parent.findall(tag) if parent is not None else []
        if parent is not None and len(items) != len(dims):
            xml.col.problem(
                xml.line(parent),
                f"{label}: {len(items)} <{tag}> elements, expected {len(dims)} (one per dimension)",
            )
        groups[tag] = items
    for d, dim in enumerate(dims):
        if d >= len(groups["dCoord"]) or d >= len(groups["dSal"]):
            continue
        pos_el, sal_el = groups["dCoord"][d], groups["dSal"][d]
        where = f"{label}: {{}} {d + 1} ({dim})"
        out[dim] = {
            "position": xml.number(pos_el, where.format("position")),
            "salience": xml.number(sal_el, where.format("salience")),
        }
        xml.col.at(("stances", actor, dim, "position"), xml.line(pos_el), where.format("dCoord"))
        xml.col.at(("stances", actor, dim, "salience"), xml.line(sal_el), where.format("dSal"))
    _total_salience(actor, [s["salience"] for s in out.values()], xml.line(el), xml.col)
    return out


def _parameters(root: Element, xml: _Xml) -> dict[str, Any]:
    params: dict[str, Any] = {}
    seed = xml.text(root, "prngSeed", "Scenario")
    if seed:
        try:
            params["seed"] = int(seed)
        except ValueError:
            xml.col.problem(
                xml.line(root.find("prngSeed")), f"prngSeed: expected a whole number, got {seed!r}"
            )
    block = root.find("ModelParameters")
    if block is not None:
        for name, allowed in SMP_PARAMETERS.items():
            value = xml.text(block, name, "ModelParameters")
            if value is None:
                continue
            if value not in allowed:
                xml.col.problem(
                    xml.line(block.find(name)),
                    f"{name}: {value!r} is not one of {', '.join(allowed)}",
                )
            params[name] = value
    return params


def _check_accommodation(root: Element, actors: set[str], params: dict, xml: _Xml) -> None:
    pairs = []
    for el in root.findall("IdealAdjustment/iaPair"):
        what = "iaPair"
        adjusting = xml.text(el, "adjustingIdeal", what)
        reference = xml.text(el, "referencePos", what)
        adjust_el = xml.child(el, "adjust", what)
        adjust = xml.number(adjust_el, what) if adjust_el is not None else 0.0
        for tag, name in (("adjustingIdeal", adjusting), ("referencePos", reference)):
            if name is not None and name not in actors:
                xml.col.problem(xml.line(el.find(tag)), f"{tag}: unknown actor {name!r}")
        pairs.append([adjusting, reference, adjust])
    if pairs:
        params["accommodation"] = pairs
