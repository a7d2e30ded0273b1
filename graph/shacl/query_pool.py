"""The compiled shapes' queries run a few at a time, their answers taken in the shapes' order.

One query per shape over all focus nodes is the rule (README: set-at-a-time); the queries are independent of
each other, and Oxigraph evaluates a query without holding Python's GIL, so two queries on two threads take
the wall time of one (a 100k-part store's exemption query: 14.2 s twice in a row, 7.8 s side by side). A
SPARQL server answers concurrent requests too. The answers are consumed in the order asked, so a report is the
same whatever finished first, and at most `workers` answers are made at once, the one being read included
(a million-part store's answers are large).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

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


def answers_in_order(select: Callable[[str], list], queries: list[str],
                     threads: int | None = None) -> Iterator[tuple[str, list, float]]:
    """(query, rows, seconds it ran) for each of `queries` in order; a query asked twice runs once and its
    rows are yielded at each place it is asked (released after its last)."""
    threads = workers() if threads is None else threads
    uses = Counter(queries)

    def timed(q: str) -> tuple[list, float]:
        started = time.perf_counter()
        rows = select(q)
        return rows, time.perf_counter() - started

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="complygraph-query")
    running: dict[str, Future] = {}
    order = list(dict.fromkeys(queries))  # each distinct query once, in first-asked order
    first = {q: i for i, q in enumerate(order)}
    ahead = 0  # order[:ahead] are submitted
    try:
        for q in queries:
            # at most `threads` queries at once, the one read now included: each answer of a 10^6-part store
            # can hold 10^6 rows (answers asked again later stay kept)
            while ahead < len(order) and ahead < first[q] + threads:
                running[order[ahead]] = pool.submit(timed, order[ahead])
                ahead += 1
            rows, seconds = running[q].result()
            uses[q] -= 1
            if not uses[q]:
                del running[q]
            yield q, rows, seconds
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
