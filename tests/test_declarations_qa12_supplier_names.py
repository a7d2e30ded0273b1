"""QA12 B04: a newer declaration whose company name differed from the stored supplier's only in letter case (and
which added a DUNS CompanyID) made a new supplier `DUNS-777` and an orphan part `DUNS-777:ASM-1` outside every BOM,
silently; the product kept the superseded composition and the newer declaration's SVHC never reached it. Company
names are now compared regardless of case and of spaces around and between words; a name and a company id that
point at two different stored suppliers are refused naming both, never guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError


def _decl(folder: Path, name: str, date: str, company: str, company_id: str = "") -> Path:
    """A Class D of ASM-1 (2 g of PBT) by `company`, with `company_id` as its DUNS CompanyID if given."""
    cid = f'<CompanyID identity="{company_id}" authority="DUNS"/>' if company_id else ""
    path = folder / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo>\n<Response date="{date}"><SupplyCompany name="{company}">{cid}'
        '</SupplyCompany></Response></BusinessInfo><Product><ProductID itemNumber="ASM-1"><Amount value="2" '
        'UOM="g"/></ProductID><MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="Housing"><Amount '
        'value="2" UOM="g"/><Substance name="PBT"><SubstanceID identity="26062-94-2" authority="CAS"/><Amount '
        'value="1900" UOM="mg"/></Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo>'
        "</Product></MainDeclaration>", encoding="utf-8")
    return path


def _store(tmp_path: Path, suppliers: str):
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "suppliers.csv").write_text("supplier_id,name\n" + suppliers, encoding="utf-8")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit,item_number\n"
                                      "ASM-1,Front panel,S-OSK,2,g,ASM-1\n", encoding="utf-8")
    (folder / "products.csv").write_text("product_id,name,eee_category\nPR-X,Panel,3\n", encoding="utf-8")
    (folder / "bom.csv").write_text("parent_id,child_id,quantity\nPR-X,ASM-1,1\n", encoding="utf-8")
    store = open_store(None)
    import_compositions(store, folder)
    return store


def test_a_company_name_in_other_letter_case_is_the_stored_supplier_and_a_clash_is_refused(tmp_path):
    """B04: "OSAKA  ASSEMBLIES K.K. " with DUNS-777 is the stored S-OSK "Osaka Assemblies K.K.": the September
    declaration replaces ASM-1 (in PR-X), no supplier or part is created, the stored name is kept (one label) and
    the DUNS number is added. When another stored supplier has the id DUNS-777, the file is refused naming both."""
    store = _store(tmp_path, "S-OSK,Osaka Assemblies K.K.\n")
    import_declarations(store, [_decl(tmp_path, "june.xml", "2026-06-01", "Osaka Assemblies K.K.")])
    [outcome] = import_declarations(store, [_decl(tmp_path, "sept.xml", "2026-09-01", "OSAKA  ASSEMBLIES K.K. ",
                                                  "DUNS-777")])
    assert (outcome.part, outcome.status) == ("ASM-1", "replaced")
    rows = store.select("SELECT ?id ?name ?cid WHERE { ?s a cg:Supplier ; dct:identifier ?id ; rdfs:label ?name . "
                        "OPTIONAL { ?s cg:companyId ?cid } }")
    assert [(r["id"].value, r["name"].value, r["cid"].value) for r in rows] == [
        ("S-OSK", "Osaka Assemblies K.K.", "DUNS-777")]
    assert [r["id"].value for r in store.select("SELECT ?id WHERE { ?p a cg:Part ; dct:identifier ?id }")] == ["ASM-1"]

    clash = _store(tmp_path / "b", "S-OSK,Osaka Assemblies K.K.\nDUNS-777,Kyoto Panels\n")
    with pytest.raises(InputError) as exc:
        import_declarations(clash, [_decl(tmp_path, "sept.xml", "2026-09-01", "osaka assemblies k.k.", "DUNS-777")])
    [problem] = exc.value.problems
    assert problem.field == "BusinessInfo/Response/SupplyCompany@name"
    assert "S-OSK 'Osaka Assemblies K.K.' (by name)" in problem.reason and "DUNS-777 'Kyoto Panels'" in problem.reason
    assert not clash.select("SELECT ?d WHERE { ?d a cg:Declaration }")
