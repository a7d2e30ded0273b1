"""Which nodes do not conform to a shape, as one SPARQL pattern (SHACL 1.0 section 2.4 "conformance checking",
used by the components of 4.6 and 4.7 that validate value nodes against other shapes).

A node conforms to a shape when validating it against the shape gives no result, whatever the severity. The
components that ask it (sh:node, sh:not, sh:and, sh:or, sh:xone, sh:qualifiedValueShape) must not ask it once per
value node: that is what made pySHACL take minutes on a thousand parts. Here the nested shape's constraints are
compiled like any other, over the set of candidate nodes (the outer shape's value nodes), and their violations
united into one pattern binding ?this to every candidate that does not conform. The outer component then joins,
subtracts or counts that set against its value nodes: one query for all focus nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import REGISTRY
from complygraph.graph.shacl.errors import Unsupported
from complygraph.graph.shacl.paths import sparql_path
from complygraph.graph.shacl.sparql_text import suffix_variables

NOTHING = "VALUES ?this { }"  # no node: the body of a constraint that never fails
# What a nested shape may hold besides constraint parameters: these say what the shape is, not what it checks
_DESCRIPTIVE = {SH.path, SH.property, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
                SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                SH.targetObjectsOf, SH.flags, SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint,
                SH.ignoredProperties}


@dataclass
class Names:
    """Fresh variable names for one compiled constraint: the same shapes give the same query text (a query's
    time is kept under its text, and equal queries run once)."""
    used: int = 0
    stack: tuple[Node, ...] = field(default_factory=tuple)

    def fresh(self) -> str:
        self.used += 1
        return f"?cg_nc{self.used}"

    def suffix(self) -> str:
        self.used += 1
        return f"_cg{self.used}"


@dataclass(frozen=True)
class Nonconforming:
    """A pattern binding `var` to each candidate that does not conform to a shape; its variables are its own
    (sparql_text.suffix_variables), so it can be put in any query."""
    pattern: str
    var: str


def value_candidates(focus: str, path: str | None, names: Names) -> str:
    """The value nodes of every focus node, each once, bound to ?this: the nodes a nested shape is checked on."""
    if path is None:
        return focus
    outer = names.fresh()
    start = f"{{ SELECT (?this AS {outer}) WHERE {{ {focus} }} }}"
    return f"{{ SELECT DISTINCT ?this WHERE {{ {start}\n{outer} {path} ?this }} }}"


def as_variable(failing: Nonconforming, var: str, flag: str | None = None) -> str:
    """The nodes of `failing` bound to `var`, each once, with `flag` bound to true on each row when given (to tell,
    after an OPTIONAL, which sets a node is in)."""
    also = f" (true AS {flag})" if flag else ""
    return f"{{ SELECT DISTINCT ({failing.var} AS {var}){also} WHERE {{ {failing.pattern} }} }}"


def nonconforming(g: Graph, shape: Node, candidates: str, names: Names) -> Nonconforming:
    """A pattern binding ?this to each of `candidates` that does not conform to `shape`: the union of the
    violations of its constraints and of its property shapes' constraints (SHACL 2.4; 2.1.6: every node conforms
    to a deactivated shape). A shape this compiler cannot write as a pattern raises Unsupported, and the shape
    with targets that reaches it goes to pySHACL whole."""
    if shape in names.stack:
        raise Unsupported(f"{shape}: recursive shapes (reached again through a shape-based constraint)")
    if g.value(shape, SH.deactivated) == Literal(True):
        return _own(NOTHING, names)
    outer_stack, names.stack = names.stack, names.stack + (shape,)
    try:
        bodies = _bodies(g, shape, candidates, names)
    finally:
        names.stack = outer_stack
    if not bodies:
        return _own(NOTHING, names)
    return _own(" UNION ".join(f"{{ {b} }}" for b in bodies), names)


def _own(pattern: str, names: Names) -> Nonconforming:
    suffix = names.suffix()
    return Nonconforming(suffix_variables(pattern, suffix), f"?this{suffix}")


def _bodies(g: Graph, shape: Node, candidates: str, names: Names) -> list[str]:
    _check_supported(g, shape)
    path_node = g.value(shape, SH.path)
    path = sparql_path(g, path_node) if path_node is not None else None
    bodies = []
    for component in REGISTRY.components:
        for value in g.objects(shape, component.parameter):
            if component.needs_path and path is None:
                raise Unsupported(f"{shape}: {component.parameter} needs a property shape")
            if component.nested is not None:  # a component that checks other shapes: it carries the stack
                bodies.append(component.nested(g, shape, value, candidates, path, names))
            else:
                bodies.append(component.compile(g, shape, value, candidates, path))
    for child in g.objects(shape, SH.property):
        if path is None:  # a node shape's property shapes have its focus nodes
            bodies.append(as_variable(nonconforming(g, child, candidates, names), "?this"))
        else:  # a property shape's property shapes have its value nodes as focus nodes (4.7.2)
            value = names.fresh()
            inner = nonconforming(g, child, value_candidates(candidates, path, names), names)
            bodies.append(f"{candidates} ?this {path} {value} . {as_variable(inner, value)}")
    return bodies


def _check_supported(g: Graph, shape: Node) -> None:
    """A nested shape whose constraints are not all compiled here cannot be judged here: SPARQL-based
    constraints and components (their text is written for a focus node and prefixes of their own), and core
    parameters the compiler leaves to pySHACL."""
    if (shape, SH.sparql, None) in g:
        raise Unsupported(f"{shape}: a SPARQL-based constraint in a shape checked by another shape's constraint")
    known = {c.parameter for c in REGISTRY.components} | _DESCRIPTIVE
    for p in set(g.predicates(shape, None)):
        if p in REGISTRY.unsupported:
            raise Unsupported(f"{shape}: uses {str(p).split('#')[-1]}")
        if p not in known and (None, SH.path, p) in g and any(
                True for param in g.subjects(SH.path, p) if (None, SH.parameter, param) in g):
            raise Unsupported(f"{shape}: a SPARQL-based constraint component in a shape checked by another "
                              "shape's constraint")
