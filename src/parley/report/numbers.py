"""Numbers in issue units as an analyst reads them: never in scientific notation, thousands
separated, and a shift rounded like the values it separates.

The places shown follow the issue's scale: whole numbers when the scale reaches 1,000 or more
(centrifuges, dollars, troops), two decimals below (years, a 0-100 scale, a 0-1 share), trailing
zeros dropped. Machine-readable outputs (JSON, CSV) keep full precision and never use these.

>>> fmt_value(7979.3)
'7,979'
>>> fmt_value(20000.0)
'20,000'
>>> fmt_value(3.4712)
'3.47'
>>> fmt_shift(332.4, places_for(0, 20000))
'+332'
>>> fmt_shift(-0.004, places_for(0, 10))
'0'
"""

from __future__ import annotations

import math

WHOLE_FROM = 1000.0
"""Scales (or values) reaching this magnitude are shown in whole units."""


def places_for(lower: float, upper: float) -> int:
    """Decimal places for values on a scale from `lower` to `upper`."""
    return 0 if max(abs(lower), abs(upper)) >= WHOLE_FROM else 2


def fmt_value(value: float, places: int | None = None) -> str:
    """`value` with `places` decimals (default: by its own magnitude), thousands separated,
    trailing zeros dropped; '-' for NaN. Never scientific notation."""
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if places is None:
        places = 0 if abs(value) >= WHOLE_FROM else 2
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_shift(value: float, places: int | None = None) -> str:
    """A change with its sign ('+2.5', '-1,200', '0'), rounded like the values it separates."""
    text = fmt_value(value, places)
    if text in ("-", "0"):
        return text
    return text if text.startswith("-") else "+" + text
