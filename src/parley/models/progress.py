"""Round-by-round progress of one model run, for whoever shows it (the command line's bar).

A long single run (eum on thousands of actors, smp on hundreds, exchange on many issues) can take
minutes; the models with rounds report each finished round through `round_reporter`, once per
round and never inside a round's arithmetic, so the cost is one Python call per round. Nobody
listens unless a caller wraps the run in `reporting_rounds` (the CLI does, when stderr is a
terminal); otherwise the reporter does nothing.

>>> seen = []
>>> with reporting_rounds(lambda model, done, total: seen.append((model, done, total))):
...     tick = round_reporter("demo")
...     for r in range(1, 4):
...         tick(r, 3)
>>> seen
[('demo', 1, 3), ('demo', 2, 3), ('demo', 3, 3)]
>>> round_reporter("demo")(1, 3)  # nobody listens: nothing happens
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int, int], None]
"""`listener(model, rounds_done, rounds_at_most)`."""

_LISTENER: ContextVar[Listener | None] = ContextVar("parley_round_listener", default=None)


def _silent(done: int, total: int) -> None:
    """The reporter when nobody listens."""


@contextmanager
def reporting_rounds(listener: Listener) -> Iterator[None]:
    """While the block runs, every model round finished in this thread (or task) is told to
    `listener`."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def listening() -> bool:
    """Whether anyone listens to rounds in this thread (a compiled kernel that plays every round
    in one call then plays them one call per round, to report each)."""
    return _LISTENER.get() is not None


def round_reporter(model: str) -> Callable[[int, int], None]:
    """What model `model` calls after each round: `tick(rounds_done, rounds_at_most)`; looked up
    once per run, before its round loop."""
    listener = _LISTENER.get()
    if listener is None:
        return _silent
    return lambda done, total: listener(model, done, total)
