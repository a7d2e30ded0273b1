"""The record every core constraint component is described by, and the value-node pattern they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.term import Node

# (shapes graph, shape, one value of the parameter, focus pattern binding ?this, SPARQL path or None)
# -> the body of a query whose rows are the violations (?this, and ?value where the component has one)
Compile = Callable[[Graph, Node, Node, str, "str | None"], str]


@dataclass(frozen=True)
class CoreComponent:
    parameter: URIRef  # e.g. sh:minCount
    component: URIRef  # e.g. sh:MinCountConstraintComponent
    section: str  # SHACL 1.0 section, e.g. "4.2.1"
    compile: Compile
    has_value: bool  # whether a result names a value node (sh:minCount, sh:hasValue do not)
    needs_path: bool = False  # only for property shapes


def value_nodes(path: str | None) -> str:
    """The value nodes: those reached by the path, or the focus node itself for a node shape."""
    return f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
