"""SHACL property paths (SHACL 1.0, section 2.3.1) written as SPARQL 1.1 property paths."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH


class UnsupportedPath(ValueError):
    pass


def sparql_path(g: Graph, node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if not isinstance(node, BNode):
        raise UnsupportedPath(f"not a path: {node!r}")
    if (node, None, None) not in g:
        raise UnsupportedPath("empty path node")
    first = g.value(node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first"))
    if first is not None:  # sequence path
        return "(" + "/".join(sparql_path(g, p) for p in Collection(g, node)) + ")"
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                      (SH.zeroOrOnePath, "{}?")):
        inner = g.value(node, prop)
        if inner is not None:
            return "(" + fmt.format(sparql_path(g, inner)) + ")"
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(sparql_path(g, p) for p in Collection(g, alternatives)) + ")"
    raise UnsupportedPath(f"unknown path construct on {node}")
