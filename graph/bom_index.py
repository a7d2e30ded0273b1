"""The bill of materials of the whole store in memory, read once per store revision.

Three engines walk the whole BOM: the derived BOM cycles (run before a validation), the status roll-up of every
product after it, and the products named beside each result of a validation report. Reading the 131,016 BOM
lines of a 100k-part store is the slowest step of each (about 3 triples per line on the on-disk store:
seconds), and the lines are the same for all of them until somebody writes. So they are read in one query and
kept for the store's revision; a write gives the store a new revision and the next reader reads them again
(never a stale BOM).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import unquote

from pyoxigraph import NamedNode

from complygraph.graph import composition_reads as reads
from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store

PRODUCTS = """SELECT ?p ?id ?name WHERE { ?p a cg:Product
                OPTIONAL { ?p dct:identifier ?id } OPTIONAL { ?p rdfs:label ?name } }"""
EDGES = """SELECT ?parent ?child ?q WHERE { ?u cg:parent ?parent ; cg:child ?child . OPTIONAL { ?u cg:quantity ?q } }"""


@dataclass(frozen=True)
class BomIndex:
    """Each parent's children in IRI order with the quantity of the line (a line without quantity counts 1),
    and the products of the store with their ids and names. The order makes walks that keep the first path
    they find (graph/status.py) give the same path on every store."""

    revision: str
    children: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)
    products: dict[str, tuple[str, str]] = field(default_factory=dict)  # IRI -> (id, name)
    # {"": child -> its parents}, made when first asked for
    _parents: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False, compare=False)

    def graph(self) -> dict[str, list[str]]:
        """parent -> children, without quantities (what the cycle search walks)."""
        return {parent: [c for c, _ in lines] for parent, lines in self.children.items()}

    def above(self, part: str) -> set[str]:
        """Every node above the part through any number of BOM levels (products and sub-assemblies), walked up in
        memory; a BOM cycle is not walked twice round, and the part itself is not above itself."""
        parents = self._parents.get("")  # built whole, then published: a concurrent reader never sees half of it
        if parents is None:
            parents = {}
            for parent, lines in self.children.items():
                for child, _ in lines:
                    parents.setdefault(child, []).append(parent)
            self._parents[""] = parents
        seen, todo = {part}, [part]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        seen.discard(part)
        return seen

    def products_above(self, parts: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """The products (id, name) each part goes into through any number of BOM levels, in id order: walked
        up in memory (a validation report names most parts of the store: per BOM level queries for 83,203
        results took about a minute on 100k parts)."""
        return {part: sorted(self.products[p] for p in self.above(part) if p in self.products) for part in parts}


_kept: weakref.WeakKeyDictionary[Store, BomIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _local(iri: str) -> str:
    return unquote(iri.rsplit("/", 1)[-1])


def bom_index(store: Store) -> BomIndex:
    """The store's BOM at its current revision: kept from an earlier call at the same revision, else read."""
    revision = store.revision()
    with _lock:
        kept = _kept.get(store)
    if kept is not None and kept.revision == revision:
        return kept
    children: dict[str, list[tuple[str, Decimal]]] = {}
    with store.composition_model() as model:  # the read model at this revision, where the store keeps one
        if model is not None and reads.revision(model) == revision:
            edges, products = reads.bom_lines(model), reads.product_names(model)
            unnamed = [p for p, name in products.items() if name is None]  # not a company IRI: named by the store
            rows = select_batched(store, PRODUCTS, "p", [NamedNode(p) for p in unnamed]) if unnamed else []
        else:
            edges = [(r["parent"].value, r["child"].value, r["q"].value if "q" in r else None)
                     for r in store.select(EDGES)]
            products, rows = {}, store.select(PRODUCTS)
    for parent, child, q in edges:
        children.setdefault(parent, []).append((child, Decimal(q) if q is not None else Decimal(1)))
    for lines in children.values():
        lines.sort()  # in child order: each engine (even each Oxigraph storage) returns the lines in its own order
    found: dict[str, tuple[set[str], set[str]]] = {}
    for r in rows:  # the smallest id and name where a product has several (graph/impact.py's rule too)
        ids, names = found.setdefault(r["p"].value, (set(), set()))
        if "id" in r:
            ids.add(r["id"].value)
        if "name" in r:
            names.add(r["name"].value)
    products.update({p: (min(ids, default=_local(p)), min(names, default="")) for p, (ids, names) in found.items()})
    index = BomIndex(revision, children, {p: name for p, name in products.items() if name is not None})
    with _lock:
        _kept[store] = index
    return index
