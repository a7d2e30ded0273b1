"""SHACL 4.7 Shape-based constraint components: sh:node, sh:qualifiedValueShape with sh:qualifiedMinCount /
sh:qualifiedMaxCount (sh:property is the compiler's own: its shapes are compiled with the value nodes as focus
nodes). The value nodes are checked against the other shape as a set (core/conformance.py)."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import value_nodes
from complygraph.graph.shacl.core.conformance import NOTHING, Names, as_variable, nonconforming, value_candidates
from complygraph.graph.shacl.core.logical import record
from complygraph.graph.shacl.errors import Unsupported


def node(g: Graph, shape: Node, other: Node, focus: str, path: str | None, names: Names) -> str:
    """4.7.1: a value node that does not conform to the shape is a result."""
    failing = nonconforming(g, other, value_candidates(focus, path, names), names)
    return f"{focus} {value_nodes(path)}\n{as_variable(failing, '?value')}"


def _conforming(g: Graph, shape: Node, focus: str, path: str | None, names: Names) -> str | None:
    """Each focus node's value nodes that conform to its sh:qualifiedValueShape and, with
    sh:qualifiedValueShapesDisjoint true, to none of the sibling shapes (4.7.3)."""
    shapes = list(g.objects(shape, SH.qualifiedValueShape))
    if not shapes:
        return None  # the component needs both parameters: without the shape there is no constraint
    if len(shapes) > 1:
        raise Unsupported(f"{shape}: {len(shapes)} values of sh:qualifiedValueShape")
    qualified = shapes[0]
    candidates = value_candidates(focus, path, names)
    failing = nonconforming(g, qualified, candidates, names)
    out = f"{focus} {value_nodes(path)}\nMINUS {{ {as_variable(failing, '?value')} }}"
    if g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
        for sibling in sorted(siblings(g, shape, qualified), key=str):
            out += "\n" + as_variable(nonconforming(g, sibling, candidates, names), "?value")
    return out


def siblings(g: Graph, shape: Node, qualified: Node) -> set[Node]:
    """The qualified value shapes of the property shapes that share a parent shape with `shape`, but its own."""
    parents = set(g.subjects(SH.property, shape))
    found = {q for p in parents for s in g.objects(p, SH.property) for q in g.objects(s, SH.qualifiedValueShape)}
    return found - {qualified}


def qualified_min(g: Graph, shape: Node, n: Node, focus: str, path: str | None, names: Names) -> str:
    """4.7.3: fewer than n conforming value nodes is a result (no value node). The focus nodes that have enough are
    subtracted from all focus nodes, so that a focus node with no value node at all is counted as zero."""
    conforming = _conforming(g, shape, focus, path, names)
    if int(n) <= 0 or conforming is None:
        return NOTHING
    enough = (f"{{ SELECT ?this WHERE {{ {conforming} }} GROUP BY ?this"
              f" HAVING(COUNT(DISTINCT ?value) >= {int(n)}) }}")
    return f"{focus}\nMINUS {{ {enough} }}"


def qualified_max(g: Graph, shape: Node, n: Node, focus: str, path: str | None, names: Names) -> str:
    """4.7.3: more than n conforming value nodes is a result (no value node)."""
    conforming = _conforming(g, shape, focus, path, names)
    if conforming is None:
        return NOTHING
    return f"{{ SELECT ?this WHERE {{ {conforming} }} GROUP BY ?this HAVING(COUNT(DISTINCT ?value) > {int(n)}) }}"


SHAPE_BASED = (
    record(SH.node, SH.NodeConstraintComponent, "4.7.1", node),
    record(SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, "4.7.3", qualified_min, has_value=False),
    record(SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, "4.7.3", qualified_max, has_value=False),
)
