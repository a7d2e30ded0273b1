"""SHACL 4.4 String-based constraint components: sh:minLength, sh:maxLength, sh:pattern (with sh:flags)."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import Compile, CoreComponent, value_nodes
from complygraph.graph.shacl.terms import sparql_term


def _length(op: str) -> Compile:
    def compile_(g: Graph, shape: Node, n: Node, focus: str, path: str | None) -> str:
        return (f"{focus} {value_nodes(path)}\n"
                f"FILTER(isBlank(?value) || !COALESCE(STRLEN(STR(?value)) {op} {int(n)}, false))")
    return compile_


def pattern(g: Graph, shape: Node, regex: Node, focus: str, path: str | None) -> str:
    flags = g.value(shape, SH.flags)
    flag = f", {sparql_term(flags)}" if flags is not None else ""
    return f"{focus} {value_nodes(path)}\nFILTER(isBlank(?value) || !REGEX(STR(?value), {sparql_term(regex)}{flag}))"


STRING_BASED = (
    CoreComponent(SH.minLength, SH.MinLengthConstraintComponent, "4.4.1", _length(">="), has_value=True),
    CoreComponent(SH.maxLength, SH.MaxLengthConstraintComponent, "4.4.2", _length("<="), has_value=True),
    CoreComponent(SH.pattern, SH.PatternConstraintComponent, "4.4.3", pattern, has_value=True),
)
