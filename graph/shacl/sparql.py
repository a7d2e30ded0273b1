"""SHACL-SPARQL (SHACL 1.0 section 5 and 6): SPARQL-based constraints and constraint components.

A SPARQL constraint is written for one focus node at a time (`$this` pre-bound). Here it becomes one query
for all focus nodes. Parameters and `$currentShape` are bound by a single-row VALUES at the start of every
group that names them, which is what pre-binding means (SHACL 1.0 appendix A, `sparql_text.inject`). For
`$this` there are two forms: when the query binds `$this` itself and uses it only where it is bound
(`sparql_rules.joins_this`), its solutions are joined with the targets, the fast form the shipped packs use;
otherwise the focus nodes are enumerated at the start of every group that names `$this`. Queries that break
the restrictions of appendix A raise `ShapesError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import BNode, Node

import complygraph.graph.shacl.sparql_rules as rules
import complygraph.graph.shacl.sparql_text as text_
from complygraph.graph.shacl.errors import ShapesError, Unsupported
from complygraph.graph.shacl.terms import sparql_term

__all__ = ["SparqlQuery", "Unsupported", "component_queries", "components", "constraint_queries", "prefixes"]


def prefixes(g: Graph, node: Node) -> str:
    """PREFIX lines from the sh:prefixes of a constraint or validator (sh:declare, following owl:imports)."""
    lines, seen = [], set()
    todo = list(g.objects(node, SH.prefixes))
    while todo:
        onto = todo.pop()
        if onto in seen:
            continue
        seen.add(onto)
        for decl in g.objects(onto, SH.declare):
            lines.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
        todo += list(g.objects(onto, URIRef("http://www.w3.org/2002/07/owl#imports")))
    return "\n".join(dict.fromkeys(lines)) + "\n"


@dataclass
class SparqlQuery:
    body: str  # a group pattern whose solutions are the violations, with ?this bound to their focus node
    prefixes: str
    messages: list[Literal]
    has_value: bool  # whether rows carry ?value (else the focus node is the value for node shapes)
    joins: bool = False  # the body binds ?this itself: it may be joined with a test of the targets instead


def _values(bindings: dict[str, Node]) -> dict[str, str]:
    return {name: sparql_term(v) for name, v in bindings.items()}


def _bindings(shape: Node, query: str, where: str) -> dict[str, Node]:
    """`$currentShape` where the query uses it; `$shapesGraph` is not supported and must fail (5.3.1)."""
    names = text_.variables(query)
    if "shapesGraph" in names:
        raise ShapesError(f"{where}: uses $shapesGraph, which this validator does not support (SHACL 1.0 "
                          "5.3.1: a processor without it must report a failure)")
    if "currentShape" not in names:
        return {}
    if isinstance(shape, BNode):
        raise Unsupported("$currentShape of a blank-node shape")
    return {"currentShape": shape}


def _select(query: str, prefix_text: str, path: str | None, bindings: dict[str, Node], focus: str,
            prebound: set[str], where: str) -> tuple[str, bool]:
    """The body of a SELECT constraint or validator for all focus nodes, and whether it may be joined."""
    if re.search(r"^\s*PREFIX\b", query, re.IGNORECASE | re.MULTILINE):
        raise Unsupported("PREFIX declarations inside sh:select (use sh:prefixes)")
    query = text_.normalize(query, path)
    analysis = rules.analyse(prefix_text, query)
    rules.check(analysis, prebound, where)
    joins = analysis.joins
    if joins:
        query = text_.unproject_this(query)
    query = text_.project_this(query)
    blocks = {} if joins else {"this": f"\n{focus}\n"}
    return f"{{\n{text_.inject(query, _values(bindings), blocks)}\n}}", joins


def constraint_queries(g: Graph, shape: Node, focus: str, path: str | None) -> list[tuple[Node, SparqlQuery]]:
    """The sh:sparql constraints of a shape (section 5)."""
    out = []
    for c in g.objects(shape, SH.sparql):
        if g.value(c, SH.deactivated) == Literal(True):
            continue
        select = g.value(c, SH.select)
        if select is None:
            raise Unsupported("sh:sparql without sh:select")
        where = f"shape {shape}, sh:sparql {c}"
        bindings = _bindings(shape, str(select), where)
        prefix_text = prefixes(g, c)
        body, joins = _select(str(select), prefix_text, path, bindings, focus,
                              {"this", *rules.OPTIONAL_PREBOUND}, where)
        out.append((c, SparqlQuery(body, prefix_text, list(g.objects(c, SH.message)), True, joins)))
    return out


def components(g: Graph) -> dict[Node, dict]:
    """Every constraint component in the shapes graph (a SHACL instance of sh:ConstraintComponent: its type
    may be a subclass) with its parameters and validators (section 6)."""
    classes = set(g.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    found = {}
    for comp in {c for cls in classes for c in g.subjects(RDF.type, cls)}:
        params = []
        for p in g.objects(comp, SH.parameter):
            ppath = g.value(p, SH.path)
            if not isinstance(ppath, URIRef):
                raise ShapesError(f"component {comp}: a parameter without an IRI as sh:path (SHACL 6.2.1)")
            optional = g.value(p, SH.optional) == Literal(True)
            params.append((ppath, optional, _local_name(ppath)))  # SHACL 6.2.2: the path's local name
        found[comp] = {"params": params, "node": g.value(comp, SH.nodeValidator) or g.value(comp, SH.validator),
                       "property": g.value(comp, SH.propertyValidator) or g.value(comp, SH.validator)}
    return found


def _local_name(iri: URIRef) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def component_queries(g: Graph, shape: Node, focus: str, path: str | None,
                      comps: dict[Node, dict]) -> list[tuple[Node, SparqlQuery]]:
    """Instances of SPARQL-based constraint components that the shape's parameters activate."""
    out = []
    for comp, info in comps.items():
        required = [p for p in info["params"] if not p[1]]
        if not required or not all((shape, p[0], None) in g for p in required):
            continue
        validator = info["property"] if path else info["node"]
        if validator is None:
            raise Unsupported(f"component {comp} has no validator for this kind of shape")
        bindings = {name: g.value(shape, ppath) for ppath, _, name in info["params"]
                    if g.value(shape, ppath) is not None}
        if sum(1 for p in info["params"] for _ in g.objects(shape, p[0])) > len(bindings):
            raise Unsupported(f"a parameter of {comp} has several values on {shape}")
        messages = list(g.objects(validator, SH.message)) or list(g.objects(comp, SH.message))
        select, ask = g.value(validator, SH.select), g.value(validator, SH.ask)
        where = f"shape {shape}, component {comp}"
        prebound = {"this", *rules.OPTIONAL_PREBOUND, *(name for _, _, name in info["params"])}
        prefix_text = prefixes(g, validator)
        if select is not None:
            bindings |= _bindings(shape, str(select), where)
            body, joins = _select(str(select), prefix_text, path, bindings, focus, prebound, where)
            out.append((comp, SparqlQuery(body, prefix_text, messages, True, joins)))
        elif ask is not None:
            bindings |= _bindings(shape, str(ask), where)
            body = _ask_body(str(ask), prefix_text, focus, path, bindings, prebound | {"value"}, where)
            out.append((comp, SparqlQuery(body, prefix_text, messages, True)))
        else:
            raise Unsupported(f"validator of {comp} has neither sh:select nor sh:ask")
    return out


def _ask_body(query: str, prefix_text: str, focus: str, path: str | None, bindings: dict[str, Node],
              prebound: set[str], where: str) -> str:
    """An ASK validator holds for each value node where the ASK is true; the rows are the value nodes for
    which it is false. Its pattern goes into FILTER NOT EXISTS, which sees ?this, ?value and the parameters
    of the row everywhere inside."""
    query = text_.normalize(query, path)
    rules.check(rules.analyse(prefix_text, query), prebound, where)
    start, end = query.find("{"), query.rfind("}")
    if start < 0 or end < start:
        raise Unsupported("malformed sh:ask")
    values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    block = ""
    if bindings:
        block = (f"VALUES ({' '.join('?' + n for n in bindings)}) "
                 f"{{ ({' '.join(_values(bindings).values())}) }}\n")
    return f"{{\n{focus}\n{block}{values}\nFILTER NOT EXISTS {{ {query[start + 1:end]} }}\n}}"
