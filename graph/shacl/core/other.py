"""SHACL 4.8 Other constraint components: sh:closed (with sh:ignoredProperties), sh:in, sh:hasValue."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent
from complygraph.graph.shacl.terms import sparql_term


def in_(g: Graph, shape: Node, members: Node, var: str) -> str:
    same = " || ".join(f"sameTerm({var}, {sparql_term(m)})" for m in Collection(g, members)) or "false"
    return f"!({same})"


def has_value(g: Graph, shape: Node, value: Node, focus: str, path: str | None) -> str:
    if path:
        return f"{focus}\nFILTER NOT EXISTS {{ ?this {path} {sparql_term(value)} }}"
    return f"{focus}\nFILTER(!sameTerm(?this, {sparql_term(value)}))"


def closed(g: Graph, shape: Node, flag: Node, focus: str, path: str | None) -> str:
    """Each triple of a value node whose predicate is not allowed, its predicate as ?path (the result path) and
    its object as ?value. Allowed: the IRI paths of the shape's own property shapes (4.8.1 says "explicitly
    enumerated": an inverse or sequence path allows nothing) and sh:ignoredProperties."""
    if not (isinstance(flag, Literal) and str(flag) == "true"):  # sh:closed false: no constraint
        return f"{focus}\nFILTER(false)"
    allowed = {g.value(ps, SH.path) for ps in g.objects(shape, SH.property)}
    ignored = g.value(shape, SH.ignoredProperties)
    allowed |= set(Collection(g, ignored)) if ignored is not None else set()
    iris = sorted(sparql_term(p) for p in allowed if isinstance(p, URIRef))
    subject = f"?this {path} ?node . ?node" if path else "?this"
    keep = f"\nFILTER(?path NOT IN ({', '.join(iris)}))" if iris else ""
    return f"{focus} {subject} ?path ?value .{keep}"


OTHER = (
    CoreComponent(SH["in"], SH.InConstraintComponent, "4.8.3", None, has_value=True, test=in_),
    CoreComponent(SH.hasValue, SH.HasValueConstraintComponent, "4.8.2", has_value, has_value=False),
    CoreComponent(SH.closed, SH.ClosedConstraintComponent, "4.8.1", closed, has_value=True,
                  distinct_by=("node",)),
)
