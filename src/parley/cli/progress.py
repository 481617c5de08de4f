"""A progress bar on stderr for long batched searches (`front --search`, `levers`).

The library reports progress through a plain callback, `progress(done, total)`; this module turns
it into a rich bar on stderr, shown only when stderr is a terminal (pipes and logs stay clean).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from parley.cli.common import err


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a `progress(done, total)` callback drawing a transient bar labelled `label`."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task(label, total=None)
    with bar:

        def told(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield told
