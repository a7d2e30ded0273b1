"""The compiled shapes' queries run a few at a time, their answers taken in the shapes' order.

One query per shape over all focus nodes is the rule (README: set-at-a-time); the queries are independent of
each other, and Oxigraph evaluates a query without holding Python's GIL, so two queries on two threads take
the wall time of one (a 100k-part store's exemption query: 14.2 s twice in a row, 7.8 s side by side). A
SPARQL server answers concurrent requests too. The answers are consumed in the order asked, so a report is the
same whatever finished first; at most `workers` queries run at once, and finished answers wait for their
turn up to a number of rows (a million-part store's answers are large).
"""

from __future__ import annotations

import os
import time
from collections import Counter
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


HELD_ROWS = 500_000  # rows of finished answers waiting for their turn, beyond which no further query starts


def answers_in_order(select: Callable[[str], list], queries: list[str],
                     threads: int | None = None, held_rows: int = HELD_ROWS) -> Iterator[tuple[str, list, float]]:
    """(query, rows, seconds it ran) for each of `queries` in order; a query asked twice runs once and its
    rows are yielded at each place it is asked (released after its last).

    At most `threads` queries run at once. A query starts as soon as a thread is free, not when the answers
    before it are read: a slow query no longer holds back the threads behind it (at 10^6 parts one query ran
    80-140 s while the other thread stood idle, 115 % of two cores). Finished answers wait for their turn only
    up to `held_rows` rows (an answer of a 10^6-part store can hold 10^6 rows); beyond that only the answer
    read next may start. At 10^6 parts (shapes only): 682 s with 500,000 rows held at most, 772 s with 100,000,
    953 s when the answer being read also holds a thread's place; the peak RSS was 8.5-8.8 GB in all three (the
    whole report kept in memory), so the fastest is kept."""
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

    def held() -> int:
        return sum(len(f.result()[0]) for f in running.values() if f.done() and f.exception() is None)

    try:
        for q in queries:
            while True:
                active = [f for f in running.values() if not f.done()]
                while ahead < len(order) and (ahead <= first[q] or (len(active) < threads and held() <= held_rows)):
                    running[order[ahead]] = pool.submit(timed, order[ahead])
                    active.append(running[order[ahead]])
                    ahead += 1
                if running[q].done():
                    break
                wait(active, return_when=FIRST_COMPLETED)
            rows, seconds = running[q].result()
            uses[q] -= 1
            if not uses[q]:
                del running[q]
            yield q, rows, seconds
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
