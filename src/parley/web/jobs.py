"""Model runs from web requests, bounded: at most `max_jobs` at once (the rest queue), each in a
worker thread with a wall-clock limit. A request that passes the limit, or whose client goes away
(closing the page, HTMX's cancel), gets its answer abandoned at once; the worker finishes the
run it is in (Python threads cannot be stopped) and its slot is then free again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from parley.errors import ParleyError

T = TypeVar("T")


class RunTimeout(ParleyError):
    """A run passed the server's time limit (HTTP 504)."""


class Cancelled(ParleyError):
    """The client went away before the run finished."""


class Jobs:
    def __init__(self, max_jobs: int, timeout: float) -> None:
        self.slots = asyncio.Semaphore(max_jobs)
        self.timeout = timeout

    async def run(self, request: Request | None, fn: Callable[[], T]) -> T:
        """`fn()` in a worker thread within the limits; raises RunTimeout or Cancelled."""
        async with self.slots:
            work = asyncio.ensure_future(run_in_threadpool(fn))
            watch = asyncio.ensure_future(_disconnected(request)) if request else None
            waiting = {work} | ({watch} if watch else set())
            done, _ = await asyncio.wait(
                waiting, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if watch:
                watch.cancel()
            if work in done:
                return work.result()
            if watch in done:
                raise Cancelled("the request was cancelled")
            raise RunTimeout(f"the run took longer than the server's limit of {self.timeout:g} s")


async def _disconnected(request: Request) -> None:
    while not await request.is_disconnected():
        await asyncio.sleep(0.5)
