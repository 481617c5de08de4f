"""The compiled pairwise sums equal NumPy's `np.sum` bit for bit (its order of additions).

The reference is NumPy itself: a run of 8 or more terms is not added left to right, so a sum in
another order differs in the last bits for most of these draws (the values span 12 orders of
magnitude), and a wrong split point or level would show.
"""

from __future__ import annotations

import numpy as np
import pytest

from parley.models.pairwise_sum import pw, pw_long

# around every edge: the 8-term blocks, one block (128), the levels (240, 464, 912), the stack
SIZES = [*range(1, 40), 127, 128, 129, 136, 239, 240, 241, 255, 256, 300, 400]
SIZES += [463, 464, 465, 911, 912, 913, 1030, 5000]


@pytest.mark.parametrize("n", SIZES)
def test_sums_are_numpys_pairwise_sums_bit_for_bit(n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)
    assert pw(values, 0, n) == np.sum(values)
    assert pw(np.concatenate([[7.0], values]), 1, n) == np.sum(values)


def test_the_order_matters_for_these_draws():
    """The check above can fail: left to right gives other bits on most of these runs."""
    differ = 0
    for n in SIZES[40:]:
        rng = np.random.default_rng(n)
        values = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)
        left_to_right = 0.0
        for v in values:
            left_to_right += v
        differ += left_to_right != np.sum(values)
    assert differ >= len(SIZES[40:]) // 2


def test_long_runs_split_where_numpy_splits():
    """pw_long on a run whose halves land on either side of a level's edge."""
    values = np.random.default_rng(7).standard_normal(2000) * 1e3
    for n in (129, 241, 465, 913, 1807, 2000):
        assert pw_long(values, 0, n) == np.sum(values[:n])
