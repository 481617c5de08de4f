"""The randomised rate's uniforms, drawn so that a batch equals its members run one by one.

Every member draws from the same seeded stream (`numpy.random.SeedSequence(seed)`), each at its
own offset: a member alone would draw its candidates' uniforms in the same order from the start of
that stream, so in a batch it reads exactly the numbers it would have read alone. The stream is one
host array extended as needed, and a whole evaluation's draws are one fancy-indexing read: no
per-member Python. Members therefore share random numbers (common random numbers across an
ensemble), as the same case run twice with one seed would.

>>> stream = SharedStream(seed=1, members=2)
>>> side, z = stream.draw(np.array([0, 0, 1]))  # member 0 evaluates two candidates, member 1 one
>>> bool(side[0] == side[2]), bool(z[0] == stream.values[2])
(True, True)
"""

from __future__ import annotations

import numpy as np


class SharedStream:
    """Uniforms of one seeded stream, read at a separate offset by each batch member."""

    def __init__(self, seed: int, members: int) -> None:
        self._rng = np.random.default_rng(np.random.SeedSequence(seed))
        self.values = np.zeros(0)
        self.offset = np.zeros(members, dtype=np.int64)

    def draw(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(side, z) for candidates of `members` (member-contiguous, in evaluation order).

        A member with c candidates here reads 2c numbers from its offset: the c sides first, then
        the c z's (as one `(2, c)` draw alone would).
        """
        counts = np.bincount(members, minlength=self.offset.size)
        start = np.cumsum(counts) - counts  # first row of each member's group
        within = np.arange(members.size) - start[members]
        base = self.offset[members]
        need = int((self.offset + 2 * counts).max(initial=0))
        if need > self.values.size:
            self.values = np.concatenate([self.values, self._rng.random(need - self.values.size)])
        side = self.values[base + within]
        z = self.values[base + counts[members] + within]
        self.offset += 2 * counts
        return side, z
