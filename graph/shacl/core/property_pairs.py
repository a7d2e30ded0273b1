"""SHACL 4.5 Property pair constraint components: sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals.

sh:equals and sh:disjoint compare terms (pattern matching, as sameTerm), never values: 1 and 1.0 differ.
sh:lessThan and sh:lessThanOrEquals use SPARQL's < and <=; a pair that cannot be compared is a violation,
as in 4.3.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, value_nodes
from complygraph.graph.shacl.terms import sparql_term


def _property(p: Node) -> str:
    if not isinstance(p, URIRef):  # 4.5: the value must be an IRI; anything else goes to pySHACL, which says so
        raise ValueError(f"a property pair constraint needs a property IRI, not {p!r}")
    return sparql_term(p)


def equals(g: Graph, shape: Node, p: Node, focus: str, path: str | None) -> str:
    """Both differences, each its own UNION branch with the focus nodes: a branch is evaluated on its own, and a
    scan of the whole path (a zero-or-more path from every node) would cost more than the enumeration again."""
    other = _property(p)
    # a node shape's one value node is ?this: a MINUS of a BIND alone would see ?this unbound
    not_value_node = f"MINUS {{ ?this {path} ?value }}" if path else "FILTER(!sameTerm(?value, ?this))"
    return (f"{{ {focus} {value_nodes(path)} MINUS {{ ?this {other} ?value }} }}\n"
            f"UNION\n{{ {focus} ?this {other} ?value . {not_value_node} }}")


def disjoint(g: Graph, shape: Node, p: Node, focus: str, path: str | None) -> str:
    return f"{focus} {value_nodes(path)} ?this {_property(p)} ?value ."


# Pairs SPARQL cannot compare, said outright: Virtuoso 7.2 orders a number before a string instead of raising the
# type error that makes the pair a violation (tests/test_shacl_logical.py, the engines test)
_INCOMPARABLE = "!isLiteral(?value) || !isLiteral(?other) || isNumeric(?value) != isNumeric(?other)"


def _order(op: str, words: str):
    def compile_(g: Graph, shape: Node, p: Node, focus: str, path: str) -> str:
        """One result per pair (4.5.3): ?message names the other value, so that the pairs of one value node,
        which differ in nothing else the report shows, stay apart (lessThan-002 of the W3C suite)."""
        return (f"{focus} ?this {path} ?value . ?this {_property(p)} ?other .\n"
                f"FILTER(!COALESCE(?value {op} ?other, false) || {_INCOMPARABLE})\n"
                f"BIND(CONCAT(\"Value is not {words} \", STR(?other)) AS ?message)")
    return compile_


PROPERTY_PAIRS = (
    CoreComponent(SH.equals, SH.EqualsConstraintComponent, "4.5.1", equals, has_value=True),
    CoreComponent(SH.disjoint, SH.DisjointConstraintComponent, "4.5.2", disjoint, has_value=True),
    CoreComponent(SH.lessThan, SH.LessThanConstraintComponent, "4.5.3", _order("<", "less than"),
                  has_value=True, needs_path=True, distinct_by=("other",)),
    CoreComponent(SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent, "4.5.4",
                  _order("<=", "less than or equal to"), has_value=True, needs_path=True, distinct_by=("other",)),
)
