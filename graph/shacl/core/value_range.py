"""SHACL 4.3 Value range constraint components: sh:minExclusive, sh:minInclusive, sh:maxExclusive,
sh:maxInclusive. A value that cannot be compared with the bound is a violation too."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import Compile, CoreComponent, value_nodes
from complygraph.graph.shacl.terms import sparql_term


def _range(op: str) -> Compile:
    def compile_(g: Graph, shape: Node, bound: Node, focus: str, path: str | None) -> str:
        return f"{focus} {value_nodes(path)}\nFILTER(!COALESCE(?value {op} {sparql_term(bound)}, false))"
    return compile_


VALUE_RANGE = (
    CoreComponent(SH.minInclusive, SH.MinInclusiveConstraintComponent, "4.3.2", _range(">="), has_value=True),
    CoreComponent(SH.maxInclusive, SH.MaxInclusiveConstraintComponent, "4.3.4", _range("<="), has_value=True),
    CoreComponent(SH.minExclusive, SH.MinExclusiveConstraintComponent, "4.3.1", _range(">"), has_value=True),
    CoreComponent(SH.maxExclusive, SH.MaxExclusiveConstraintComponent, "4.3.3", _range("<"), has_value=True),
)
