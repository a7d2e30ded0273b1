"""A bounded loopback load test of the GraphQL API: the server in its own process on 127.0.0.1, clients here.

Every phase stops by itself, after `--seconds` or `--requests` (capped at 120 s and 100,000 requests),
whichever comes first, and prints requests/s, p50/p99/max latency, the errors by code and the machine's load
average (1 minute) when it ended; the `part(id)` phases also print the server's CPU time per request (all its
threads, and its event loop's thread alone; Linux). `--phases` runs some of them only:

1. `listChange` for the SVHC change 2025-06-25 -> 2026-02-04, once the server's start-up work is over (it
   computes each list's newest change, on the same two cores): a first page of 50 rows (it computes the
   impact), then every row (the impact kept, its 10^5 rows resolved by GraphQL), then the answer kept for the
   store's revision;
2. `part(id)` for random parts, `--clients` concurrent clients;
3. the same while an import of `--import-parts` new generated parts runs beside them (a mutation);
4. `/healthz`, one request every 20 ms, while the heaviest query the limits allow runs (four validations and a
   where-used); if it outlives the server's deadline (30 s) the client gets DEADLINE_EXCEEDED.

    python benchmarks/api.py --parts 10000            # builds a store of 10,000 generated parts first
    python benchmarks/api.py --store DIR --parts N    # a store already holding N generated parts
    python benchmarks/api.py --store DIR --parts N --phases part   # the two part(id) phases only

The store must hold the SVHC and RoHS lists and generated parts (ids P0000000, ...), as the built one does.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

MAX_SECONDS = 120.0
MAX_REQUESTS = 100_000
PHASES = ("change", "part", "import", "health")
TOKEN = "bench-token"
LISTS = ("eu-reach-svhc", "eu-rohs-annex-ii", "eu-rohs-annex-iii")
LIST_CHANGE = """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
  impacted { part { id } material { id } substance { cas } ppm articlePercent overThreshold supplier { id }
             products { id } } } }"""
LIST_CHANGE_PAGE = """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") { impactedCount
  impacted(first: 50) { cursor part { id } material { id } substance { cas } ppm articlePercent overThreshold
                        supplier { id } products { id } } } }"""
PART = """query($id: ID!) { part(id: $id) { id name mass supplier { id name }
  materials { id mass substances { substance { cas } ppm } } } }"""
HEAVIEST = "{ " + " ".join(f'v{i}: validate(at: "2026-0{i + 1}-15", packs: ["eu-rohs", "eu-reach-svhc"]) '
                           "{ compliant counts { pack severity count } }" for i in range(4)) + \
           ' w: whereUsed(cas: ["7439-92-1", "7440-43-9"]) { part { id } ppm } }'
IMPORT = "mutation($f: Upload!) { importCompositions(file: $f) { triples } }"


class Tally:
    """Latencies and errors of one phase, from several client threads."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.errors: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, seconds: float, error: str | None) -> None:
        with self._lock:
            self.times.append(seconds)
            if error:
                self.errors[error] += 1

    def report(self, name: str, elapsed: float, cpu: tuple[float, float] | None = None) -> None:
        """`cpu`: the server's CPU seconds (all threads, event loop thread) spent during the phase."""
        t = sorted(self.times)
        if not t:
            print(f"{name:34} no requests", flush=True)
            return

        def pct(q: float) -> float:
            return t[min(len(t) - 1, int(len(t) * q))] * 1000
        errors = ", ".join(f"{k} {v}" for k, v in self.errors.most_common()) or "none"
        print(f"{name:34} {len(t):6} requests in {elapsed:6.1f} s  {len(t) / elapsed:7.1f}/s  "
              f"p50 {pct(0.5):7.1f} ms  p99 {pct(0.99):7.1f} ms  max {t[-1] * 1000:7.1f} ms  errors: {errors}  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
        if cpu is not None:
            print(f"{'':34} server CPU {cpu[0] / len(t) * 1000:.2f} ms/request "
                  f"(event loop thread {cpu[1] / len(t) * 1000:.2f} ms)", flush=True)


def server_cpu(pid: int) -> tuple[float, float] | None:
    """CPU seconds of the process `pid` (all threads) and of its main thread, from /proc; None elsewhere."""
    tick = os.sysconf("SC_CLK_TCK")

    def read(path: str) -> float:
        with open(path, encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    try:
        return read(f"/proc/{pid}/stat"), read(f"/proc/{pid}/task/{pid}/stat")
    except OSError:
        return None


def settled(server: subprocess.Popen, limit: float = 300.0) -> float:
    """Wait until the server's start-up work (the packs' data, each list's newest change: graph/changes.py
    `warm_latest_changes`) is over: its CPU time grew by less than 0.05 s in one second. Seconds waited."""
    t0 = time.perf_counter()
    before = server_cpu(server.pid)
    while before is not None and time.perf_counter() - t0 < limit:
        time.sleep(1.0)
        after = server_cpu(server.pid)
        if after is None or after[0] - before[0] < 0.05:
            break
        before = after
    return time.perf_counter() - t0


def measured(server: subprocess.Popen, run, *args) -> tuple[Tally, float, tuple[float, float] | None]:
    """`run(*args)` (a load phase) with the server's CPU time spent meanwhile."""
    before = server_cpu(server.pid)
    tally, elapsed = run(*args)
    after = server_cpu(server.pid)
    cpu = None if before is None or after is None else (after[0] - before[0], after[1] - before[1])
    return tally, elapsed, cpu


def _error(r: httpx.Response) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return f"HTTP {r.status_code}"
    if isinstance(body, dict) and body.get("errors"):
        return str(body["errors"][0].get("extensions", {}).get("code", "uncoded"))
    return None if r.status_code == 200 else f"HTTP {r.status_code}"


def _ask(client: httpx.Client, url: str, query: str, variables: dict | None = None) -> tuple[float, str | None]:
    """The time until the whole answer has arrived; the client's own parsing of it (for errors) is not timed:
    a 58,518-row listChange is 15 MB of JSON, which the client took longer to parse than the server to send."""
    t0 = time.perf_counter()
    try:
        r = client.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=120)
    except httpx.HTTPError as exc:
        return time.perf_counter() - t0, type(exc).__name__
    took = time.perf_counter() - t0
    return took, _error(r)


def load(url: str, clients: int, ids: list[str], seconds: float, requests: int,
         until: threading.Event | None = None) -> tuple[Tally, float]:
    """`part(id)` from `clients` threads until `seconds`, `requests` or `until` is set."""
    tally, stop = Tally(), time.monotonic() + seconds
    left = iter(range(requests))
    lock = threading.Lock()

    def worker(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client() as client:
            while time.monotonic() < stop and not (until is not None and until.is_set()):
                with lock:
                    if next(left, None) is None:
                        return
                tally.add(*_ask(client, url, PART, {"id": rng.choice(ids)}))
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    return tally, time.perf_counter() - t0


def _renamed_zip(folder: Path) -> bytes:
    """The generated CSV files with new part, product and supplier ids, so the import adds new things."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.glob("*.csv")):
            text = re.sub(r"\bP(\d{7})\b", r"Q\1", f.read_text(encoding="utf-8"))
            text = re.sub(r"\bS(\d{5})\b", r"T\1", re.sub(r"\bPRD(\d{5})\b", r"QRD\1", text))
            z.writestr(f.name, text)
    return buffer.getvalue()


def _upload(url: str, content: bytes) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    r = httpx.post(f"{url}/graphql", timeout=MAX_SECONDS * 10,
                   headers={"Authorization": f"Bearer {TOKEN}", "x-complygraph-csrf": "1"},
                   data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}),
                         "map": json.dumps({"0": ["variables.f"]})},
                   files={"0": ("beside.zip", content)})
    return time.perf_counter() - t0, _error(r)


def beside_an_import(url: str, args: argparse.Namespace, ids: list[str], work: Path) -> None:
    from complygraph.generate import generate

    generate(work / "beside", products=max(1, args.import_parts // 200), parts=args.import_parts, seed=99)
    content = _renamed_zip(work / "beside")
    done, outcome = threading.Event(), {}

    def run() -> None:
        outcome["seconds"], outcome["error"] = _upload(url, content)
        done.set()
    threading.Thread(target=run, daemon=True).start()
    time.sleep(1.0)  # the upload is received and the import has begun
    tally, elapsed = load(url, args.clients, ids, args.seconds, args.requests, until=done)
    tally.report(f"part(id) x{args.clients} beside an import", elapsed)
    done.wait(MAX_SECONDS * 10)
    print(f"{'import of ' + str(args.import_parts) + ' parts':34} {outcome.get('seconds', float('nan')):6.1f} s  "
          f"error: {outcome.get('error') or 'none'}", flush=True)


def health_under_heavy(url: str, seconds: float) -> None:
    out: dict = {}

    def heavy() -> None:
        with httpx.Client() as client:
            out["seconds"], out["error"] = _ask(client, url, HEAVIEST)
    thread = threading.Thread(target=heavy, daemon=True)
    thread.start()
    time.sleep(0.3)
    tally, stop, t0 = Tally(), time.monotonic() + seconds, time.perf_counter()
    with httpx.Client() as client:
        while thread.is_alive() and time.monotonic() < stop:
            s = time.perf_counter()
            try:
                r = client.get(f"{url}/healthz", timeout=30)
                error = None if r.status_code == 200 else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            tally.add(time.perf_counter() - s, error)
            time.sleep(0.02)
    tally.report("/healthz beside the heaviest query", time.perf_counter() - t0)
    thread.join(MAX_SECONDS)
    print(f"{'heaviest allowed query':34} {out.get('seconds', float('nan')):6.1f} s  "
          f"error: {out.get('error') or 'none'}", flush=True)


def build(folder: Path, parts: int) -> Path:
    """A store of `parts` generated parts with the SVHC and RoHS lists."""
    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_list
    from complygraph.loaders.compositions import import_compositions

    t0 = time.perf_counter()
    generate(folder / "data", products=max(1, parts // 200), parts=parts, seed=1)
    store = open_store(str(folder / "store"))
    for list_id in LISTS:
        load_list(store, list_id)
    import_compositions(store, folder / "data")
    store.close()
    print(f"built a store of {parts} parts in {time.perf_counter() - t0:.0f} s", flush=True)
    return folder / "store"


def start(store: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, COMPLYGRAPH_WRITE_TOKEN=TOKEN)
    server = subprocess.Popen([sys.executable, "-m", "complygraph", "serve", "--store", str(store),
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + MAX_SECONDS
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=2).raise_for_status()
            return server, url
        except httpx.HTTPError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="an existing store (else one is built in a temporary folder)")
    parser.add_argument("--parts", type=int, default=10_000, help="parts the store holds, or to build")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help=f"per phase, at most {MAX_SECONDS:g}")
    parser.add_argument("--requests", type=int, default=5_000, help=f"per phase, at most {MAX_REQUESTS}")
    parser.add_argument("--import-parts", type=int, default=5_000, help="parts of the import beside the load")
    parser.add_argument("--n-change", type=int, default=10, help="listChange requests after the first")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated phases to run, of {', '.join(PHASES)} (default: all)")
    args = parser.parse_args()
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    if not phases or phases - set(PHASES):
        parser.error(f"--phases: expected some of {', '.join(PHASES)}, got {args.phases!r}")
    args.seconds, args.requests = min(args.seconds, MAX_SECONDS), min(args.requests, MAX_REQUESTS)
    args.clients = max(1, min(args.clients, 64))
    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB RAM", flush=True)
    with tempfile.TemporaryDirectory(prefix="complygraph-bench-") as tmp:
        work = Path(tmp)
        store = args.store or build(work, args.parts)
        server, url = start(store)
        try:
            rng = random.Random(1)
            ids = [f"P{rng.randrange(args.parts):07d}" for _ in range(10_000)]
            if "change" in phases:
                print(f"{'start-up work, waited':34} {settled(server):8.1f} s", flush=True)
                with httpx.Client() as client:
                    # a first page (as a client that shows the impact asks it): the impact computed, 50 rows shown
                    first, error = _ask(client, url, LIST_CHANGE_PAGE)
                    print(f"{'listChange, first page of 50':34} {first * 1000:8.1f} ms  error: {error or 'none'}",
                          flush=True)
                    first, error = _ask(client, url, LIST_CHANGE)
                    print(f"{'listChange, every row, first':34} {first * 1000:8.1f} ms  error: {error or 'none'}",
                          flush=True)
                    tally, t0 = Tally(), time.perf_counter()
                    for _ in range(min(args.n_change, args.requests)):
                        tally.add(*_ask(client, url, LIST_CHANGE))
                    tally.report("listChange, kept answer", time.perf_counter() - t0)
            if "part" in phases:
                if "change" not in phases:  # the start-up warming computes this: let it end before measuring
                    with httpx.Client() as client:
                        first, error = _ask(client, url, LIST_CHANGE)
                    print(f"{'warm-up (listChange)':34} {first * 1000:8.1f} ms  error: {error or 'none'}", flush=True)
                    # the other lists' changes too: their CPU time counted against part(id) before
                    print(f"{'start-up work, waited':34} {settled(server):8.1f} s", flush=True)
                tally, elapsed, cpu = measured(server, load, url, 1, ids, args.seconds, args.requests)
                tally.report("part(id), 1 client", elapsed, cpu)
                tally, elapsed, cpu = measured(server, load, url, args.clients, ids, args.seconds, args.requests)
                tally.report(f"part(id) x{args.clients}", elapsed, cpu)
            if "import" in phases:
                beside_an_import(url, args, ids, work)
            if "health" in phases:
                health_under_heavy(url, args.seconds)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
