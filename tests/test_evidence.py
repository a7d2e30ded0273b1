"""Evidence records (certificates of non-use, laboratory data, change notices, the approved raw material
registry) and the evidence pack's requirements, freshness and waivers; agreement with pySHACL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.turtle import load_ontology
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError

AT = dt.date(2026, 6, 1)
PARTS = ["p-ok", "p-old", "p-none", "p-change", "p-gb", "p-gb-expired"]


def _folder(tmp: Path, evidence: str, raw: str = "") -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier one\n")
    (tmp / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\n"
                                   + "".join(f"{p},{p},S1,10,g\n" for p in PARTS))
    rows = ["material_id,part_id,name,mass,mass_unit,category,raw_material"]
    for p in PARTS:
        cites = {"p-gb": "green-book:GB-1", "p-gb-expired": "GB-2"}.get(p, "")
        rows.append(f"{p}-housing,{p},ABS housing,8,g,housing,{cites}")
        rows.append(f"{p}-screw,{p},steel screw,2,g,steel,")
    (tmp / "materials.csv").write_text("\n".join(rows) + "\n")
    (tmp / "substances.csv").write_text("material_id,cas,amount,unit\np-ok-housing,7439-92-1,100,ppm\n")
    if raw:
        (tmp / "raw_materials.csv").write_text(raw)
    (tmp / "evidence.csv").write_text(evidence)
    return tmp


EVIDENCE = """evidence_id,kind,part_id,date,material_id,signer,issuer,method,cas,measured_ppm,document,raw_material,note
C1,certificate-of-non-use,p-ok,2026-01-10,,K. Sato,,,,,cnu-p-ok.pdf,,
L1,lab-report,p-ok,2025-09-01,p-ok-housing,,Kobe Lab,ICP-AES,7439-92-1,300,lab-1.pdf,,
C2,certificate-of-non-use,p-old,2024-01-01,,K. Sato,,,,,,,
C3,certificate-of-non-use,p-change,2025-12-01,,K. Sato,,,,,,,
N1,change-notice,p-change,2026-03-01,,,,,,,,,moulding moved to plant 2
C4,certificate-of-non-use,p-gb,2026-02-01,,K. Sato,,,,,,green-book:GB-1,
C5,certificate-of-non-use,p-gb-expired,2026-02-01,,K. Sato,,,,,,,
"""
RAW = """registry,registry_number,name,approved_until,maker
green-book,GB-1,ABS grade 100 black,2027-12-31,Resin Co.
green-book,GB-2,ABS grade 200 white,2025-12-31,Resin Co.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(None)
    load_ontology(s)
    import_compositions(s, _folder(tmp_path_factory.mktemp("ev"), EVIDENCE, RAW))
    return s


def test_requirements_freshness_waivers_and_change_control(store):
    report = validate(store, ["evidence"], AT)
    got = sorted((str(r.shape).rsplit("#", 1)[-1], str(r.focus).rsplit("/", 1)[-1],
                  str(r.severity).rsplit("#", 1)[-1]) for r in report.results)
    assert got == sorted([
        ("PartCertificate", "p-old", "Violation"),  # dated 2024-01-01, more than 365 days before
        ("PartCertificate", "p-none", "Violation"),
        ("DesignatedMaterialLabData", "p-old-housing", "Violation"),
        ("DesignatedMaterialLabData", "p-none-housing", "Violation"),
        ("DesignatedMaterialLabData", "p-change-housing", "Violation"),
        ("DesignatedMaterialLabData", "p-gb-expired-housing", "Violation"),  # GB-2 expired 2025-12-31
        ("ChangeControl", "p-change", "Warning"),  # change notice 2026-03-01 after the 2025-12-01 certificate
        ("LabAgreesWithDeclaration", "L1", "Warning"),  # 300 ppm measured, 100 ppm declared
    ])
    shapes = {(s, f) for s, f, _ in got}
    assert ("PartCertificate", "p-old") in shapes and ("PartCertificate", "p-none") in shapes
    assert not {f for s, f in shapes if s == "PartCertificate"} & {"p-ok", "p-change", "p-gb", "p-gb-expired"}
    assert {f for s, f in shapes if s == "DesignatedMaterialLabData"} == {
        "p-old-housing", "p-none-housing", "p-change-housing", "p-gb-expired-housing"}, \
        "p-ok has fresh lab data; p-gb cites an approved raw material; steel is not a designated material"
    assert {f for s, f in shapes if s == "ChangeControl"} == {"p-change"}
    [lab] = [r for r in report.results if str(r.shape).endswith("LabAgreesWithDeclaration")]
    assert str(lab.focus).endswith("/L1") and "measured 300 ppm" in lab.message and "declared 100 ppm" in lab.message
    stale = [r.message for r in report.results if str(r.focus).endswith("/p-old")][0]
    assert "within 365 days before 2026-06-01" in stale and "2024-01-01" in stale


def test_a_certificate_turns_stale_a_year_after_its_date(store):
    fresh = {str(r.focus).rsplit("/", 1)[-1] for r in validate(store, ["evidence"], dt.date(2026, 12, 1)).results
             if str(r.shape).endswith("PartCertificate")}
    assert "p-ok" not in fresh
    later = {str(r.focus).rsplit("/", 1)[-1] for r in validate(store, ["evidence"], dt.date(2027, 1, 11)).results
             if str(r.shape).endswith("PartCertificate")}
    assert "p-ok" in later


def test_bad_evidence_records_name_line_and_field(tmp_path):
    bad = """evidence_id,kind,part_id,date,material_id,signer,issuer,method,cas,measured_ppm
E1,certificate-of-non-use,p-ok,2026-01-10,,,,,,
E2,lab-report,p-ok,2026-01-10,p-ok-housing,,Lab,ICP-AES,7439-92-2,300
E3,photo,p-ok,2026-01-10,,,,,,
E4,lab-report,nobody,2026-01-10,,,Lab,XRF,7439-92-1,12
E4,certificate-of-non-use,p-ok,2026-13-01,,Sato,,,,
"""
    s = open_store(None)
    with pytest.raises(InputError) as exc:
        import_compositions(s, _folder(tmp_path / "bad", bad))
    got = {(p.line, p.field) for p in exc.value.problems}
    assert got == {(2, "signer"), (3, "cas"), (4, "kind"), (5, "part_id"), (6, "evidence_id"), (6, "date")}
    assert s.count() == 0


def test_the_evidence_pack_gives_the_same_results_as_pyshacl(store):
    from .shacl_cases import compare_with_pyshacl

    ours, reference = compare_with_pyshacl(store, ["evidence"], AT)
    assert ours == reference and len(ours) >= 8


def test_graphql_part_lists_its_evidence_and_declaration_history(tmp_path):
    import httpx

    from complygraph.loaders.declarations import import_declarations

    from .test_api import serve

    store = open_store(None)
    import_compositions(store, _folder(tmp_path / "data", EVIDENCE, RAW))
    decl = Path(__file__).parent / "declarations" / "ipc-class-d.xml"
    newer = tmp_path / "newer.xml"
    newer.write_text(decl.read_text().replace('date="2026-03-10T09:00:00Z"', 'date="2026-05-01"'))
    import_declarations(store, [decl])
    import_declarations(store, [newer])
    gen = serve(store)
    url = next(gen)
    try:
        data = httpx.post(f"{url}/graphql", json={"query": """{
            ok: part(id: "p-ok") { evidence { id kind date material issuer method cas measuredPpm document } }
            kc: part(id: "KC-100") { declarations { date declarationClass format file current } } }"""}).json()
    finally:
        next(gen, None)
    assert data["data"]["ok"]["evidence"] == [
        {"id": "C1", "kind": "CertificateOfNonUse", "date": "2026-01-10", "material": None, "issuer": None,
         "method": None, "cas": None, "measuredPpm": None, "document": "cnu-p-ok.pdf"},
        {"id": "L1", "kind": "LabReport", "date": "2025-09-01", "material": "p-ok-housing", "issuer": "Kobe Lab",
         "method": "ICP-AES", "cas": "7439-92-1", "measuredPpm": 300.0, "document": "lab-1.pdf"}]
    assert data["data"]["kc"]["declarations"] == [
        {"date": "2026-05-01", "declarationClass": "D", "format": "ipc1752a", "file": "newer.xml", "current": True},
        {"date": "2026-03-10", "declarationClass": "D", "format": "ipc1752a", "file": "ipc-class-d.xml",
         "current": False}]
