"""SHACL-SPARQL (SHACL 1.0 section 5 and 6): SPARQL-based constraints and constraint components.

A SPARQL constraint is written for one focus node at a time (`$this` pre-bound). Here it becomes one query
for all focus nodes: `$this` is the variable `?this` joined with the target pattern, and parameters and
`$currentShape` are bound by a VALUES block at the start of every WHERE clause, subqueries included. That
is what pre-binding means in the specification (a subquery that uses a pre-bound variable projects it) and
what pySHACL does through rdflib's initial bindings, so both give the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.terms import sparql_term

WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS = re.compile(r"[$?]this\b")
_PATH = re.compile(r"\$PATH\b")
_CURRENT_SHAPE = re.compile(r"[$?]currentShape\b")


class Unsupported(ValueError):
    """A shape or constraint this compiler does not translate; pySHACL validates it instead."""


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


def inject_values(query: str, bindings: dict[str, Node]) -> str:
    """Bind variables at the start of every WHERE clause of `query`."""
    if not bindings:
        return query
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(sparql_term(v) for v in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    return WHERE.sub(lambda m: m.group(0) + block, query)


def binds_this(query: SparqlQuery) -> bool:
    """Whether the SELECT binds ?this with a pattern of its own. One that names $this only inside FILTER
    (NOT) EXISTS, MINUS or OPTIONAL relies on pre-binding: run for all focus nodes at once, it needs the
    targets as its first pattern, or it would see ?this unbound there and report nothing."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    this = Variable("this")

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                return any(this in triple for triple in node.triples)
            skip = {"expr"} | ({"p2"} if node.name in ("LeftJoin", "Minus") else set())
            return any(walk(v) for k, v in node.items() if k not in skip)
        if isinstance(node, list | tuple):
            return any(walk(v) for v in node)
        return False

    try:
        algebra = prepareQuery(query.prefixes + query.body.strip()[1:-1]).algebra
    except Exception:  # rdflib's parser raises several types; the store reports real syntax errors
        return True
    return walk(algebra)


def _prepare(text: str, path: str | None, bindings: dict[str, Node]) -> str:
    if re.search(r"^\s*PREFIX\b", text, re.IGNORECASE | re.MULTILINE):
        raise Unsupported("PREFIX declarations inside sh:select (use sh:prefixes)")
    if _PATH.search(text):
        if not path:
            raise Unsupported("$PATH in a constraint of a shape without a path")
        text = _PATH.sub(path, text)
    return inject_values(_THIS.sub("?this", text), bindings)


@dataclass
class SparqlQuery:
    body: str  # a group pattern that binds ?this where the constraint has results; `focus` marks the targets
    prefixes: str
    messages: list[Literal]
    has_value: bool  # whether rows carry ?value (else the focus node is the value for node shapes)
    select: bool = True  # a SELECT (joinable as a subquery) rather than an ASK validator


def constraint_queries(g: Graph, shape: Node, focus: str, path: str | None) -> list[tuple[Node, SparqlQuery]]:
    """The sh:sparql constraints of a shape (section 5)."""
    out = []
    for c in g.objects(shape, SH.sparql):
        if g.value(c, SH.deactivated) == Literal(True):
            continue
        select = g.value(c, SH.select)
        if select is None:
            raise Unsupported("sh:sparql without sh:select")
        bind = {"currentShape": shape} if isinstance(shape, URIRef) and _CURRENT_SHAPE.search(str(select)) else {}
        body = _prepare(str(select), path, bind)
        out.append((c, SparqlQuery(f"{{\n{body}\n}}", prefixes(g, c), list(g.objects(c, SH.message)), True)))
    return out


def components(g: Graph) -> dict[Node, dict]:
    """Every sh:ConstraintComponent in the shapes graph with its parameters and validators (section 6)."""
    found = {}
    for comp in set(g.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SH.ConstraintComponent)):
        params = []
        for p in g.objects(comp, SH.parameter):
            ppath = g.value(p, SH.path)
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
        if isinstance(shape, URIRef) and _CURRENT_SHAPE.search(str(g.value(validator, SH.select) or
                                                                     g.value(validator, SH.ask) or "")):
            bindings["currentShape"] = shape
        messages = list(g.objects(validator, SH.message)) or list(g.objects(comp, SH.message))
        select, ask = g.value(validator, SH.select), g.value(validator, SH.ask)
        if select is not None:
            body = _prepare(str(select), path, bindings)
            out.append((comp, SparqlQuery(f"{{\n{body}\n}}", prefixes(g, validator), messages, True)))
        elif ask is not None:
            out.append((comp, SparqlQuery(_ask_body(str(ask), focus, path, bindings), prefixes(g, validator),
                                          messages, True, select=False)))
        else:
            raise Unsupported(f"validator of {comp} has neither sh:select nor sh:ask")
    return out


def _ask_body(text: str, focus: str, path: str | None, bindings: dict[str, Node]) -> str:
    """An ASK validator holds for each value node where the ASK is true; the rows are the value nodes for
    which it is false."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise Unsupported("malformed sh:ask")
    inner = _THIS.sub("?this", text[start + 1:end])
    inner = re.sub(r"[$?]value\b", "?value", inner)
    if _PATH.search(inner):
        inner = _PATH.sub(path or "", inner)
    values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    block = ""
    if bindings:
        names = " ".join(f"?{k}" for k in bindings)
        block = f"VALUES ({names}) {{ ({' '.join(sparql_term(v) for v in bindings.values())}) }}\n"
    return f"{focus}\n{block}{values}\nFILTER NOT EXISTS {{ {inner} }}"
