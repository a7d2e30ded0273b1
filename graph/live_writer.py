"""The embedded store itself, for steps that read what they wrote while every other reader is sent to a
checkpoint (`EmbeddedStore.derive`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.vocab import PREFIXES

BATCH = 100_000  # triples per transaction
DELETE_BATCH = 10_000  # triples per DELETE DATA (its text is parsed whole)


class LiveWriter:
    """The store itself for `EmbeddedStore.derive`'s steps, which read what their earlier steps wrote while
    every other reader is sent to the checkpoint."""

    def __init__(self, store: OxStore) -> None:
        self._store = store

    def ask(self, query: str) -> bool:
        return bool(self._store.query(query, prefixes=PREFIXES))

    def update(self, update: str) -> None:
        self._store.update(update, prefixes=PREFIXES)

    def add(self, triples: Iterable[Triple], batch: int = BATCH) -> int:
        """Add triples to the default graph, `batch` per transaction: bounded memory, and each batch visible to
        the next step once written. (Oxigraph's bulk loader was faster, 39 against 47 s at 100k parts, but a
        read right after a derive at 10^6 parts once counted 1,885,592 of the 4,323,905 facts it had loaded,
        and 4,323,905 after the store was reopened: not reproduced, not understood, so not used for facts that
        the shapes read next.) `EmbeddedStore.derive`'s checkpoint makes the steps all or nothing."""
        count = 0
        graph = DefaultGraph()
        rest = iter(triples)
        while chunk := [Quad(t.subject, t.predicate, t.object, graph) for t in itertools.islice(rest, batch)]:
            self._store.extend(chunk)
            count += len(chunk)
        return count

    def replace(self, predicates: Iterable[NamedNode], triples: Iterable[Triple] | str) -> tuple[int, int]:
        """Make the default graph's facts of `predicates` exactly `triples` (or what a CONSTRUCT of them gives),
        writing only the difference: (added, removed). A validation after a small import changes a few of the
        millions of derived facts of 10^6 parts; deleting and adding them all took minutes (57 s for the
        deletes alone). The old facts are held as a set of their N-Triples lines (half the memory of term
        objects) while the new ones stream past it; the query reads the store as it was when it began."""
        graph = DefaultGraph()
        old: set[str] = set()
        blank: dict[str, Triple] = {}  # DELETE DATA takes no blank nodes (SPARQL 1.1 Update 3.1.2): removed one by one
        for p in predicates:
            for q in self._store.quads_for_pattern(None, p, None, graph):
                line = str(q.triple)
                old.add(line)
                if _blank(q.triple):
                    blank[line] = q.triple
        if isinstance(triples, str):
            triples = self._store.query(triples, prefixes=PREFIXES)
        kept: set[str] = set()

        def new() -> Iterable[Triple]:
            for t in triples:
                line = str(t)
                if line in old:
                    old.remove(line)
                    kept.add(line)
                elif line not in kept:  # a fact given twice (a part below two products of one category) is kept once
                    kept.add(line)
                    yield t

        added = self.add(new())
        removed = len(old)
        gone = iter(old)
        while chunk := list(itertools.islice(gone, DELETE_BATCH)):
            named = [line for line in chunk if line not in blank]
            if named:
                self._store.update("DELETE DATA { " + " .\n".join(named) + " }")
            for line in chunk:
                if line in blank:
                    t = blank[line]
                    self._store.remove(Quad(t.subject, t.predicate, t.object, graph))
        return added, removed


def _blank(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)
