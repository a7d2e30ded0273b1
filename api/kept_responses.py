"""Whole answers to read-only queries that were slow to make, kept per store revision and day.

The answers behind a list change's impact are kept per revision already (graph/revision_cache.py), but turning
one into GraphQL is itself slow when it is large: at 10^6 parts `listChange { impacted { ... } }` has 58,518
rows, and strawberry resolved their ~600,000 fields in 7-8 s for every engineer who asked, after the impact
itself was kept (benchmarks/RESULTS.md). Here the executed result of such a query is kept and served again to
the same query with the same variables, as long as the store has the same revision and the day is the same
(fields without `at` answer for today). Only queries (never mutations), only results without errors, and only
query texts that once took `KEEP_AFTER` or more (kept from their next request on, whose revision is read before
it runs), and only when every answer it used was made at that revision (a computation another request started
before a write may be shared with it: api/work.py `ANSWERED_AT`): a `part(id)` request pays nothing. Answers do
not depend on who asks (the one credential, api/auth.py, allows writes only). Like every kept answer, one made
before a write that bypasses complygraph (a raw SPARQL update on a remote endpoint) is served until restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError
from strawberry.types import ExecutionResult

from complygraph.api.work import ANSWERED_AT
from complygraph.graph.store import Store

KEEP_AFTER = 0.25  # seconds: a query text this slow once has its answers kept from then on
SIZE = 8  # answers kept (each can be tens of MB at 10^6 parts)
SLOW_TEXTS = 256  # query texts remembered as slow, the most recent
MAX_TOKENS = 1500  # as the schema's own limit (api/limits.py): a longer text is refused there, never parsed here


@functools.lru_cache(maxsize=1024)
def is_query(text: str, operation: str | None) -> bool:
    """Whether the operation a request runs is a query (not a mutation or subscription). A text over the token
    limit is not parsed (a megabyte of fields took 6 s of the event loop); the schema refuses it."""
    try:
        document = parse(text, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [d for d in ops if operation is None or (d.name is not None and d.name.value == operation)]
    return len(chosen) == 1 and chosen[0].operation == OperationType.QUERY


class KeptResponses:
    def __init__(self, store: Store, size: int = SIZE, keep_after: float | None = None) -> None:
        self.store, self.size = store, size
        self.keep_after = KEEP_AFTER if keep_after is None else keep_after
        self._slow: OrderedDict[str, None] = OrderedDict()  # digests of (text, operation) once slow
        self._kept: OrderedDict[Hashable, ExecutionResult] = OrderedDict()
        # id of a kept result's data -> (that data, its JSON once encoded): the data itself is kept beside its id,
        # so an id that a freed object's successor took can never be mistaken for it
        self._texts: dict[int, tuple[object, str | bytes | None]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(text: str, operation: str | None) -> str:
        return hashlib.sha256(f"{operation or ''}\n{text}".encode()).hexdigest()

    async def _key(self, text: str, variables: dict | None, operation: str | None) -> Hashable:
        revision = await asyncio.get_running_loop().run_in_executor(None, self.store.revision)  # off the loop
        return (revision, dt.date.today().isoformat(), self._digest(text, operation),
                json.dumps(variables or {}, sort_keys=True, default=str))

    async def answer(self, text: str | None, variables: dict | None, operation: str | None,
                     execute: Callable[[], Awaitable[ExecutionResult]]) -> ExecutionResult:
        if not text or not is_query(text, operation):
            return await execute()
        digest = self._digest(text, operation)
        key = await self._key(text, variables, operation) if digest in self._slow else None
        if key is not None:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    self._kept.move_to_end(key)
                    return kept
        seen: list[str] = []
        token = ANSWERED_AT.set(seen)
        started = time.monotonic()
        try:
            result = await execute()
        finally:
            ANSWERED_AT.reset(token)
        if result.errors or time.monotonic() - started < self.keep_after:
            return result
        if key is None:  # slow for the first time: its answers are kept from the next one on, whose key
            with self._lock:  # (with the revision) is taken before it runs
                self._slow[digest] = None
                while len(self._slow) > SLOW_TEXTS:
                    self._slow.popitem(last=False)
            return result
        revision = await asyncio.get_running_loop().run_in_executor(None, self.store.revision)
        if revision != key[0] or any(r != key[0] for r in seen):  # a write landed, or an answer is older
            return result
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:  # the same query made twice at once: the first one's data is not kept
                self._texts.pop(id(old.data), None)
            self._kept[key] = result
            self._texts[id(result.data)] = (result.data, None)
            while len(self._kept) > self.size:
                _, gone = self._kept.popitem(last=False)
                self._texts.pop(id(gone.data), None)
        return result

    def encode(self, response: object, encode: Callable[[object], str | bytes]) -> str | bytes:
        """The JSON of a response: encoded once for a kept answer (58,518 impact rows: about a second of
        `json.dumps` per request otherwise), by `encode` for any other."""
        data = response.get("data") if type(response) is dict and len(response) == 1 else None
        if data is None:
            return encode(response)
        with self._lock:
            entry = self._texts.get(id(data))
        if entry is None or entry[0] is not data:
            return encode(response)
        if entry[1] is not None:
            return entry[1]
        text = encode(response)
        with self._lock:
            if (now := self._texts.get(id(data))) is not None and now[0] is data:
                self._texts[id(data)] = (data, text)
        return text
