"""How a location string picks a store implementation: a SPARQL endpoint URL or an embedded directory.

Kept apart from `graph.store` so that the interface imports none of its implementations. A location that
cannot be a store is refused here, before anything is created, with the path or URL and the reason: a file, a
folder of other files, a folder that cannot be written, an endpoint that does not answer.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path

from complygraph.graph.embedded import EmbeddedStore
from complygraph.graph.remote import RemoteStore
from complygraph.graph.store import Store, StoreError
from complygraph.graph.store_folder import is_oxigraph_store

ENV_STORE = "COMPLYGRAPH_STORE"
ENV_UPDATE_URL = "COMPLYGRAPH_UPDATE_URL"
# a URL's scheme (RFC 3986, 3.1) and its "//" if there: "HTTP://host" is an endpoint, "ftp://host" no store,
# "http:/host" a slash lost; "C:\\data" (a Windows drive) and "store:2" are folders
_URL_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):(?P<slashes>//)?(?=/|[^/\\])(?!\\)")


def open_store(location: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
    """Open the store at `location`, else `$COMPLYGRAPH_STORE`, else a new in-memory store.

    An http(s) URL is a SPARQL 1.1 query endpoint; its update endpoint is `$COMPLYGRAPH_UPDATE_URL` or
    the same URL with a trailing `/query` or `/sparql` replaced by `/update`. It is asked once when opened
    (`RemoteStore.check`), so that an endpoint that does not answer is said at once, not after a long import
    was read. Anything else is a directory for the embedded Oxigraph store, created if missing unless `create`
    is false: a command that only reads must not answer from an empty store made by a typo in the path.
    """
    if location is None:
        location = os.environ.get(ENV_STORE) or None
    if location is None:
        return EmbeddedStore(None)
    text = str(location)
    scheme = _URL_SCHEME.match(text)
    web = bool(scheme) and scheme["scheme"].lower() in ("http", "https")
    if scheme and scheme["slashes"] and not web:
        raise StoreError(f"{text} is a {scheme['scheme']} URL: a store is an http(s) SPARQL endpoint or a folder")
    scheme = scheme if web else None  # "store:2" is a folder
    if scheme and not scheme["slashes"]:
        raise StoreError(f"{text} is not a URL (the scheme wants two slashes: {scheme['scheme']}://host/...) nor a "
                         "folder name one would mean: give an http(s) SPARQL endpoint or a folder with --store")
    if scheme:  # the scheme is case-insensitive (RFC 3986, 3.1): HTTP://host/query is that endpoint
        text = scheme["scheme"].lower() + text[len(scheme["scheme"]):]
        store = RemoteStore(text, os.environ.get(ENV_UPDATE_URL) or None)
        store.check()
        try:  # what a crashed writer left (see RemoteStore.drop_staging)
            store.dropped_staging = store.drop_staging()
        except StoreError as exc:  # a read-only endpoint: reading still works (the default graph is not staging)
            store.dropped_staging = []
            warnings.warn(f"staging graphs left by a crashed writer were not dropped ({exc}); "
                          "run `complygraph doctor` with write access", stacklevel=2)
        return store
    return _embedded(Path(text), create)


def _embedded(path: Path, create: bool) -> EmbeddedStore:
    """The embedded store at `path`, refusing what cannot be one before anything is created; a directory this
    call created is removed again when the store cannot be opened in it."""
    try:
        return _checked(path, create)
    except OSError as exc:  # a folder on the way this user may not enter, ...
        raise StoreError(f"cannot open the store at {path}: {exc.strerror or exc}") from None


def _checked(path: Path, create: bool) -> EmbeddedStore:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store directory: give the folder of a store, or a new folder "
                         "to create one in, with --store")
    held = _contents(path)
    if held and not is_oxigraph_store(path):
        shown = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        raise StoreError(f"{path} is not a complygraph store: the folder holds other files ({shown}) and no "
                         "Oxigraph database; give the folder of a store, or an empty or new folder to create one in")
    if not create and not held:
        raise StoreError(f"no store at {path}: give the path of an existing store with --store (or "
                         f"${ENV_STORE}), or create one with `complygraph load-lists --store {path}`")
    if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"cannot open the store at {path}: the folder is not writable by this user (Oxigraph "
                         "writes its lock and log files there even to read)")
    created = _first_missing(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove(created)
        raise StoreError(f"cannot create the store directory {path}: {exc.strerror or exc}") from None
    try:
        store = EmbeddedStore(str(path))
    except StoreError:
        _remove(created)
        raise
    store.created_folder = created
    return store


def discard_if_unused(store: Store) -> bool:
    """Close `store` and remove the folder its opening created, when nothing was stored in it: a write command
    that failed on bad input must leave no empty store behind, which later read-only commands would accept as
    one. True when the folder was removed."""
    created = getattr(store, "created_folder", None)
    if created is None:
        return False
    holds = store.ask("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    store.close()
    if not holds:
        _remove(created)
    return not holds


def _contents(path: Path) -> list[str]:
    """The names in the folder at `path`, sorted; none when it does not exist or cannot be listed."""
    try:
        return sorted(p.name for p in path.iterdir())
    except OSError:
        return []


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of `path` that does not exist yet (what mkdir creates), None if it exists."""
    missing = None
    for folder in (path, *path.absolute().parents):
        if folder.exists():
            break
        missing = folder
    return missing


def _remove(created: Path | None) -> None:
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
