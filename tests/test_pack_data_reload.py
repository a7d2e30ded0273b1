"""A reload of a pack's data (or of the ontology) takes back what its previous load wrote, statement by
statement, and nothing else: a subject it shares with an import keeps the import's statements.

Before: a reload deleted every statement of every subject its previous load had written. The corporate pack's
data of an earlier version described eight organotins (type, CAS number, a hand-written tin fraction); the
first validation after the upgrade deleted what an import had written about those substances (the CAS number,
the formula and the element fractions the identity loader looked up).
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.store import record_graph
from complygraph.graph.turtle import load_turtle
from complygraph.vocab import CG, ID, RDF_TYPE, cg, prov

ACTIVITY = NamedNode(f"{ID}import/pack/test-pack")
DBT = NamedNode(f"{ID}substance/cas/683-18-1")
PREFIXES = f"""@prefix cg: <{CG}> .
@prefix cas: <{ID}substance/cas/> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _ttl(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def _import_identity(store) -> None:
    """What an import's identity lookup writes about dibutyltin dichloride."""
    store.write([Triple(DBT, RDF_TYPE, cg.Substance), Triple(DBT, cg.casNumber, Literal("683-18-1")),
                 Triple(DBT, cg.molecularFormula, Literal("C8H18Cl2Sn"))])


def _values(store, subject: NamedNode, predicate: NamedNode) -> set[str]:
    rows = store.select(f"SELECT ?o WHERE {{ <{subject.value}> <{predicate.value}> ?o }}")
    return {r["o"].value for r in rows}


def test_a_pack_data_reload_keeps_an_imports_statements_about_a_shared_substance(any_store, tmp_path):
    # the old load states what the import states too (type, CAS number), and a fact of its own (tin fraction)
    old = _ttl(tmp_path, "old.ttl", 'cas:683-18-1 a cg:Substance ; cg:casNumber "683-18-1" ; '
                                    'cg:tinMassFraction "0.3907"^^xsd:decimal .\n'
                                    'ex:group cg:hasMember cas:683-18-1 .\n')
    load_turtle(any_store, [old], ACTIVITY)
    _import_identity(any_store)
    new = _ttl(tmp_path, "new.ttl", "ex:group cg:hasMember ex:other .\n")
    assert load_turtle(any_store, [new], ACTIVITY) > 0
    assert _values(any_store, DBT, cg.molecularFormula) == {"C8H18Cl2Sn"}  # the import's, kept
    assert _values(any_store, DBT, cg.casNumber) == {"683-18-1"}  # identical to the old load's, kept
    assert _values(any_store, DBT, RDF_TYPE) == {f"{CG}Substance"}
    assert _values(any_store, DBT, cg.tinMassFraction) == set()  # the old load's own statement, gone
    assert _values(any_store, NamedNode("http://example.org/group"), cg.hasMember) == {"http://example.org/other"}


def test_a_pack_data_reload_leaves_no_blank_node_of_the_previous_load(any_store, tmp_path):
    old = _ttl(tmp_path, "a.ttl", 'ex:shape ex:property [ ex:path ex:a ; ex:max 1 ] .\n')
    load_turtle(any_store, [old], ACTIVITY)
    new = _ttl(tmp_path, "b.ttl", 'ex:shape ex:property [ ex:path ex:b ; ex:max 2 ] .\n')
    load_turtle(any_store, [new], ACTIVITY)
    rows = any_store.select("SELECT ?path WHERE { ?b <http://example.org/path> ?path }")
    assert {r["path"].value for r in rows} == {"http://example.org/b"}
    rows = any_store.select("SELECT ?m WHERE { ?b <http://example.org/max> ?m }")
    assert [r["m"].value for r in rows] == ["2"]


def test_an_unchanged_reload_writes_nothing_and_keeps_the_revision(any_store, tmp_path):
    f = _ttl(tmp_path, "a.ttl", 'cas:683-18-1 a cg:Substance .\nex:s ex:p [ ex:q 1 ] .\n')
    assert load_turtle(any_store, [f], ACTIVITY) > 0
    _import_identity(any_store)  # another write about a shared subject is not a change of the files
    revision = any_store.revision()
    assert load_turtle(any_store, [f], ACTIVITY) == 0
    assert any_store.revision() == revision


def test_a_reload_after_a_statement_of_the_load_was_deleted_writes_it_again(any_store, tmp_path):
    f = _ttl(tmp_path, "a.ttl", "ex:s ex:p ex:o .\n")
    load_turtle(any_store, [f], ACTIVITY)
    any_store.update("DELETE DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }")
    assert load_turtle(any_store, [f], ACTIVITY) > 0
    assert any_store.ask("ASK { <http://example.org/s> <http://example.org/p> <http://example.org/o> }")


def test_a_load_from_before_records_is_replaced_without_an_imports_substance_facts(any_store, tmp_path):
    # a store written by a version without records: the load's statements and its subjects' marks only
    legacy = [Triple(DBT, RDF_TYPE, cg.Substance), Triple(DBT, cg.casNumber, Literal("683-18-1")),
              Triple(DBT, cg.tinMassFraction, Literal("0.3907")), Triple(DBT, prov.wasGeneratedBy, ACTIVITY)]
    any_store.write(legacy)
    _import_identity(any_store)
    assert not any_store.ask(f"ASK {{ GRAPH <{record_graph(ACTIVITY.value)}> {{ ?s ?p ?o }} }}")
    load_turtle(any_store, [_ttl(tmp_path, "new.ttl", "ex:group cg:hasMember ex:other .\n")], ACTIVITY)
    assert _values(any_store, DBT, cg.molecularFormula) == {"C8H18Cl2Sn"}
    assert _values(any_store, DBT, cg.casNumber) == {"683-18-1"}
    assert _values(any_store, DBT, cg.tinMassFraction) == set()
    assert _values(any_store, DBT, prov.wasGeneratedBy) == set()
