"""The one store interface the engines use; `graph.factory` picks an implementation for a location.

Everything above this module talks SPARQL 1.1 and pyoxigraph terms, so the same code runs on the
embedded Oxigraph store and on a remote endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, Triple

from complygraph.vocab import CG

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term]

META_GRAPH = "urn:complygraph:meta"
_STORE_NODE = "urn:complygraph:store"
_REVISION = CG + "revision"


def revision_update() -> str:
    """The update that gives the store a new revision; every write through complygraph ends with it.

    The revision lives in its own named graph, out of the default graph that queries and shapes read, and
    lets a reader (the API's answer cache) tell cheaply whether anything changed since it last looked.
    """
    return (f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> <{_REVISION}> ?r }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> <{_REVISION}> \"{uuid.uuid4()}\" }} }}")


class StoreError(RuntimeError):
    """The store refused or failed an operation; the message says which and why."""


class Store(Protocol):
    """What every engine may ask of a store."""

    location: str

    def select(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> list[Row]:
        """Run a SELECT; `bindings` are bound as values, never pasted into the query text."""
        ...

    def ask(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> bool: ...

    def update(self, update: str, new_revision: bool = True) -> None:
        """Run a SPARQL 1.1 Update as one transaction. `new_revision=False` is for facts derived from what
        the store already says (graph/derived.py): they change no answer, so they keep the revision."""
        ...

    def write(self, triples: Iterable[Triple], replace: str | None = None) -> int:
        """Add triples to the default graph atomically: if the iterable raises, nothing is stored.

        `replace` is a SPARQL Update (typically DELETE ... WHERE) run in the same transaction before the
        triples become visible, so reloading a list swaps the old load for the new one at once.
        """
        ...

    def count(self) -> int:
        """Number of triples in the default graph."""
        ...

    def revision(self) -> str:
        """Changes with every write made through complygraph ("" before the first); writes made by other
        tools straight to a remote endpoint do not change it."""
        ...

    def close(self) -> None: ...


class QueryMixin:
    """select, ask and count on top of a backend's `_run(query, bindings)`, which returns pyoxigraph results."""

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None): ...

    def select(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> list[Row]:
        solutions = self._run(query, bindings)
        if isinstance(solutions, QueryBoolean):
            raise StoreError("not a SELECT query")
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def ask(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise StoreError("not an ASK query")
        return bool(result)

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"].value)

    def revision(self) -> str:
        rows = self.select(f"SELECT ?r WHERE {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> <{_REVISION}> ?r }} }}")
        return rows[0]["r"].value if rows else ""
