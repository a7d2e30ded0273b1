"""SHACL 4.3 Value range constraint components: sh:minExclusive, sh:minInclusive, sh:maxExclusive,
sh:maxInclusive. A value that cannot be compared with the bound is a violation too."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, ValueTest
from complygraph.graph.shacl.terms import sparql_term


def _range(op: str) -> ValueTest:
    def test(g: Graph, shape: Node, bound: Node, var: str) -> str:
        return f"!COALESCE({var} {op} {sparql_term(bound)}, false)"
    return test


def _component(parameter: Node, component: Node, section: str, op: str) -> CoreComponent:
    return CoreComponent(parameter, component, section, None, has_value=True, test=_range(op))


VALUE_RANGE = (
    _component(SH.minInclusive, SH.MinInclusiveConstraintComponent, "4.3.2", ">="),
    _component(SH.maxInclusive, SH.MaxInclusiveConstraintComponent, "4.3.4", "<="),
    _component(SH.minExclusive, SH.MinExclusiveConstraintComponent, "4.3.1", ">"),
    _component(SH.maxExclusive, SH.MaxExclusiveConstraintComponent, "4.3.3", "<"),
)
