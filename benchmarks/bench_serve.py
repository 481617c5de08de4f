"""Load test of `parley serve` on loopback: N concurrent `POST /api/forecast` requests on the seed
case (default 200, every default model), each answer checked against `parley forecast --format
json`; prints the error count and the latency median (p50), p95 and max, and the throughput.

Bounded: one round of N requests, each with a time limit (`--limit`, also the server's
`--run-timeout`: queued requests wait their turn, so the limit must cover the queue), on 127.0.0.1
only; the server is a `parley serve` subprocess on a free port with a throwaway store, stopped at
the end.

Run: .venv/bin/python benchmarks/bench_serve.py [--requests 200] [--model compromise ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
PARLEY = [sys.executable, "-c", "from parley.cli import app; app()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def one(client: httpx.AsyncClient, url: str, data: bytes, models: list[str]):
    t = time.perf_counter()
    try:
        r = await client.post(
            url, files={"case": ("case.yaml", data)}, data={"model": models} if models else None
        )
        return time.perf_counter() - t, r.status_code, r.json() if r.status_code == 200 else r.text
    except httpx.HTTPError as exc:
        return time.perf_counter() - t, 0, repr(exc)


async def load(base: str, n: int, models: list[str], limit: float) -> list:
    data = SEED.read_bytes()
    timeout = httpx.Timeout(limit)
    pool = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=timeout, limits=pool) as client:
        return await asyncio.gather(
            *(one(client, base + "/api/forecast", data, models) for _ in range(n))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--limit", type=float, default=900.0, help="seconds per request at most")
    args = parser.parse_args()
    expected = json.loads(
        subprocess.run(
            [
                *PARLEY,
                "forecast",
                str(SEED),
                "-f",
                "json",
                *sum((["-m", m] for m in args.model), []),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [
                *PARLEY,
                "serve",
                "--port",
                str(port),
                "--store",
                f"{folder}/bench.sqlite",
                "--run-timeout",
                str(args.limit),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/api/runs", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            t0 = time.perf_counter()
            results = asyncio.run(load(base, args.requests, args.model, args.limit))
            wall = time.perf_counter() - t0
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    times = sorted(t for t, _, _ in results)
    errors = [(code, body) for _, code, body in results if code != 200]
    wrong = sum(1 for _, code, body in results if code == 200 and body != expected)
    q = statistics.quantiles(times, n=100, method="inclusive")
    models = ", ".join(args.model) or "every default model"
    print(f"parley serve, {args.requests} concurrent POST /api/forecast, seed case, {models}")
    print(
        f"  cpus: {os.cpu_count()}, wall: {wall:.1f} s, throughput: {args.requests / wall:.1f} req/s"
    )
    print(f"  errors: {len(errors)}, answers differing from the CLI: {wrong}")
    print(f"  latency p50: {q[49]:.2f} s, p95: {q[94]:.2f} s, max: {times[-1]:.2f} s")
    for code, body in errors[:5]:
        print(f"  error {code}: {str(body)[:200]}")
    if errors or wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
