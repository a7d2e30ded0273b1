"""Impact of one list change (issue 14, item 3: "listChange / impact for one list change cold under 1 s, warm
under 200 ms" at 1M parts), answered from the composition read model (graph/read_model.py) and, for the
ratio, by SPARQL alone on the same store.

    python benchmarks/impact.py --store DIR [--sparql] [--drop-caches]

Each figure is a fresh process (so nothing is kept in Python): "cold" opens the store and computes the impact
of the SVHC change 2025-06-25 -> 2026-02-04 once; "warm" computes it again in the same process (the model's
pages and Oxigraph's caches are warm; no answer is kept between the two: `impact()` is called directly, not
through the API's per-revision cache). `--drop-caches` asks the kernel to drop the page cache first (root
only; otherwise the page cache is as the machine has it, said in the output). With `--sparql` the same runs
ask the store (the path of a remote endpoint).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

SINCE, UNTIL = "2025-06-25", "2026-02-04"


def _one(store: str, sparql: bool) -> dict:
    t0 = time.perf_counter()
    from complygraph.graph import open_store
    from complygraph.graph.impact import impact

    s = open_store(store)
    if sparql:
        s.model = None
    t1 = time.perf_counter()
    with s.composition_model() as model:  # rebuilt here if it is behind the store: timed apart
        pass
    t2 = time.perf_counter()
    rows = impact(s, "eu-reach-svhc", SINCE, UNTIL)
    t3 = time.perf_counter()
    again = impact(s, "eu-reach-svhc", SINCE, UNTIL)
    t4 = time.perf_counter()
    assert len(again) == len(rows)
    return {"rows": len(rows), "open_s": round(t1 - t0, 3), "model_ready_s": round(t2 - t1, 3),
            "model": model is not None, "cold_s": round(t3 - t2, 3), "warm_s": round(t4 - t3, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("--sparql", action="store_true", help="ask the store only (no read model)")
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.store, args.sparql)))
        return
    if args.drop_caches:
        if os.geteuid() != 0:
            sys.exit("--drop-caches needs root")
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
    cmd = [sys.executable, __file__, "--one", "--store", args.store] + (["--sparql"] if args.sparql else [])
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    out["path"] = "SPARQL" if args.sparql else "read model"
    out["page_cache"] = "dropped" if args.drop_caches else "as the machine had it"
    print(json.dumps(out))
    goal = {"cold_s": 1.0, "warm_s": 0.2}
    for k, limit in goal.items():
        print(f"{k}: {out[k]} s (goal {limit} s: {out[k] / limit:.2f} x the goal)")


if __name__ == "__main__":
    main()
