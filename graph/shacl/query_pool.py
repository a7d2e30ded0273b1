"""The compiled shapes' queries run a few at a time, the slowest first, their answers taken as they finish.

One query per shape over all focus nodes is the rule (README: set-at-a-time); the queries are independent of
each other, and Oxigraph evaluates a query without holding Python's GIL, so two queries on two threads take
the wall time of one (a 100k-part store's exemption query: 14.2 s twice in a row, 7.8 s side by side). A
SPARQL server answers concurrent requests too.

Answers are handed over as they finish, not in the order asked: the validator files each constraint's results
in its own place (graph/shacl/validator.py), so the report is the same whatever finished first, and no thread
waits for an answer ahead of it to be read. At 10^6 parts, answers read in the order asked left both threads
idle for 17 s (finished answers held, waiting for their turn, up to 500,000 rows) and one idle for 57 s, most of
it at the end, when a 56 s query asked late ran alone. The slowest queries start first (`start_order`): each
query's time of the last validation of the store (graph/shacl/query_costs.py) where known, and before any, the
SPARQL-based constraints (joins over compositions) ahead of the core ones (a scan or a lookup per focus node).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

ENV = "COMPLYGRAPH_QUERY_THREADS"  # queries at once during a validation (default: the machine's cores, at most 4)


def workers() -> int:
    raw = os.environ.get(ENV)
    if raw is None:
        return max(1, min(4, os.cpu_count() or 1))
    try:
        n = int(raw)
    except ValueError:
        raise ValueError(f"{ENV}={raw!r}: a whole number of threads (1 or more) is needed") from None
    if n < 1:
        raise ValueError(f"{ENV}={raw!r}: a whole number of threads (1 or more) is needed")
    return n


def start_order(queries: list[str], known: dict[str, float], joins_first: set[str]) -> list[str]:
    """Each distinct query once, in the order to start them: those whose time is not known first (a SPARQL-based
    constraint, in `joins_first`, before a core one; else as asked), then the known ones, slowest first."""
    distinct = list(dict.fromkeys(queries))
    unknown = [q for q in distinct if q not in known]
    unknown.sort(key=lambda q: q not in joins_first)  # stable: as asked within each kind
    return unknown + sorted((q for q in distinct if q in known), key=lambda q: -known[q])


def answers_as_done(select: Callable[[str], list], order: list[str],
                    threads: int | None = None) -> Iterator[tuple[str, list, float]]:
    """(query, rows, seconds it ran) for each query of `order` (distinct queries, started in that order), as
    each finishes. At most `threads` queries run at once; a thread takes the next query as soon as it is free.
    Closing the iterator (or a failing query) cancels the queries not started."""
    threads = workers() if threads is None else threads

    def timed(q: str) -> tuple[str, list, float]:
        started = time.perf_counter()
        rows = select(q)
        return q, rows, time.perf_counter() - started

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="complygraph-query")
    todo = iter(order)
    running: set[Future] = set()
    try:
        for q in todo:
            running.add(pool.submit(timed, q))
            if len(running) == threads:
                break
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for _ in finished:
                for q in todo:  # the freed thread takes the next query before this answer is read
                    running.add(pool.submit(timed, q))
                    break
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
