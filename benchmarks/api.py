"""GraphQL API latency and throughput on a store: listChange for the SVHC change 2025-06-25 -> 2026-02-04
and part(id); median and p99 latency, then requests/s with 8 concurrent clients, all on 127.0.0.1.

`python benchmarks/api.py --store DIR` (a store with lists and generated data, e.g. 100k parts from
`complygraph generate` + `complygraph import`). The server runs in its own process.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

LIST_CHANGE = """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
  impacted { part { id } material { id } substance { cas } ppm articlePercent overThreshold supplier { id }
             products { id } } } }"""
PART = """query($id: ID!) { part(id: $id) { id name mass supplier { id name }
  materials { id mass substances { substance { cas } ppm } } } }"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(client: httpx.Client, url: str, query: str, variables: dict | None = None) -> float:
    t0 = time.perf_counter()
    r = client.post(url, json={"query": query, "variables": variables or {}}, timeout=300)
    r.raise_for_status()
    if "errors" in r.json():
        raise RuntimeError(r.json()["errors"])
    return time.perf_counter() - t0


def _stats(name: str, times: list[float]) -> None:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{name:12} n={len(times):4}  median {statistics.median(times) * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--parts", type=int, default=100_000, help="how many parts the store holds")
    parser.add_argument("--n", type=int, default=200, help="part(id) requests")
    parser.add_argument("--n-change", type=int, default=20, help="listChange requests")
    args = parser.parse_args()
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "complygraph", "serve", "--store", str(args.store),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        rng = random.Random(1)
        ids = [f"P{rng.randrange(args.parts):07d}" for _ in range(args.n)]
        with httpx.Client() as client:
            # the first ask computes the impact (unless the server's start-up warming got there first);
            # later asks get the answer kept for the store's revision until something is written
            print(f"listChange   first request {_timed(client, url, LIST_CHANGE) * 1000:8.1f} ms (computes)",
                  flush=True)
            _stats("listChange", [_timed(client, url, LIST_CHANGE) for _ in range(args.n_change)])
            _stats("part(id)", [_timed(client, url, PART, {"id": i}) for i in ids])

        def worker(chunk: list[str]) -> int:
            with httpx.Client() as c:
                for i in chunk:
                    _timed(c, url, PART, {"id": i})
            return len(chunk)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            done = sum(pool.map(worker, [ids[k::8] for k in range(8)]))
        print(f"part(id) with 8 concurrent clients: {done / (time.perf_counter() - t0):.1f} requests/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
