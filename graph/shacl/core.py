"""SHACL Core constraint components (SHACL 1.0 section 4), each as a SPARQL pattern over all focus nodes.

Every function returns the body of a query in which `?this` is a focus node (bound by the target pattern
`focus`) and, where the constraint has value nodes, `?value` is the offending value node. The sections
follow the specification: 4.1 value type, 4.2 cardinality, 4.3 value range, 4.4 string based, 4.8 other.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .terms import sparql_term

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


def _values(path: str | None) -> str:
    # value nodes: those reached by the path, or the focus node itself for a node shape
    return f"?this {path} ?value ." if path else "BIND(?this AS ?value)"


# 4.1 Value type constraint components -------------------------------------------------------------------

def class_(focus: str, path: str | None, cls) -> str:
    return (f"{focus} {_values(path)}\n"
            f"FILTER NOT EXISTS {{ ?value {RDF_TYPE}/{SUBCLASS}* {sparql_term(cls)} }}")


def datatype(focus: str, path: str | None, dt) -> str:
    return f"{focus} {_values(path)}\nFILTER(!isLiteral(?value) || datatype(?value) != {sparql_term(dt)})"


_NODE_KIND = {
    SH.IRI: "!isIRI(?value)", SH.BlankNode: "!isBlank(?value)", SH.Literal: "!isLiteral(?value)",
    SH.BlankNodeOrIRI: "isLiteral(?value)", SH.BlankNodeOrLiteral: "isIRI(?value)",
    SH.IRIOrLiteral: "isBlank(?value)",
}


def node_kind(focus: str, path: str | None, kind) -> str:
    return f"{focus} {_values(path)}\nFILTER({_NODE_KIND[kind]})"


# 4.2 Cardinality constraint components ------------------------------------------------------------------

def min_count(focus: str, path: str, n) -> str:
    if int(n) == 1:  # the common case, without counting every value of every focus node
        return f"{focus}\nFILTER NOT EXISTS {{ ?this {path} ?v }}"
    return (f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }}"
            f" GROUP BY ?this }}\nFILTER(?count < {int(n)})")


def max_count(focus: str, path: str, n) -> str:
    return (f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {focus} ?this {path} ?v }}"
            f" GROUP BY ?this }}\nFILTER(?count > {int(n)})")


# 4.3 Value range constraint components ------------------------------------------------------------------

def _range(op: str):
    def compile_(focus: str, path: str | None, bound) -> str:
        # a value that cannot be compared with the bound is a violation too (SHACL 4.3)
        return f"{focus} {_values(path)}\nFILTER(!COALESCE(?value {op} {sparql_term(bound)}, false))"
    return compile_


min_inclusive, max_inclusive = _range(">="), _range("<=")
min_exclusive, max_exclusive = _range(">"), _range("<")


# 4.4 String-based constraint components -----------------------------------------------------------------

def min_length(focus: str, path: str | None, n) -> str:
    return f"{focus} {_values(path)}\nFILTER(isBlank(?value) || !COALESCE(STRLEN(STR(?value)) >= {int(n)}, false))"


def max_length(focus: str, path: str | None, n) -> str:
    return f"{focus} {_values(path)}\nFILTER(isBlank(?value) || !COALESCE(STRLEN(STR(?value)) <= {int(n)}, false))"


def pattern(focus: str, path: str | None, regex, flags=None) -> str:
    flag = f", {sparql_term(flags)}" if flags is not None else ""
    return f"{focus} {_values(path)}\nFILTER(isBlank(?value) || !REGEX(STR(?value), {sparql_term(regex)}{flag}))"


# 4.8 Other constraint components ------------------------------------------------------------------------

def in_(focus: str, path: str | None, members: list) -> str:
    same = " || ".join(f"sameTerm(?value, {sparql_term(m)})" for m in members) or "false"
    return f"{focus} {_values(path)}\nFILTER(!({same}))"


def has_value(focus: str, path: str | None, value) -> str:
    if path:
        return f"{focus}\nFILTER NOT EXISTS {{ ?this {path} {sparql_term(value)} }}"
    return f"{focus}\nFILTER(!sameTerm(?this, {sparql_term(value)}))"


# parameter -> (compiler, whether the result has a value node, needs a path)
CORE = {
    SH["class"]: (class_, True, False),
    SH.datatype: (datatype, True, False),
    SH.nodeKind: (node_kind, True, False),
    SH.minCount: (min_count, False, True),
    SH.maxCount: (max_count, False, True),
    SH.minInclusive: (min_inclusive, True, False),
    SH.maxInclusive: (max_inclusive, True, False),
    SH.minExclusive: (min_exclusive, True, False),
    SH.maxExclusive: (max_exclusive, True, False),
    SH.minLength: (min_length, True, False),
    SH.maxLength: (max_length, True, False),
    SH.pattern: (pattern, True, False),
    SH["in"]: (in_, True, False),
    SH.hasValue: (has_value, False, False),
}

COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
}

# Constraint parameters this compiler does not translate: a shape using one is validated by pySHACL.
UNSUPPORTED = {SH["or"], SH["and"], SH["not"], SH.xone, SH.node, SH.qualifiedValueShape, SH.closed,
               SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.languageIn, SH.uniqueLang}


def compile_core(g: Graph, shape, param: URIRef, focus: str, path: str | None) -> list[tuple[str, bool]]:
    """Queries bodies for one core parameter of a shape (several for sh:class with several values)."""
    fn, has_value_node, needs_path = CORE[param]
    if needs_path and not path:
        raise ValueError(f"{param} needs a property shape")
    out = []
    for value in g.objects(shape, param):
        if param == SH.pattern:
            out.append((pattern(focus, path, value, g.value(shape, SH.flags)), has_value_node))
        elif param == SH["in"]:
            out.append((in_(focus, path, list(Collection(g, value))), has_value_node))
        else:
            out.append((fn(focus, path, value), has_value_node))
    return out
