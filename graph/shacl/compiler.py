"""Shapes to queries: one query per constraint of a shape, covering every focus node at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

import complygraph.graph.shacl.core as core
import complygraph.graph.shacl.sparql as sparql
from complygraph.graph.shacl.paths import UnsupportedPath, sparql_path
from complygraph.graph.shacl.terms import sparql_term


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
    # The query with the focus nodes enumerated first; `query` filters the constraint's rows by target
    # instead, which is much faster but only right when the rows bind ?this (checked at run time).
    generator_query: str | None = None


@dataclass
class Compiled:
    constraints: list[CompiledConstraint]
    fallback: dict[Node, str]  # shape -> why it could not be compiled


def focus_pattern(g: Graph, shape: Node) -> str | None:
    """All focus nodes of a shape's targets (SHACL 2.1.3), as a DISTINCT subquery binding ?this."""
    parts = _target_parts(g, shape)
    if not parts:
        return None
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def focus_filter(g: Graph, shape: Node) -> str:
    """The same targets as a test on a bound ?this."""
    union = " UNION ".join(f"{{ {p} }}" for p in _target_parts(g, shape))
    return f"FILTER EXISTS {{ {union} }}"


def _target_parts(g: Graph, shape: Node) -> list[str]:
    parts = []
    classes = list(g.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
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
    return parts


def _shapes_with_targets(g: Graph) -> list[Node]:
    preds = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for p in preds for s in g.subjects(p, None)}
    found |= {s for s in g.subjects(RDF.type, SH.NodeShape)
              if (s, RDF.type, RDFS.Class) in g or (s, RDF.type, OWL.Class) in g}
    return sorted(found, key=str)


def compile_shapes(g: Graph) -> Compiled:
    comps = sparql.components(g)
    constraints: list[CompiledConstraint] = []
    fallback: dict[Node, str] = {}
    for shape in _shapes_with_targets(g):
        if g.value(shape, SH.deactivated) == Literal(True):
            continue
        focus = (focus_pattern(g, shape), focus_filter(g, shape))
        todo = [(shape, None)] + [(ps, None) for ps in g.objects(shape, SH.property)]
        for s, _ in todo:
            if g.value(s, SH.deactivated) == Literal(True):
                continue
            try:
                constraints += _compile_one(g, s, focus, comps)
            except (sparql.Unsupported, UnsupportedPath, ValueError) as exc:
                fallback[shape] = f"{s}: {exc}"
    # a shape that falls back is validated entirely by pySHACL, never half here and half there
    constraints = [c for c in constraints if c.shape not in fallback and root_shape(g, c.shape) not in fallback]
    return Compiled(constraints, fallback)


def root_shape(g: Graph, shape: Node) -> Node:
    """The node shape a property shape belongs to (the shape itself otherwise)."""
    parent = g.value(predicate=SH.property, object=shape)
    return parent if parent is not None else shape


def _compile_one(g: Graph, shape: Node, focus: tuple[str, str], comps) -> list[CompiledConstraint]:
    generator, _ = focus
    unsupported = [p for p in core.UNSUPPORTED if (shape, p, None) in g]
    if unsupported:
        raise sparql.Unsupported(f"uses {', '.join(sorted(str(p).split('#')[-1] for p in unsupported))}")
    path_node = g.value(shape, SH.path)
    path = sparql_path(g, path_node) if path_node is not None else None
    severity = g.value(shape, SH.severity) or SH.Violation
    shape_messages = list(g.objects(shape, SH.message))
    out = []
    for component in core.COMPONENTS:
        if (shape, component.parameter, None) not in g:
            continue
        # Core constraints enumerate the focus nodes first: their predicates (cg:massMg) are shared by many
        # classes, so testing the target per value would cost more than the enumeration.
        for body in core.compile_core(g, shape, component, generator, path):
            out.append(CompiledConstraint(shape, component.component, severity, path_node,
                                          f"SELECT * WHERE {{\n{body}\n}}", component.has_value, path is None,
                                          shape_messages))
    for constraint, q in sparql.constraint_queries(g, shape, generator, path):
        out.append(_sparql_constraint(shape, SH.SPARQLConstraintComponent, severity, path_node, q, focus,
                                      shape_messages or q.messages, constraint=constraint))
    for comp, q in sparql.component_queries(g, shape, generator, path, comps):
        params = {name: g.value(shape, p) for p, _, name in comps[comp]["params"] if g.value(shape, p) is not None}
        out.append(_sparql_constraint(shape, comp, severity, path_node, q, focus, shape_messages or q.messages,
                                      params=params))
    return out


def _sparql_constraint(shape, component, severity, path_node, q: sparql.SparqlQuery, focus: tuple[str, str],
                       messages, constraint=None, params=None) -> CompiledConstraint:
    generator, test = focus
    if q.select and not sparql.binds_this(q):
        # $this only inside FILTER NOT EXISTS and the like: the targets bind it, as pre-binding would
        body = sparql.WHERE.sub(lambda m: m.group(0) + f"\n{generator}\n", q.body, count=1)
        fast = full = f"{q.prefixes}SELECT * WHERE {{\n{body}\n}}"
    elif q.select:
        fast = f"{q.prefixes}SELECT * WHERE {{\n{q.body}\n{test}\n}}"
        full = f"{q.prefixes}SELECT * WHERE {{\n{generator}\n{q.body}\n}}"
    else:  # an ASK validator's body already enumerates the focus nodes
        fast = full = f"{q.prefixes}SELECT * WHERE {{\n{q.body}\n}}"
    return CompiledConstraint(shape, component, severity, path_node, fast, q.has_value, path_node is None,
                              messages, constraint, sparql_based=True, params=params or {},
                              generator_query=full if full != fast else None)
