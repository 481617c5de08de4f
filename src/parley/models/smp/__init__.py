"""KTAB's spatial model of politics (SMP) as the `smp` model; see `docs/models/smp.md`."""

from parley.models.smp.model import SMP

__all__ = ["SMP"]
