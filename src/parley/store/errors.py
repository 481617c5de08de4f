"""The store's one error type: a user can act on it (a bad URL, a run id that is not there)."""

from parley.errors import ParleyError


class StoreError(ParleyError):
    """The run store cannot be opened, or a run asked for is not in it."""
