"""KTAB's SMP XML input (reference/smp/smpExample.xml, smpSchema.xsd): reader and writer.

`<Scenario>` with name, desc, prngSeed, optional
ModelParameters, optional Dimensions (dName...), Actors (name, description, capability,
Position/dCoord..., Salience/dSal...) and optional IdealAdjustment (iaPair: adjustingIdeal,
referencePos, adjust). It is parsed with defusedxml: entity declarations and external references
are refused, never expanded. ModelParameters go to `case.model_params["smp"]` under KTAB's names,
prngSeed as `seed` (an integer) and the IdealAdjustment pairs as `accommodation`, a list of
`[adjusting_actor, reference_actor, adjust]`.

Positions, saliences, bounds and the salience sum follow the rules of `parley.io.ktab`. Every
number element must hold a number: the reader reports an empty or missing element with its line,
the actor and the field (the shipped smpExample.xml has an empty <dCoord> for Alice).

The writer writes the same positions and saliences as the CSV writer, the case's `smp` parameters
under KTAB's names (a ModelParameters block needs all nine: any not given get KTAB's defaults,
`KTAB_DEFAULTS`), `seed` as prngSeed (0 when absent) and `accommodation` as IdealAdjustment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from parley.case import Case
from parley.errors import CaseError
from parley.io.ktab import SMP_PARAMETERS, check_total_salience, ktab_rows
from parley.io.rows import Collector, fmt
from parley.io.rows import number_or_none as _num
from parley.io.safe_read import read_text
from parley.io.safe_write import write_text

KTAB_DEFAULTS = {
    "VictoryProbModel": "Linear",
    "PCEModel": "Conditional",
    "StateTransitions": "Deterministic",
    "VotingRule": "Proportional",
    "BigRAdjust": "OneThird",
    "BigRRange": "Mid",
    "ThirdPartyCommit": "SemiCommit",
    "InterVecBrgn": "S2P2",
    "BargnModel": "InitOnlyInterp",
}


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

    def line(self, el: Element | None) -> int:
        """The source line of `el` (0 when unknown or when the element is missing)."""
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
    actors: list[dict[str, Any]] = []
    stances: dict[str, Any] = {}
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
    check_total_salience(actor, [s["salience"] for s in out.values()], xml.line(el), xml.col)
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


def write_ktab_xml(case: Case, path: Path) -> None:
    rows = ktab_rows(case, path, "XML")
    smp = case.model_params.get("smp", {})
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Scenario xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="smpSchema.xsd">',
        f"  <name>{escape(case.title)}</name>",
        f"  <desc>{escape(case.description)}</desc>",
        f"  <prngSeed>{int(smp.get('seed', 0))}</prngSeed>",
    ]
    if any(name in smp for name in SMP_PARAMETERS):
        out.append("  <ModelParameters>")
        for name in SMP_PARAMETERS:
            out.append(f"    <{name}>{escape(str(smp.get(name, KTAB_DEFAULTS[name])))}</{name}>")
        out.append("  </ModelParameters>")
    out.append("  <Dimensions>")
    out += [f"    <dName>{escape(issue.id)}</dName>" for issue in case.issues]
    out += ["  </Dimensions>", "  <Actors>"]
    for actor_id, description, power, *cells in rows:
        out += [
            "    <Actor>",
            f"      <name>{escape(actor_id)}</name>",
            f"      <description>{escape(description)}</description>",
            f"      <capability>{power}</capability>",
            "      <Position>",
            *(f"        <dCoord>{x}</dCoord>" for x in cells[0::2]),
            "      </Position>",
            "      <Salience>",
            *(f"        <dSal>{s}</dSal>" for s in cells[1::2]),
            "      </Salience>",
            "    </Actor>",
        ]
    out.append("  </Actors>")
    pairs = smp.get("accommodation") or []
    if pairs:
        out.append("  <IdealAdjustment>")
        for adjusting, reference, adjust in pairs:
            out += [
                "    <iaPair>",
                f"      <adjustingIdeal>{escape(str(adjusting))}</adjustingIdeal>",
                f"      <referencePos>{escape(str(reference))}</referencePos>",
                f"      <adjust>{fmt(adjust)}</adjust>",
                "    </iaPair>",
            ]
        out.append("  </IdealAdjustment>")
    out.append("</Scenario>")
    write_text(path, "\n".join(out) + "\n")
