"""Sizes in bytes as people write them (`2GB`, `500MB`, `50000000`), read and shown one way for
every limit parley has: the input limit (`PARLEY_MAX_INPUT`) and the memory limit of a run
(`--max-memory`, `PARLEY_MAX_MEMORY`). Units are powers of 1000, as disks and `ls -h --si` count.

>>> parse_size("2GB"), parse_size("500 mb"), parse_size("1.5k"), parse_size("12")
(2000000000, 500000000, 1500, 12)
>>> parse_size("two gigs") is None, parse_size("0") is None
(True, True)
>>> describe_size(19_000_000_000), describe_size(3100), describe_size(12)
('19 GB', '3.1 kB', '12 bytes')
"""

from __future__ import annotations

import re

_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)b?")

#: What a message says a size should look like.
EXAMPLE = "a size such as 2GB, 500MB or 5000000 (bytes)"


def parse_size(text: str) -> int | None:
    """The number of bytes `text` states (`2GB`, `500MB`, `1.5kB`, `5000000`), or None when it is
    not a positive size."""
    match = _SIZE.fullmatch(text.strip().lower())
    if match is None:
        return None
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    return size if size > 0 else None


def describe_size(n: float) -> str:
    """A byte count for messages, three significant digits: `19 GB`, `512 MB`, `12 bytes`."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"
