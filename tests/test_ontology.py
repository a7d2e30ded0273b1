"""The vocabulary: labelled in English and Japanese, defined, loadable by owlready2, consistent."""

from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from complygraph.consistency import check_consistency
from complygraph.ontology import load, ontology_path
from complygraph.vocab import CG

KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def graph():
    return rdflib.Graph().parse(ontology_path(), format="turtle")


def _terms(graph):
    return sorted({s for k in KINDS for s in graph.subjects(RDF.type, k) if str(s).startswith(CG)})


def test_ontology_declares_the_required_classes(graph):
    names = {str(t)[len(CG):] for t in graph.subjects(RDF.type, OWL.Class) if str(t).startswith(CG)}
    required = {"Substance", "SubstanceGroup", "Regulation", "RegulatoryList", "ListVersion", "ListEntry",
                "Restriction", "Exemption", "Product", "Part", "BomUsage", "HomogeneousMaterial",
                "SubstanceOccurrence", "Supplier", "Declaration", "Evidence"}
    assert required <= names, required - names


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_class_and_property_has_a_label_in(graph, lang):
    missing = [t for t in _terms(graph)
               if not any(getattr(lbl, "language", None) == lang for lbl in graph.objects(t, RDFS.label))]
    assert not missing, f"no @{lang} label: {missing}"


def test_every_class_and_property_has_a_definition_in_english_and_japanese(graph):
    for term in _terms(graph):
        langs = {d.language for d in graph.objects(term, SKOS.definition)}
        assert {"en", "ja"} <= langs, f"{term} definitions in {langs}"


def test_owlready2_loads_the_ontology():
    _, onto = load()
    assert onto.Substance is not None and onto.SubstanceOccurrence is not None
    assert onto.Supplier in onto.Supplier.descendants()
    assert "PackagingComponent" in {c.name for c in onto.Part.descendants()}


def test_reasoner_finds_ontology_and_reference_lists_consistent():
    report = check_consistency(with_reference_lists=True)
    assert report.startswith("consistent")
    individuals = int(report.split(" individuals")[0].rsplit(" ", 1)[1])
    assert individuals > 1000  # the lists' entries, substances and versions were reasoned over


def test_reasoner_reports_an_inconsistent_graph(tmp_path: Path):
    # A list entry that is also a supplier, when the two are declared disjoint, must be caught.
    bad = tmp_path / "bad.nt"
    bad.write_text(
        f"<{CG}ListEntry> <{OWL.disjointWith}> <{CG}Supplier> .\n"
        f"<http://example.org/x> <{RDF.type}> <{CG}ListEntry> .\n"
        f"<http://example.org/x> <{RDF.type}> <{CG}Supplier> .\n")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        check_consistency(with_reference_lists=False, extra_ntriples=[bad])
