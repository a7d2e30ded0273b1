"""A company's own substance identities: `identity` records of the compositions format (docs/import-format.md).

Many CAS numbers are not in the shipped identifier database (potassium PFOS 2795-39-3, lead neodecanoate
27253-28-7, ...); an identity record gives their formula and/or SMILES, traced to the data set it came in,
so that group membership rules (RoHS "lead and its compounds" by element) can place them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError
from complygraph.loaders.identity import lookup
from complygraph.loaders.provenance import dataset_sha256, source_iri
from complygraph.vocab import ID, cg, dct, prov, rdfs, substance_iri
from tests.shacl_cases import hits

PFOS_K = "2795-39-3"
PFOS_K_SMILES = "[K+].[O-]S(=O)(=O)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F"
LEAD_NEODECANOATE = "27253-28-7"  # Pb(C10H19O2)2, not in the identifier database nor named by the RoHS list
MADE_UP = "9999999-99-5"  # a CAS number with a valid check digit that no database knows
LEAD_GROUP = NamedNode(f"{ID}group/eu-rohs-annex-ii/lead-and-its-compounds")
LEAD_RULE = NamedNode(f"{ID}rule/eu-rohs-annex-ii/lead-by-element")
HEADER = "cas,formula,smiles,name,source\n"


def identities(folder: Path, *rows: str) -> Path:
    """A data set of identity records only (identities.csv; the header is line 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "identities.csv").write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return folder


def one(store, subject: NamedNode, predicate: NamedNode) -> str:
    rows = store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": subject, "p": predicate})
    assert len(rows) == 1, rows
    return rows[0]["o"].value


def fraction(store, cas: str, element: str) -> Decimal:
    rows = store.select("SELECT ?x WHERE { ?s cg:elementFraction ?e . ?e cg:element ?el ; cg:massFraction ?x }",
                        {"s": substance_iri(cas=cas), "el": Literal(element)})
    assert len(rows) == 1, rows
    return Decimal(rows[0]["x"].value)


def test_the_database_does_not_know_the_substances_these_tests_identify():
    assert lookup(PFOS_K) is None and lookup(LEAD_NEODECANOATE) is None and lookup(MADE_UP) is None


def test_potassium_pfos_from_its_smiles_gets_formula_fractions_and_inchikey_traced_to_the_data_set(tmp_path):
    data = identities(tmp_path / "ids", f"{PFOS_K},,{PFOS_K_SMILES},Potassium PFOS,PubChem CID 23667657")
    store = open_store(None)
    counts = import_compositions(store, data)
    assert counts["identities"] == 1
    node = substance_iri(cas=PFOS_K)
    assert one(store, node, cg.molecularFormula) == "C8F17KO3S"  # RDKit's formula of the SMILES, Hill order
    assert one(store, node, cg.inchiKey) == "WFRUBUQWJYMMRQ-UHFFFAOYSA-M"
    assert one(store, node, cg.smiles) == PFOS_K_SMILES
    # M = 8 x 12.011 + 17 x 18.998 + 39.098 + 3 x 15.999 + 32.06 = 538.22 g/mol; F 322.97 / 538.22 = 0.6001,
    # K 39.098 / 538.22 = 0.0726, S 32.06 / 538.22 = 0.0596
    assert Decimal(one(store, node, cg.molarMass)) == pytest.approx(Decimal("538.22"), abs=Decimal("0.01"))
    assert fraction(store, PFOS_K, "F") == pytest.approx(Decimal("0.6001"), abs=Decimal("0.0001"))
    assert fraction(store, PFOS_K, "K") == pytest.approx(Decimal("0.0726"), abs=Decimal("0.0001"))
    assert fraction(store, PFOS_K, "S") == pytest.approx(Decimal("0.0596"), abs=Decimal("0.0001"))
    # provenance: the identity and each fraction come from the data set, which an import activity used
    source = source_iri(dataset_sha256(data))
    assert one(store, node, prov.wasDerivedFrom) == source.value
    assert not store.ask("ASK WHERE { ?s cg:elementFraction ?e . FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?src } }",
                         {"s": node, "src": source})
    assert store.ask("ASK WHERE { ?a a cg:Import ; prov:used ?src . ?src dct:title ?title }",
                     {"src": source, "title": Literal("ids")})
    # the record's own source text, its name, and that the node is a substance
    assert one(store, node, dct.bibliographicCitation) == "PubChem CID 23667657"
    assert one(store, node, rdfs.label) == "Potassium PFOS"
    assert one(store, node, cg.casNumber) == PFOS_K


def test_a_formula_alone_gives_element_fractions_in_hill_order(tmp_path):
    data = tmp_path / "ids.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in [
        {"record": "manifest", "format": "complygraph-compositions", "version": "1.0"},
        {"record": "identity", "cas": MADE_UP, "formula": "PbO", "source": "supplier SDS rev 3"}]) + "\n")
    store = open_store(None)
    import_compositions(store, data)
    node = substance_iri(cas=MADE_UP)
    assert one(store, node, cg.molecularFormula) == "OPb"  # as the database writes lead monoxide
    # Pb 207.2 / (207.2 + 15.999) = 0.92832
    assert fraction(store, MADE_UP, "Pb") == pytest.approx(Decimal("0.92832"), abs=Decimal("0.00001"))
    assert fraction(store, MADE_UP, "O") == pytest.approx(Decimal("0.07168"), abs=Decimal("0.00001"))
    assert not store.ask("ASK WHERE { ?s cg:smiles|cg:inchiKey ?x }", {"s": node})
    assert one(store, node, prov.wasDerivedFrom) == source_iri(dataset_sha256(data)).value
    assert not store.ask("ASK WHERE { ?s rdfs:label ?l }", {"s": node})  # no name given, none invented


def test_a_name_labels_only_a_substance_without_a_label(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Test Supplier\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,pin,S1,10,g\n")
    (folder / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\nM1,P1,PVC,10,g\n")
    (folder / "substances.csv").write_text("material_id,cas,substance_name,amount,unit\n"
                                           f"M1,{LEAD_NEODECANOATE},Lead neodecanoate,1,mg\n")
    (folder / "identities.csv").write_text(HEADER + f"{LEAD_NEODECANOATE},C20H38O4Pb,,Neodecanoic acid lead salt,\n"
                                                    f"{PFOS_K},,{PFOS_K_SMILES},Potassium PFOS,\n")
    store = open_store(None)
    import_compositions(store, folder)
    assert one(store, substance_iri(cas=LEAD_NEODECANOATE), rdfs.label) == "Lead neodecanoate"
    assert one(store, substance_iri(cas=PFOS_K), rdfs.label) == "Potassium PFOS"
    assert one(store, substance_iri(cas=LEAD_NEODECANOATE), cg.molecularFormula) == "C20H38O4Pb"


@pytest.mark.parametrize(("rows", "line", "field", "reason"), [
    ([f"2795-39-4,,{PFOS_K_SMILES},,"], 2, "cas", "has check digit 4, expected 3"),
    ([f"27953-9-3,,{PFOS_K_SMILES},,"], 2, "cas", "is not a CAS number"),
    ([",PbO,,,"], 2, "cas", "required value is missing"),
    ([f"{MADE_UP},,,lead oxide,"], 2, "formula", "needs a formula or a SMILES"),
    ([f"{MADE_UP},,C1CC(,,"], 2, "smiles", "not a valid SMILES"),
    ([f"{MADE_UP},XyZ,,,"], 2, "formula", "not a molecular formula"),
    ([f"{PFOS_K},C8F17NaO3S,{PFOS_K_SMILES},,"], 2, "formula",
     "formula C8F17NaO3S does not match the SMILES, whose formula is C8F17KO3S"),
    ([f"{MADE_UP},PbO,,,", f"{MADE_UP},PbO,,,"], 3, "cas", f"a second identity record for {MADE_UP}"),
])
def test_a_bad_identity_record_is_refused_with_its_place_and_nothing_is_stored(tmp_path, rows, line, field, reason):
    store = open_store(None)
    import_compositions(store, identities(tmp_path / "first", f"{LEAD_NEODECANOATE},C20H38O4Pb,,,"))
    before = store.count()
    data = identities(tmp_path / "data", *rows, "1306-23-6,CdS,,,")  # a good record after the bad: all or nothing
    with pytest.raises(InputError) as info:
        import_compositions(store, data)
    found = [p for p in info.value.problems if p.line == line and p.field == field]
    assert found and reason in found[0].reason, [str(p) for p in info.value.problems]
    assert str(found[0]).startswith(f"{data / 'identities.csv'}:{line}: {field}: ")
    assert store.count() == before


def test_a_formula_other_than_the_stored_one_is_refused_naming_it_and_its_source(tmp_path):
    # the database identifies lead monoxide when a substance record brings it
    (tmp_path / "part").mkdir()
    (tmp_path / "part" / "suppliers.csv").write_text("supplier_id,name\nS1,Test Supplier\n")
    (tmp_path / "part" / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,pin,S1,10,g\n")
    (tmp_path / "part" / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\nM1,P1,glass,10,g\n")
    (tmp_path / "part" / "substances.csv").write_text("material_id,cas,amount,unit\nM1,1317-36-8,1,mg\n")
    store = open_store(None)
    import_compositions(store, tmp_path / "part")
    node = substance_iri(cas="1317-36-8")
    assert one(store, node, cg.molecularFormula) == "OPb"
    before = store.count()
    data = identities(tmp_path / "wrong", "1317-36-8,PbO2,,,")
    with pytest.raises(InputError) as info:
        import_compositions(store, data)
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, "formula")
    assert "already identifies 1317-36-8 as OPb" in problem.reason and "not O2Pb" in problem.reason
    assert "PubChem-derived identifier database" in problem.reason and "/source/chemicals-" in problem.reason
    assert store.count() == before


def test_the_stored_formula_given_again_is_accepted_and_changes_nothing(tmp_path):
    store = open_store(None)
    import_compositions(store, identities(tmp_path / "first", f"{PFOS_K},,{PFOS_K_SMILES},Potassium PFOS,SDS"))
    node = substance_iri(cas=PFOS_K)
    first = source_iri(dataset_sha256(tmp_path / "first"))
    # the same formula, written otherwise, from another data set: accepted, the stored identity stays as it was
    import_compositions(store, identities(tmp_path / "again", f"{PFOS_K},KC8F17SO3,,Perfluorooctanesulfonate K,"
                                                              "catalogue"))
    assert one(store, node, cg.molecularFormula) == "C8F17KO3S"
    assert one(store, node, prov.wasDerivedFrom) == first.value
    assert one(store, node, dct.bibliographicCitation) == "SDS"
    assert one(store, node, rdfs.label) == "Potassium PFOS"


def test_a_company_identity_in_the_store_is_not_overridden_by_another_record(tmp_path):
    store = open_store(None)
    import_compositions(store, identities(tmp_path / "first", f"{PFOS_K},,{PFOS_K_SMILES},,supplier SDS rev 3"))
    with pytest.raises(InputError) as info:
        import_compositions(store, identities(tmp_path / "second", f"{PFOS_K},C8F17NaO3S,,,"))
    [problem] = info.value.problems
    assert "already identifies 2795-39-3 as C8F17KO3S (from first, " in problem.reason
    assert "citing 'supplier SDS rev 3'" in problem.reason
    assert source_iri(dataset_sha256(tmp_path / "first")).value in problem.reason


def _is_lead_member_by_rule(store, cas: str) -> bool:
    return store.ask("ASK WHERE { ?g cg:hasMember ?s . ?m a cg:GroupMembership ; cg:group ?g ; cg:member ?s ; "
                     "cg:byRule ?rule }", {"g": LEAD_GROUP, "s": substance_iri(cas=cas), "rule": LEAD_RULE})


def test_a_lead_compound_known_only_from_a_record_joins_lead_and_its_compounds_when_the_list_is_loaded(tmp_path):
    store = open_store(None)
    import_compositions(store, identities(tmp_path / "ids", f"{LEAD_NEODECANOATE},Pb(C10H19O2)2,,,"))
    assert one(store, substance_iri(cas=LEAD_NEODECANOATE), cg.molecularFormula) == "C20H38O4Pb"
    assert not _is_lead_member_by_rule(store, LEAD_NEODECANOATE)
    load_reference(store, ["eu-rohs-annex-ii"])
    assert _is_lead_member_by_rule(store, LEAD_NEODECANOATE)


@pytest.fixture(scope="module")
def rohs_with_own_identity(tmp_path_factory):
    # The list first, then one data set with the parts and the identity of the lead compound they contain.
    # Lead neodecanoate Pb(C10H19O2)2: M = 207.2 + 2 x 171.26 = 549.71 g/mol, Pb 207.2 / 549.71 = 0.37692.
    # Each material 10,000 mg, so 1 mg = 100 ppm:
    #   30 mg = 3,000 ppm x 0.37692 = 1,130.77 ppm Pb > 1,000 ppm -> violation
    #   25 mg = 2,500 ppm x 0.37692 =   942 ppm Pb <= 1,000 ppm -> passes
    store = open_store(None)
    load_reference(store, ["eu-rohs-annex-ii", "eu-rohs-annex-iii"])
    folder = tmp_path_factory.mktemp("rohs") / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Test Supplier\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit,declaration_date\n"
                                      "P1,part P1,S1,10000,mg,2025-01-01\nP2,part P2,S1,10000,mg,2025-01-01\n")
    (folder / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\n"
                                          "M-PBND-3000,P1,PVC,10000,mg\nM-PBND-2500,P2,PVC,10000,mg\n")
    (folder / "substances.csv").write_text("material_id,cas,amount,unit\n"
                                           f"M-PBND-3000,{LEAD_NEODECANOATE},30,mg\n"
                                           f"M-PBND-2500,{LEAD_NEODECANOATE},25,mg\n")
    (folder / "identities.csv").write_text(HEADER + f"{LEAD_NEODECANOATE},C20H38O4Pb,,Lead neodecanoate,SDS\n")
    import_compositions(store, folder)
    return store, hits(validate(store, ["eu-rohs"], dt.date(2025, 1, 1)), "")


def test_a_lead_compound_identified_by_the_company_is_a_member_when_the_list_was_loaded_first(rohs_with_own_identity):
    store, _ = rohs_with_own_identity
    assert _is_lead_member_by_rule(store, LEAD_NEODECANOATE)


def test_its_lead_is_measured_against_the_rohs_limit(rohs_with_own_identity):
    _, found = rohs_with_own_identity
    assert "1,130.77 ppm of Pb" in found["M-PBND-3000"].message and "(Lead (Pb))" in found["M-PBND-3000"].message
    assert "M-PBND-2500" not in found
