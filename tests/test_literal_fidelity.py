"""Literals as the data wrote them. Oxigraph keeps "4.0"^^xsd:decimal as "4" and every xsd:int, byte,
short, ... as xsd:integer, even inside query text; `sh:datatype xsd:int` then failed a valid "5"^^xsd:int,
passed a wrong "6"^^xsd:integer, and reports showed "4" for a "4.0" in the data (W3C suite
datatype-002, maxExclusive-001)."""

from __future__ import annotations

import pyshacl
import rdflib
from rdflib.namespace import SH, XSD

from complygraph.graph.shacl.literals import rewritten_literals
from complygraph.graph.shacl.standalone import validate_report

DATA = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:P ; ex:n "5"^^xsd:int ; ex:d "4.0"^^xsd:decimal ; ex:name "a" .
ex:b a ex:P ; ex:n "6"^^xsd:integer ; ex:d 3.5 ; ex:name "b" .
"""
SHAPES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:P ;
  sh:property [ sh:path ex:n ; sh:datatype xsd:int ] ;
  sh:property [ sh:path ex:d ; sh:maxExclusive 4 ] .
ex:Names a sh:NodeShape ; sh:targetClass ex:P ; sh:property [ sh:path ex:name ; sh:minLength 2 ] .
"""
EX = rdflib.Namespace("http://example.org/")


def _keys(results) -> set:
    return {(r.focus, r.path, r.value, r.severity, r.component) for r in results}


def test_the_literals_the_store_rewrites_are_found_and_only_those():
    data = rdflib.Graph().parse(data=DATA, format="turtle")
    rewrites = rewritten_literals(data)
    found = rewrites.originals()
    assert rewrites.datatype_changed
    assert rdflib.Literal("5", datatype=XSD.int) in found and rdflib.Literal("4.0", datatype=XSD.decimal) in found
    assert rdflib.Literal("6", datatype=XSD.integer) not in found and rdflib.Literal("a") not in found
    tagged = rdflib.Graph().parse(data='<http://example.org/a> <http://example.org/p> "Hallo"@de .', format="turtle")
    assert not rewritten_literals(tagged)  # a language tag is kept as written


def test_datatype_int_and_reported_values_follow_the_data_as_written():
    report = validate_report(DATA, SHAPES)
    expected = {(EX.b, EX.n, rdflib.Literal("6", datatype=XSD.integer), SH.Violation, SH.DatatypeConstraintComponent),
                (EX.a, EX.d, rdflib.Literal("4.0", datatype=XSD.decimal), SH.Violation,
                 SH.MaxExclusiveConstraintComponent),
                (EX.a, EX.name, rdflib.Literal("a"), SH.Violation, SH.MinLengthConstraintComponent),
                (EX.b, EX.name, rdflib.Literal("b"), SH.Violation, SH.MinLengthConstraintComponent)}
    assert _keys(report.results) == expected
    # the value keeps its lexical form "4.0", not only an equal value
    value = next(r.value for r in report.results if r.path == EX.d)
    assert str(value) == "4.0"
    _, theirs, _ = pyshacl.validate(DATA, shacl_graph=SHAPES, data_graph_format="turtle", shacl_graph_format="turtle")
    assert len(list(theirs.subjects(rdflib.RDF.type, SH.ValidationResult))) == len(expected)
    # the shape that cannot reach a rewritten literal is still validated on the store, set-at-a-time
    assert any("pySHACL on the data as written: 1 shape" in w for w in report.warnings)


def test_a_decimal_written_with_a_trailing_zero_stays_set_at_a_time_and_is_reported_as_written():
    """"1000.0"^^xsd:decimal is stored as "1000": a range check reads the same value, so the shape runs on
    the store (no pySHACL), and the reported value is the data's "1000.0"."""
    data = '''@prefix ex: <http://example.org/> . ex:a a ex:P ; ex:mass 1000.0 . ex:b a ex:P ; ex:mass 10.5 .'''
    shapes = '''@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
    ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:property [ sh:path ex:mass ; sh:maxInclusive 100 ] .'''
    report = validate_report(data, shapes)
    assert report.warnings == []
    assert [(r.focus, str(r.value)) for r in report.results] == [(EX.a, "1000.0")]
