"""The run store: every saved run with the case it ran on, so that runs can be listed, shown,
diffed and exported later (SQLite by default, PostgreSQL for a team).

>>> from parley.store import open_store
>>> store = open_store("sqlite://")  # in memory
>>> store.list_runs()
[]
"""

from parley.store.errors import StoreError
from parley.store.record import RunRecord, StoredRun, model_records
from parley.store.runs import Store, open_store
from parley.store.url import resolve_url

__all__ = [
    "RunRecord",
    "Store",
    "StoreError",
    "StoredRun",
    "model_records",
    "open_store",
    "resolve_url",
]
