"""Stokman's exchange model: actors trade concessions on issues they care little about for gains
on issues they care about (Stokman & Van Oosten 1994; the Decide method).

candidates.py enumerates a round's candidate exchanges as arrays, rate.py evaluates their
exchange rates, caps and validity, rounds.py plays a round, model.py is the registered model.
"""

from parley.models.exchange.model import Exchange, run_exchange

__all__ = ["Exchange", "run_exchange"]
