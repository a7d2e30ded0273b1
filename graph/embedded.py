"""Embedded Oxigraph: on disk at a path, or in memory for tests and one-off runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from pyoxigraph import DefaultGraph, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.graph.bindings import bind
from complygraph.graph.store import QueryMixin, StoreError, Term, revision_update
from complygraph.vocab import PREFIXES


class EmbeddedStore(QueryMixin):
    def __init__(self, path: str | None) -> None:
        self.location = path or ":memory:"
        try:
            self._store = OxStore(path) if path else OxStore()
        except OSError as exc:  # a second process holding the lock, a read-only folder, ...
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None):
        try:
            return self._store.query(bind(query, bindings), prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc

    def update(self, update: str, new_revision: bool = True) -> None:
        self._update(f"{update} ;\n{revision_update()}" if new_revision else update)

    def _update(self, update: str) -> None:
        try:
            self._store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL update syntax error: {exc}") from exc

    def write(self, triples: Iterable[Triple], replace: str | None = None) -> int:
        # Store.extend is one transaction: an exception raised by the iterable aborts it, so a failed
        # import leaves the store exactly as it was. With `replace`, the triples are staged in a private
        # named graph and swapped in by one update, which Oxigraph also applies as one transaction.
        count = 0
        graph = NamedNode(f"urn:complygraph:staging:{uuid.uuid4()}") if replace else DefaultGraph()

        def quads():
            nonlocal count
            for t in triples:
                count += 1
                yield Quad(t.subject, t.predicate, t.object, graph)

        self._store.extend(quads())
        if not replace:
            self._update(revision_update())
        else:
            g = f"<{graph.value}>"
            try:
                self.update(f"{replace} ;\nADD SILENT {g} TO DEFAULT ;\nDROP SILENT GRAPH {g}")
            except BaseException:
                self._store.remove_graph(graph)
                raise
        return count

    def flush(self) -> None:
        if self.location != ":memory:":
            self._store.flush()

    def optimize(self) -> None:
        if self.location != ":memory:":
            self._store.optimize()

    def close(self) -> None:
        self.flush()
        del self._store
