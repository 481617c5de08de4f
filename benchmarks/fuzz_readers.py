"""The readers' fuzz properties run for longer than the suite allows, exploring new examples.

Usage: .venv/bin/python benchmarks/fuzz_readers.py [--minutes 10] [--reader NAME]... [--seed N]
       (or `make fuzz`, `make fuzz MINUTES=30`)

Runs the properties of `tests/hostile/fuzz.py` (the suite's `test_fuzz_readers.py` runs them
derandomised, 60 examples each) with fresh random examples, the time shared evenly between the
readers (every text reader and the workbook), in rounds of 200 examples until each reader's share
is spent (a round that began runs to its end). A failure prints hypothesis's smallest failing
example and exits 1; no example database is kept, so turn the example into a test in
tests/hostile/ (the suite's run is derandomised and would not find it again by itself).
Not a test: how much it finds depends on how long it runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from hostile.fuzz import (  # noqa: E402
    GRIDS,
    MUTATIONS,
    TEXT_READERS,
    check_text_reader,
    check_workbook,
)
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ROUND = 200
READERS = [*sorted(TEXT_READERS), "xlsx"]


def one_round(reader: str, round_seed: int) -> None:
    exploring = settings(
        max_examples=ROUND,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    if reader == "xlsx":

        @seed(round_seed)
        @exploring
        @given(GRIDS, st.booleans(), st.none() | st.tuples(st.floats(0, 1), st.integers(0, 255)))
        def workbook(rows, with_header, flip):
            check_workbook(rows, with_header, flip)

        workbook()
        return

    @seed(round_seed)
    @exploring
    @given(MUTATIONS)
    def text(splices):
        check_text_reader(reader, splices)

    text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--reader", action="append", choices=READERS)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    readers = args.reader or READERS
    share = args.minutes * 60 / len(readers)
    print(f"fuzzing {len(readers)} readers, {share:.0f} s each, seed {args.seed}")
    for reader in readers:
        start = time.monotonic()
        rounds = 0
        while time.monotonic() - start < share:
            try:
                one_round(reader, args.seed + rounds)
            except Exception as exc:  # hypothesis has printed the smallest failing example
                print(f"{reader}: FAILED after {rounds * ROUND}+ examples: {exc!r}")
                return 1
            rounds += 1
        print(f"{reader}: {rounds * ROUND} examples in {time.monotonic() - start:.0f} s, all held")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
