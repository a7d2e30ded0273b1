"""The names impact shows and the products above parts, read from the store (and, where it names them, the
read model): identifiers, labels, masses and suppliers of parts, labels of materials, suppliers and products,
and the walk up the BOM. Both paths of graph/impact.py (the kept rows and the store's SPARQL) choose among
several values of one fact by the one rule in `pick`."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import Decimal

from pyoxigraph import NamedNode

from complygraph.graph import composition_reads as reads
from complygraph.graph.bindings import select_batched
from complygraph.graph.store import Store


def part_details(store: Store, model: sqlite3.Connection | None, parts: list[str],
                  facts: dict[str, dict[str, list]] | None = None) -> dict[str, dict]:
    """Id, name, mass, supplier of each part: from the read model (`facts` if the caller read them), and from
    the store for the parts it does not name (another namespace than the company's) and the suppliers it does
    not name."""
    if facts is None:
        facts = reads.part_facts(model, parts) if model is not None else {}
    named = labels(store, model, sorted({s for f in facts.values() for s in f["suppliers"]}))
    for f in facts.values():
        f["suppliers"] = [named[s] for s in f["suppliers"] if s in named]
    rest = [NamedNode(p) for p in parts if p not in facts]
    for r in select_batched(store, """
        SELECT ?part ?id ?name ?mass ?sid ?sname WHERE {
          ?part dct:identifier ?id .
          OPTIONAL { ?part rdfs:label ?name }
          OPTIONAL { ?part cg:massMg ?mass }
          OPTIONAL { ?part cg:suppliedBy ?s . ?s dct:identifier ?sid . OPTIONAL { ?s rdfs:label ?sname } }
        }""", "part", rest):
        f = facts.setdefault(r["part"].value, {"ids": [], "names": [], "masses": [], "suppliers": []})
        f["ids"].append(r["id"].value)
        for key, var in (("names", "name"), ("masses", "mass")):
            if var in r:
                f[key].append(r[var].value)
        if "sid" in r:
            f["suppliers"].append((r["sid"].value, r["sname"].value if "sname" in r else ""))
    return {p: pick(f) for p, f in facts.items()}


def pick(f: dict[str, list]) -> dict:
    """What one part shows where the store holds several values of it (both paths, one rule): the smallest id
    and name, the smallest mass (the largest share of the article: a limit is never passed for a choice of
    mass), the smallest (id, name) of its suppliers."""
    mass = min((Decimal(m) for m in f["masses"]), default=None)
    supplier = min(f["suppliers"], default=("", ""))
    return {"id": min(f["ids"]), "name": min(f["names"], default=""), "mass": mass,
            "supplier_id": supplier[0], "supplier_name": supplier[1]}


def labels(store: Store, model: sqlite3.Connection | None, nodes: list[str]) -> dict[str, tuple[str, str]]:
    """(identifier, name) of each node that has an identifier: the smallest of each where it has several."""
    out = reads.labels(model, nodes) if model is not None else {}
    rest = [NamedNode(n) for n in nodes if n not in out]
    found: dict[str, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for r in select_batched(store, """
        SELECT ?n ?id ?name WHERE { ?n dct:identifier ?id . OPTIONAL { ?n rdfs:label ?name } }""", "n", rest):
        ids, names = found[r["n"].value]
        ids.add(r["id"].value)
        if "name" in r:
            names.add(r["name"].value)
    out.update({n: (min(ids), min(names, default="")) for n, (ids, names) in found.items()})
    return out


def products_above(store: Store, model: sqlite3.Connection | None,
                   parts: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The products each part goes into, through any number of BOM levels (a product inside another product:
    both), each with its (id, name). From the read model in one recursive query; from the store: the
    parents of the current frontier per BOM level (one set query each; asking per parent took 24 s for the
    59,236 parents one level above the 58,529 parts a change reaches at 1M parts) and the walk in memory."""
    if model is not None:
        pairs = reads.products_above(model, parts)
        names = labels(store, model, sorted({p for _, p in pairs}))
    else:
        pairs = products_from_store(store, parts)
        names = {r["p"].value: (r["id"].value, r["name"].value if "name" in r else "") for r in store.select(
            "SELECT ?p ?id ?name WHERE { ?p a cg:Product ; dct:identifier ?id . OPTIONAL { ?p rdfs:label ?name } }")}
    above: dict[str, set[str]] = defaultdict(set)
    for part, product in pairs:
        if product in names:
            above[part].add(product)
    shown: dict[frozenset, list[tuple[str, str]]] = {}  # one sorted list per distinct set of products
    out: dict[str, list[tuple[str, str]]] = {}
    for part in parts:
        tops = frozenset(above.get(part, ()))
        if tops not in shown:
            shown[tops] = sorted(names[p] for p in tops)
        out[part] = shown[tops]
    return out


def products_from_store(store: Store, parts: list[str]) -> list[tuple[str, str]]:
    """(part, product) for every node typed cg:Product above each part, as `reads.products_above` answers."""
    parents: dict[str, set[str]] = defaultdict(set)
    products = {r["p"].value for r in store.select("SELECT ?p WHERE { ?p a cg:Product }")}
    frontier, seen = list(parts), set()
    while frontier:
        seen.update(frontier)
        found: set[str] = set()
        for r in select_batched(store, "SELECT ?child ?parent WHERE { ?u cg:child ?child ; cg:parent ?parent }",
                                "child", [NamedNode(f) for f in frontier]):
            parents[r["child"].value].add(r["parent"].value)
            found.add(r["parent"].value)
        frontier = [f for f in found if f not in seen]  # a cycle in a BOM must not loop forever
    pairs = []
    for part in parts:
        reached, todo = set(), [part]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in reached:
                    reached.add(parent)
                    todo.append(parent)
        pairs += [(part, p) for p in reached if p in products and p != part]
    return pairs
