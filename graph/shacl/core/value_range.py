"""SHACL 4.3 Value range constraint components: sh:minExclusive, sh:minInclusive, sh:maxExclusive,
sh:maxInclusive. A value that cannot be compared with the bound is a violation too."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, ValueTest
from complygraph.graph.shacl.terms import sparql_term


def _range(op: str) -> ValueTest:
    def test(g: Graph, shape: Node, bound: Node, var: str) -> str:
        # a value that is no number against a numeric bound, said outright: Virtuoso 7.2 orders a string after
        # every number instead of raising the type error that makes it a violation
        numeric = isinstance(bound, Literal) and isinstance(bound.value, int | float | Decimal) \
            and not isinstance(bound.value, bool)
        also = f"!isNumeric({var}) || " if numeric else ""
        return f"{also}!COALESCE({var} {op} {sparql_term(bound)}, false)"
    return test


def _component(parameter: Node, component: Node, section: str, op: str) -> CoreComponent:
    return CoreComponent(parameter, component, section, None, has_value=True, test=_range(op))


VALUE_RANGE = (
    _component(SH.minInclusive, SH.MinInclusiveConstraintComponent, "4.3.2", ">="),
    _component(SH.maxInclusive, SH.MaxInclusiveConstraintComponent, "4.3.4", "<="),
    _component(SH.minExclusive, SH.MinExclusiveConstraintComponent, "4.3.1", ">"),
    _component(SH.maxExclusive, SH.MaxExclusiveConstraintComponent, "4.3.3", "<"),
)
