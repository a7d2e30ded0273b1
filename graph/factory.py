"""How a location string picks a store implementation: a SPARQL endpoint URL or an embedded directory.

Kept apart from `graph.store` so that the interface imports none of its implementations.
"""

from __future__ import annotations

import os
from pathlib import Path

from complygraph.graph.embedded import EmbeddedStore
from complygraph.graph.remote import RemoteStore
from complygraph.graph.store import Store, StoreError

ENV_STORE = "COMPLYGRAPH_STORE"
ENV_UPDATE_URL = "COMPLYGRAPH_UPDATE_URL"


def open_store(location: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
    """Open the store at `location`, else `$COMPLYGRAPH_STORE`, else a new in-memory store.

    An http(s) URL is a SPARQL 1.1 query endpoint; its update endpoint is `$COMPLYGRAPH_UPDATE_URL` or
    the same URL with a trailing `/query` or `/sparql` replaced by `/update`. Anything else is a
    directory for the embedded Oxigraph store, created if missing unless `create` is false: a command
    that only reads must not answer from an empty store made by a typo in the path.
    """
    if location is None:
        location = os.environ.get(ENV_STORE) or None
    if location is None:
        return EmbeddedStore(None)
    text = str(location)
    if text.startswith(("http://", "https://")):
        store = RemoteStore(text, os.environ.get(ENV_UPDATE_URL) or None)
        try:  # staging graphs a crashed writer left (older than the grace period: see RemoteStore.drop_staging)
            store.drop_staging()
        except StoreError:
            pass  # an endpoint that cannot be reached says so at the first real request
        return store
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store directory")
    if not create and (not path.is_dir() or not any(path.iterdir())):
        raise StoreError(f"no store at {path}: give the path of an existing store with --store (or "
                         f"${ENV_STORE}), or create one with `complygraph load-lists --store {path}`")
    path.mkdir(parents=True, exist_ok=True)
    return EmbeddedStore(text)
