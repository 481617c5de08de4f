"""Every terminal table of parley in one style: the one place a table's look is decided.

Commands and report modules build their rows; `terminal_table` gives the frame (a rule under the
header, no outer edge, title and caption flush left), so every command's output reads alike and
a change of style is one edit here.

>>> table = terminal_table("Forecasts", caption="values in each issue's units")
>>> table.add_column("issue")
>>> table.add_row("withdrawal")
>>> table.row_count, table.title
(1, 'Forecasts')
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

STYLE: dict[str, Any] = {
    "box": box.SIMPLE_HEAD,
    "show_edge": False,
    "title_justify": "left",
    "caption_justify": "left",
}


def terminal_table(title: Any = None, caption: str | None = None, **layout: Any) -> Table:
    """A rich Table in parley's style; `layout` passes sizing options only (`pad_edge`,
    `expand`, `width`), never the style."""
    clash = set(layout) & set(STYLE)
    if clash:
        raise TypeError(f"terminal_table: the style is fixed here, not per table: {sorted(clash)}")
    return Table(title=title, caption=caption, **STYLE, **layout)
