"""Every reader fuzzed for a bounded time (derandomised: the same examples on every run): it
returns a valid case or raises parley's one-line error naming the file, never another exception.
The longer, exploring run is `benchmarks/fuzz_readers.py --minutes N` (`make fuzz`).
"""

from __future__ import annotations

import pytest
from hostile.fuzz import (
    GRIDS,
    JSON_VALUES,
    MUTATIONS,
    TEXT_READERS,
    check_text_reader,
    check_weights_value,
    check_workbook,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("reader", sorted(TEXT_READERS))
def test_a_mutated_file_is_read_or_refused_in_one_line(reader):
    @BOUNDED
    @given(MUTATIONS)
    def property_(splices):
        check_text_reader(reader, splices)

    property_()


@settings(BOUNDED, max_examples=20)
@given(GRIDS, st.booleans(), st.none() | st.tuples(st.floats(0, 1), st.integers(0, 255)))
def test_a_workbook_of_any_cells_is_read_or_refused_in_one_line(rows, with_header, flip):
    check_workbook(rows, with_header, flip)


@BOUNDED
@given(st.floats(0, 1), JSON_VALUES)
def test_a_weights_file_with_any_value_anywhere_is_read_or_refused(where, value):
    check_weights_value(where, value)
