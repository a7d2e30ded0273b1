"""Embedded Oxigraph: on disk at a path, or in memory for tests and one-off runs."""

from __future__ import annotations

import gc
import itertools
import os
import threading
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, Triple
from pyoxigraph import Store as OxStore

import complygraph.graph.compaction as compaction
import complygraph.graph.rollback as rollback
from complygraph.graph.bindings import bind
from complygraph.graph.bulk_feed import bulk_feed
from complygraph.graph.live_writer import LiveWriter
from complygraph.graph.model_keeping import ModelKeeping
from complygraph.graph.store import (
    QueryMixin,
    Record,
    Row,
    StoreError,
    Term,
    new_revision,
    revision_quad,
    revision_update,
    staged_commit,
    staging_graph,
)
from complygraph.graph.store_folder import bulk_after, why_refused
from complygraph.vocab import PREFIXES

_KEY = revision_quad("")  # where the revision is kept: its subject, predicate and graph
_STORE, _REVISION_P, _META = _KEY.subject, _KEY.predicate, _KEY.graph_name

_OPEN: weakref.WeakValueDictionary[str, EmbeddedStore] = weakref.WeakValueDictionary()  # folders open here


class EmbeddedStore(ModelKeeping, QueryMixin):
    def __init__(self, path: str | None) -> None:
        self.location = path or ":memory:"
        self._folder = Path(path) if path else None
        self._reader: OxStore | None = None  # the checkpoint, while a bulk write runs (graph/rollback.py)
        self._writing = threading.RLock()  # one write at a time; reads go on beside it
        self._reads = threading.Condition()  # guards the choice of `_reader` or `_store` and the counts below
        self._in_flight: dict[int, int] = {}  # reads running, by the id of the database they chose
        self._chosen = threading.local()  # the database this thread's current read chose
        self._inside = threading.local()  # `write`: this thread is inside a write (its reads never rebuild)
        self._closed = False
        self.created_folder: Path | None = None  # the folder `open_store` created for it (graph/factory.py)
        key = os.path.realpath(path) if path else None
        if key is not None and key in _OPEN:
            # RocksDB refuses a second open in one process too; refused here before the roll-back below, which
            # cannot tell a lock held by this process from none (POSIX locks)
            raise StoreError(f"cannot open the store at {path}: this process has it open already")
        self.rolled_back = self._recover() if path else False  # a bulk write that a crash cut short
        self._store = self._open()
        if key is not None:
            _OPEN[key] = self
        self.dropped_staging = self.drop_staging() if path else []  # left by a writer that crashed
        self.model = self._open_model()

    def _open(self) -> OxStore:
        try:
            return OxStore(self.location) if self._folder else OxStore()
        except OSError as exc:  # a second process holding the lock, a read-only folder, ...
            raise StoreError(f"cannot open the store at {self.location}: {why_refused(exc, self.location)}") from None

    def _recover(self) -> bool:
        """Roll back a bulk write that did not commit (its process crashed), before the store is opened."""
        folder = self._folder
        if not folder.is_dir() or not (rollback.pending(folder) or (folder / rollback.CHECKPOINT).exists()):
            return False
        if not os.access(folder, os.W_OK | os.X_OK):
            return False  # opening will say why
        with rollback.exclusive(folder):
            if rollback.held_elsewhere(folder):  # a write running there: its checkpoint is not ours to touch
                if rollback.pending(folder):
                    raise StoreError(f"cannot open the store at {folder}: {why_refused(OSError('lock'), str(folder))}")
                return False
            if not rollback.pending(folder):
                rollback.tidy(folder)
                return False
            try:
                rollback.roll_back(folder)
            except OSError as exc:
                raise StoreError(str(exc)) from None
            rollback.commit(folder)
        return True

    @property
    def folder(self) -> Path | None:
        """The store's folder (None in memory): where complygraph keeps its own files beside Oxigraph's."""
        return self._folder

    def select(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> list[Row]:
        with self._read():
            return super().select(query, bindings)

    def ask(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> bool:
        with self._read():
            return super().ask(query, bindings)

    def revision(self) -> str:
        """The store's SPARQL answer (`QueryMixin.revision`: the greatest revision string) read as one lookup:
        every `part(id)` asks it, and a query's parsing and planning took longer than the lookup."""
        with self._read():
            db = self._chosen.db
            return max((q.object.value for q in db.quads_for_pattern(_STORE, _REVISION_P, None, _META)), default="")

    @contextmanager
    def _read(self) -> Iterator[None]:
        """A read: it chooses the checkpoint while a bulk write runs, else the store, and is counted against the
        one it chose until it has all its rows, so that neither is closed under it."""
        with self._reads:
            if self._closed:
                raise StoreError(f"the store at {self.location} is closed")
            chosen = self._current()
            self._in_flight[id(chosen)] = self._in_flight.get(id(chosen), 0) + 1
        outer, self._chosen.db = getattr(self._chosen, "db", None), chosen
        try:
            yield
        finally:
            self._chosen.db = outer
            with self._reads:
                self._in_flight[id(chosen)] -= 1
                self._reads.notify_all()

    def _idle(self, db: OxStore) -> None:
        """Wait for the reads that chose `db` (new reads choose another one by now)."""
        with self._reads:
            self._reads.wait_for(lambda: self._in_flight.get(id(db), 0) == 0)
            self._in_flight.pop(id(db), None)

    def _route(self, reader: OxStore | None) -> OxStore | None:
        """New reads go to `reader` (the checkpoint) or, with None, to the store; the one they left is returned."""
        with self._reads:
            left, self._reader = self._current(), reader
        return left

    def _current(self) -> OxStore:
        """The checkpoint while a write runs beside it, else the store (`is None`: a pyoxigraph Store is false
        when it is empty, and an empty checkpoint sent the reads to the store being written)."""
        return self._store if self._reader is None else self._reader

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None):
        db = getattr(self._chosen, "db", None)
        db = self._current() if db is None else db
        try:
            return db.query(bind(query, bindings), prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc

    def update(self, update: str, new_revision: bool = True) -> None:
        """A raw update may add or delete any fact: with a new revision the read model is left behind (rebuilt
        by its next reader); without one it must not change kept facts (graph/store.py)."""
        with self._writing:
            self._update(f"{update} ;\n{revision_update()}" if new_revision else update)
            self._model_commit(None)

    def derive(self, steps: Callable[[LiveWriter], None]) -> bool:
        """Run `steps` (graph/derived.py) on the store itself in bounded memory: each of its updates and loads
        is a write of its own, and they all keep the revision (facts derived from what the store already says,
        as `update` with `new_revision=False` adds them). Other readers see the checkpoint taken first until the
        steps end, so the steps are all or nothing as one update is; one update held every derived fact of 10^6
        parts in one transaction (5 GB and growing). False, doing nothing, for a store in memory (no
        checkpoint): use one update."""
        if self._folder is None:
            return False
        with self._writing:
            if self._closed:
                raise StoreError(f"the store at {self.location} is closed")
            with self._beside_checkpoint():
                steps(LiveWriter(self._store))
            self._model_commit(None)
        return True

    def _update(self, update: str) -> None:
        try:
            self._store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL update syntax error: {exc}") from exc

    def write(self, triples: Iterable[Triple], replace: str | None = None, touches: str | None = None,
              record: Record | None = None) -> int:
        if touches is not None and not touches.strip():
            raise StoreError("touches must be a SELECT of ?s (or None: the read model is then rebuilt)")
        with self._writing:
            if self._closed:
                raise StoreError(f"the store at {self.location} is closed")
            outer, self._inside.write = getattr(self._inside, "write", False), True
            try:
                change = self._model_change(bool(replace or record), touches)
                if change is not None:
                    triples = change.tap(triples)
                try:
                    count = self._write(triples, replace, record)
                except BaseException:
                    if change is not None:
                        change.abort()
                    raise
                self._model_commit(change)
                return count
            finally:
                self._inside.write = outer

    def _write(self, triples: Iterable[Triple], replace: str | None, record: Record | None) -> int:
        if replace or record or self._folder is None:
            return self._transaction(triples, replace, record)
        rest = iter(triples)
        first = list(itertools.islice(rest, bulk_after()))
        if len(first) < bulk_after():
            return self._transaction(first, None, None)
        return self._bulk(itertools.chain(first, rest))

    def _bulk(self, triples: Iterator[Triple]) -> int:
        """A write too big for one transaction: bulk-loaded in bounded memory, all or nothing by the checkpoint
        taken first (graph/rollback.py). Reads, the writer's own included, see the checkpoint until the commit."""
        revision = new_revision(self.revision())
        with self._beside_checkpoint():
            count = bulk_feed(self._store, triples)
            self._store.extend([revision_quad(revision)])
        self.compact(force=False)  # the new files overlap the old ones: see graph/compaction.py
        return count

    def compact(self, force: bool = True) -> bool:
        """Compact the store's files (RocksDB's full compaction), when `force` or when graph/compaction.py says
        it is due; True when it ran. Data and revision are unchanged, and reads go on meanwhile."""
        folder = self._folder
        if folder is None or not (force or compaction.due(folder)):
            return False
        self._store.optimize()
        compaction.record(folder)
        return True

    @contextmanager
    def _beside_checkpoint(self) -> Iterator[None]:
        """The body writes to the store in bounded memory while reads see the checkpoint taken first; if it
        fails (or the process dies: graph/rollback.py), the store is put back as the checkpoint holds it."""
        folder = self._folder
        with rollback.exclusive(folder):  # no other process's open tidies a checkpoint being taken
            checkpoint = rollback.begin(self._store, folder)
        try:
            self._idle(self._route(OxStore.read_only(str(checkpoint))))  # reads that chose the store run out first
            yield
            self._store.flush()
        except BaseException as exc:
            traceback.clear_frames(exc.__traceback__)  # the failed frames hold the store open
            self._undo()
            raise
        self._idle(self._route(None))
        gc.collect()
        rollback.commit(folder)

    def _undo(self) -> None:
        """Put the store back as the checkpoint holds it, in this process: reads that chose the store are waited
        for (new ones go to the checkpoint), the store is closed, its folder restored and the store reopened."""
        folder = self._folder
        with rollback.exclusive(folder):  # another process's open must not roll back beside this one
            if self._reader is None:  # the write failed before reads went to the checkpoint
                with suppress(OSError):  # if it cannot be opened either, a read while the store is closed fails
                    self._route(OxStore.read_only(str(folder / rollback.CHECKPOINT)))
            self._idle(self._store)
            del self._store
            gc.collect()  # RocksDB closes (and lets go of its lock) when the last reference goes
            rollback.roll_back(folder)
            self._store = self._open()
            self._idle(self._route(None))
            gc.collect()
            rollback.commit(folder)

    def _transaction(self, triples: Iterable[Triple], replace: str | None, record: Record | None) -> int:
        # Store.extend is one transaction: an exception raised by the iterable aborts it, so a failed
        # import leaves the store exactly as it was; the new revision is its last quad, so data and
        # revision land together. With `replace`, the triples are staged in a private named graph and
        # swapped in by one update (replace, add, drop, revision), which Oxigraph applies as one transaction;
        # a crash before it leaves only the staging graph, dropped when the store is next opened.
        count = 0
        staged = bool(replace or record)
        graph = staging_graph() if staged else DefaultGraph()
        revision = new_revision(self.revision())

        def quads():
            nonlocal count
            for t in triples:
                count += 1
                yield Quad(t.subject, t.predicate, t.object, graph)
            if not staged:
                yield revision_quad(revision)

        self._store.extend(quads())
        if staged:
            try:
                self._update(staged_commit(f"<{graph.value}>", replace, record, revision))
            except BaseException:
                self._store.remove_graph(graph)
                raise
        return count

    def drop_staging(self, older_than: float | None = None) -> list[str]:
        """Drop every staging graph, whatever its age: the embedded store is held by one process (Oxigraph's
        lock), so any staging graph found when it is opened was left by a writer that crashed."""
        found = [g for g in self._store.named_graphs() if g.value.startswith("urn:complygraph:staging:")]
        for g in found:
            self._store.remove_graph(g)
        return [g.value for g in found]

    def flush(self) -> None:
        if self.location != ":memory:":
            self._store.flush()

    def close(self) -> None:
        """Waits for the write and the reads in progress (a server's background warming, say), and refuses
        later ones: RocksDB keeps the folder locked while any handle lives, and a read still running holds one,
        so the next open of the folder in this process or another would fail."""
        with self._writing:
            with self._reads:
                if self._closed:
                    return
                self._closed = True
                self._reads.wait_for(lambda: not any(self._in_flight.values()))
        self.flush()
        if self.model is not None:
            self.model.close()
        self._reader = None
        key = os.path.realpath(self.location)
        if self._folder is not None and _OPEN.get(key) is self:
            del _OPEN[key]
        del self._store
