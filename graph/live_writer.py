"""The embedded store itself, for steps that read what they wrote while every other reader is sent to a
checkpoint (`EmbeddedStore.derive`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import DefaultGraph, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.vocab import PREFIXES


class LiveWriter:
    """The store itself for `EmbeddedStore.derive`'s steps, which read what their earlier steps wrote while
    every other reader is sent to the checkpoint."""

    def __init__(self, store: OxStore) -> None:
        self._store = store

    def ask(self, query: str) -> bool:
        return bool(self._store.query(query, prefixes=PREFIXES))

    def update(self, update: str) -> None:
        self._store.update(update, prefixes=PREFIXES)

    def add(self, triples: Iterable[Triple]) -> None:
        """Add triples to the default graph with the bulk loader (see `construct_into`)."""
        graph = DefaultGraph()
        self._store.bulk_extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def construct_into(self, construct: str) -> int:
        """Add what a CONSTRUCT gives to the default graph with the bulk loader (bounded memory, not atomic by
        itself: `EmbeddedStore.derive`'s checkpoint makes the steps all or nothing). At 100k parts 39 s with
        0.74 GB peak against 47 s, 0.92 GB in transactions of 100,000 triples (61 s, 1.27 GB in one update)."""
        count = 0
        graph = DefaultGraph()

        def quads() -> Iterator[Quad]:
            nonlocal count
            for t in self._store.query(construct, prefixes=PREFIXES):
                count += 1
                yield Quad(t.subject, t.predicate, t.object, graph)

        self._store.bulk_extend(quads())
        return count
