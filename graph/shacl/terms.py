"""Conversions between rdflib terms (shapes graphs, reports) and pyoxigraph terms (store results)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


def to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value if term.datatype else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt) if dt else None, normalize=False)  # as the store holds it
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: Node):
    """An rdflib term as a pyoxigraph term, for writing an rdflib graph into a store."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_term(term: Node) -> str:
    """An rdflib term as SPARQL text (IRIs and literals are escaped by rdflib's N3 writer)."""
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be written into a query")
    return term.n3()
