"""SHACL 4.2 Cardinality constraint components: sh:minCount, sh:maxCount."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent


def min_count(g: Graph, shape: Node, n: Node, focus: str, path: str) -> str:
    if int(n) == 1:  # the common case, without counting every value of every focus node
        # MINUS: Oxigraph reads the path's subjects once and subtracts them, where FILTER NOT EXISTS looked each
        # focus node up (10^6 declarations: 52 s against 3.2 s; the same solutions, ?this being always bound)
        return f"{focus}\nMINUS {{ ?this {path} ?v }}"
    return (f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }}"
            f" GROUP BY ?this }}\nFILTER(?count < {int(n)})")


def max_count(g: Graph, shape: Node, n: Node, focus: str, path: str) -> str:
    return (f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {focus} ?this {path} ?v }}"
            f" GROUP BY ?this }}\nFILTER(?count > {int(n)})")


CARDINALITY = (
    CoreComponent(SH.minCount, SH.MinCountConstraintComponent, "4.2.1", min_count, has_value=False,
                  needs_path=True),
    CoreComponent(SH.maxCount, SH.MaxCountConstraintComponent, "4.2.2", max_count, has_value=False,
                  needs_path=True),
)
