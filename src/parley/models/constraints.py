"""Model parameters checked once, at the edge, by declared type and range.

As scikit-learn's parameter constraints: each model declares, beside its dataclass fields, the range
of every numeric parameter (`param_ranges`, a ClassVar of `Interval`s); the field's type hint gives
the type. `check_params` is the one function that reads a parameter, whatever its source: a
command-line string (`--param eum.rounds=20`), a preset, or a value a case file carries
(`model_params: {eum: {rounds: 20}}`), so each bad value gets the same one line:

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo:
...     rounds: int = 10
...     param_ranges: typing.ClassVar[dict[str, Interval]] = {"rounds": Interval(0, 1000)}
>>> check_params("demo", Demo, {"rounds": "20"})
{'rounds': 20}
>>> check_params("demo", Demo, {"rounds": 2.5})
Traceback (most recent call last):
...
parley.errors.ModelError: demo.rounds: expected an integer in [0, 1000], got 2.5
>>> check_params("demo", Demo, {"rounds": True})
Traceback (most recent call last):
...
parley.errors.ModelError: demo.rounds: expected an integer in [0, 1000], got true (a boolean)

Rules: a boolean is never a number (YAML's `yes`), a number is never a boolean; integers accept
integral floats (`10.0`) but not `2.5`; numbers are finite (no NaN or infinity); text numbers use
plain decimal notation (`5_0` is not 50); a choice (`Literal`) accepts only its listed values; a
structured value (a list of triples) given as JSON text may nest no deeper than its type.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from parley.case.numbers import PLAIN_NUMBER as _NUMBER
from parley.errors import ModelError

_NONE = {"none", "null", ""}

#: The most rounds (turns) any round-based model may be asked for: every model here settles within
#: tens of rounds, so 10,000 is a typo or a probe, never a forecast (refused, not run for hours).
MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Interval:
    """A closed, half-open or open range; `None` leaves a side unbounded.

    >>> Interval(0, 1).describe(), Interval(0, None, "neither").describe()
    ('in [0, 1]', '> 0')
    """

    low: float | None = None
    high: float | None = None
    closed: Literal["both", "left", "right", "neither"] = "both"

    def __contains__(self, x: float) -> bool:
        lo_ok = self.low is None or (
            x >= self.low if self.closed in ("both", "left") else x > self.low
        )
        hi_ok = self.high is None or (
            x <= self.high if self.closed in ("both", "right") else x < self.high
        )
        return lo_ok and hi_ok

    def describe(self) -> str:
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and self.high is not None:
            return (
                f"in {'[' if left else '('}{_n(self.low)}, {_n(self.high)}{']' if right else ')'}"
            )
        if self.low is not None:
            return f"{'>=' if left else '>'} {_n(self.low)}"
        if self.high is not None:
            return f"{'<=' if right else '<'} {_n(self.high)}"
        return ""


def _n(x: float) -> str:
    return f"{x:,}".replace(",", "_") if isinstance(x, int) and abs(x) >= 10**6 else f"{x:g}"


def declared_ranges(cls: type) -> Mapping[str, Interval]:
    """The `param_ranges` a model class declares (empty for models without numeric parameters)."""
    return typing.cast(Mapping[str, Interval], vars_in_mro(cls).get("param_ranges", {}))


def vars_in_mro(cls: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        out.update(vars(base))
    return out


def check_params(name: str, cls: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` read and checked against `cls`'s field types and declared ranges; the first bad one
    is a ModelError `NAME.PARAM: expected ..., got ...`."""
    hints = typing.get_type_hints(cls)
    ranges = declared_ranges(cls)
    return {
        key: check_value(raw, hints[key], ranges.get(key), f"{name}.{key}")
        for key, raw in values.items()
    }


def check_fields(model: Any, name: str) -> None:
    """A model's own fields checked by the same declarations (`__post_init__`): a model built
    directly (`Eum(q=2)`, `dataclasses.replace`) gets the same rule and the same line as one built
    from `--param`, a preset or a case, as a ValueError; values are normalised as `check_params`
    reads them (`seed=3.0` is 3). Each range is declared once, in `param_ranges`.

    >>> @dataclass(frozen=True)
    ... class Demo:
    ...     rounds: int = 10
    ...     param_ranges: typing.ClassVar[dict[str, Interval]] = {"rounds": Interval(0, 1000)}
    ...     def __post_init__(self):
    ...         check_fields(self, "demo")
    >>> Demo(rounds=5.0).rounds
    5
    >>> Demo(rounds=-1)
    Traceback (most recent call last):
    ...
    ValueError: demo.rounds: expected an integer in [0, 1000], got -1
    """
    values = {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}
    try:
        checked = check_params(name, type(model), values)
    except ModelError as exc:
        raise ValueError(str(exc)) from None
    for key, value in checked.items():
        if value is not values[key]:
            object.__setattr__(model, key, value)


def check_value(raw: Any, hint: Any, interval: Interval | None, label: str) -> Any:
    """One parameter value of type `hint` (in `interval` if numeric); ModelError if not."""
    options = _options(hint)
    if type(None) in options and (raw is None or (isinstance(raw, str) and raw.lower() in _NONE)):
        return None
    kinds = [o for o in options if o is not type(None)]
    failures = []
    for kind in kinds:
        try:
            return _one(raw, kind, interval)
        except _Mismatch as exc:
            failures.append(str(exc))
    expected = " or ".join(failures) + (" or none" if type(None) in options else "")
    raise ModelError(f"{label}: expected {expected}, got {_shown(raw)}")


class _Mismatch(Exception):
    """What was expected (the message), raised when a value does not fit one option of a hint."""


def _options(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _one(raw: Any, kind: Any, interval: Interval | None) -> Any:
    origin = typing.get_origin(kind)
    if origin is Literal:
        allowed = typing.get_args(kind)
        for value in allowed:
            if type(raw) is type(value) and raw == value:
                return value
            if isinstance(raw, str) and str(value) == raw:
                return value
        raise _Mismatch(f"one of {', '.join(map(str, allowed))}")
    if kind is bool:
        return _boolean(raw)
    if kind in (int, float):
        return _number(raw, kind, interval)
    if kind is str:
        if not isinstance(raw, str):
            raise _Mismatch("text")
        return raw
    if origin in (tuple, list):
        return _structured(raw, kind)
    return raw


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        lowered = raw.strip().lower()
        if lowered in {"true", "yes", "on"}:
            return True
        if lowered in {"false", "no", "off"}:
            return False
    raise _Mismatch("true or false")


def _number(raw: Any, kind: type, interval: Interval | None) -> int | float:
    what = ("an integer" if kind is int else "a number") + (
        f" {interval.describe()}" if interval is not None and interval.describe() else ""
    )
    value: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.fullmatch(text):
            raise _Mismatch(what)
        value = int(text) if kind is int and text.lstrip("+-").isdigit() else float(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Mismatch(what)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Mismatch(what)
        if kind is int:
            if not value.is_integer():
                raise _Mismatch(what)
            value = int(value)
    if kind is float:
        value = float(value)
    if interval is not None and value not in interval:
        raise _Mismatch(what)
    return typing.cast(int | float, value)


def _structured(raw: Any, kind: Any) -> Any:
    """A list-like value (JSON text from the command line): never deeper than its type allows."""
    limit = _depth_of_type(kind)
    if isinstance(raw, str):
        if not raw.strip():
            return []
        if _bracket_depth(raw) > limit:
            raise _Mismatch(f"a list nested at most {limit} deep")
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            raise _Mismatch("JSON such as [[...], ...]") from None
    if _depth(raw, limit + 1) > limit:
        raise _Mismatch(f"a list nested at most {limit} deep")
    return raw


def _depth_of_type(kind: Any) -> int:
    depth = 0
    while typing.get_origin(kind) in (tuple, list):
        depth += 1
        args = [a for a in typing.get_args(kind) if a is not Ellipsis]
        kind = args[0] if args else Any
    return depth


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "]":
            depth -= 1
    return deepest


def _depth(value: Any, cap: int) -> int:
    """Nesting depth of lists/tuples, iteratively (a deep value never recurses), stopping at cap."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, list | tuple):
            deepest = max(deepest, d + 1)
            if deepest >= cap:
                return deepest
            stack.extend((x, d + 1) for x in item)
    return deepest


def _shown(raw: Any) -> str:
    """The offending value for the message, short and on one line."""
    if isinstance(raw, bool):
        return f"{str(raw).lower()} (a boolean)"
    if isinstance(raw, str):
        text = repr(raw)
    elif isinstance(raw, list | tuple | dict):
        text = f"a {type(raw).__name__}"
    else:
        text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."
