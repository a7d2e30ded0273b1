"""Literals the embedded store does not keep as written.

Oxigraph stores some literals in a canonical form, also inside query text: "4.0"^^xsd:decimal becomes "4"
(the lexical form changes, the value does not), and xsd:int, long, short, byte, the unsigned types and
nonNegativeInteger all become xsd:integer (the datatype changes). Comparisons of values (sh:minInclusive,
sh:class, counts) are unaffected; what reads the lexical form or the exact term (sh:pattern, sh:minLength,
sh:in, sh:hasValue, SPARQL) is affected by either, and sh:datatype by a changed datatype. Such literals are
found once, when a data graph is copied into the store: the shapes that could read them differently are
validated on the data as written (see `standalone`), and reported values are given back as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.terms import to_oxigraph, to_rdflib

_PROBE = ox.NamedNode("urn:complygraph:probe")
# Parameters whose answer depends on a literal's exact term or lexical form.
LEXICAL = frozenset({SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH.hasValue, SH.select, SH.ask,
                     SH.languageIn, SH.uniqueLang, SH.equals, SH.disjoint})


@dataclass
class Rewrites:
    """What the store would rewrite in one data graph: each original literal by its stored form."""

    stored: dict[Literal, list[Literal]] = field(default_factory=dict)  # stored form -> originals
    datatype_changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.stored)

    def originals(self) -> set[Literal]:
        return {o for found in self.stored.values() for o in found}

    def sensitive(self) -> frozenset[Node]:
        """The shape parameters that could answer differently on the stored forms."""
        return LEXICAL | {SH.datatype} if self.datatype_changed else LEXICAL


def _key(term: Literal | ox.Literal) -> tuple[str, str | None, str | None]:
    if isinstance(term, ox.Literal):  # a language-tagged literal's datatype is rdf:langString there
        return term.value, None if term.language else term.datatype.value, term.language
    datatype = str(term.datatype) if term.datatype else (
        None if term.language else "http://www.w3.org/2001/XMLSchema#string")
    return str(term), datatype, term.language.lower() if term.language else None


def rewritten_literals(data: Graph) -> Rewrites:
    """The literals of `data` that the store would keep in another lexical form or datatype."""
    literals = sorted({o for o in data.objects() if isinstance(o, Literal)}, key=str)
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:complygraph:literal:{i}"), _PROBE, to_oxigraph(lit))
                   for i, lit in enumerate(literals))
    stored = {q.subject.value: q.object for q in scratch.quads_for_pattern(None, _PROBE, None)}
    out = Rewrites()
    for i, lit in enumerate(literals):
        kept = stored[f"urn:complygraph:literal:{i}"]
        if _key(kept) != _key(lit):
            out.stored.setdefault(to_rdflib(kept), []).append(lit)
            out.datatype_changed |= _key(kept)[1] != _key(lit)[1]
    return out


def predicates_of(data: Graph, literals: set[Literal]) -> set[Node]:
    """The predicates whose objects include one of `literals`: only paths over them reach those values."""
    return {p for s, p, o in data if o in literals}


# A triple pattern with a variable in the predicate position (?s ?p ?o) reaches every predicate.
_ANY_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+\s+(?:[?$]\w+|[<\"'_\d])")


def _query_reaches(query: str, predicates: set[Node]) -> bool:
    """Whether a SPARQL query can reach objects of `predicates`: it names one (full IRI or local name, as
    a prefixed name or in a path) or has a triple pattern whose predicate is a variable."""
    locals_ = {re.split(r"[#/]", str(p))[-1] for p in predicates}
    return bool(_ANY_PREDICATE.search(query)) or any(str(p) in query for p in predicates) or any(
        re.search(rf"[:/#]{re.escape(name)}\b", query) for name in locals_ if name)


def reads_differently(g: Graph, shape: Node, predicates: set[Node], sensitive: frozenset[Node]) -> bool:
    """Whether `shape` (with its property shapes and the shapes it refers to) names one of `predicates` and
    uses a parameter in `sensitive`: only then could it answer differently on the stored forms."""
    names, uses, seen, todo = False, False, set(), [shape]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in g.predicate_objects(n):
            names |= o in predicates or (p in (SH.select, SH.ask) and _query_reaches(str(o), predicates))
            uses |= p in sensitive
            if not isinstance(o, Literal):
                todo.append(o)
    return names and uses
