"""The store behind one small interface, embedded Oxigraph or any SPARQL 1.1 endpoint, and the queries."""

from .store import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
