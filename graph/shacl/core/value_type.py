"""SHACL 4.1 Value type constraint components: sh:class, sh:datatype, sh:nodeKind."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

import complygraph.graph.shacl.core.lexical as lexical
from complygraph.graph.shacl.core.component import CoreComponent, value_nodes
from complygraph.graph.shacl.terms import sparql_term

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


def class_(g: Graph, shape: Node, cls: Node, focus: str, path: str | None) -> str:
    return (f"{focus} {value_nodes(path)}\n"
            f"FILTER NOT EXISTS {{ ?value {RDF_TYPE}/{SUBCLASS}* {sparql_term(cls)} }}")


def datatype(g: Graph, shape: Node, dt: Node, focus: str, path: str | None) -> str:
    """A value node is a literal of the datatype whose lexical form is valid for it (an ill-formed literal
    such as "aldi"^^xsd:integer, which the store keeps as written, is a violation)."""
    ill_formed = lexical.ill_formed(str(dt), "?value")
    also = f" || {ill_formed}" if ill_formed else ""
    return f"{focus} {value_nodes(path)}\nFILTER(!isLiteral(?value) || datatype(?value) != {sparql_term(dt)}{also})"


_NODE_KIND = {
    SH.IRI: "!isIRI(?value)", SH.BlankNode: "!isBlank(?value)", SH.Literal: "!isLiteral(?value)",
    SH.BlankNodeOrIRI: "isLiteral(?value)", SH.BlankNodeOrLiteral: "isIRI(?value)",
    SH.IRIOrLiteral: "isBlank(?value)",
}


def node_kind(g: Graph, shape: Node, kind: Node, focus: str, path: str | None) -> str:
    return f"{focus} {value_nodes(path)}\nFILTER({_NODE_KIND[kind]})"


VALUE_TYPE = (
    CoreComponent(SH["class"], SH.ClassConstraintComponent, "4.1.1", class_, has_value=True),
    CoreComponent(SH.datatype, SH.DatatypeConstraintComponent, "4.1.2", datatype, has_value=True),
    CoreComponent(SH.nodeKind, SH.NodeKindConstraintComponent, "4.1.3", node_kind, has_value=True),
)
