"""The parley case file: YAML (loaded safely, never executed) or JSON with the same schema.

Errors name the line of the offending value: the YAML is composed once to learn where each value is.
A file whose aliases expand to a huge tree ("billion laughs"), that refers to itself, or that nests
deeper than Python can follow is refused with one error line instead of hanging or crashing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from parley.case import Case, Locations, build_case
from parley.case.numbers import PLAIN_NUMBER
from parley.errors import CaseError, Problem
from parley.io.safe_read import read_text
from parley.io.safe_write import write_text

# far more values than any real case holds (1,000 actors x 100 issues x 3 values is 300,000 values
# plus their keys), far fewer than an alias bomb expands to
MAX_VALUES = 2_000_000


class CaseLoader(yaml.SafeLoader):
    """YAML's safe loader with numbers read by parley's one rule (`parley.case.numbers`): YAML 1.1
    also reads `5_0` as 50, `1:30` as 90 and `0o17` as 15; here they stay text, which the schema
    then refuses where a number is expected (and keeps where text is: `title: 1_000`)."""


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CaseLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
CaseLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(rf"^(?:{PLAIN_NUMBER.pattern}|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def _number_key(node: yaml.ScalarNode) -> float | None:
    """A mapping key's number (`0`, `0.0`, `1e0` are all 0), None for other keys."""
    if node.tag in (_INT, _FLOAT):
        value = _scalar(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def read_casefile(path: Path) -> Case:
    text = read_text(path)
    source = str(path)
    try:
        return _read_casefile(path, text, source)
    except RecursionError:
        raise CaseError("nested too deeply to be a case file", source=source) from None


def _read_casefile(path: Path, text: str, source: str) -> Case:
    if Path(path).suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseError(f"line {exc.lineno}: invalid JSON: {exc.msg}", source=source) from None
        except ValueError as exc:  # an integer of more digits than Python converts
            raise CaseError(f"invalid JSON: {_first_clause(exc)}", source=source) from None
        return build_case(data, source, _json_locations(text, source))
    data, node = parse_yaml(text, source)
    locations = Locations()
    if node is not None:
        _walk(node, (), locations)
    return build_case(data, source, locations)


def parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """YAML text from a user as data (and its node tree, to locate values): read by
    `CaseLoader`, bounded by `_check_size`, every problem one CaseError line naming `source`. Any
    YAML parley reads goes through here (a case file, the workbench's scenarios field).

    >>> parse_yaml("a: [1, 5_0]", "t.yaml")[0]
    {'a': [1, '5_0']}
    """
    try:
        node = yaml.compose(text, Loader=CaseLoader)
        _check_size(node, source)
        data = yaml.load(text, Loader=CaseLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CaseError(f"{where}invalid YAML: {problem}", source=source) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise CaseError(f"invalid YAML: {_first_clause(exc)}", source=source) from None
    except RecursionError:
        raise CaseError("nested too deeply to be a case file", source=source) from None
    return data, node


def _check_size(node: yaml.Node | None, source: str) -> None:
    """Refuse aliases that refer to themselves or expand the file beyond MAX_VALUES values, and
    keys given twice in one mapping (YAML and JSON loaders silently keep the last one).

    Sizes are counted once per distinct node (memoised), so the check is linear in the file even
    when aliases make the expanded tree exponential.
    """
    sizes: dict[int, int] = {}
    twice: list[Problem] = []

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            if sizes[key] < 0:
                raise CaseError(
                    f"line {n.start_mark.line + 1}: invalid YAML: an alias refers to itself",
                    source=source,
                )
            return sizes[key]
        sizes[key] = -1  # in progress
        if isinstance(n, yaml.MappingNode):
            _keys_once(n, source, twice)
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in n.value)
        else:
            total = 1
        if total > MAX_VALUES:
            raise CaseError(
                f"line {n.start_mark.line + 1}: the file expands to more than {MAX_VALUES:,} "
                "values (aliases repeated within aliases?); write the case out without them",
                source=source,
            )
        sizes[key] = total
        return total

    if node is not None:
        size(node)
    if twice:
        raise CaseError(sorted(twice, key=lambda p: int(p.where.split()[1])))


def _keys_once(node: yaml.MappingNode, source: str, twice: list[Problem]) -> None:
    """A key that appears twice in one mapping: one problem per repeat, at the repeat's line."""
    counts: dict[tuple[str, object], list[tuple[int, str]]] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            number = _number_key(key)  # 0 and 0.0 are one key once loaded
            ident = ("number", number) if number is not None else (key.tag, key.value)
            counts.setdefault(ident, []).append((key.start_mark.line + 1, key.value))
    for seen in counts.values():
        first_line, first = seen[0]
        for line, name in seen[1:]:
            also = f" as {first}" if name != first else ""
            twice.append(
                Problem(
                    source,
                    f"line {line}",
                    f"{name}: given twice (first{also} on line {first_line})",
                )
            )


def _walk(node: yaml.Node, path: tuple, locations: Locations) -> None:
    locations.add(path, f"line {node.start_mark.line + 1}")
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = _scalar(key)
            locations.add((*path, k), f"line {key.start_mark.line + 1}")
            _walk(value, (*path, k), locations)
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            _walk(item, (*path, k), locations)


def _scalar(node: yaml.Node) -> Any:
    try:
        return yaml.load(yaml.serialize(node), Loader=CaseLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, ValueError):
        return node.value


def _first_clause(exc: Exception) -> str:
    """'Exceeds the limit (4300 digits) for integer string conversion' without Python's advice."""
    return str(exc).split(";")[0].split(": value has")[0]


def _json_locations(text: str, source: str) -> Locations:
    """JSON is a subset of YAML 1.2 closely enough for locating values by line."""
    locations = Locations()
    try:
        node = yaml.compose(text, Loader=CaseLoader)
    except yaml.YAMLError:
        return locations
    _check_size(node, source)
    if node is not None:
        _walk(node, (), locations)
    return locations


def case_to_data(case: Case) -> dict[str, Any]:
    """Plain data for a case file: bare numbers where a value has no uncertainty, defaults left out."""
    return _compact(case.model_dump(exclude_defaults=True))


def _compact(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) <= {"value", "low", "high"} and "value" in obj:
            if obj.get("low") is None and obj.get("high") is None:
                return obj["value"]
            return {k: v for k, v in obj.items() if v is not None}
        return {_number(k): _compact(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


def write_casefile(case: Case, path: Path) -> None:
    data = case_to_data(case)
    if Path(path).suffix.lower() == ".json":
        write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _number(key: Any) -> Any:
    """Anchor keys: 0.0 -> 0, so files read as written."""
    return int(key) if isinstance(key, float) and key.is_integer() else key
