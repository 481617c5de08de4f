"""Per-member random numbers: member k's uniforms depend only on the seed and k.

A counter-based generator (NumPy's Philox, keyed by `SeedSequence(seed)`) gives each member its
own block of the stream: member k reads counter blocks `k * width / 4` onward, so a chunk of
members `start..stop` is drawn by jumping straight to its first member (`Philox.advance`). The
numbers are the same whatever the chunking, the number of workers, the executor or the device;
no stream is shared across chunks. (They do depend on the width, the number of uniforms a member
reads: a case with one more uncertain input draws other numbers.)

>>> a = member_uniforms(seed=0, start=0, stop=10, width=3)
>>> b = member_uniforms(seed=0, start=7, stop=10, width=3)
>>> bool((a[7:] == b).all()), a.shape
(True, (10, 3))
"""

from __future__ import annotations

import numpy as np

_BLOCK = 4  # Philox4x64 yields four 64-bit words per counter increment


def philox_key(seed: int) -> np.ndarray:
    """The 128-bit Philox key of `seed`, spread by NumPy's SeedSequence."""
    return np.random.SeedSequence(seed).generate_state(2, np.uint64)


def member_uniforms(seed: int, start: int, stop: int, width: int) -> np.ndarray:
    """(stop - start, width) uniforms strictly inside (0, 1) for members start..stop-1.

    Each is `(w + 0.5) / 2**52` for a 52-bit word w of the member's stream, so no value is exactly
    0 or 1 (a normal quantile of it stays finite)."""
    if start < 0 or stop < start or width < 1:
        raise ValueError(f"bad member range {start}..{stop} or width {width}")
    blocks = -(-width // _BLOCK)  # whole counter blocks per member
    bitgen = np.random.Philox(key=philox_key(seed))
    bitgen.advance(start * blocks)
    raw = bitgen.random_raw((stop - start) * blocks * _BLOCK)
    words = raw.reshape(stop - start, blocks * _BLOCK)[:, :width]
    return ((words >> np.uint64(12)).astype(float) + 0.5) / 2.0**52
