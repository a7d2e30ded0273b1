"""Whole answers to read-only queries that were slow to make, kept per store revision and day.

The answers behind a list change's impact are kept per revision already (graph/revision_cache.py), but turning
one into GraphQL is itself slow when it is large: at 10^6 parts `listChange { impacted { ... } }` has 58,518
rows, and strawberry resolved their ~600,000 fields in 7-8 s for every engineer who asked, after the impact
itself was kept (benchmarks/RESULTS.md). Here the executed result of such a query is kept and served again to
the same query with the same variables, as long as the store has the same revision and the day is the same
(fields without `at` answer for today). Only queries (never mutations), only results without errors, and only
query texts that once took `KEEP_AFTER` or more (kept from their next request on, whose revision is read before
it runs: an answer is never kept under a revision it was not made at): a `part(id)` request pays nothing. Answers do
not depend on who asks (the one credential, api/auth.py, allows writes only). Like every kept answer, one made
before a write that bypasses complygraph (a raw SPARQL update on a remote endpoint) is served until restart.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError
from strawberry.types import ExecutionResult

from complygraph.graph.store import Store

KEEP_AFTER = 0.25  # seconds: a query text this slow once has its answers kept from then on
SIZE = 8  # answers kept (each can be tens of MB at 10^6 parts)


@functools.lru_cache(maxsize=1024)
def is_query(text: str, operation: str | None) -> bool:
    """Whether the operation a request runs is a query (not a mutation or subscription)."""
    try:
        document = parse(text)
    except GraphQLError:
        return False
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [d for d in ops if operation is None or (d.name is not None and d.name.value == operation)]
    return len(chosen) == 1 and chosen[0].operation == OperationType.QUERY


class KeptResponses:
    def __init__(self, store: Store, size: int = SIZE, keep_after: float | None = None) -> None:
        self.store, self.size = store, size
        self.keep_after = KEEP_AFTER if keep_after is None else keep_after
        self._slow: set[tuple[str, str | None]] = set()
        self._kept: OrderedDict[Hashable, ExecutionResult] = OrderedDict()
        self._texts: dict[int, str | bytes | None] = {}  # id of a kept result's data -> its JSON, once encoded
        self._lock = threading.Lock()

    def _key(self, text: str, variables: dict | None, operation: str | None) -> Hashable:
        return (self.store.revision(), dt.date.today().isoformat(), text,
                json.dumps(variables or {}, sort_keys=True, default=str), operation)

    async def answer(self, text: str | None, variables: dict | None, operation: str | None,
                     execute: Callable[[], Awaitable[ExecutionResult]]) -> ExecutionResult:
        if not text or not is_query(text, operation):
            return await execute()
        key = self._key(text, variables, operation) if (text, operation) in self._slow else None
        if key is not None:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    self._kept.move_to_end(key)
                    return kept
        started = time.monotonic()
        result = await execute()
        if result.errors or time.monotonic() - started < self.keep_after:
            return result
        if key is None:  # slow for the first time: its answers are kept from the next one on, whose key
            self._slow.add((text, operation))  # (with the revision) is taken before it runs
            return result
        if key[0] == self.store.revision():  # no write landed while it ran (its answer may mix both)
            with self._lock:
                self._kept[key] = result
                self._texts[id(result.data)] = None
                while len(self._kept) > self.size:
                    _, gone = self._kept.popitem(last=False)
                    self._texts.pop(id(gone.data), None)
        return result

    def encode(self, response: object, encode: Callable[[object], str | bytes]) -> str | bytes:
        """The JSON of a response: encoded once for a kept answer (58,518 impact rows: about a second of
        `json.dumps` per request otherwise), by `encode` for any other."""
        data = response.get("data") if type(response) is dict and len(response) == 1 else None
        if data is None or id(data) not in self._texts:
            return encode(response)
        with self._lock:
            text = self._texts.get(id(data))
        if text is None:
            text = encode(response)
            with self._lock:
                if id(data) in self._texts:  # still kept (its id cannot have been taken by another object)
                    self._texts[id(data)] = text
        return text
