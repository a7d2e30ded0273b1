"""The W3C SHACL test suite (core + SPARQL, tests/w3c/) run three ways in one process, with a table and totals.

`python benchmarks/w3c_suite.py` prints, for every suite test, whether the compiled path
(`validate_report(..., fallback=False)`, right only if every shape compiled), the whole validator
(`complygraph shacl DATA -s SHAPES -f turtle`) and pySHACL get it right, wrong (a report, not the expected one)
or end in an error where a report was expected; then the three totals and the time each way took over the suite
(parsing included for all three; the CLI time also includes serialising the report to Turtle).
Options: --details prints what differs for every test not right; --only ID runs the tests whose id contains ID.
How reports are compared: see tests/w3c_suite.py.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.w3c_suite import WAYS, load_suite, run_test, totals  # noqa: E402

HEADERS = {"compiled": "compiled", "whole": "whole (CLI)", "pyshacl": "pySHACL"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="show what differs for every test not right")
    parser.add_argument("--only", default="", help="run only the tests whose id contains this text")
    args = parser.parse_args(argv)
    # Expected noise: rdflib logs each ill-typed literal of the suite, pySHACL its shape-loading warnings.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    logging.getLogger("pyshacl").setLevel(logging.ERROR)
    # pySHACL resets the level of its "pyshacl-validate" logger on every call; a filter stays.
    logging.getLogger("pyshacl-validate").addFilter(lambda record: record.levelno >= logging.ERROR)

    tests = [t for t in load_suite() if args.only in t.id]
    width = max(len(t.id) for t in tests)
    print(f"{'test':<{width}}  " + "  ".join(f"{HEADERS[w]:<11}" for w in WAYS))
    outcomes = {}
    started = time.perf_counter()
    for t in tests:
        outcomes[t.id] = per_way = run_test(t)
        print(f"{t.id:<{width}}  " + "  ".join(f"{per_way[w].verdict:<11}" for w in WAYS), flush=True)
        if args.details:
            for w in WAYS:
                if not per_way[w].right:
                    print(f"    [{HEADERS[w]}] {per_way[w].verdict}: " + per_way[w].detail.replace("\n", "\n      "))
    wall = time.perf_counter() - started

    right = totals(outcomes)
    seconds = {w: sum(o[w].seconds for o in outcomes.values()) for w in WAYS}
    print()
    print(f"right, of {len(tests)} tests: " + ", ".join(f"{HEADERS[w]} {right[w]}" for w in WAYS))
    for verdict in ("wrong", "error"):
        print(f"{verdict}: " + ", ".join(
            f"{HEADERS[w]} {sum(o[w].verdict == verdict for o in outcomes.values())}" for w in WAYS))
    print("time over the suite: " + ", ".join(f"{HEADERS[w]} {seconds[w]:.2f} s" for w in WAYS)
          + f" (whole / pySHACL = {seconds['whole'] / seconds['pyshacl']:.2f}; wall {wall:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
