"""SHACL 4.8 Other constraint components: sh:in, sh:hasValue (sh:closed goes to pySHACL)."""

from __future__ import annotations

from rdflib import Graph
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


OTHER = (
    CoreComponent(SH["in"], SH.InConstraintComponent, "4.8.3", None, has_value=True, test=in_),
    CoreComponent(SH.hasValue, SH.HasValueConstraintComponent, "4.8.2", has_value, has_value=False),
)
