"""Substance rows as a part's tree and the `substance` loader show them (api/dataloaders.py), and the same rows
kept per store revision across requests (`substances_at`)."""

from __future__ import annotations

import threading
import weakref

from pyoxigraph import NamedNode

from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store

SUBSTANCES = """
    SELECT ?substance ?cas ?ec ?name WHERE {
      ?substance a cg:Substance .
      OPTIONAL { ?substance cg:casNumber ?cas } OPTIONAL { ?substance cg:ecNumber ?ec }
      OPTIONAL { ?substance rdfs:label ?name }
    }"""


def iri_nodes(keys: list[str]) -> list[NamedNode]:
    """The keys that are IRIs, as nodes: a blank node's id or a literal's text is left out."""
    out = []
    for k in keys:
        if ":" in k:
            try:
                out.append(NamedNode(k))
            except ValueError:
                pass
    return out


def substances(store: Store, keys: list[str]) -> list[dict | None]:
    """Each substance's CAS and EC numbers and its names with their languages."""
    found: dict[str, dict] = {}
    for r in select_batched(store, SUBSTANCES, "substance", iri_nodes(keys), size=1000):
        entry = found.setdefault(r["substance"].value, {"iri": r["substance"].value, "names": set()})
        entry["cas"] = r["cas"].value if "cas" in r else None
        entry["ec"] = r["ec"].value if "ec" in r else None
        if "name" in r:
            entry["names"].add((r["name"].value, r["name"].language))
    return [found.get(k) for k in keys]


_KEPT_SUBSTANCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> (revision, iri -> row)
_KEPT_LOCK = threading.Lock()
_KEEP_AT_MOST = 100_000


def substances_at(store: Store, keys: list[str], revision: str) -> list[dict | None]:
    """`substances`, kept per store revision across requests: every part's tree names the same few thousand
    substances, and asking them of the store was a fifth of a tree's read at 10^6 parts. Every write gives the
    store a new revision, so nothing kept is read after one; a row asked while a write lands is at most as new
    as the store, as an unkept read would be. The rows are shared: nothing may change them."""
    with _KEPT_LOCK:
        kept_at, kept = _KEPT_SUBSTANCES.get(store, (None, {}))
        if kept_at != revision:
            kept = {}
            _KEPT_SUBSTANCES[store] = (revision, kept)
        rows = {k: kept[k] for k in keys if k in kept}
    missing = [k for k in keys if k not in rows]
    if missing:
        rows.update(zip(missing, substances(store, missing), strict=True))
        with _KEPT_LOCK:
            if len(kept) + len(missing) <= _KEEP_AT_MOST:
                kept.update((k, rows[k]) for k in missing)
    return [rows[k] for k in keys]
