"""Focus nodes (SHACL 1.0 section 2.1.3) as SPARQL: the targets of a shape, and the value nodes of its property
shapes when a property shape has property shapes of its own (sh:property on a property shape, 4.7.2)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from complygraph.graph.shacl.terms import sparql_term

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def is_class(g: Graph, shape: Node) -> bool:
    return (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g


def shapes_with_targets(g: Graph) -> list[Node]:
    """Shapes with targets, implicit class targets included (SHACL 2.1.3.1), and SHACL-AF sh:target."""
    found = {s for p in TARGETS for s in g.subjects(p, None)}
    found |= {s for kind in (SH.NodeShape, SH.PropertyShape) for s in g.subjects(RDF.type, kind) if is_class(g, s)}
    return sorted(found, key=str)


def target_parts(g: Graph, shape: Node) -> tuple[str, ...]:
    """One pattern binding ?this per target of the shape."""
    parts = []
    classes = list(g.objects(shape, SH.targetClass))
    if is_class(g, shape):
        classes.append(shape)  # implicit class target
    for c in classes:
        parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(c)} .")
    nodes = list(g.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " }")
    for p in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {sparql_term(p)} ?targetObject .")
    for p in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"?targetSubject {sparql_term(p)} ?this .")
    return tuple(parts)


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape: the targets of the shape it is reached from (the root), then the values of
    the paths of the property shapes in between (`chain`, empty for a root shape and its own property shapes)."""
    targets: tuple[str, ...]
    chain: tuple[str, ...] = ()

    def below(self, path: str) -> Focus:
        """The focus nodes of a property shape's property shapes: the value nodes of `path`."""
        return Focus(self.targets, self.chain + (path,))

    def _union(self) -> str:
        return " UNION ".join(f"{{ {p} }}" for p in self.targets)

    def _walk(self) -> str:
        """The chains from the root's focus nodes to ?this through the paths, ?focus0 ... at each step."""
        ends = [f"?focus{i}" for i in range(1, len(self.chain))] + ["?this"]
        steps = " ".join(f"?focus{i} {p} {end} ." for i, (p, end) in enumerate(zip(self.chain, ends, strict=True)))
        return f"{{ SELECT (?this AS ?focus0) WHERE {{ {self._union()} }} }} {steps}"

    def generator(self) -> str:
        """All focus nodes, each once, as a DISTINCT subquery binding ?this."""
        if not self.chain:
            return f"{{ SELECT DISTINCT ?this WHERE {{ {self._union()} }} }}"
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self._walk()} }} }}"

    def test(self) -> str | None:
        """The same focus nodes as a test on a bound ?this (None when the test would cost more than the
        enumeration: focus nodes reached through paths)."""
        return None if self.chain else f"FILTER EXISTS {{ {self._union()} }}"

    def multiplicity(self) -> str | None:
        """How many times each focus node is validated: a value node of a property shape's property shape is a
        focus node once per focus node of the outer shape it is a value of (SHACL 4.7.2), and each time
        gives its own results."""
        if not self.chain:
            return None
        names = " ".join(f"?focus{i}" for i in range(len(self.chain)))
        chains = f"{{ SELECT DISTINCT {names} ?this WHERE {{ {self._walk()} }} }}"
        return f"SELECT ?this (COUNT(*) AS ?n) WHERE {{ {chains} }} GROUP BY ?this"
