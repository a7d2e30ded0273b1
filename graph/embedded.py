"""Embedded Oxigraph: on disk at a path, or in memory for tests and one-off runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.graph.bindings import bind
from complygraph.graph.served import served_by
from complygraph.graph.store import (
    QueryMixin,
    StoreError,
    Term,
    new_revision,
    revision_quad,
    revision_update,
    staging_graph,
)
from complygraph.vocab import PREFIXES


def is_oxigraph_store(path: Path) -> bool:
    """Whether the folder holds an Oxigraph database (RocksDB's CURRENT file and a MANIFEST beside it)."""
    return (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def _why(exc: OSError, path: str) -> str:
    """What RocksDB's message about a store that did not open means for the user."""
    text = str(exc)
    if "lock" in text.lower():
        server = served_by(path)
        if server:
            return (f"it is held by {server}: stop the server to use the store from the command line, or ask "
                    f"the server (GraphQL at its /graphql)")
        return "another process has it open (an import or another command still running?)"
    if "Permission denied" in text:
        return "this user may not write to its files (Oxigraph writes its lock and log files even to read)"
    return text


class EmbeddedStore(QueryMixin):
    def __init__(self, path: str | None) -> None:
        self.location = path or ":memory:"
        try:
            self._store = OxStore(path) if path else OxStore()
        except OSError as exc:  # a second process holding the lock, a read-only folder, ...
            raise StoreError(f"cannot open the store at {path}: {_why(exc, path)}") from None
        self.dropped_staging = self.drop_staging() if path else []  # left by a writer that crashed

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
        # import leaves the store exactly as it was; the new revision is its last quad, so data and
        # revision land together. With `replace`, the triples are staged in a private named graph and
        # swapped in by one update (replace, add, drop, revision), which Oxigraph applies as one transaction;
        # a crash before it leaves only the staging graph, dropped when the store is next opened.
        count = 0
        graph = staging_graph() if replace else DefaultGraph()
        revision = new_revision(self.revision())

        def quads():
            nonlocal count
            for t in triples:
                count += 1
                yield Quad(t.subject, t.predicate, t.object, graph)
            if not replace:
                yield revision_quad(revision)

        self._store.extend(quads())
        if replace:
            g = f"<{graph.value}>"
            try:
                self._update(f"{replace} ;\nADD SILENT {g} TO DEFAULT ;\nDROP SILENT GRAPH {g} ;\n"
                             f"{revision_update(revision)}")
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

    def optimize(self) -> None:
        if self.location != ":memory:":
            self._store.optimize()

    def close(self) -> None:
        self.flush()
        del self._store
