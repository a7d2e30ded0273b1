"""A substance that no declaration or list names is shown by the identity database's name, not by its IRI
(QA5 B18: findings read "cas/77-58-7 (77-58-7)" where the database knows "dibutyltin dilaurate"); a declared or
listed name still comes first."""

from __future__ import annotations

from pyoxigraph import NamedNode

from complygraph.graph.queries import substance_names
from complygraph.loaders.compositions import import_compositions
from complygraph.reports import labels
from complygraph.vocab import substance_iri

from .shacl_cases import build, material, part, sub


def test_a_substance_nothing_names_is_shown_by_the_identity_databases_name(tmp_path):
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub("77-58-7", 5)))], ["eu-rohs-annex-ii"])
    iri = substance_iri(cas="77-58-7")
    assert labels(store, [iri.value])[iri.value].name == "dibutyltin dilaurate"
    assert substance_names(store, [iri]) == {iri.value: ("77-58-7", "dibutyltin dilaurate")}


def test_a_listed_name_comes_before_the_identity_databases(tmp_path):
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub("117-81-7", 5)))], ["eu-reach-svhc"])
    iri = substance_iri(cas="117-81-7")
    listed = {r["n"].value for r in store.select(
        f'SELECT ?n WHERE {{ <{iri.value}> rdfs:label ?n FILTER(LANG(?n) = "en" || LANG(?n) = "") }}')}
    database = {r["n"].value for r in store.select(f"SELECT ?n WHERE {{ <{iri.value}> cg:databaseName ?n }}")}
    assert listed and database and not listed & database
    assert labels(store, [iri.value])[iri.value].name in listed
    assert substance_names(store, [NamedNode(iri.value)])[iri.value][1] in listed


def test_a_substance_identified_before_names_were_kept_is_named_at_its_next_import(tmp_path):
    """A store whose import predates `cg:databaseName` (the identity without a name): importing the substance
    again names it; the identity itself is not written twice."""
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub("77-58-7", 5)))], ["eu-rohs-annex-ii"])
    iri = substance_iri(cas="77-58-7")
    store.update(f"DELETE WHERE {{ <{iri.value}> cg:databaseName ?n }}")
    formulas = len(store.select(f"SELECT ?f WHERE {{ <{iri.value}> cg:molecularFormula ?f }}"))
    import_compositions(store, tmp_path / "data")
    assert substance_names(store, [iri])[iri.value] == ("77-58-7", "dibutyltin dilaurate")
    assert len(store.select(f"SELECT ?f WHERE {{ <{iri.value}> cg:molecularFormula ?f }}")) == formulas == 1
