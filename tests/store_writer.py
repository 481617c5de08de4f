"""A separate process that writes runs to a store, for the store's crash and concurrency tests.

python store_writer.py URL N TAG          write N runs labelled TAG-0..TAG-(N-1)
python store_writer.py URL kill TAG       write one run, then die by SIGKILL in the middle of
                                          writing a second (after its case and run rows are
                                          sent, before the commit)
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import event

from parley.store import RunRecord, open_store


def record(tag: str, k: int) -> RunRecord:
    case = {"title": f"case {tag}-{k}", "actors": [{"id": f"a{j}"} for j in range(50)]}
    result = {"models": {"m": {"forecast": {f"i{j}": j * 0.5 for j in range(200)}}}}
    return RunRecord("forecast", case, result, label=f"{tag}-{k}")


def main(url: str, mode: str, tag: str) -> None:
    store = open_store(url)
    if mode == "kill":
        store.save(record(tag, 0))

        @event.listens_for(store.engine, "after_cursor_execute")
        def _die(conn, cursor, statement, *args) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO RUNS"):
                os.kill(os.getpid(), signal.SIGKILL)

        store.save(record(tag, 1))
        raise SystemExit("not killed")  # never reached
    for k in range(int(mode)):
        store.save(record(tag, k))


if __name__ == "__main__":
    main(*sys.argv[1:4])
