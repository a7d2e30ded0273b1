"""Supplier declarations in IPC-1752A and IEC 62474 XML, including hostile files.

The files in tests/declarations/ are hand-written; the expected figures below are computed by hand:
KC-100 is 2.5 g = 2500 mg; its PBT housing 1500 mg holds DBDPE at 12.5 % (Concentration without a unit
is mass percent) = 187.5 mg = 125000 ppm, Sb2O3 at 50000 ppm = 75 mg and PBT 1.2 g = 1200 mg; its brass
contact 0.0009 kg = 900 mg holds copper at 62 massPercent = 558 mg and lead 27 mg = 30000 ppm under
RoHS exemption 6(c); two latch springs of 50 mg each hold nickel at 80000 ppm = 4 mg.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.graph.impact import impact
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.loaders.xmlsafe import read_xml
from complygraph.vocab import entity_iri

D = Path(__file__).parent / "declarations"


def _occurrences(store, part: str) -> dict[str, tuple[Decimal, Decimal]]:
    rows = store.select("""SELECT ?cas ?ppm ?mg WHERE { ?part cg:hasMaterial ?m . ?m cg:contains ?o .
                           ?o cg:substance/cg:casNumber ?cas ; cg:concentrationPpm ?ppm ; cg:massMg ?mg }""",
                        {"part": entity_iri("part", part)})
    return {r["cas"].value: (Decimal(r["ppm"].value), Decimal(r["mg"].value)) for r in rows}


def _everything(store) -> set[str]:
    return {f"{r['g'] if 'g' in r else ''} {r['s']} {r['p']} {r['o']}" for r in store.select(
        "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:complygraph:meta>) } }")}


@pytest.fixture
def store():
    return open_store(None)


def test_ipc_class_d_with_every_unit_a_sub_product_and_provenance(store):
    [outcome] = import_declarations(store, [D / "ipc-class-d.xml"])
    assert (outcome.part, outcome.status, outcome.declaration_class) == ("KC-100", "new", "D")
    assert _occurrences(store, "KC-100") == {
        "26062-94-2": (Decimal(800000), Decimal(1200)), "84852-53-9": (Decimal(125000), Decimal("187.5")),
        "1309-64-4": (Decimal(50000), Decimal(75)), "7440-50-8": (Decimal(620000), Decimal(558)),
        "7439-92-1": (Decimal(30000), Decimal(27))}
    assert _occurrences(store, "KC-100/KC-100-LATCH") == {"7440-02-0": (Decimal(80000), Decimal(4))}
    [row] = store.select("""
        SELECT ?mass ?name ?version ?sid ?company ?date ?class ?sha ?fmt ?qty ?ex WHERE {
          ?part cg:massMg ?mass ; rdfs:label ?name ; cg:itemVersion ?version ; cg:itemNumber "KC-100" ;
                cg:suppliedBy ?s .
          ?s dct:identifier ?sid ; rdfs:label ?company .
          ?d cg:declares ?part ; dct:date ?date ; cg:declarationClass ?class ; cg:declaredBy ?s ;
             prov:wasDerivedFrom ?src . ?src dct:identifier ?sha ; dct:format ?fmt .
          ?u cg:parent ?part ; cg:child/cg:itemNumber "KC-100-LATCH" ; cg:quantity ?qty .
          ?part cg:hasMaterial/cg:contains ?o . ?o cg:claimedExemption ?ex .
        }""", {"part": entity_iri("part", "KC-100")})
    # the part's own mass: 2500 mg less its two 50 mg latch springs (their own parts), as the compositions format
    assert Decimal(row["mass"].value) == 2400 and row["name"].value == "Board connector 10 pin"
    assert row["version"].value == "B" and row["company"].value == "Kobe Connectors Ltd."
    assert row["sid"].value == "123456789" and row["date"].value == "2026-03-10"
    assert row["class"].value == "D" and row["sha"].value.startswith("sha256:") and row["fmt"].value == "ipc1752a"
    assert Decimal(row["qty"].value) == 2 and row["ex"].value.endswith("/eu-rohs-annex-iii/6-c")
    assert store.ask('ASK WHERE { ?m rdfs:label "PBT housing" ; cg:materialCategory "housing" }')


def test_the_same_file_again_changes_nothing(store):
    import_declarations(store, [D / "ipc-class-d.xml"])
    before = _everything(store)
    [outcome] = import_declarations(store, [D / "ipc-class-d.xml"])
    assert outcome.status == "unchanged" and _everything(store) == before


def test_a_newer_declaration_replaces_the_composition_and_keeps_the_old_one_as_history(store, tmp_path):
    import_declarations(store, [D / "ipc-class-d.xml"])
    text = (D / "ipc-class-d.xml").read_text()
    newer = tmp_path / "kc-100-2026-06.xml"
    newer.write_text(text.replace('date="2026-03-10T09:00:00Z"', 'date="2026-06-01"').replace(
        '<Amount value="27" UOM="mg"/>', '<Amount value="0.5" UOM="mg"/>').replace(
        """<Substance name="Antimony trioxide">
                <SubstanceID identity="1309-64-4" authority="CAS"/>
                <Amount value="50000" UOM="ppm"/>
              </Substance>""", ""))
    [outcome] = import_declarations(store, [newer])
    assert outcome.status == "replaced"
    now = _occurrences(store, "KC-100")
    assert "1309-64-4" not in now and now["7439-92-1"] == (Decimal("555.555556"), Decimal("0.5"))
    assert _occurrences(store, "KC-100/KC-100-LATCH") == {"7440-02-0": (Decimal(80000), Decimal(4))}
    [old] = store.select("""SELECT ?old ?g WHERE { ?old cg:supersededBy ?new ; cg:historyGraph ?g ;
                             prov:invalidatedAtTime ?t . ?new dct:date "2026-06-01"^^xsd:date }""")
    kept = store.select(f"SELECT ?mg WHERE {{ GRAPH {old['g']} {{ ?o cg:substance ?s ; cg:massMg ?mg }} }}")
    assert sorted(Decimal(r["mg"].value) for r in kept) == sorted(
        Decimal(x) for x in ("1200", "187.5", "75", "558", "27", "4"))
    # an older declaration than the stored one is refused
    with pytest.raises(InputError, match="older than the stored declaration"):
        import_declarations(store, [D / "ipc-class-d.xml"])


def test_ipc_class_c_states_categories_without_a_composition(store):
    [outcome] = import_declarations(store, [D / "ipc-class-c.xml"])
    assert outcome.declaration_class == "C" and _occurrences(store, "KC-200") == {}
    rows = store.select("""SELECT ?list ?cat ?over ?ex WHERE { ?d cg:hasStatement ?st .
        ?st cg:aboutPart ?part ; cg:categoryList ?list ; cg:categoryName ?cat ; cg:overThreshold ?over .
        OPTIONAL { ?st cg:statedExemption ?ex } }""", {"part": entity_iri("part", "KC-200")})
    got = {(r["list"].value, r["cat"].value, r["over"].value, r["ex"].value.rsplit("/", 1)[-1] if "ex" in r else "")
           for r in rows}
    assert got == {("EUROHS-1907", "Lead/Lead Compounds", "true", "7-a"),
                   ("EUROHS-1907", "Cadmium/Cadmium Compounds", "false", ""),
                   ("EUREACH-0624", "SVHC Candidate List", "false", "")}


def test_iec_62474_composition_and_compliance(store):
    [outcome] = import_declarations(store, [D / "iec62474.xml"])
    assert (outcome.part, outcome.declaration_class) == ("OPC-C0603-225", "D")
    # the ProductPart "Capacitor body" is an article of its own, the product's first part
    occ = _occurrences(store, "OPC-C0603-225/1")
    assert occ["12047-27-7"] == (Decimal(900000), Decimal("4.68"))
    assert occ["7440-02-0"] == (Decimal(1000000), Decimal("0.8"))
    assert occ["12626-81-2"][1] == Decimal("0.2")
    assert store.ask("""ASK WHERE { ?st cg:aboutPart ?p ; cg:categoryName "Lead/lead compounds" ;
                                    cg:overThreshold true }""", {"p": entity_iri("part", "OPC-C0603-225")})


def test_a_declared_svhc_shows_in_the_list_change_impact(tmp_path):
    store = open_store(None)
    load_reference(store, ["eu-reach-svhc"])
    import_declarations(store, [D / "ipc-class-d.xml"])
    hits = [i for i in impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04") if i.part_id == "KC-100"]
    assert [(i.cas, round(i.article_percent, 3), i.over_threshold, i.supplier_name) for i in hits] == [
        ("84852-53-9", 7.812, True, "Kobe Connectors Ltd.")]  # 187.5 mg of the part's own 2400 mg


def test_a_wrong_cas_check_digit_is_refused_whole_with_its_line(store):
    with pytest.raises(InputError) as exc:
        import_declarations(store, [D / "ipc-class-c.xml", D / "bad-cas.xml"])
    [problem] = exc.value.problems
    assert problem.file.endswith("bad-cas.xml") and problem.line == 44 and "check digit" in problem.reason
    assert "SubstanceID@identity" in problem.field
    assert store.count() == 0, "the good file of the batch is not stored either"


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_hostile_xml_is_refused_before_parsing_and_stores_nothing(store, name):
    started = time.monotonic()
    with pytest.raises(InputError) as exc:
        import_declarations(store, [D / name])
    assert time.monotonic() - started < 2
    [problem] = exc.value.problems
    assert problem.line == 2 and problem.field == "DOCTYPE" and store.count() == 0
    assert "root:" not in str(exc.value)


def test_a_utf16_file_cannot_hide_its_doctype(tmp_path):
    f = tmp_path / "xxe16.xml"
    f.write_bytes((D / "xxe.xml").read_text().replace('encoding="UTF-8"', "").encode("utf-16"))
    with pytest.raises(InputError, match="DTDs"):
        read_xml(f)


def test_size_limit_malformed_xml_and_wrong_namespace(tmp_path):
    with pytest.raises(InputError, match="over the limit"):
        read_xml(D / "ipc-class-d.xml", max_bytes=1000)
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0">\n<Product>\n')
    with pytest.raises(InputError) as exc:
        import_declarations(open_store(None), [broken])
    assert "not well-formed" in str(exc.value) and exc.value.problems[0].line >= 3
    other = tmp_path / "other.xml"
    other.write_text('<Main xmlns="urn:something-else"/>')
    with pytest.raises(InputError, match="not a declaration this loader reads"):
        import_declarations(open_store(None), [other])


def test_missing_company_date_and_amounts_are_named_by_element(tmp_path):
    f = tmp_path / "incomplete.xml"
    f.write_text((D / "ipc-class-d.xml").read_text().replace('name="Kobe Connectors Ltd."', "").replace(
        ' date="2026-03-10T09:00:00Z"', "").replace('<Amount value="1.2" UOM="g"/>', "").replace(
        'UOM="kg"', 'UOM="lb"'))
    with pytest.raises(InputError) as exc:
        import_declarations(open_store(None), [f])
    fields = {p.field for p in exc.value.problems}
    assert {"BusinessInfo/Response/SupplyCompany@name", "BusinessInfo/Response@date"} <= fields
    assert any(f.endswith("HomogeneousMaterial/Amount@UOM") for f in fields)
    assert any(f.endswith("//Substance/Amount") for f in fields)


def test_cli_load_prints_one_row_per_file(tmp_path):
    store = str(tmp_path / "store")
    runner = CliRunner()
    result = runner.invoke(app, ["load", str(D / "ipc-class-d.xml"), str(D / "iec62474.xml"), "--store", store])
    assert result.exit_code == 0, result.output
    assert "KC-100" in result.output and "OPC-C0603-225" in result.output
    bad = runner.invoke(app, ["load", "--format", "ipc1752a", str(D / "iec62474.xml"), "--store", store])
    assert bad.exit_code == 2 and "iec62474" in bad.output
    shutil.rmtree(tmp_path / "store")


def test_a_part_number_taken_by_another_supplier_is_prefixed_with_the_plain_supplier_id(store, tmp_path):
    import_declarations(store, [D / "ipc-class-d.xml"])
    other = tmp_path / "other-supplier.xml"
    other.write_text((D / "ipc-class-c.xml").read_text().replace("Kobe Connectors Ltd.", "Nara Cables").replace(
        'identity="123456789" authority="DUNS"', 'identity="NC 7" authority="DUNS"').replace("KC-200", "KC-100"))
    [outcome] = import_declarations(store, [other])
    assert outcome.part == "NC 7:KC-100"
    assert _occurrences(store, "KC-100"), "the first supplier's part is untouched"


def test_a_material_given_as_a_share_of_a_part_without_mass_is_refused_saying_why():
    """Regression (QA3 B10): materials in massPercent of a product that declares no mass were refused as an
    "unknown mass unit 'massPercent'", followed by an "unknown material 'P47/m1'" per substance."""
    store = open_store(None)
    with pytest.raises(InputError) as refused:
        import_declarations(store, [D / "ipc-material-share-no-part-mass.xml"])
    reasons = [p.reason for p in refused.value.problems]
    assert len(reasons) == 2 and all("needs the part's mass" in r for r in reasons), reasons
    assert not any("unknown material" in r or "unknown mass unit" in r for r in reasons)
