"""Text that is safe to keep and to show: the rules for control characters and lone surrogates.

A case's text (ids, names, titles, units) and the names of files come from users, and some of it
is hostile or broken:

- a C0 or C1 control character (ESC starts the terminal's clear-screen, window-title and
  hyperlink sequences; 0x9b is the one-byte CSI) in an id is refused when the case is read
  (`control_character`); in other text it is kept and shown escaped (`visible`) wherever parley
  prints to a terminal;
- a lone surrogate (`"\\ud800"` in JSON or YAML, or `\\udc80` from a file name that is not UTF-8)
  is not text: no UTF-8 output can hold it, so a case carrying one is refused when read
  (`lone_surrogate`) and a file name carrying one is shown escaped.

>>> print(visible("War\\x1b]0;pwned\\x07 \\x9b2J in \\ud800 Iraq"))
War\\x1b]0;pwned\\x07 \\x9b2J in \\ud800 Iraq
>>> control_character("a\\tb"), control_character("plain"), lone_surrogate("x\\udc80")
('\\\\t', None, '\\\\udc80')
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; lone surrogates (no UTF-8 encoding exists for them); the
# Unicode line and paragraph separators (str.splitlines breaks lines there, as at NEL, \x85)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(char: str) -> str:
    """The visible form of one character: `\\t`, `\\x1b`, `\\x9b`, `\\ud800`.

    >>> escaped("\\x1b"), escaped("\\n"), escaped("\\udc80")
    ('\\\\x1b', '\\\\n', '\\\\udc80')
    """
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, keep: str = "") -> str:
    """`text` with every control character and lone surrogate written out (`\\x1b`), except
    those in `keep` (e.g. `"\\n"` for text printed as several lines). Printable text, and text
    already escaped, comes back unchanged, so applying it twice is harmless.

    >>> visible("a\\nb"), visible("a\\nb", keep="\\n")
    ('a\\\\nb', 'a\\nb')
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else escaped(m.group()), text)


def control_character(text: str) -> str | None:
    """The visible form of the first control character in `text` (tab and newline included),
    or None."""
    found = _CONTROL.search(text)
    return escaped(found.group()) if found else None


def lone_surrogate(text: str) -> str | None:
    """The visible form of the first lone surrogate in `text`, or None."""
    found = _SURROGATE.search(text)
    return escaped(found.group()) if found else None
