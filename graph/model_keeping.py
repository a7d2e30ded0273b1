"""How the embedded store keeps its composition read model (graph/read_model.py) beside every write and read:
opened with the store, rebuilt or derived by a reader when behind, kept by each write, checked against the
store under COMPLYGRAPH_CHECK_READ_MODEL. A mixin of `EmbeddedStore` (graph/embedded.py), which owns the
store, the write lock and the revision."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from pyoxigraph import DefaultGraph, Triple

from complygraph.graph.read_model import Change, ReadModel, checking, kept_quads, rows_of

ENV_MODEL = "COMPLYGRAPH_READ_MODEL"  # "off": no composition read model (graph/read_model.py)


class ModelKeeping:
    def _open_model(self) -> ReadModel | None:
        """The composition read model (graph/read_model.py), or None where SQLite cannot write beside the store
        (a read-only folder) or COMPLYGRAPH_READ_MODEL=off: every reader then asks the store."""
        if os.environ.get(ENV_MODEL, "").lower() in ("off", "0", "no"):
            return None
        try:
            model = ReadModel(self._folder)
            if model.stamp() is None and next(iter(self._store.quads_for_pattern(None, None, None)), None) is None:
                model.rebuild((), self.revision())  # a new store: the model follows it from its first write
            return model
        except (sqlite3.Error, OSError):
            return None

    @contextmanager
    def composition_model(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction on the read model at the store's revision, rebuilt first if it is behind; None if
        the store keeps none (or a write landed during the rebuild: then ask the store)."""
        model = self.model
        if model is None:
            yield None
            return
        con = None
        try:
            if model.rows_behind(self.revision()):
                self._rebuild_model()  # derives the where-used rows (graph/impact_rows.py) unless a write runs
            with model.snapshot(self.revision()) as con:
                if con is not None:
                    yield con
                    return
            if self._rebuild_model():
                with model.snapshot(self.revision()) as con:
                    if con is not None:
                        yield con
                        return
        except sqlite3.Error:  # a model that cannot be read is no answer: the store is asked
            if con is not None:
                raise  # the caller's own reads failed: not to be answered twice
        yield None

    @contextmanager
    def current_model(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction on the read model if it is at the store's revision now, else None: for reads that
        ask the store rather than wait for a rebuild (a part's tree, graph/part_tree_reads.py)."""
        model = self.model
        if model is None:
            yield None
            return
        with ExitStack() as stack:
            try:
                con = stack.enter_context(model.snapshot(self.revision()))
            except sqlite3.Error:
                con = None
            yield con

    def _rebuild_model(self) -> bool:
        """Rebuild the model at the store's revision, unless a write holds the store (then False: the reader
        asks the store rather than wait for a whole import, and a writer's own reads never rebuild from data
        it has not committed)."""
        if getattr(self._inside, "write", False) or not self._writing.acquire(blocking=False):
            return False
        try:
            revision = self.revision()
            if self.model.stamp() != revision:
                self.model.rebuild(kept_quads(self._store), revision)
            else:
                self.model.derive_rows()
            return True
        finally:
            self._writing.release()

    def _model_change(self, deletes: bool, touches: str | None) -> Change | None:
        """The model's side of a write, or None: no model, a model behind already, or a write that deletes
        without saying what (the model is then left behind and rebuilt by its next reader)."""
        if self.model is None or (deletes and touches is None):
            return None
        rows = self.select(touches) if touches else []
        if any("s" not in r for r in rows):  # a touches query that leaves ?s unbound: not trusted, model left behind
            return None
        subjects = [r["s"] for r in rows]
        try:
            return self.model.change(self.revision(), subjects)
        except sqlite3.Error:
            return None

    def _model_commit(self, change: Change | None) -> None:
        """After the store's commit: the model's (a failure there leaves the model behind, never the write
        undone), then, under COMPLYGRAPH_CHECK_READ_MODEL, the model compared with a rebuild."""
        if change is not None:
            try:
                change.commit(self.revision(), self._subject_triples)
            except Exception:  # the write is committed: whatever failed here only leaves the model behind
                change.abort()
        limit = checking()
        if limit and self.model is not None and self.model.stamp() == self.revision() and self.model.size() <= limit:
            self._check_model()

    def _subject_triples(self, subjects: list) -> Iterator[Triple]:
        for s in subjects:
            for q in self._store.quads_for_pattern(s, None, None, DefaultGraph()):
                yield Triple(q.subject, q.predicate, q.object)

    def _check_model(self) -> None:
        kept, truth = self.model.all_rows(), set(rows_of(kept_quads(self._store)))
        if kept != truth:
            raise AssertionError(f"the read model differs from the store: missing {sorted(truth - kept)[:10]}, "
                                 f"extra {sorted(kept - truth)[:10]}")
        if differences := self.model.row_differences():
            raise AssertionError(f"the where-used rows differ from the model's facts: {differences}")

