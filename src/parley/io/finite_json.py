"""JSON that is always JSON: the one writer for everything parley prints or serves as JSON.

Python's `json.dumps` writes a NaN or an infinity as `NaN` / `Infinity`, which no strict JSON
parser (a browser's `JSON.parse`, `jq`, PostgreSQL's `json`) accepts; with `allow_nan=False` it
raises instead. A model result can hold one (an issue where a model has nothing to say, a
statistic of an empty set), so every command's `--format json`, the web API and the JSON files
parley writes go through `dumps`, which writes each non-finite number as `null` (JSON's "no value"):

>>> dumps({"mean": float("nan"), "range": [1.5, float("inf")]}, indent=None)
'{"mean": null, "range": [1.5, null]}'
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(obj: Any) -> Any:
    """`obj` (dicts, lists, tuples, numbers, text) with every NaN and infinity replaced by None.

    Only containers that hold a non-finite number are copied; the rest is returned as it is.

    >>> finite([1.0, {"a": -math.inf}, (2, math.nan)])
    [1.0, {'a': None}, [2, None]]
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {key: finite(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(value) for value in obj]
    return obj


def dumps(obj: Any, indent: int | None = 2, **kwargs: Any) -> str:
    """`obj` as strict JSON text: non-finite numbers as `null` (see `finite`); `kwargs` go to
    `json.dumps` (`ensure_ascii`, `separators`, ...).

    >>> dumps([float("-inf")])
    '[\\n  null\\n]'
    """
    return json.dumps(finite(obj), indent=indent, allow_nan=False, **kwargs)
