"""Browsing the graph one page or one thing at a time: keyset pages of substances and parts, the parts a
shape pack finds in violation, a product's name, a substance's groups.

The API pages by IRI order ("after this key"), never by offset, so a page costs the same however deep it
is; each page query asks for one row more than the page to tell whether another page follows. Every value
from a user is bound through `Store.select`'s bindings; only the page size, an integer, is in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from complygraph.graph.derived import PRODUCT_SCOPES
from complygraph.graph.shacl import validate
from complygraph.graph.store import Store
from complygraph.vocab import entity_iri


@dataclass
class Page:
    """The IRIs on one page, in order, and whether more follow."""

    keys: list[str]
    more: bool


def _page(rows: list[dict], var: str, size: int) -> Page:
    return Page(keys=[r[var].value for r in rows[:size]], more=len(rows) > size)


def substance_page(store: Store, after: str | None, size: int, search: str | None = None,
                   lang: str | None = None) -> Page:
    """Substances after the IRI `after` with a name containing `search` (any case), in language `lang`."""
    bindings: dict = {"start": Literal(after or "")}
    text = "FILTER(CONTAINS(LCASE(STR(?name)), LCASE(?search)))" if search else ""
    if search:
        bindings["search"] = Literal(search)
    lang_filter = "FILTER(lang(?name) = ?lang)" if lang else ""
    if lang:
        bindings["lang"] = Literal(lang)
    rows = store.select(f"""
        SELECT DISTINCT ?s WHERE {{
          ?s a cg:Substance ; rdfs:label ?name . {lang_filter} {text}
          FILTER(STR(?s) > ?start)
        }} ORDER BY ?s LIMIT {size + 1}""", bindings)
    return _page(rows, "s", size)


def part_page(store: Store, after: str | None, size: int, supplier: str | None = None,
              among: list[str] | None = None) -> Page:
    """Parts after the IRI `after`, of the supplier with id `supplier`, and only those in `among` (part
    IRIs) when it is given: one page, never the whole part list."""
    if among is not None and not among:
        return Page(keys=[], more=False)
    bindings: dict = {"start": Literal(after or "")}
    supplier_filter = ""
    if supplier is not None:
        supplier_filter = "?p cg:suppliedBy ?supplier ."
        bindings["supplier"] = entity_iri("supplier", supplier)
    if among is not None:
        bindings["p"] = [NamedNode(iri) for iri in among]
    rows = store.select(f"""
        SELECT ?p WHERE {{ ?p a cg:Part . {supplier_filter} FILTER(STR(?p) > ?start) }}
        ORDER BY ?p LIMIT {size + 1}""", bindings)
    return _page(rows, "p", size)


def violating_parts(store: Store, pack: str) -> list[str]:
    """IRIs of the parts with a violation (not a warning) of the shape pack `pack`, in order."""
    report = validate(store, [pack])
    return sorted({str(r.detail("part")) for r in report.results
                   if r.detail("part") is not None and str(r.severity).endswith("Violation")})


@dataclass
class Product:
    id: str
    name: str | None
    eee_scopes: list[str] = field(default_factory=list)


def product(store: Store, product_id: str) -> Product | None:
    """The product with the user's id `product_id`, with its name if it has one and its EEE scopes as the
    validation takes them (graph/derived.py: a product that gives only its category number, its default cell)."""
    rows = store.select("SELECT ?name WHERE { ?p a cg:Product . OPTIONAL { ?p rdfs:label ?name } }",
                        {"p": entity_iri("product", product_id)})
    if not rows:
        return None
    scopes = store.select(f"SELECT DISTINCT ?scope WHERE {{ {PRODUCT_SCOPES} }}",
                          {"product": entity_iri("product", product_id)})
    return Product(id=product_id, name=rows[0]["name"].value if "name" in rows[0] else None,
                   eee_scopes=sorted(r["scope"].value.rsplit("/", 1)[-1] for r in scopes))


def substance_groups(store: Store, substance: str) -> list[str]:
    """Labels of the substance groups (of lists and company policies) that have the substance as a member."""
    rows = store.select("SELECT DISTINCT ?label WHERE { ?g cg:hasMember ?s ; skos:prefLabel ?label }",
                        {"s": NamedNode(substance)})
    return sorted(r["label"].value for r in rows)
