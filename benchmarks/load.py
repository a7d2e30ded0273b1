"""Import throughput into the embedded store, its peak memory, and the ratio to pyoxigraph's own bulk loader
(issue 14, item 1: at least 70 % of `Store.bulk_load` of the same triples, peak RSS under 4 GB at 1M parts).

Run on demand: `make bench` or `python benchmarks/load.py [--sizes 100000 1000000]`. Each size runs in its own
process, and so does each measured step, so that each peak resident memory is its own:
1. generate the data set (`complygraph generate`), load the shipped lists into a new store;
2. `complygraph import` of the data set (timed; peak RSS of that process);
3. the default graph of that store dumped as N-Triples, then `Store.bulk_load` of the file into a new store
   (timed, same run, same machine): the import's triples/s over the bulk loader's is the ratio printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of that child alone (wait4's own resource usage) and its stdout."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, args)
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read()


def _bulk_load(nt: str, target: str) -> None:
    from pyoxigraph import RdfFormat, Store

    Store(target).bulk_load(path=nt, format=RdfFormat.N_TRIPLES)


def _dump(store_dir: str, nt: str) -> int:
    from pyoxigraph import DefaultGraph, RdfFormat, Store

    store = Store.read_only(store_dir)
    store.dump(nt, format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
    return sum(1 for _ in open(nt, "rb"))


def one(parts: int, workdir: Path) -> dict:
    cli = [sys.executable, "-m", "complygraph"]
    data, store = workdir / f"data-{parts}", workdir / f"store-{parts}"
    t_gen, _, _ = _timed([*cli, "generate", "--out", str(data), "--parts", str(parts),
                          "--products", str(max(10, parts // 1000)), "--seed", "1"])
    subprocess.run([*cli, "load-lists", "--store", str(store)], check=True, capture_output=True)
    t_imp, imp_peak, out = _timed([*cli, "import", str(data), "--store", str(store)])
    triples = int(out.strip().rsplit(",", 1)[-1].split()[0])
    # the same triples (the lists' too: the store's default graph) through the bulk loader
    nt = str(workdir / f"dump-{parts}.nt")
    stored = int(subprocess.run([sys.executable, __file__, "--dump", str(store), nt], check=True,
                                capture_output=True, text=True).stdout.strip())
    t_bulk, bulk_peak, _ = _timed([sys.executable, __file__, "--bulk-load", nt, str(workdir / f"bulk-{parts}")])
    t0 = time.perf_counter()
    subprocess.run([*cli, "impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                    "--store", str(store), "--format", "csv"],
                   check=True, capture_output=True)
    t_impact = time.perf_counter() - t0
    import_rate, bulk_rate = triples / t_imp, stored / t_bulk
    return {
        "parts": parts, "generate_s": round(t_gen, 1), "import_triples": triples, "import_s": round(t_imp, 1),
        "import_triples_per_s": round(import_rate), "import_peak_rss_mib": round(imp_peak),
        "store_triples": stored, "bulk_load_s": round(t_bulk, 1), "bulk_load_triples_per_s": round(bulk_rate),
        "bulk_load_peak_rss_mib": round(bulk_peak), "ratio": round(import_rate / bulk_rate, 3),
        "impact_cli_s": round(t_impact, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, help="where the data and stores go (default: a temporary folder)")
    parser.add_argument("--dump", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--bulk-load", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        print(_dump(*args.dump))
        return
    if args.bulk_load:
        _bulk_load(*args.bulk_load)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="complygraph-bench-", dir=args.workdir) as tmp:
        for size in args.sizes:
            results.append(one(size, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    print()
    print(f"{'parts':>9} {'triples':>12} {'import s':>9} {'triples/s':>10} {'peak MiB':>9} {'bulk_load s':>12} "
          f"{'triples/s':>10} {'ratio':>6} {'impact s':>9}")
    for r in results:
        print(f"{r['parts']:>9,} {r['import_triples']:>12,} {r['import_s']:>9} {r['import_triples_per_s']:>10,} "
              f"{r['import_peak_rss_mib']:>9} {r['bulk_load_s']:>12} {r['bulk_load_triples_per_s']:>10,} "
              f"{r['ratio']:>6.0%} {r['impact_cli_s']:>9}")
    print("\ngoals (issue 14 item 1): ratio >= 70 %, peak RSS < 4096 MiB at 1,000,000 parts")


if __name__ == "__main__":
    main()
