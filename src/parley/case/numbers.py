"""What a number written as text may look like: plain decimal notation, one rule everywhere.

Python's `float()` (and pydantic, and YAML 1.1) read `5_0` as 50, `1:30` as 90 and `٥` as 5: a
typo or a probe, never what a stakeholder table means. Case values read from text (a CSV cell, a
YAML scalar, a DEU III cell) and model parameters (`parley.models.constraints`) follow this one
rule; `nan` and `inf` pass here and are refused, located, by the checks that need finite values.

>>> [plain_number(t) for t in ("50", "-1.5e3", ".5", "5.", "5_0", "1:30", "0x10", "\u0665")]
[True, True, True, True, False, False, False, False]
>>> parse_number(" 2.5 "), parse_number("5_0"), parse_number("nan")
(2.5, None, nan)
"""

from __future__ import annotations

import re

#: Plain decimal numbers in ASCII digits: no '_' separators, hex, sexagesimal or other scripts.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Not-a-number and infinity as text: readable, then refused where a finite value is needed.
NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def plain_number(text: str) -> bool:
    """Whether `text` (spaces around it aside) is a number in plain decimal notation."""
    return PLAIN_NUMBER.fullmatch(text.strip()) is not None


def parse_number(text: str) -> float | None:
    """`text` as a float when it follows the rule (or is nan/inf), else None."""
    stripped = text.strip()
    if PLAIN_NUMBER.fullmatch(stripped) or NON_FINITE.fullmatch(stripped):
        return float(stripped)
    return None


def number_problem(value: object) -> str | None:
    """Why a text `value` meant as a number breaks the rule though Python would read it, or
    None (non-text values, plain numbers and text that is no number at all pass through: the
    schema names those)."""
    if not isinstance(value, str) or parse_number(value) is not None:
        return None
    try:
        float(value)
    except ValueError:
        return None
    return f"expected a number in plain decimal notation (such as 50 or 0.5), got {value.strip()!r}"
