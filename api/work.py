"""Store work off the event loop, on bounded thread pools, so one request never stalls the others.

The event loop only parses, validates and assembles responses; every store query runs on a thread. That
pays because pyoxigraph releases the GIL while it evaluates a query (measured: a 4 s query in a thread left
the loop's 1 ms timer late by at most 6.5 ms), so reads proceed side by side and `/healthz` answers while
a validation runs.

Three lanes, each bounded, because a Python thread cannot be killed: when a request's deadline passes the
client gets DEADLINE_EXCEEDED, but a query already running goes on to its end. Bounding what may run at
once is therefore what protects the machine, and work that would wait for a lane is refused instead:

- reads (`Work.read`): data loaders, pages, lookups; `ApiSettings.workers` threads. Short, so a request
  waits for a free thread, at most until its deadline (a read not started by then is dropped).
- heavy answers (`Work.shared`): validations, list-change impact, where-used, what-if. At most
  `ApiSettings.heavy` are computed at once, on the read threads; one more is refused with BUSY rather
  than queued. Each is kept per store revision (`graph.revision_cache.RevisionCache`), and a request for
  one that is being computed waits for that computation instead of starting another, so twenty clients
  asking the same validation cost one validation. A computation whose requester gave up runs to its end
  and is kept, so asking again later gets the answer.
- writes (`Work.write`): imports, one at a time on their own thread; a second import while one runs is
  refused with BUSY. Reads go on during an import and see the store as it was until the import commits.

Within one request, heavy fields take turns, so a query with several validations cannot take every
heavy slot for itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from graphql import GraphQLError
from strawberry.types import Info

from complygraph.api.errors import user_error
from complygraph.api.settings import ApiSettings
from complygraph.graph.revision_cache import RevisionCache

T = TypeVar("T")
KEPT = 256  # more than the answer caches hold (32 + 64), so a kept answer is known as such


def busy(what: str) -> GraphQLError:
    """The coded refusal of work that would have to wait for a lane."""
    return user_error(f"the server is busy with {what}; try again in a moment", "BUSY")


class _Slots:
    """A counter of places that is never waited on: `take` says at once whether there is room."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.used >= self.size:
                return False
            self.used += 1
            return True

    def give(self) -> None:
        with self._lock:
            self.used -= 1


class Pools:
    """The server's threads and places, shared by all requests; `close` at shutdown."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.reads = ThreadPoolExecutor(settings.workers, thread_name_prefix="complygraph-store")
        self.writes = ThreadPoolExecutor(1, thread_name_prefix="complygraph-import")
        self.heavy = _Slots(settings.heavy)
        self.writing = _Slots(1)
        self._inflight: dict[Hashable, Future] = {}
        self._started_at: dict[Hashable, str] = {}  # the revision each running computation was asked at
        self._kept: OrderedDict[Hashable, bool] = OrderedDict()  # answers computed lately, likely still kept
        self.imports_done = 0  # one import at a time, so only the import thread counts
        self._lock = threading.Lock()

    def state(self) -> dict[str, int]:
        """What is running, for `/healthz` details (never for anonymous callers)."""
        return {"heavy_running": self.heavy.used, "heavy_limit": self.heavy.size,
                "imports_running": self.writing.used, "workers": self.settings.workers,
                "answers_being_computed": len(self._inflight)}

    def _slotted(self, compute: Callable[[], T]) -> Callable[[], T]:
        """`compute` in a heavy slot taken when it starts: for an answer believed kept (`_kept`), which only
        needs computing if the cache has dropped it meanwhile."""
        def run() -> T:
            if not self.heavy.take():
                raise busy(f"{self.heavy.size} validation or impact computation(s)")
            try:
                return compute()
            finally:
                self.heavy.give()
        return run

    def _computing(self, cache: RevisionCache | NotedCache, key: Hashable, compute: Callable[[], T]) -> T:
        """An answer not known to be kept, in the heavy slot taken for it before it was queued."""
        try:
            return cache.get(key, compute)
        finally:
            self.heavy.give()

    async def shared(self, cache: RevisionCache | NotedCache, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept for `key` at the store's current revision, computed in a heavy slot if missing."""
        loop = asyncio.get_running_loop()
        revision = await loop.run_in_executor(self.reads, cache.store.revision)
        k = (id(cache), revision, key)
        # a computation already running for the key is shared unless an import has finished since it began
        # (keyed by imports, not by revision: a first validation changes the revision itself, loading packs)
        running = (id(cache), self.imports_done, key)
        future = self._inflight.get(running)
        seen = ANSWERED_AT.get()
        if seen is not None:  # the revision this answer is of: a joined computation's may be older than ours
            seen.append(self._started_at.get(running, revision) if future is not None else revision)
        if future is None:
            with self._lock:
                kept = k in self._kept
            if kept:  # comes back from the cache at once, whatever the heavy slots are doing
                job = functools.partial(cache.get, key, self._slotted(compute))
            elif self.heavy.take():  # refused here, not in the cache: a refusal leaves nothing behind
                job = functools.partial(self._computing, cache, key, compute)
            else:
                raise busy(f"{self.heavy.size} validation or impact computation(s)")
            future = self.reads.submit(job)
            self._inflight[running] = future
            self._started_at[running] = revision
            future.add_done_callback(functools.partial(self._done, running, k))
        # shielded: a requester that gives up must not cancel a computation others wait for or will reuse
        return await asyncio.shield(asyncio.wrap_future(future))

    def _done(self, running: Hashable, key: Hashable, future: Future) -> None:
        if self._inflight.get(running) is future:
            self._inflight.pop(running, None)
            self._started_at.pop(running, None)
        if not future.cancelled() and future.exception() is None:
            self.note(key)

    def note(self, key: Hashable) -> None:
        """(cache id, revision, key) is kept in that cache."""
        with self._lock:
            self._kept[key] = True
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)

    async def write(self, job: Callable[[], T]) -> T:
        if not self.writing.take():
            raise busy("another import")

        def run() -> T:
            try:
                return job()
            finally:
                self.imports_done += 1
                self.writing.give()
        # the import cannot be stopped halfway (it commits or stores nothing), so a client whose deadline
        # passes leaves it running; shielded for the same reason
        return await asyncio.shield(asyncio.wrap_future(self.writes.submit(run)))

    def close(self) -> None:
        self.reads.shutdown(wait=False, cancel_futures=True)
        self.writes.shutdown(wait=False, cancel_futures=False)


# Set by a request that may keep its whole answer (api/kept_responses.py): `Pools.shared` adds the store revision
# each answer it gives was asked at, which for a computation another request started can be older than the
# request's own (computations are shared until an import ends, not per revision).
ANSWERED_AT: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("answered_at", default=None)


class NotedCache:
    """A RevisionCache whose answers are noted by the pools as kept however they were computed, so that an
    answer the start-up warming (or the warming after a list import) computed in its own thread is served
    without a heavy slot, like one computed for a request."""

    def __init__(self, cache: RevisionCache, pools: Pools) -> None:
        self.cache = cache
        self.pools = pools
        self.store = cache.store

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        revision = self.store.revision()  # as the cache reads it, before computing
        value = self.cache.get(key, compute)
        self.pools.note((id(self), revision, key))
        return value


class Work:
    """One request's access to the pools. Without pools (the schema executed directly, as some tests and
    scripts do), work runs inline, as it always did."""

    def __init__(self, pools: Pools | None = None) -> None:
        self.pools = pools
        self._turn = asyncio.Lock()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a read thread; a read not started when the request is cancelled never runs."""
        if self.pools is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self.pools.reads, functools.partial(fn, *args))

    async def shared(self, cache: RevisionCache | NotedCache | None, key: Hashable,
                     compute: Callable[[], T]) -> T:
        """A heavy answer, kept per store revision in `cache` (see the module's docstring)."""
        if self.pools is None or cache is None:
            return compute()
        async with self._turn:
            return await self.pools.shared(cache, key, compute)

    async def write(self, job: Callable[[], T]) -> T:
        """An import on the import thread; BUSY if one is running."""
        if self.pools is None:
            return job()
        return await self.pools.write(job)


def work(info: Info) -> Work:
    """This request's work, or inline work when the context has none."""
    found = info.context.get("work") if isinstance(info.context, dict) else None
    return found if found is not None else Work()


def answers(info: Info) -> RevisionCache | None:
    """The cache of heavy answers (validations, impact) per store revision; None computes every time."""
    return info.context.get("answers") if isinstance(info.context, dict) else None
