"""EEE scopes: the RoHS Annex I categories with 8 and 9 split where the Directive gives their parts other dates.

An exemption row "category 8 in vitro diagnostic medical devices only, until 21 July 2023" written as plain
category 8 let every medical device claim it until 2023, although for the others it ended on 21 July 2021.
Products, exemption validity periods and restriction application dates therefore name cells of
`shapes/data/eee-scopes.ttl` (pack data, the single source of the split): a row's "8" covers each cell of
category 8, "8-ivd" only that cell; a product's bare "8" is the cell marked `cg:scopeForCategory`, the one
whose dates are earliest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyoxigraph import NamedNode, RdfFormat, Triple, parse

from complygraph.loaders import rdf
from complygraph.vocab import CG, cg

_SKOS_NOTATION = NamedNode("http://www.w3.org/2004/02/skos/core#notation")


@dataclass(frozen=True)
class Scope:
    iri: NamedNode
    notation: str
    category: int
    default: bool  # the cell a product that gives only its category number is placed in


@cache
def scopes() -> tuple[Scope, ...]:
    """The cells of shapes/data/eee-scopes.ttl, by category."""
    path = resources.files("complygraph.shapes") / "data" / "eee-scopes.ttl"
    facts: dict[NamedNode, dict[str, str]] = {}
    for t in parse(path.read_bytes(), format=RdfFormat.TURTLE):
        if isinstance(t.subject, NamedNode):
            key = {_SKOS_NOTATION.value: "notation", CG + "eeeCategory": "category",
                   CG + "scopeForCategory": "default"}.get(t.predicate.value)
            if key:
                facts.setdefault(t.subject, {})[key] = t.object.value
    return tuple(sorted((Scope(iri, f["notation"], int(f["category"]), f.get("default") == "true")
                         for iri, f in facts.items()), key=lambda s: (s.category, s.notation)))


def _known() -> str:
    return "a category 1 to 11, a range such as 1-7, or one of " + ", ".join(
        s.notation for s in scopes() if not s.notation.isdigit())


def covered_scopes(text: str) -> list[Scope]:
    """What a row's categories cover: "1-7,10,8-ivd" -> every cell of 1 to 7 and 10, and the IVD cell of 8."""
    out: dict[str, Scope] = {}
    for token in text.replace(" ", "").replace(";", ",").lower().split(","):
        lo, _, hi = token.partition("-")
        if lo.isdigit() and (not hi or hi.isdigit()):
            numbers = range(int(lo), int(hi or lo) + 1)
            if not numbers or int(lo) < 1 or int(hi or lo) > 11:
                raise ValueError(f"EEE categories are 1 to 11: {text!r}")
            cells = [s for s in scopes() if s.category in numbers]
        else:
            cells = [s for s in scopes() if s.notation == token]
        if not cells:
            raise ValueError(f"not an EEE category or scope: {token!r} in {text!r} ({_known()})")
        out.update((s.notation, s) for s in cells)
    return sorted(out.values(), key=lambda s: (s.category, s.notation))


def product_scope(token: str) -> Scope:
    """The cell a product declares: "8-ivd" that cell, a bare "8" the cell for the category (see module)."""
    token = token.strip().lower()
    for s in scopes():
        if s.notation == token or (token.isdigit() and s.default and s.category == int(token)):
            return s
    raise ValueError(f"{token!r} is not an EEE category of RoHS Annex I ({_known()})")


def scope_terms(node: NamedNode, cells: list[Scope]) -> Iterator[Triple]:
    """The EEE scopes a period or application date covers (`cg:coversScope`, what the shapes join on) and the
    categories they are in (`cg:eeeCategory`, as the annex numbers them)."""
    for category in sorted({c.category for c in cells}):
        yield rdf.t(node, cg.eeeCategory, rdf.integer(category))
    for cell in cells:
        yield rdf.t(node, cg.coversScope, cell.iri)
