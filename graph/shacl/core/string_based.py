"""SHACL 4.4 String-based constraint components: sh:minLength, sh:maxLength, sh:pattern (with sh:flags)."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, ValueTest
from complygraph.graph.shacl.terms import sparql_term


def _length(op: str) -> ValueTest:
    def test(g: Graph, shape: Node, n: Node, var: str) -> str:
        return f"isBlank({var}) || !COALESCE(STRLEN(STR({var})) {op} {int(n)}, false)"
    return test


def pattern(g: Graph, shape: Node, regex: Node, var: str) -> str:
    flags = g.value(shape, SH.flags)
    flag = f", {sparql_term(flags)}" if flags is not None else ""
    return f"isBlank({var}) || !REGEX(STR({var}), {sparql_term(regex)}{flag})"


STRING_BASED = (
    CoreComponent(SH.minLength, SH.MinLengthConstraintComponent, "4.4.1", None, has_value=True, test=_length(">=")),
    CoreComponent(SH.maxLength, SH.MaxLengthConstraintComponent, "4.4.2", None, has_value=True, test=_length("<=")),
    CoreComponent(SH.pattern, SH.PatternConstraintComponent, "4.4.3", None, has_value=True, test=pattern),
)
