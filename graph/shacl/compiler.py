"""Shapes to queries: one query per constraint of a shape, covering every focus node at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

import complygraph.graph.shacl.core as core
import complygraph.graph.shacl.sparql as sparql
from complygraph.graph.shacl.core.fused import Member, fusable, fused_query, worth_fusing
from complygraph.graph.shacl.errors import ShapesError, Unsupported
from complygraph.graph.shacl.paths import sparql_path
from complygraph.graph.shacl.targets import Focus, shapes_with_targets, target_parts


@dataclass
class CompiledConstraint:
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    query: str
    has_value: bool
    node_shape: bool
    messages: list[Literal] = field(default_factory=list)
    constraint: Node | None = None  # the sh:sparql node of a SPARQL-based constraint
    sparql_based: bool = False
    params: dict = field(default_factory=dict)  # component parameter values, for messages
    root: Node | None = None  # the shape with targets this constraint was reached from
    # For focus nodes reached through property shapes of property shapes: a query giving how many times each
    # focus node is validated (?this ?n); each of its results is reported that many times.
    multiplicity: str | None = None
    # A query shared by several core constraints of one property shape (core/fused.py): this constraint's rows
    # are those whose ?k is this index.
    key: int | None = None
    distinct_by: tuple[str, ...] = ()  # row variables that keep results apart (core/component.py)


@dataclass
class Compiled:
    constraints: list[CompiledConstraint]
    fallback: dict[Node, str]  # shape with targets -> why it could not be compiled (pySHACL validates it)


def compile_shapes(g: Graph, shape_based: bool = True) -> Compiled:
    """Every shape with targets, with the shapes it reaches through sh:property. A shape that cannot be
    compiled entirely is validated entirely by pySHACL, never half here and half there. A shapes graph that
    breaks a rule whose breach SHACL requires to fail raises ShapesError. Without `shape_based` (an engine that
    answers their queries wrongly: graph/dialects.py), shapes checking value nodes against other shapes go to
    pySHACL too."""
    unsupported = core.UNSUPPORTED if shape_based else core.UNSUPPORTED | core.SHAPE_PARAMETERS
    comps = sparql.components(g)
    constraints: list[CompiledConstraint] = []
    fallback: dict[Node, str] = {}
    for shape in shapes_with_targets(g):
        if g.value(shape, SH.deactivated) == Literal(True):
            continue
        try:
            constraints += _compile_tree(g, shape, Focus(target_parts(g, shape)), comps, (shape,), unsupported)
        except ShapesError:
            raise
        except ValueError as exc:  # Unsupported, UnsupportedPath, a term that cannot be written in SPARQL
            fallback[shape] = str(exc)
    return Compiled(constraints, fallback)


def root_shape(g: Graph, shape: Node) -> Node:
    """The shape a property shape belongs to, through any number of sh:property (the shape itself otherwise)."""
    seen = {shape}
    while (parent := g.value(predicate=SH.property, object=shape)) is not None and parent not in seen:
        seen.add(parent)
        shape = parent
    return shape


def _compile_tree(g: Graph, shape: Node, focus: Focus, comps, seen: tuple,
                  unsupported: frozenset) -> list[CompiledConstraint]:
    """The constraints of `shape` for the focus nodes `focus`, then those of its property shapes, whose focus
    nodes are its value nodes (SHACL 4.7.2: the focus nodes themselves for a node shape)."""
    try:
        if (shape, SH.target, None) in g:
            raise Unsupported("uses sh:target (SHACL-AF custom targets)")
        out = _compile_one(g, shape, focus, comps, unsupported)
        path_node = g.value(shape, SH.path)
        inner = focus.below(sparql_path(g, path_node)) if path_node is not None else focus
    except ShapesError:
        raise
    except ValueError as exc:
        raise Unsupported(f"{shape}: {exc}") from exc
    for child in g.objects(shape, SH.property):
        if g.value(child, SH.deactivated) == Literal(True):
            continue
        if child in seen:
            raise Unsupported(f"{child}: recursive shapes (reached again through sh:property)")
        out += _compile_tree(g, child, inner, comps, seen + (child,), unsupported)
    for c in out:
        c.root = seen[0]
    return out


def _compile_one(g: Graph, shape: Node, focus: Focus, comps, unsupported: frozenset) -> list[CompiledConstraint]:
    used = [p for p in unsupported if (shape, p, None) in g]
    if used:
        raise Unsupported(f"uses {', '.join(sorted(str(p).split('#')[-1] for p in used))}")
    path_node = g.value(shape, SH.path)
    path = sparql_path(g, path_node) if path_node is not None else None
    severity = g.value(shape, SH.severity) or SH.Violation
    shape_messages = list(g.objects(shape, SH.message))
    generator, multiplicity = focus.generator(), focus.multiplicity()
    out = []
    present = [c for c in core.COMPONENTS if (shape, c.parameter, None) in g]
    members = [Member(c, v) for c in present if fusable(c) for v in g.objects(shape, c.parameter)]
    if path is not None and worth_fusing(members):  # one query for them all, each constraint taking its rows
        query = f"SELECT ?this ?value ?k WHERE {{\n{fused_query(g, shape, members, generator, path)}\n}}"
        for k, m in enumerate(members):
            out.append(CompiledConstraint(shape, m.component.component, severity, path_node, query,
                                          m.component.has_value, False, shape_messages, multiplicity=multiplicity,
                                          key=k))
        present = [c for c in present if not fusable(c)]
    for component in present:
        # Core constraints enumerate the focus nodes first: their predicates (cg:massMg) are shared by many
        # classes, so testing the target per value would cost more than the enumeration.
        for body in core.compile_core(g, shape, component, generator, path):
            out.append(CompiledConstraint(shape, component.component, severity, path_node,
                                          f"SELECT * WHERE {{\n{body}\n}}", component.has_value, path is None,
                                          shape_messages, multiplicity=multiplicity,
                                          distinct_by=component.distinct_by))
    for constraint, q in sparql.constraint_queries(g, shape, generator, path):
        out.append(_sparql_constraint(shape, SH.SPARQLConstraintComponent, severity, path_node, q, focus,
                                      shape_messages or q.messages, constraint=constraint))
    for comp, q in sparql.component_queries(g, shape, generator, path, comps):
        params = {name: g.value(shape, p) for p, _, name in comps[comp]["params"] if g.value(shape, p) is not None}
        out.append(_sparql_constraint(shape, comp, severity, path_node, q, focus, shape_messages or q.messages,
                                      params=params))
    return out


def _sparql_constraint(shape, component, severity, path_node, q: sparql.SparqlQuery, focus: Focus,
                       messages, constraint=None, params=None) -> CompiledConstraint:
    test = focus.test()
    if q.joins and test:  # the query binds ?this itself: keep its rows whose ?this is a focus node
        where = f"{q.body}\n{test}"
    elif q.joins:
        where = f"{focus.generator()}\n{q.body}"
    else:  # the focus nodes are already enumerated inside the body (pre-binding, or an ASK validator)
        where = q.body
    return CompiledConstraint(shape, component, severity, path_node, f"{q.prefixes}SELECT * WHERE {{\n{where}\n}}",
                              q.has_value, path_node is None, messages, constraint, sparql_based=True,
                              params=params or {}, multiplicity=focus.multiplicity())
