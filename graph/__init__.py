"""The store behind one small interface, embedded Oxigraph or any SPARQL 1.1 endpoint, and the queries."""

from complygraph.graph.factory import discard_if_unused, open_store
from complygraph.graph.store import Store, StoreError

__all__ = ["Store", "StoreError", "discard_if_unused", "open_store"]
