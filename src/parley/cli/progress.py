"""Progress bars on stderr: long batched searches (`front --search`, `levers`) and long single
model runs, round by round (`round_progress`: forecast, compare, report, diff).

The library reports progress through a plain callback, `progress(done, total)`; this module turns
it into a rich bar on stderr, shown only when stderr is a terminal (pipes and logs stay clean).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from parley.cli.common import err
from parley.models.progress import reporting_rounds


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


#: A single model run gets a bar only once it has taken this long: short runs stay quiet.
ROUNDS_AFTER_SECONDS = 2.0


@contextmanager
def round_progress() -> Iterator[None]:
    """While the block runs, a model run that lasts more than ROUNDS_AFTER_SECONDS shows a
    transient bar on stderr with its name and round (`parley.models.progress`); when stderr is
    not a terminal nothing listens, so the models' per-round report costs nothing."""
    if not err.is_terminal:
        yield
        return
    began = time.monotonic()
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    shown: dict[str, TaskID] = {}

    def listener(model: str, done: int, total: int) -> None:
        if model not in shown:
            if time.monotonic() - began < ROUNDS_AFTER_SECONDS:
                return
            if not shown:
                bar.start()
            shown[model] = bar.add_task(f"{model}: rounds", total=total)
            bar.update(shown[model], completed=done, total=total, refresh=True)  # seen at once
        bar.update(shown[model], completed=done, total=total)  # then drawn 10 times a second

    try:
        with reporting_rounds(listener):
            yield
    finally:
        if shown:
            bar.stop()
