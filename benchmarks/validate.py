"""All shape packs: the set-at-a-time validator against pySHACL, and alone on large stores.

`python benchmarks/validate.py` runs the comparison at 200 and 1,000 generated parts (ratio, same results)
and the validator alone at 10k and 100k parts (seconds, peak memory). Each size runs in its own process.
Options: --compare-sizes, --sizes, --store DIR (validate an existing store instead of generating one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AT = dt.date(2026, 11, 23)


def _store_for(parts: int, workdir: Path, in_memory: bool):
    from complygraph.generate import generate
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_reference
    from complygraph.loaders.compositions import import_compositions

    data = workdir / f"data-{parts}"
    generate(data, products=max(2, parts // 100), parts=parts, seed=1)
    store = open_store(None if in_memory else workdir / f"store-{parts}")
    load_reference(store)
    import_compositions(store, data)
    return store


def compare(parts: int, workdir: Path) -> dict:
    from complygraph.graph.shacl import validate
    from complygraph.graph.shacl.packs import shapes_graph
    from complygraph.graph.shacl.validator import pyshacl_results, store_graph

    store = _store_for(parts, workdir, in_memory=True)
    validate(store, None, AT)  # loads pack data and warms the store
    t0 = time.perf_counter()
    ours = validate(store, None, AT)
    t_ours = time.perf_counter() - t0
    shapes, owner, _ = shapes_graph(None, AT)
    data = store_graph(store)
    t0 = time.perf_counter()
    reference = pyshacl_results(data, shapes, owner)
    t_ref = time.perf_counter() - t0
    a, b = {r.key() for r in ours.results}, {r.key() for r in reference}
    return {"parts": parts, "ours_s": round(t_ours, 3), "pyshacl_s": round(t_ref, 1),
            "ratio": round(t_ref / t_ours), "results": len(a), "same_results": a == b}


def alone(parts: int, workdir: Path, store_dir: Path | None) -> dict:
    from complygraph.graph import open_store
    from complygraph.graph.shacl import validate

    store = open_store(store_dir) if store_dir else _store_for(parts, workdir, in_memory=False)
    validate(store, None, AT)  # first run loads the packs' data
    t0 = time.perf_counter()
    report = validate(store, None, AT, load_data=False)
    seconds = time.perf_counter() - t0
    slowest = sorted(report.timings.items(), key=lambda kv: -kv[1])[:3]
    return {"parts": parts, "validate_s": round(seconds, 2), "results": len(report.results),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "slowest": [(name.split("#")[-1], round(s, 2)) for name, s in slowest]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare-sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--store", type=Path, help="validate this existing store (its size given by --sizes)")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, size = args.one[0], int(args.one[1])
        out = compare(size, args.workdir) if kind == "compare" else alone(size, args.workdir, args.store)
        print(json.dumps(out))
        return
    with tempfile.TemporaryDirectory(prefix="complygraph-bench-") as tmp:
        runs = [("compare", n) for n in args.compare_sizes] + [("alone", n) for n in args.sizes]
        for kind, size in runs:
            cmd = [sys.executable, __file__, "--one", kind, str(size), "--workdir", tmp]
            if args.store:
                cmd += ["--store", str(args.store)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if kind == "compare":
                print(f"{size:>7} parts: validator {result['ours_s']} s, pySHACL {result['pyshacl_s']} s, "
                      f"ratio {result['ratio']}x, {result['results']} results, same: {result['same_results']}",
                      flush=True)
            else:
                print(f"{size:>7} parts: validator alone {result['validate_s']} s, {result['results']} results, "
                      f"peak {result['peak_rss_mib']} MiB, slowest {result['slowest']}", flush=True)


if __name__ == "__main__":
    main()
