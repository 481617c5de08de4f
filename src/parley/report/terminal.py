"""Text leaving for the terminal: every control character and lone surrogate shown escaped.

A case's titles, names, units and scenario names, and the names of files, are the user's text;
`\\x1b]0;...` in a title would retitle the window, `\\x1b[2J` clear the screen, `\\x1b]8;;URL`
hide a link behind innocent text, `\\x9b` (the one-byte CSI) do the same on terminals that obey C1,
and a lone surrogate (a file name that is not UTF-8) could not be printed at all. Ids never hold
control characters (refused when a case is read); the rest of the text is kept as written and
escaped here, once, where it leaves: `TerminalConsole` (the CLI's stdout and stderr consoles)
escapes every string it is given and every segment it renders, whatever builds it (a plain
print, a table from `report.tables`, a `Text` or a `Group`), and `write_stdout` does the same for
the CSV a command prints. Rich's own styling (colours, bold) is emitted after this step, so it is
kept.

>>> import io
>>> console = TerminalConsole(file=io.StringIO(), markup=False, color_system=None)
>>> console.print("War \\x1b]0;pwned\\x07 in \\x9b2J Iraq")
>>> console.file.getvalue()
'War \\\\x1b]0;pwned\\\\x07 in \\\\x9b2J Iraq\\n'
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from parley.text import visible

#: What passes unescaped: line breaks (multi-line output is made of them).
KEEP = "\n"


class TerminalConsole(Console):
    """A rich Console that never lets a control character of the text it prints through."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        # strings are escaped before layout, so a table measures what it prints
        return super().render_str(visible(text, KEEP), **kwargs)

    def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
        # and every rendered segment, for text that came as a Text (or inside one)
        for segment in super().render(renderable, options):
            text = segment.text if segment.control else visible(segment.text, KEEP)
            yield segment if text == segment.text else Segment(text, segment.style, segment.control)


def write_stdout(text: str) -> None:
    """Print `text` (CSV, plain lines) with control characters shown escaped, tabs and line
    breaks kept."""
    sys.stdout.write(visible(text, KEEP + "\t"))
