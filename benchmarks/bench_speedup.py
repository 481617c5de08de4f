"""Per-member cost of a model's forecast-only run against a baseline commit's code, in one run.

The baseline's `src/` is extracted from git (`git archive REF src`, by default `main`) into a
temporary folder; each timing runs in a fresh process with `PYTHONPATH` pointing at the baseline's
or at this tree's `src/`, alternating baseline and current repeat by repeat so that both see the
same load (2 cores shared with other work). Members are `bench_batch.members` of the case (the
same batch for both: positions moved by up to 10%, saliences and capabilities scaled, seeded).
Prints per model and case the median seconds of each, the members per second and the speed-up
(baseline time / current time), and the median process CPU seconds of each run (steadier than
wall time on a shared machine); with `--check` it also asserts that both give the same forecast,
status and rounds (to 1e-12). With `--array` the current tree is also timed with
`PARLEY_COMPILED=0` (its array-API kernels, what a compiled kernel replaces), in the same
alternation.

    .venv/bin/python benchmarks/bench_speedup.py --models smp exchange --cases seed 20x1 \\
        --members 200 --repeats 3
    .venv/bin/python benchmarks/bench_speedup.py --baseline 9e887a1 --models smp --cases 20x3

Not a test: timings depend on the machine and its load; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the child: time one forecast-only run of `model` on `members` members of `case`.
CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
import numpy as np
from bench_batch import SEED, members, random_case
from parley.case import case_arrays
from parley.io import read_case
from parley.models import get_model
case, model, n, out = {case!r}, {model!r}, {n!r}, {out!r}
if case == "seed":
    base = case_arrays(read_case(SEED))
else:
    base = random_case(*map(int, case.split("x")))
batch = members(base, n)
m = get_model(model)
m.run(members(base, 1), detail="forecast")  # imports and caches
start, start_cpu = time.perf_counter(), time.process_time()
res = m.run(batch, detail="forecast")
seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
np.savez(out, forecast=np.asarray(res.forecast), rounds=np.asarray(res.rounds),
         status=np.asarray([str(s) for s in res.status]))
print(json.dumps([seconds, cpu]))
"""


def baseline_src(ref: str, into: Path) -> Path:
    """The baseline's src/ tree, extracted from git into `into`."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    return into / "src"


def timed(
    src: Path, case: str, model: str, n: int, out: Path, array: bool = False
) -> tuple[float, float]:
    """Wall and process CPU seconds of one forecast-only run in a fresh process (`array`:
    with PARLEY_COMPILED=0)."""
    code = CHILD.format(bench=str(ROOT / "benchmarks"), case=case, model=model, n=n, out=str(out))
    env = {**os.environ, "PYTHONPATH": str(src)}
    if array:
        env["PARLEY_COMPILED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    wall, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return float(wall), float(cpu)


def same(a: Path, b: Path) -> bool:
    import numpy as np

    x, y = np.load(a), np.load(b)
    return bool(
        np.allclose(x["forecast"], y["forecast"], rtol=0, atol=1e-12)
        and (x["rounds"] == y["rounds"]).all()
        and (x["status"] == y["status"]).all()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref of the baseline's code")
    parser.add_argument("--models", nargs="*", default=["smp", "exchange"])
    parser.add_argument("--cases", nargs="*", default=["seed", "20x1"])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="assert equal results")
    parser.add_argument(
        "--array", action="store_true", help="also time this tree with PARLEY_COMPILED=0"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline_src(args.baseline, Path(tmp))
        print(f"baseline {args.baseline}; {args.members} members, median of {args.repeats}")
        head = (
            "| case | model | baseline s | current s | baseline members/s | current members/s "
            "| speed-up | CPU s baseline / current |"
        )
        if args.array:
            head += " current array-API members/s | current / array-API |"
        print(head)
        print("|---" * head.count(" | ") + "|---|")
        for case in args.cases:
            for model in args.models:
                old, new, slow = [], [], []
                a, b, c = (Path(tmp) / f"{k}.npz" for k in "abc")
                for _ in range(args.repeats):
                    old.append(timed(base, case, model, args.members, a))
                    new.append(timed(ROOT / "src", case, model, args.members, b))
                    if args.array:
                        slow.append(timed(ROOT / "src", case, model, args.members, c, True))
                if args.check:
                    assert same(a, b), f"{model} on {case}: results differ from the baseline"
                t0, t1 = (statistics.median(w for w, _ in t) for t in (old, new))
                c0, c1 = (statistics.median(c for _, c in t) for t in (old, new))
                n = args.members
                row = (
                    f"| {case} | {model} | {t0:.3f} | {t1:.3f} | {n / t0:,.1f} | {n / t1:,.1f} "
                    f"| {t0 / t1:.2f}x | {c0:.3f} / {c1:.3f} |"
                )
                if args.array:
                    t2 = statistics.median(w for w, _ in slow)
                    row += f" {n / t2:,.1f} | {t2 / t1:.2f}x |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
