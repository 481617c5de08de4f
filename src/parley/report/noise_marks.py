"""How terminal tables mark a shift that is within the model's noise on the case.

A shift is printed as it is, followed by `MARK` when it is no larger than the model's noise
(`parley.ensemble.noise`), and the table's caption carries `note`, so a reader never takes a
jitter of the model for the effect of a scenario, a front or a lever.

>>> marked("+0.13", True), marked("-2.4", False), marked("+1", None)
('+0.13~', '-2.4', '+1')
"""

from __future__ import annotations

MARK = "~"


def marked(text: str, within: bool | None) -> str:
    """`text` with the mark when `within` is True (None: noise not measured)."""
    return text + MARK if within else text


def note(what: str = "shift") -> str:
    """The caption's footnote for the mark."""
    return (
        f"{MARK} within noise: the {what} is no larger than the model's noise on the case (half "
        "the 90% width over small perturbations of the inputs; docs/uncertainty.md)"
    )
