"""Random shapes nesting the components that check value nodes against other shapes (SHACL 4.6 sh:not, sh:and,
sh:or, sh:xone; 4.7 sh:node, sh:property, sh:qualifiedValueShape), to depth 3, over random small data graphs:
every shape compiled (no pySHACL fallback), and the compiled results those of pySHACL, the reference.

Compared as in tests/test_shacl_logical.py: a multiset of (focus, shape, component, path, value, severity), blank
nodes made equal. The generator keeps out the known and accepted differences with pySHACL (tests/test_shacl_logical.py,
graph/shacl/FEATURES.md): languageIn ranges of one subtag only, sh:lessThan only between literal-valued properties,
no `rdf:type rdfs:Resource`, no empty lists, literals in the store's canonical form; and the cases where pySHACL
is wrong (EXCLUDED below).

`make test` runs a fixed set of examples (derandomized, no example database: the same every run). More, and new
ones each run: COMPLYGRAPH_HYPOTHESIS_EXAMPLES=5000 .venv/bin/pytest tests/test_shacl_random_shapes.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pyshacl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import RDF, SH

from complygraph.graph.shacl.compiler import compile_shapes
from complygraph.graph.shacl.report import ValidationResult

from .test_shacl_logical import _compiled, _keys

PREFIXES = """@prefix ex: <http://example.org/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

EXAMPLES = os.environ.get("COMPLYGRAPH_HYPOTHESIS_EXAMPLES")
SETTINGS = settings(max_examples=int(EXAMPLES) if EXAMPLES else 150, deadline=None, derandomize=not EXAMPLES,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------------------------------------- data graphs

NODES = ("ex:n0", "ex:n1", "ex:n2", "ex:n3")
BLANKS = ("_:b0", "_:b1")
CLASSES = ("ex:A", "ex:B", "ex:C")
LINKS = ("ex:p", "ex:q")  # any values: IRIs, blank nodes, literals
LITERAL_PROPERTIES = ("ex:v", "ex:w")  # literals only, untagged: what sh:lessThan compares here (EXCLUDED)
# canonical forms only (the store writes "4.0"^^xsd:decimal as "4"); tags in lower case, as the store keeps them
UNTAGGED = ("0", "1", "2", "1.5", "2.5", '"a"', '"b"', '"1"')
LITERALS = UNTAGGED + ('"a"@en', '"b"@en', '"a"@de', '"a"@en-gb')

literals = st.sampled_from(LITERALS)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True one time in n (st.integers favours its bounds: 0 would come far more often)."""
    return st.sampled_from((False,) * (n - 1) + (True,))


subjects = st.sampled_from(NODES + BLANKS)
link_triples = st.tuples(subjects, st.sampled_from(LINKS), st.sampled_from(NODES + BLANKS) | literals)
# EXCLUDED, pySHACL wrong: sh:lessThan between tagged literals. SHACL 4.5.3 compares with SPARQL's < operator, which
# SPARQL 1.1 section 17.3 does not define on rdf:langString: "a"@en and "b" cannot be compared, a violation, as the
# compiled query says; pySHACL compares the two strings without their tags and reports nothing.
literal_triples = st.tuples(subjects, st.sampled_from(LITERAL_PROPERTIES), st.sampled_from(UNTAGGED))


@st.composite
def data_graphs(draw) -> str:
    # EXCLUDED, pySHACL wrong: a target node in no triple. SHACL 1.0 section 1.4 defines the values of a path as the
    # solutions of SELECT ?s ?o WHERE { ?s p' ?o } on the data graph, in which a zero-length path binds only the
    # graph's own nodes (SPARQL 1.1 section 18.4, ZeroLengthPath): a target node in no triple has no value node for
    # sh:zeroOrMorePath, as the compiled query (and Oxigraph) says; pySHACL counts it as its own value node (the
    # W3C tests give such focus nodes a triple `rdf:type rdfs:Resource` of their own, path-zeroOrOne-001).
    lines = ["ex:n3 ex:r ex:n0, ex:n1, ex:n2, 1 ."]
    for node in NODES + BLANKS:
        classes = draw(st.lists(st.sampled_from(CLASSES), max_size=2, unique=True))
        if classes:
            lines.append(f"{node} a {', '.join(classes)} .")
    lines += [f"{s} {p} {o} ." for s, p, o in draw(st.lists(link_triples | literal_triples, min_size=4, max_size=24))]
    if draw(one_in(4)):
        lines.append("ex:B rdfs:subClassOf ex:A .")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ shapes graphs

# (path, whether its values are literals only)
PATHS = st.sampled_from((
    ("ex:p", False), ("ex:q", False), ("ex:v", True), ("ex:w", True), ("[ sh:inversePath ex:p ]", False),
    ("( ex:p ex:q )", False), ("( ex:p ex:v )", True), ("[ sh:zeroOrMorePath ex:p ]", False),
    ("[ sh:alternativePath ( ex:q [ sh:inversePath ex:p ] ) ]", False), ("[ sh:oneOrMorePath ex:q ]", False),
    ("( [ sh:zeroOrOnePath ex:p ] ex:w )", True),
))
SEVERITIES = st.sampled_from(("", "", "", "sh:Warning", "sh:Info", "sh:Violation"))
values = st.sampled_from(NODES) | literals  # never a blank node: it cannot be named in a shapes graph's query


def _list(items) -> str:
    return "( " + " ".join(items) + " )"


def leaves(property_shape: bool, literal_path: bool, most: int) -> st.SearchStrategy[dict[str, str]]:
    """Leaf constraints, each parameter at most once (SHACL 4: sh:minCount, sh:datatype ... have one value); those
    that split the nodes of the data graph more evenly drawn more often, so that nested shapes are not all failed by
    every node (sh:hasValue, sh:in, sh:equals and sh:closed fail most)."""
    options = {
        "sh:datatype": st.sampled_from(("xsd:integer", "xsd:string", "rdf:langString", "xsd:decimal")),
        "sh:nodeKind": st.sampled_from(("sh:IRI", "sh:BlankNode", "sh:Literal", "sh:BlankNodeOrIRI",
                                        "sh:IRIOrLiteral", "sh:BlankNodeOrLiteral")),
        "sh:class": st.sampled_from(CLASSES),
        "sh:in": st.lists(values, min_size=1, max_size=3).map(_list),
        "sh:hasValue": values,
        "sh:minInclusive": st.sampled_from(("1", "1.5", "2")),
        "sh:pattern": st.sampled_from(('"^a"', '"1"', '"n[01]$"')),
        "sh:equals": st.sampled_from(LINKS + LITERAL_PROPERTIES),
        "sh:disjoint": st.sampled_from(LINKS + LITERAL_PROPERTIES),
        # one subtag per range: pySHACL compares only the first subtag of a tag (a known, accepted difference)
        "sh:languageIn": st.lists(st.sampled_from(('"en"', '"de"')), min_size=1, max_size=2, unique=True).map(_list),
    }
    if property_shape:
        options |= {"sh:minCount": st.sampled_from("012"), "sh:maxCount": st.sampled_from("01"),
                    "sh:uniqueLang": st.just("true")}
    if literal_path:  # sh:lessThan on IRIs: pySHACL compares them as text (a known, accepted difference)
        options |= {"sh:lessThan": st.sampled_from(LITERAL_PROPERTIES),
                    "sh:lessThanOrEquals": st.sampled_from(LITERAL_PROPERTIES)}
    options["sh:closed"] = st.just("true ; sh:ignoredProperties ( rdf:type )") | st.just("true")
    often = [name for name in ("sh:class", "sh:nodeKind", "sh:datatype", "sh:minCount", "sh:minInclusive",
                               "sh:languageIn") if name in options]
    names = st.lists(st.sampled_from(sorted(options) + often), max_size=most, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({name: options[name] for name in chosen}))


@dataclass
class Shapes:
    """The named shapes drawn so far: a shape listed twice in sh:and/or/xone, or reached from two places, is named.
    Never a recursion: a shape is named once its body is drawn."""
    definitions: list[str] = field(default_factory=list)
    named: list[tuple[str, bool]] = field(default_factory=list)  # (name, whether a property shape)

    def names(self, property_shape: bool | None) -> list[str]:
        return [name for name, kind in self.named if property_shape in (None, kind)]

    def name(self, body: str, property_shape: bool) -> str:
        name = f"ex:N{len(self.definitions)}"
        self.definitions.append(f"{name} {body} .")
        self.reusable(name, body, property_shape)
        return name

    def reusable(self, name: str, body: str, property_shape: bool) -> None:
        """Offered for reuse, unless it holds sh:qualifiedValueShapesDisjoint: whether a node conforms to such a
        shape depends on the qualified value shapes of its siblings (4.7.3), and reached again from one of them, as
        a property shape of the same parent, it would be recursive (through siblings, not a chain of references
        of 3.4.3, but a loop all the same, which the compiler leaves to pySHACL)."""
        if "sh:qualifiedValueShapesDisjoint" not in body:
            self.named.append((name, property_shape))


NESTED_LEAVES = 2  # at most, on a nested shape: with more, nearly every node fails it (mutants lived longer)
NESTED = ("sh:node", "sh:not", "sh:and", "sh:or", "sh:xone", "sh:property", "qualified", "qualified siblings")


@st.composite
def shapes(draw, ctx: Shapes, depth: int, property_shape: bool | None = None, named: bool = False,
           nesting: int = 0) -> str:
    """A shape as a Turtle term (a blank node written inline, or the name of a shape defined in `ctx`), nesting
    shapes `depth` levels further at most, with at least `nesting` constraints that check other shapes."""
    if named and draw(one_in(3)) and (reused := ctx.names(property_shape)):
        return draw(st.sampled_from(reused))  # a shape reached from two places
    if property_shape is None:
        property_shape = draw(st.booleans())
    parts = [f"a {'sh:PropertyShape' if property_shape else 'sh:NodeShape'}"] if named or draw(st.booleans()) else []
    literal_path = False
    if property_shape:
        path_text, literal_path = draw(PATHS)
        parts.append(f"sh:path {path_text}")
    most = 3 if nesting else NESTED_LEAVES
    parts += [f"{p} {v}" for p, v in draw(leaves(property_shape, literal_path, most)).items()]
    if depth > 0:
        kinds = (NESTED if property_shape else NESTED[:6]) + ("sh:property",)  # sh:property more often
        chosen = draw(st.lists(st.sampled_from(kinds), min_size=nesting, max_size=2))  # sh:node twice: two constraints
        if chosen.count("qualified") > 1:  # one sh:qualifiedValueShape per shape
            chosen.remove("qualified")
        for kind in chosen:
            parts.append(draw(nested(ctx, depth - 1, kind)))
    if draw(one_in(20)):
        parts.append("sh:deactivated true")
    severity = draw(SEVERITIES)
    if severity:
        parts.append(f"sh:severity {severity}")
    body = " ; ".join(parts)
    if named:
        return ctx.name(body, property_shape)
    return f"[ {body} ]"


@st.composite
def nested(draw, ctx: Shapes, depth: int, kind: str) -> str:
    """One constraint checking value nodes against other shapes (SHACL 4.6, 4.7) on a shape."""
    if kind == "sh:node":  # 4.7.1: a node shape
        return f"sh:node {draw(shapes(ctx, depth, property_shape=False, named=draw(st.booleans())))}"
    if kind == "sh:not":
        return f"sh:not {draw(shapes(ctx, depth, named=draw(st.booleans())))}"
    if kind in ("sh:and", "sh:or", "sh:xone"):
        members = [draw(shapes(ctx, depth, named=draw(st.booleans()))) for _ in range(draw(st.integers(1, 3)))]
        if draw(one_in(4)):  # one shape listed twice (4.6.4: it counts twice in sh:xone)
            twice = draw(shapes(ctx, depth, named=True))
            for _ in range(2):
                members.insert(draw(st.integers(0, len(members))), twice)
        return f"{kind} {_list(members)}"
    if kind == "sh:property":
        # named: a property shape of two shapes (whose qualified value shapes are all siblings, 4.7.3)
        return f"sh:property {draw(shapes(ctx, depth, property_shape=True, named=draw(one_in(4))))}"
    if kind == "qualified":
        return _qualified(draw, ctx, depth, disjoint=draw(one_in(4)))
    # property shapes of one parent on one path, each with a qualified value shape, the first disjoint from the
    # others (4.7.3: the siblings of a disjoint one are the qualified value shapes of all, disjoint or not)
    path = draw(PATHS)
    siblings = [f"[ sh:path {path[0]} ; {_qualified(draw, ctx, depth, disjoint=i == 0 or draw(st.booleans()))} ]"
                for i in range(draw(st.integers(2, 3)))]
    return "sh:property " + " , ".join(siblings)


def _qualified(draw, ctx: Shapes, depth: int, disjoint: bool) -> str:
    parts = [f"sh:qualifiedValueShape {draw(shapes(ctx, depth, named=draw(st.booleans())))}"]
    for bound in draw(st.lists(st.sampled_from(("sh:qualifiedMinCount", "sh:qualifiedMaxCount")), min_size=1,
                               max_size=2, unique=True)):
        parts.append(f"{bound} {draw(st.sampled_from('012'))}")
    if disjoint:
        parts.append("sh:qualifiedValueShapesDisjoint true")
    return " ; ".join(parts)


TARGETS = st.sampled_from(("sh:targetClass ex:A", "sh:targetClass ex:B", "sh:targetNode ex:n0",
                           "sh:targetNode ex:n1, ex:n2", "sh:targetNode 1", "sh:targetSubjectsOf ex:p",
                           "sh:targetSubjectsOf ex:v", "sh:targetObjectsOf ex:p"))


@st.composite
def shapes_graphs(draw) -> str:
    ctx = Shapes()
    roots = []
    for i in range(draw(st.integers(1, 2))):
        property_shape = draw(st.booleans())
        root = draw(shapes(ctx, 3, property_shape=property_shape, nesting=1))  # a blank node: named, with targets
        targets = " ; ".join(draw(st.lists(TARGETS, min_size=1, max_size=2, unique=True)))
        roots.append(f"ex:S{i} {root[1:-1].strip()} ; {targets} .")
        ctx.reusable(f"ex:S{i}", root, property_shape)  # a shape with targets, reached from another one too
    return "\n".join(roots + ctx.definitions)


# ------------------------------------------------------------------------------------------------------- tests

def reference(data: Graph, shapes_graph: Graph) -> list[ValidationResult]:
    """pySHACL's top-level results, as validator.pyshacl_results reads them but with allow_warnings false: with
    it, pySHACL lets a node conform to a nested shape of severity sh:Warning or sh:Info that it fails (its
    Shape.validate), where SHACL 2.4 makes any result, whatever its severity, a failure to conform."""
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", advanced=True)
    return [ValidationResult(focus=results.value(r, SH.focusNode), shape=results.value(r, SH.sourceShape),
                             component=results.value(r, SH.sourceConstraintComponent),
                             severity=results.value(r, SH.resultSeverity), path=results.value(r, SH.resultPath),
                             value=results.value(r, SH.value), message=None)
            for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)]


def check(data_text: str, shapes_text: str) -> None:
    data = Graph().parse(data=PREFIXES + data_text, format="turtle")
    shapes_graph = Graph().parse(data=PREFIXES + shapes_text, format="turtle")
    assert not compile_shapes(shapes_graph).fallback, "left to pySHACL"
    report = _compiled(data, shapes_graph)
    assert not report.warnings
    assert _keys(report.results) == _keys(reference(data, shapes_graph))


@SETTINGS
@given(data_graphs(), shapes_graphs())
def test_random_nested_shapes_agree_with_pyshacl(data_text, shapes_text):
    check(data_text, shapes_text)
