"""Load throughput into the embedded store, and peak memory, at 10k and 100k generated parts.

Run on demand: `make bench` or `python benchmarks/load.py [--sizes 10000 100000]`. Each size runs in its own
process so that its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(parts: int, workdir: Path) -> dict:
    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_reference
    from complygraph.loaders.compositions import import_compositions

    data = workdir / f"data-{parts}"
    t0 = time.perf_counter()
    generate(data, products=max(10, parts // 1000), parts=parts, seed=1)
    t_gen = time.perf_counter() - t0
    gen_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store = open_store(workdir / f"store-{parts}")
    t0 = time.perf_counter()
    ref_triples = load_reference(store)
    t_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    counts = import_compositions(store, data)
    t_imp = time.perf_counter() - t0
    store.flush()
    total = store.count()
    t0 = time.perf_counter()
    from complygraph.graph.impact import impact

    hits = impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    t_query = time.perf_counter() - t0
    return {
        "parts": parts, "generate_s": round(t_gen, 2), "generate_peak_mib": round(gen_peak / 1024, 1),
        "reference_triples": ref_triples, "reference_s": round(t_ref, 2),
        "import_triples": counts["triples"], "import_s": round(t_imp, 2),
        "import_triples_per_s": round(counts["triples"] / t_imp), "store_triples": total,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "demo_query_ms": round(t_query * 1000, 1), "demo_query_rows": len(hits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.workdir)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="complygraph-bench-") as tmp:
        for size in args.sizes:
            out = subprocess.run([sys.executable, __file__, "--one", str(size), "--workdir", tmp],
                                 check=True, capture_output=True, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    print()
    print(f"{'parts':>8} {'gen s':>7} {'import triples':>15} {'import s':>9} {'triples/s':>10} "
          f"{'peak MiB':>9} {'demo query ms':>14}")
    for r in results:
        print(f"{r['parts']:>8} {r['generate_s']:>7} {r['import_triples']:>15,} {r['import_s']:>9} "
              f"{r['import_triples_per_s']:>10,} {r['peak_rss_mib']:>9} {r['demo_query_ms']:>14}")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"\nratios {b['parts']}/{a['parts']} parts: import time x{b['import_s'] / a['import_s']:.1f}, "
              f"throughput x{b['import_triples_per_s'] / a['import_triples_per_s']:.2f}, "
              f"peak memory x{b['peak_rss_mib'] / a['peak_rss_mib']:.1f}")


if __name__ == "__main__":
    main()
