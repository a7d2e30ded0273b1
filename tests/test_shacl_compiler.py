"""The compiler on what the W3C SHACL test suite found wrong, each case compared with pySHACL where pySHACL is
right: pre-binding everywhere in a query, the SPARQL SHACL forbids, what must never be skipped in silence,
de-duplication, the pySHACL fallback, ill-formed literals."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from pyoxigraph import Triple
from rdflib import BNode, Graph
from rdflib.namespace import SH
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph.embedded import EmbeddedStore
from complygraph.graph.shacl import validate
from complygraph.graph.shacl.compiler import compile_shapes
from complygraph.graph.shacl.errors import ShapesError
from complygraph.graph.shacl.packs import shapes_graph
from complygraph.graph.shacl.sparql_text import unproject_this
from complygraph.graph.shacl.terms import to_oxigraph
from complygraph.graph.shacl.validator import pyshacl_results, run_shapes

from .shacl_cases import build, material, part, sub

PREFIXES = """
@prefix ex: <http://example.org/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/ns#"^^xsd:anyURI ] .
"""


def _graph(ttl: str) -> Graph:
    return Graph().parse(data=PREFIXES + ttl, format="turtle")


def _run(ttl: str, fallback: bool = False):
    """Our report for a graph that is both data and shapes (compiled shapes only unless `fallback`)."""
    g = _graph(ttl)
    store = EmbeddedStore(None)
    store.write(Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in g)
    return run_shapes(store, g, fallback=fallback)


def _keys(results) -> Counter:
    """Results as a multiset, blank nodes (anonymous shapes) made equal."""
    def n(t):
        return "_" if isinstance(t, BNode) else t
    return Counter((n(r.focus), n(r.shape), r.component, n(r.path), n(r.value), r.severity) for r in results)


def _pyshacl(ttl: str) -> Counter:
    g = _graph(ttl)
    return _keys(pyshacl_results(g, g, {}))


def _focus(report) -> list[str]:
    return sorted(str(r.focus).rsplit("#", 1)[-1] for r in report.results)


# ------------------------------------------------------------------------------ pre-binding (SHACL appendix A)

@pytest.mark.parametrize("where", [
    "{ FILTER (false) } UNION { FILTER ($this = ex:A) }",  # pre-binding-002: a UNION branch
    "{ { FILTER ($this = ex:A) } FILTER bound($this) } FILTER (true)",  # pre-binding-003: nested groups
    "{ FILTER (bound($this)) } $this ex:p ?x . FILTER ($this = ex:A)",  # pre-binding-005: a group among a BGP
    "{ SELECT $this WHERE { FILTER ($this = ex:A) } }",  # pre-binding-007: a subquery's FILTER
    "BIND ($this AS ?that) . FILTER (?that = ex:A)",  # pre-binding-004: BIND
    "?x ex:p ?y . OPTIONAL { ?y ex:q ?z FILTER ($this = ex:A) } FILTER (bound(?z))",  # OPTIONAL
])
def test_prebinding_binds_this_in_nested_groups_unions_optionals_and_subqueries(where):
    ttl = f"""
        ex:A ex:p 1 . ex:B ex:p 2 . ex:x ex:p ex:y . ex:y ex:q ex:z .
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B ;
            sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this WHERE {{ {where} }}" ] ."""
    assert _focus(_run(ttl)) == ["A"]
    if "UNION" not in where:  # pySHACL (rdflib's initBindings) also reports ex:B for the UNION: it is wrong there
        assert _keys(_run(ttl).results) == _pyshacl(ttl)


_COUNT_ALL = "{ SELECT $this (COUNT(?x) AS ?n) WHERE { ?x ex:p ?y } GROUP BY $this }"


@pytest.mark.parametrize("where, fast, focus", [
    # the subquery returns $this as appendix A asks and reads it nowhere: the same rows for every focus node, so
    # it runs once for all of them and is joined (the form of the RoHS exemption status, 122 s -> ~25 s at 10^6)
    (f"$this ex:p ?v . {_COUNT_ALL} FILTER (?v < ?n)", True, ["A", "B"]),
    # it reads $this: each focus node must be bound inside it
    ("$this ex:p ?v . { SELECT $this (COUNT(?x) AS ?n) WHERE { ?x ex:p ?y FILTER (?x != $this) } GROUP BY $this }"
     " FILTER (?v < ?n)", False, ["A"]),
    ("$this ex:p ?v . { SELECT $this (SAMPLE($this) AS ?s) WHERE { ?x ex:p ?y } GROUP BY $this } FILTER (?s = ex:A)",
     False, ["A"]),
])
def test_a_subquery_that_only_returns_this_runs_once_for_all_focus_nodes(where, fast, focus):
    ttl = f"""
        ex:A ex:p 1 . ex:B ex:p 2 . ex:C ex:p 5 .
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C ;
            sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this WHERE {{ {where} }}" ] ."""
    query = compile_shapes(_graph(ttl)).constraints[0].query
    assert bool(re.search(r"\nFILTER EXISTS \{ [^\n]* \}\n\}$", query)) is fast
    # run once, the subquery does not return the unbound ?this: Virtuoso joins it as NULL = focus node, no row
    assert ("{ SELECT ?this" not in query) is fast
    assert _focus(_run(ttl)) == focus
    assert _keys(_run(ttl).results) == _pyshacl(ttl)


def test_this_leaves_a_subquery_projection_only_where_it_is_never_read():
    query = ("SELECT ?this WHERE { ?this ex:p ?v . { SELECT ?this ?e (COUNT(?x) AS ?n) WHERE { ?x ex:p ?e } "
             "GROUP BY ?this ?e } { SELECT ?this (MAX(?z) AS ?m) WHERE { ?z ex:p ?q } GROUP BY ?this } "
             "{ SELECT ?this ?w WHERE { ?this ex:q ?w } } }")
    assert " ".join(unproject_this(query).split()) == (
        "SELECT ?this WHERE { ?this ex:p ?v . { SELECT ?e (COUNT(?x) AS ?n) WHERE { ?x ex:p ?e } GROUP BY ?e } "
        # the only key stays: without GROUP BY an aggregate over no rows would give one row
        "{ SELECT (MAX(?z) AS ?m) WHERE { ?z ex:p ?q } GROUP BY ?this } "
        "{ SELECT ?this ?w WHERE { ?this ex:q ?w } } }")


def test_prebinding_binds_a_parameter_in_a_nested_group():
    ttl = """
        ex:A ex:p "a" . ex:B ex:p "b" .
        ex:Forbidden a sh:ConstraintComponent ; sh:parameter [ sh:path ex:forbidden ] ;
            sh:nodeValidator [ a sh:SPARQLSelectValidator ; sh:prefixes ex: ;
                sh:select "SELECT $this WHERE { $this ex:p ?v . { BIND ($forbidden AS ?bad) } FILTER (?v = ?bad) }" ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B ; ex:forbidden "a" ."""
    assert _focus(_run(ttl)) == ["A"]
    assert _keys(_run(ttl).results) == _pyshacl(ttl)


def test_shipped_sparql_constraints_keep_the_fast_join_form():
    """The packs bind $this themselves: their queries are joined with a test of the targets (FILTER EXISTS),
    never rewritten to enumerate the focus nodes in every group (FEATURES.md, fast SPARQL constraints)."""
    shapes, _, _ = shapes_graph(None, dt.date(2026, 11, 23))
    compiled = [c for c in compile_shapes(shapes).constraints if c.sparql_based]
    assert compiled and all(re.search(r"\nFILTER EXISTS \{ [^\n]* \}\n\}$", c.query) for c in compiled)
    assert not any("SELECT DISTINCT ?this WHERE { {" in c.query for c in compiled)


# ------------------------------------------------------------------------------ SPARQL that SHACL forbids

_SELECTS = {
    "MINUS": "SELECT $this WHERE { $this ?x ?any . MINUS { $this ?x 1 } }",
    "VALUES": "SELECT $this WHERE { VALUES ?any { true } }",
    "SERVICE": "SELECT $this WHERE { $this ?x ?any . SERVICE <http://example.org/sparql> { ?a ?b ?c } }",
    "does not return the pre-bound \\$this": "SELECT $this WHERE { $this ?x ?any . { SELECT ?o WHERE { ?o ?b ?c } } }",
    "SELECT \\*": "SELECT $this WHERE { { SELECT * WHERE { FILTER ($this = ex:A) } } }",
    "AS \\?this": "SELECT $this WHERE { BIND (true AS $this) }",
    "\\$shapesGraph": "SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }",
}


@pytest.mark.parametrize("rule", list(_SELECTS))
def test_sparql_that_shacl_forbids_fails_naming_the_shape_and_the_rule(rule):
    ttl = f"""ex:A ex:p 1 .
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:sparql [ sh:prefixes ex: ; sh:select "{_SELECTS[rule]}" ] ."""
    with pytest.raises(ShapesError, match=rule) as failure:
        _run(ttl, fallback=True)
    assert "http://example.org/ns#S" in str(failure.value)


@pytest.mark.parametrize("ask, rule", [
    ("ASK { BIND (true AS ?value) . FILTER (isLiteral(?value)) }", "AS \\?value"),  # unsupported-sparql-006
    ("ASK { BIND (1 AS $limit) . FILTER (?value < $limit) }", "AS \\?limit"),  # a parameter
])
def test_an_ask_validator_may_not_rebind_value_or_a_parameter(ask, rule):
    ttl = f"""ex:A ex:p 1 .
        ex:Limit a sh:ConstraintComponent ; sh:parameter [ sh:path ex:limit ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ; sh:ask "{ask}" ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:property [ sh:path ex:p ; ex:limit 5 ] ."""
    with pytest.raises(ShapesError, match=rule):
        _run(ttl, fallback=True)


def test_the_shacl_command_exits_2_on_forbidden_sparql(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + f"""ex:A ex:p 1 .
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:sparql [ sh:prefixes ex: ; sh:select "{_SELECTS['MINUS']}" ] .""")
    result = CliRunner().invoke(app, ["shacl", str(data)])
    assert result.exit_code == 2 and "MINUS" in result.output, result.output


# ------------------------------------------------------------------------------ nothing skipped in silence

def test_property_shapes_of_a_property_shape_are_validated_once_per_outer_focus_node():
    """property-001: the city of an address, for each person the address belongs to."""
    ttl = """
        ex:City a rdfs:Class . ex:Good a ex:City .
        ex:P1 a ex:Person ; ex:address ex:Bad . ex:P2 a ex:Person ; ex:address ex:Bad, ex:Fine .
        ex:P3 a ex:Person ; ex:address ex:Fine .
        ex:Bad ex:city ex:Nowhere . ex:Fine ex:city ex:Good .
        ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:property [ sh:path ex:address ; sh:property ex:City ] .
        ex:City sh:path ex:city ; sh:class ex:City ."""
    report = _run(ttl)
    assert _focus(report) == ["Bad", "Bad"] and not report.warnings
    assert _keys(report.results) == _pyshacl(ttl)


def test_a_property_shape_shared_by_two_property_shapes_reports_once_through_each():
    """validation-reports/shared: ex:s4 is reached through ex:p and through ex:q."""
    ttl = """
        ex:s1 a sh:NodeShape ; sh:targetNode ex:i ; sh:property ex:s2, ex:s3 .
        ex:s2 sh:path ex:p ; sh:property ex:s4 .
        ex:s3 sh:path ex:q ; sh:property ex:s4 .
        ex:s4 sh:path ex:r ; sh:class ex:C .
        ex:i ex:p ex:j ; ex:q ex:j . ex:j ex:r ex:k ."""
    report = _run(ttl)
    assert _focus(report) == ["j", "j"]
    assert _keys(report.results) == _pyshacl(ttl)


def test_a_component_typed_with_a_subclass_of_constraint_component_is_applied():
    """validator-001: the component and its validator are typed with subclasses of the SHACL classes."""
    ttl = """
        ex:Component rdfs:subClassOf sh:ConstraintComponent . ex:AskValidator rdfs:subClassOf sh:SPARQLAskValidator .
        ex:Concat a ex:Component ; sh:parameter [ sh:path ex:test1 ], [ sh:path ex:test2 ] ;
            sh:validator [ a ex:AskValidator ; sh:ask "ASK { FILTER (?value = CONCAT($test1, $test2)) }" ] .
        ex:S a sh:NodeShape ; ex:test1 "Hello " ; ex:test2 "World" ; sh:targetNode "Hallo Welt", "Hello World" ."""
    report = _run(ttl)
    assert [str(r.focus) for r in report.results] == ["Hallo Welt"]
    assert _keys(report.results) == _pyshacl(ttl)


def test_what_the_compiler_cannot_translate_goes_to_pyshacl_with_a_warning():
    """A SHACL-AF target (sh:target) used to be skipped: no target the compiler knows, no result, no warning."""
    ttl = """
        ex:A ex:p 1 . ex:B ex:p 2 ; ex:q 3 .
        ex:S a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ;
            sh:target [ a sh:SPARQLTarget ; sh:prefixes ex: ; sh:select "SELECT ?this WHERE { ?this ex:p ?any }" ] ."""
    compiled_only = _run(ttl)
    assert not compiled_only.results and any("sh:target" in w for w in compiled_only.warnings)
    report = _run(ttl, fallback=True)
    assert _focus(report) == ["A"] and any("validated by pySHACL" in w for w in report.warnings)


# ------------------------------------------------------------------------------ de-duplication

def test_two_class_constraints_of_one_shape_each_report():
    """class-003: a node of neither class is reported once per sh:class value."""
    ttl = """
        ex:Joe a ex:Person, ex:Animal . ex:John a ex:Person .
        ex:S a sh:NodeShape ; sh:class ex:Person, ex:Animal ; sh:targetNode ex:Joe, ex:John, ex:Typeless ."""
    report = _run(ttl)
    assert _focus(report) == ["John", "Typeless", "Typeless"]
    assert _keys(report.results) == _pyshacl(ttl)


def test_results_that_differ_in_a_detail_are_not_merged(tmp_path):
    """One result per substance: two listed substances intentionally added to one material are two results
    (their keys are equal: focus, shape, value; their ?substance differs)."""
    store = build(tmp_path, [part("p", 1000, material("m", 1000, sub("118-74-1", 5, intentional="yes"),
                                                      sub("1763-23-1", 5, intentional="yes")))],
                  ["jp-cscl-class1"])
    found = [r for r in validate(store, ["jp-cscl-class1"], dt.date(2026, 11, 23)).results
             if str(r.shape).endswith("#IntentionalPresence")]
    assert sorted(str(r.detail("substance")).rsplit("/", 1)[-1] for r in found) == ["118-74-1", "1763-23-1"]


# ------------------------------------------------------------------------------ the pySHACL fallback

@pytest.mark.parametrize("ttl, reported", [
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:Good, ex:Bad ; sh:not ex:HasQ .
        ex:HasQ a sh:NodeShape ; sh:targetNode ex:Other ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
        ex:Bad ex:q 1 .""", ["Bad", "Other"]),  # not-001: the sh:not shape is a targeted shape of its own
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:Good, ex:Bad ; sh:and ( ex:HasQ [ sh:property [ sh:path ex:r ;
        sh:minCount 1 ] ] ) . ex:HasQ a sh:NodeShape ; sh:targetNode ex:Good ; sh:property [ sh:path ex:q ;
        sh:minCount 1 ] . ex:Good ex:q 1 ; ex:r 2 . ex:Bad ex:r 2 .""", ["Bad"]),  # and-002
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:Reto ; sh:property [ sh:path ex:address ; sh:node ex:Address ] .
        ex:Address a sh:NodeShape ; sh:targetNode ex:Elsewhere ; sh:property [ sh:path ex:zip ;
        sh:datatype xsd:string ] . ex:Reto ex:address ex:A1 . ex:A1 ex:zip 5678 .""", ["Reto"]),  # node-002
])
def test_the_fallback_keeps_the_shapes_a_fallback_shape_refers_to(ttl, reported):
    report = _run(ttl, fallback=True)
    assert _focus(report) == reported
    assert _keys(report.results) == _pyshacl(ttl)


def test_the_fallback_reads_only_the_top_level_results_of_pyshacl():
    """node-001: the sh:node shape's own failure is a sh:detail of the sh:node result, not a result."""
    ttl = """ex:S a sh:NodeShape ; sh:targetNode ex:I ; sh:node [ sh:class ex:C ] ."""
    report = _run(ttl, fallback=True)
    assert [(str(r.focus), r.component) for r in report.results] == [("http://example.org/ns#I",
                                                                      SH.NodeConstraintComponent)]


# ------------------------------------------------------------------------------ ill-formed literals

def test_datatype_reports_a_literal_that_is_ill_formed_for_its_datatype():
    """datatype-001: the store keeps "aldi"^^xsd:integer as written; SHACL 4.1.2 makes it a violation."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:v ; sh:property [ sh:path ex:v ; sh:datatype xsd:integer ] .
        ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:d ; sh:property [ sh:path ex:d ; sh:datatype xsd:date ] .
        ex:i1 ex:v 42 . ex:i2 ex:v "aldi"^^xsd:integer . ex:i3 ex:v "1.5"^^xsd:integer .
        ex:d1 ex:d "2026-02-01"^^xsd:date . ex:d2 ex:d "2026-13-01"^^xsd:date ."""
    report = _run(ttl)
    assert _focus(report) == ["d2", "i2", "i3"]
    assert _keys(report.results) == _pyshacl(ttl)


# ------------------------------------------------------------------------------ core constraints in one query

FUSED = """
    ex:Mass a sh:NodeShape ; sh:targetClass ex:Material ;
        sh:property [ sh:path ex:mass ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:decimal ;
                      sh:minExclusive 0 ; sh:maxInclusive 1000 ; sh:pattern "^[0-9.]+$" ] .
    ex:none a ex:Material .                                            # no value: sh:minCount
    ex:ok a ex:Material ; ex:mass 5.0 .
    ex:edgeHigh a ex:Material ; ex:mass 1000.0 .                       # exactly at sh:maxInclusive: conforms
    ex:overHigh a ex:Material ; ex:mass 1000.0001 .                    # just above: sh:maxInclusive
    ex:zero a ex:Material ; ex:mass "0"^^xsd:decimal .                 # exactly at sh:minExclusive: violates
    ex:tiny a ex:Material ; ex:mass 0.0001 .                           # just above it: conforms
    ex:negative a ex:Material ; ex:mass -1.5 .                         # sh:minExclusive and sh:pattern
    ex:two a ex:Material ; ex:mass 3.0 , 4.0 .                         # sh:maxCount only
    ex:twoBad a ex:Material ; ex:mass 3.0 , "x"^^xsd:decimal .         # sh:maxCount, sh:datatype, range, pattern
    ex:integer a ex:Material ; ex:mass 7 .                             # sh:datatype only
    ex:text a ex:Material ; ex:mass "7" .                              # sh:datatype, string compared: range
    ex:iri a ex:Material ; ex:mass ex:seven .                          # every per-value test
    ex:notTargeted ex:mass -1 , 2 .                                    # not a focus node
"""


def test_core_constraints_of_one_property_shape_run_as_one_query_and_report_as_each_alone(monkeypatch):
    """sh:minCount, sh:maxCount and the per-value tests of one property shape share one query (core/fused.py):
    each constraint still reports its own results (SHACL 4.2.1, 4.2.2, 4.1.2, 4.3.1, 4.3.4, 4.4.3), at the edge
    of each bound, exactly as each constraint compiled alone does and as pySHACL does (but for one pySHACL
    slip, below)."""
    g = _graph(FUSED)
    compiled = compile_shapes(g)
    shared = {c.query for c in compiled.constraints if c.key is not None}
    assert len(shared) == 1 and sorted(c.key for c in compiled.constraints) == list(range(6))
    report = _run(FUSED)
    by_focus: dict[str, set[str]] = {}
    for r in report.results:
        by_focus.setdefault(str(r.focus).split("#")[1], set()).add(str(r.component).split("#")[1][:-19])
    assert by_focus == {
        "none": {"MinCount"}, "overHigh": {"MaxInclusive"}, "zero": {"MinExclusive"},
        "negative": {"MinExclusive", "Pattern"}, "two": {"MaxCount"},
        "twoBad": {"MaxCount", "Datatype", "MinExclusive", "MaxInclusive", "Pattern"},
        "integer": {"Datatype"}, "text": {"Datatype", "MinExclusive", "MaxInclusive"},
        "iri": {"Datatype", "MinExclusive", "MaxInclusive", "Pattern"}}
    # SHACL 4.3.4: a value for which `v <= 1000` does not return true is a violation; pySHACL reports the
    # ill-formed "x"^^xsd:decimal under sh:minExclusive but not under sh:maxInclusive
    slip = {k for k in _keys(report.results) if str(k[2]).endswith("MaxInclusiveConstraintComponent")
            and str(k[4]) == "x"}
    assert len(slip) == 1
    assert _keys(report.results) - Counter(slip) == _pyshacl(FUSED)
    monkeypatch.setattr("complygraph.graph.shacl.compiler.worth_fusing", lambda members: False)
    alone = _run(FUSED)
    assert all(c.key is None for c in compile_shapes(g).constraints)
    assert _keys(alone.results) == _keys(report.results)


def test_core_constraints_without_max_count_keep_one_query_each():
    """Fusing costs more than it saves without sh:maxCount (core/fused.py `worth_fusing`): a per-value test alone
    is a filtered scan. The constraints are then compiled one by one, and report the same."""
    ttl = FUSED.replace("sh:maxCount 1 ; ", "").replace('ex:mass 3.0 , "x"^^xsd:decimal', "ex:mass 3.0")
    assert all(c.key is None for c in compile_shapes(_graph(ttl)).constraints)
    assert _keys(_run(ttl).results) == _pyshacl(ttl)
