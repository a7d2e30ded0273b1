"""QA12 B06: a supplier's declaration of an assembly that declares no SubProduct moved to history the BOM line the
customer's compositions import recorded from that assembly to a part of ANOTHER supplier (a consigned connector C1
with 0.5 % lead, RoHS Annex II): the product lost the part and went from non-compliant to unknown. A declaration
speaks for what its supplier declares: the lines it replaces are those to its own (earlier) sub-products and those
to a part it now declares as a sub-product by the same item number (QA10 B05); every other line stays.
"""

from __future__ import annotations

from pathlib import Path

from complygraph.graph import open_store
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations

COMPOSITIONS = {
    "suppliers.csv": "supplier_id,name\nS-A,Assembler Ltd\nS-C,Cap Maker\n",
    "parts.csv": "part_id,name,supplier_id,mass,mass_unit,item_number\nASM,Main board,S-A,20,g,ASM\n"
                 "C1,Connector,S-C,1,g,C1\nSCREW,Screw,S-A,1,g,SCREW\n",
    "materials.csv": "material_id,part_id,name,mass,mass_unit,category\nASMm,ASM,FR4,20,g,laminate\n"
                     "C1m,C1,Brass,1,g,brass\nSCREWm,SCREW,Steel,1,g,steel\n",
    "substances.csv": "material_id,cas,amount,unit\nC1m,7439-92-1,5,mg\n",
    "products.csv": "product_id,name,eee_category\nPR,Camera,4\n",
    "bom.csv": "parent_id,child_id,quantity\nPR,ASM,1\nASM,C1,2\nASM,SCREW,4\n",
}


def _asm(folder: Path, name: str, date: str, sub_product: str = "") -> Path:
    """Assembler Ltd's Class D of ASM: its own 20 g FR4 laminate, and `sub_product` (a SubProduct element) if any."""
    path = folder / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo><Response date="{date}"><SupplyCompany name="Assembler Ltd"/></Response>'
        '</BusinessInfo><Product><ProductID itemNumber="ASM" itemName="Main board"><Amount value="24" UOM="g"/>'
        '</ProductID><MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="FR4"><Amount value="20" '
        'UOM="g"/><Substance name="Glass fibre"><SubstanceID identity="65997-17-3" authority="CAS"/><Amount '
        'value="12" UOM="g"/></Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo>'
        f"{sub_product}</Product></MainDeclaration>", encoding="utf-8")
    return path


SCREW = ('<SubProduct numberOfInstances="4"><ProductID itemNumber="SCREW"><Amount value="1" UOM="g"/></ProductID>'
         '<MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="Steel"><Amount value="1" UOM="g"/>'
         '<Substance name="Iron"><SubstanceID identity="7439-89-6" authority="CAS"/><Amount value="990" UOM="mg"/>'
         "</Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo></SubProduct>")


def imported(tmp_path: Path, lists: list[str] | None = None):
    """An in-memory store with `COMPOSITIONS` imported (and `lists` loaded first)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in COMPOSITIONS.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = open_store(None)
    if lists:
        load_reference(store, lists)
    import_compositions(store, folder)
    return store


def _children(store) -> list[tuple[str, str]]:
    return sorted((r["parent"].value, r["child"].value) for r in store.select(
        "SELECT ?parent ?child WHERE { ?u cg:parent/dct:identifier ?parent ; cg:child/dct:identifier ?child }"))


def test_a_declaration_without_sub_products_keeps_the_customers_lines_to_parts_it_does_not_declare(tmp_path):
    """B06: Assembler Ltd declares ASM with no SubProduct: the lines ASM -> C1 (Cap Maker's part, 0.5 % lead) and
    ASM -> SCREW stay, so PR still holds C1. A newer declaration giving SCREW as a SubProduct replaces the line to
    SCREW by ASM -> ASM/SCREW (by item number, QA10 B05) and keeps C1's; the next one without it takes its own
    sub-product away again, and still keeps C1's line."""
    store = imported(tmp_path)
    import_declarations(store, [_asm(tmp_path, "asm-1.xml", "2026-06-01")])
    assert _children(store) == [("ASM", "C1"), ("ASM", "SCREW"), ("PR", "ASM")]
    import_declarations(store, [_asm(tmp_path, "asm-2.xml", "2026-07-01", SCREW)])
    assert _children(store) == [("ASM", "ASM/SCREW"), ("ASM", "C1"), ("PR", "ASM")]
    import_declarations(store, [_asm(tmp_path, "asm-3.xml", "2026-08-01")])
    assert _children(store) == [("ASM", "C1"), ("PR", "ASM")]
