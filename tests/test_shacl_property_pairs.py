"""The compiled sh:languageIn, sh:uniqueLang (SHACL 4.4.5-6), property pairs (4.5) and sh:closed (4.8.1),
each case compiled alone (no pySHACL fallback) and compared with pySHACL, edges included."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from complygraph.graph.shacl.standalone import validate_report

from .test_shacl_compiler import PREFIXES, _keys, _pyshacl, _run

EX = "http://example.org/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _compiled(ttl: str):
    """The compile-only report, which must be pySHACL's and must not have left any shape uncompiled."""
    report = _run(ttl)
    assert not [w for w in report.warnings if "not compiled" in w]
    assert _keys(report.results) == _pyshacl(ttl)
    return report


def _found(report) -> Counter:
    """(focus, result path, value) of each result, IRIs by their local name."""
    def n(t):
        return None if t is None else str(t).removeprefix(EX) if isinstance(t, URIRef) else t
    return Counter((n(r.focus), n(r.path), n(r.value)) for r in report.results)


# ------------------------------------------------------------------------------ sh:languageIn (4.4.5)

def test_language_in_matches_ranges_as_lang_matches():
    """"en" admits "en-GB" (and "EN-GB"), not a tag "english", an untagged literal or an IRI."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:property [ sh:path ex:label ; sh:languageIn ( "en" "fr" ) ] .
        ex:A ex:label "colour"@en-GB, "COLOUR"@EN-GB, "couleur"@fr, "Farbe"@DE, "colour"@english, "plain",
            ex:Thing ."""
    found = _found(_compiled(ttl))
    assert found == Counter({("A", "label", v): 1 for v in (
        Literal("Farbe", lang="de"), Literal("colour", lang="english"), Literal("plain"), "Thing")})


def test_language_in_shares_the_query_of_max_count():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B ;
            sh:property [ sh:path ex:label ; sh:maxCount 1 ; sh:languageIn ( "en" ) ] .
        ex:A ex:label "a"@en, "b"@de . ex:B ex:label "c"@en-US ."""
    assert _found(_compiled(ttl)) == Counter({("A", "label", None): 1, ("A", "label", Literal("b", lang="de")): 1})


def test_language_in_on_a_node_shape_judges_the_focus_node():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetObjectsOf ex:label ; sh:languageIn ( "de" ) .
        ex:A ex:label "Farbe"@de-CH, "colour"@en, 7 ."""
    found = _found(_compiled(ttl))
    assert found == Counter({(Literal("colour", lang="en"), None, Literal("colour", lang="en")): 1,
                             (Literal(7), None, Literal(7)): 1})


def test_language_in_follows_lang_matches_where_pyshacl_does_not():
    """langMatches("en-GB-oxendict", "en-GB") is true (SPARQL, which 4.4.5 names); pySHACL compares the whole tag
    and its first subtag only, and reports it."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:property [ sh:path ex:label ; sh:languageIn ( "en-GB" ) ] .
        ex:A ex:label "colour"@en-GB-oxendict ."""
    assert not _run(ttl).results
    assert len(_pyshacl(ttl)) == 1


# ------------------------------------------------------------------------------ sh:uniqueLang (4.4.6)

def test_unique_lang_reports_once_per_focus_node_and_repeated_tag():
    """A tag used twice is one result; two repeated tags of one focus node are two (uniqueLang-001). Tags differ
    in case only are the same tag, as in pySHACL; untagged literals and IRIs have no tag."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C, ex:D ;
            sh:property [ sh:path ex:label ; sh:uniqueLang true ] .
        ex:A ex:label "a"@en, "b"@en, "c"@fr, "d", "e" .
        ex:B ex:label "a"@en, "b"@en, "c"@de, "d"@de .
        ex:C ex:label "a"@en, "b"@EN .
        ex:D ex:label "a"@en, "b"@en-GB, ex:x, ex:y ."""
    report = _compiled(ttl)
    assert _found(report) == Counter({("A", "label", None): 1, ("B", "label", None): 2, ("C", "label", None): 1})
    assert {r.component for r in report.results} == {SH.UniqueLangConstraintComponent}


@pytest.mark.parametrize("flag", ["false", '"1"^^xsd:boolean'])
def test_unique_lang_other_than_true_is_no_constraint(flag):
    """Only true activates it (uniqueLang-002 for "1"^^xsd:boolean, which a plain rdflib parse would read as
    true: the data is read as written here, as `complygraph shacl` reads it)."""
    ttl = f"""
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:property [ sh:path ex:label ; sh:uniqueLang {flag} ] .
        ex:A ex:label "a"@en, "b"@en ."""
    report = validate_report(PREFIXES + ttl, fallback=False)
    assert not report.results and not [w for w in report.warnings if "not compiled" in w]
    if flag == "false":
        assert not _pyshacl(ttl)


# ------------------------------------------------------------------------------ sh:equals, sh:disjoint (4.5.1-2)

def test_equals_reports_each_value_missing_on_either_side():
    """Term equality: 1 and "1" differ. Both sides empty (ex:E) is no result."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C, ex:D, ex:E ;
            sh:property [ sh:path ex:p ; sh:equals ex:q ] .
        ex:A ex:p 1, 2 ; ex:q 2, 3 .
        ex:B ex:p ex:x ; ex:q ex:x .
        ex:C ex:p 1 .
        ex:D ex:p 1 ; ex:q "1" ."""
    assert _found(_compiled(ttl)) == Counter({("A", "p", Literal(1)): 1, ("A", "p", Literal(3)): 1,
                                              ("C", "p", Literal(1)): 1, ("D", "p", Literal(1)): 1,
                                              ("D", "p", Literal("1")): 1})


def test_equals_on_a_node_shape_compares_the_focus_node_with_the_values():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C ; sh:equals ex:self .
        ex:A ex:self ex:A . ex:B ex:self ex:A, ex:B ."""
    assert _found(_compiled(ttl)) == Counter({("B", None, "A"): 1, ("C", None, "C"): 1})


def test_disjoint_reports_the_values_shared_with_the_other_property():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C ;
            sh:property [ sh:path ex:p ; sh:disjoint ex:q ] .
        ex:A ex:p 1, 2, ex:x ; ex:q 2, 3, ex:x .
        ex:B ex:p 1 ; ex:q "1" .
        ex:C ex:p 1 ."""
    assert _found(_compiled(ttl)) == Counter({("A", "p", Literal(2)): 1, ("A", "p", "x"): 1})


def test_disjoint_on_a_node_shape_reports_a_focus_node_that_is_its_own_value():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B ; sh:disjoint ex:knows .
        ex:A ex:knows ex:A, ex:B . ex:B ex:knows ex:A ."""
    assert _found(_compiled(ttl)) == Counter({("A", None, "A"): 1})


# ------------------------------------------------------------------------------ sh:lessThan(OrEquals) (4.5.3-4)

def test_less_than_reports_each_pair_not_less_or_incomparable():
    """Equal values (A) and a string against a number (C) are violations; no value of the other property (D)
    is none; each failing pair is a result of its own (E, lessThan-002)."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C, ex:D, ex:E ;
            sh:property [ sh:path ex:start ; sh:lessThan ex:end ] .
        ex:A ex:start 4 ; ex:end 4 .
        ex:B ex:start 3 ; ex:end 5 .
        ex:C ex:start "a" ; ex:end 5 .
        ex:D ex:start 3 .
        ex:E ex:start 5 ; ex:end 1, 2, 9 ."""
    assert _found(_compiled(ttl)) == Counter({("A", "start", Literal(4)): 1, ("C", "start", Literal("a")): 1,
                                              ("E", "start", Literal(5)): 2})


def test_less_than_or_equals_admits_equal_values():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B, ex:C ;
            sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ] .
        ex:A ex:start 4 ; ex:end 4 .
        ex:B ex:start "2026-02-01"^^xsd:date ; ex:end "2026-01-01"^^xsd:date .
        ex:C ex:start 1 ; ex:end "x" ."""
    assert _found(_compiled(ttl)) == Counter({("B", "start", Literal("2026-02-01", datatype=DATE)): 1,
                                              ("C", "start", Literal(1)): 1})


# ------------------------------------------------------------------------------ sh:closed (4.8.1)

def test_closed_reports_each_triple_with_a_predicate_not_allowed():
    """Allowed: the IRI paths of the shape's own property shapes and sh:ignoredProperties; an inverse path allows
    nothing (ex:q is reported). Each result has the triple's predicate as its path and object as its value."""
    ttl = """
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        ex:S a sh:NodeShape ; sh:targetNode ex:A, ex:B ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
            sh:property [ sh:path ex:p ], [ sh:path [ sh:inversePath ex:q ] ] .
        ex:A a ex:C ; ex:p 1 ; ex:q 2 ; ex:r 3, 4 .
        ex:B ex:p 1 . ex:X ex:q ex:B ."""
    report = _compiled(ttl)
    assert _found(report) == Counter({("A", "q", Literal(2)): 1, ("A", "r", Literal(3)): 1, ("A", "r", Literal(4)): 1})
    assert all(r.component == SH.ClosedConstraintComponent for r in report.results)


def test_closed_without_ignored_properties_reports_rdf_type():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:closed true ; sh:property [ sh:path ex:p ] .
        ex:A a ex:C ; ex:p 1 ."""
    assert _found(_compiled(ttl)) == Counter({("A", RDF_TYPE, "C"): 1})


def test_closed_on_a_property_shape_judges_its_value_nodes():
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A ;
            sh:property [ sh:path ex:address ; sh:closed true ; sh:property [ sh:path ex:street ] ] .
        ex:A ex:address ex:Addr1, ex:Addr2 . ex:Addr1 ex:street "x" ; ex:zip 1 . ex:Addr2 ex:street "y" ."""
    assert _found(_compiled(ttl)) == Counter({("A", "zip", Literal(1)): 1})


def test_closed_false_is_no_constraint():
    ttl = """ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:closed false . ex:A ex:p 1 ."""
    assert not _compiled(ttl).results


# ------------------------------------------------------------------------------ results the same in every field shown

def test_closed_property_shape_reports_each_value_node_with_the_same_triple():
    """SHACL 4.8.1: a result per value node and disallowed triple. Two value nodes with the same disallowed
    predicate and object gave one result (the validator kept one of two results equal in every field shown);
    pySHACL, the reference, gives two."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:A ; sh:property [ sh:path ex:address ; sh:closed true ] .
        ex:A ex:address ex:Addr1, ex:Addr2 . ex:Addr1 ex:zip 1 . ex:Addr2 ex:zip 1 ."""
    assert _found(_compiled(ttl)) == Counter({("A", "zip", Literal(1)): 2})


def test_less_than_under_its_own_message_reports_each_pair():
    """SHACL 4.5.3: a result per failing pair. Under the shape's own sh:message, the two pairs of value 5 differ in
    nothing the report shows, and were reported once; so were 1 against 1 and "1" for sh:lessThanOrEquals ("1"
    cannot be compared with 1, the default message named both "1")."""
    ttl = """
        ex:S a sh:NodeShape ; sh:targetNode ex:E ;
            sh:property [ sh:path ex:start ; sh:lessThan ex:end ; sh:message "starts too late" ] .
        ex:E ex:start 5 ; ex:end 1, 2, 9 .
        ex:T a sh:NodeShape ; sh:targetNode ex:F ; sh:property [ sh:path ex:start ; sh:lessThan ex:end ] .
        ex:F ex:start 1 ; ex:end 1, "1" ."""
    assert _found(_compiled(ttl)) == Counter({("E", "start", Literal(5)): 2, ("F", "start", Literal(1)): 2})
