"""The record every core constraint component is described by, and the value-node pattern they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

# (shapes graph, shape, one value of the parameter, focus pattern binding ?this, SPARQL path or None)
# -> the body of a query whose rows are the violations (?this, and ?value where the component has one)
Compile = Callable[[Graph, Node, Node, str, "str | None"], str]

# (shapes graph, shape, one value of the parameter, a variable such as "?value") -> a SPARQL expression that is
# true for a value node that violates the constraint (an error counts as no violation, as in a FILTER)
ValueTest = Callable[[Graph, Node, Node, str], str]

# Compile with the fresh names and shape stack of an enclosing conformance check (core/conformance.Names)
Nested = Callable[[Graph, Node, Node, str, "str | None", Any], str]


@dataclass(frozen=True)
class CoreComponent:
    parameter: URIRef  # e.g. sh:minCount
    component: URIRef  # e.g. sh:MinCountConstraintComponent
    section: str  # SHACL 1.0 section, e.g. "4.2.1"
    compile: Compile | None  # None for a component given by its `test`: its query is made from the test
    has_value: bool  # whether a result names a value node (sh:minCount, sh:hasValue do not)
    needs_path: bool = False  # only for property shapes
    # Components that judge each value node on its own (sh:datatype, sh:minInclusive, sh:pattern ...): the test,
    # which the component's own query puts in a FILTER and which several constraints of one property shape share
    # in one query (core/fused.py)
    test: ValueTest | None = None
    # Components that check value nodes against other shapes (4.6, 4.7): compiled with the names and the stack
    # of shapes of the conformance check they are part of (core/conformance.py); `compile` starts a new one
    nested: Nested | None = None
    # Variables of the query's rows that tell results apart though the report shows none of them: SHACL reports
    # one result per value node of sh:closed on a property shape (?node) and per pair of sh:lessThan (?other),
    # even where two such results are the same in every field shown (pySHACL reports both)
    distinct_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.compile is None:
            if self.test is None:
                raise ValueError(f"{self.parameter}: a core component needs a compile function or a test")
            object.__setattr__(self, "compile", per_value(self.test))


def per_value(test: ValueTest) -> Compile:
    """A component judged per value node: the value nodes of every focus node, kept where the test holds."""
    def compile_(g: Graph, shape: Node, param: Node, focus: str, path: str | None) -> str:
        return f"{focus} {value_nodes(path)}\nFILTER({test(g, shape, param, '?value')})"
    return compile_


def value_nodes(path: str | None) -> str:
    """The value nodes: those reached by the path, or the focus node itself for a node shape."""
    return f"?this {path} ?value ." if path else "BIND(?this AS ?value)"


@dataclass
class Registry:
    """The components and the parameters left to pySHACL, as core/__init__ lists them: the conformance check of
    nested shapes (core/conformance.py) compiles their constraints with the same components, and is itself used
    by some of them, so it reads them here rather than importing the package that imports it."""
    components: tuple[CoreComponent, ...] = ()
    unsupported: frozenset = frozenset()


REGISTRY = Registry()
