"""Substance identity (formula, molar mass, element fractions) and RoHS element groups measured as the element.

RoHS Annex II (Directive 2011/65/EU as amended by Delegated Directive (EU) 2015/863) limits lead and mercury
to 0.1 % (1,000 ppm) and cadmium to 0.01 % (100 ppm) by weight of homogeneous material, as the element: a
compound of lead counts with the lead it holds, so it is a member of "lead and its compounds" whether or not
the list names its CAS number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pyoxigraph import NamedNode

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.identity import identity_triples, lookup
from complygraph.vocab import ID, cg, substance_iri
from tests.shacl_cases import build, hits, material, part, sub

ROHS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii"]
AT = dt.date(2025, 1, 1)
LEAD_GROUP = NamedNode(f"{ID}group/eu-rohs-annex-ii/lead-and-its-compounds")


def _values(triples, subject, predicate):
    return [t.object.value for t in triples if t.subject == subject and t.predicate == predicate]


def test_lead_oxide_is_identified_with_formula_molar_mass_and_lead_fraction():
    triples = list(identity_triples(["1317-36-8"], None))
    node = substance_iri(cas="1317-36-8")
    assert _values(triples, node, cg.molecularFormula) == ["OPb"]  # PbO in Hill order
    # Pb 207.2 + O 15.999 = 223.199 g/mol; Pb share 207.2 / 223.199 = 0.9283
    assert Decimal(_values(triples, node, cg.molarMass)[0]) == pytest.approx(Decimal("223.2"), abs=Decimal("0.01"))
    pb = NamedNode(f"{node.value}/element/Pb")
    assert _values(triples, node, cg.elementFraction).count(pb.value) == 1
    assert _values(triples, pb, cg.element) == ["Pb"]
    assert float(_values(triples, pb, cg.massFraction)[0]) == pytest.approx(0.9283, abs=1e-4)
    assert _values(triples, node, cg.inchiKey) == ["YEXPOXQUZXUXJW-UHFFFAOYSA-N"]
    assert _values(triples, node, cg.smiles) == ["O=[Pb]"]
    sources = _values(triples, node, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert len(sources) == 1 and "chemicals-" in sources[0]


def test_an_unknown_cas_number_gets_no_identity():
    assert lookup("999-99-9") is None  # a valid-looking but unassigned number: nothing is invented
    assert list(identity_triples(["999-99-9"], None)) == []


def test_a_substance_is_identified_once():
    store = open_store(None)
    store.write(list(identity_triples(["1306-23-6"], store)))
    assert list(identity_triples(["1306-23-6"], store)) == []


@pytest.fixture(scope="module")
def rohs_report(tmp_path_factory):
    # Hand calculation, each material 10,000 mg so that 1 mg = 100 ppm of the material:
    #   PbO   1317-36-8  15 mg = 1,500 ppm x 0.92832 Pb = 1,392 ppm Pb > 1,000 ppm -> violation
    #   PbO   1317-36-8  10 mg = 1,000 ppm x 0.92832 Pb =   928 ppm Pb <= 1,000 ppm -> passes
    #   CdS   1306-23-6  1.5 mg =  150 ppm x 0.77805 Cd (112.41 / 144.48) = 117 ppm Cd > 100 ppm -> violation
    #   HgO  21908-53-2  12 mg = 1,200 ppm x 0.92613 Hg (200.59 / 216.59) = 1,111 ppm Hg > 1,000 ppm -> violation
    #   PbCO3  598-63-0  10 mg = 1,000 ppm x 0.77542 Pb (207.2 / 267.21) =   775 ppm Pb <= 1,000 ppm -> passes
    store = build(tmp_path_factory.mktemp("rohs"), [
        part("P1", 10000, material("M-PBO-1500", 10000, sub("1317-36-8", 15))),
        part("P2", 10000, material("M-PBO-1000", 10000, sub("1317-36-8", 10))),
        part("P3", 10000, material("M-CDS-150", 10000, sub("1306-23-6", "1.5"))),
        part("P4", 10000, material("M-HGO-1200", 10000, sub("21908-53-2", 12))),
        part("P5", 10000, material("M-PBCO3-1000", 10000, sub("598-63-0", 10))),
    ], ROHS)
    return store, hits(validate(store, ["eu-rohs"], AT), "")


def test_compounds_are_members_of_their_element_group_with_the_rule(rohs_report):
    store, _ = rohs_report
    rows = store.select("SELECT ?s ?rule WHERE { ?m a cg:GroupMembership ; cg:group ?g ; cg:member ?s ; "
                        "cg:byRule ?rule . ?g cg:hasMember ?s }", {"g": LEAD_GROUP})
    members = {r["s"].value.rsplit("/", 1)[-1]: r["rule"].value for r in rows}
    assert {"1317-36-8", "598-63-0", "7439-92-1"} <= set(members)
    assert members["1317-36-8"].endswith("/rule/eu-rohs-annex-ii/lead-by-element")


def test_lead_oxide_at_1500_ppm_violates_measured_as_lead(rohs_report):
    _, found = rohs_report
    r = found["M-PBO-1500"]
    assert "1,392" in r.message and "1,000 ppm" in r.message and "(Lead (Pb))" in r.message


@pytest.mark.parametrize("material_id", ["M-PBO-1000", "M-PBCO3-1000"])
def test_lead_compounds_under_the_lead_limit_pass(rohs_report, material_id):
    _, found = rohs_report
    assert material_id not in found


def test_cadmium_sulfide_at_150_ppm_violates(rohs_report):
    _, found = rohs_report
    r = found["M-CDS-150"]
    assert "116.7" in r.message and "100 ppm" in r.message and "(Cadmium (Cd))" in r.message


def test_mercury_oxide_at_1200_ppm_violates(rohs_report):
    _, found = rohs_report
    r = found["M-HGO-1200"]
    assert "1,111" in r.message and "(Mercury (Hg))" in r.message


def test_lists_loaded_after_the_substances_still_find_their_groups():
    # substances first (identified at import), then the list with the rules: membership in the other direction
    store = open_store(None)
    store.write(list(identity_triples(["1306-23-6"], store)))
    load_reference(store, ["eu-rohs-annex-ii"])
    cds = substance_iri(cas="1306-23-6")
    assert store.ask("ASK WHERE { ?g cg:hasMember ?s . ?m cg:group ?g ; cg:member ?s ; cg:byRule ?r }",
                     {"g": NamedNode(f"{ID}group/eu-rohs-annex-ii/cadmium-and-its-compounds"), "s": cds})
