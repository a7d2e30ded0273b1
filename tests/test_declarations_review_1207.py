"""What a review of the session's declaration fixes found (2026-12-07), one test each:
- a batch of an older and a newer declaration of one item in different time zones: the older (a later local date,
  an earlier instant) was written last, refused as older, and the whole batch failed (`ordering.write_order` now
  sorts by the instant);
- a supplier numbering its own sub-product "C1" like another supplier's connector in the customer's BOM took that
  connector (0.5 % lead) out of the product (`history._lines` now leaves parts of another supplier alone);
- a standalone declaration of item SCREW landed on the sub-product part ASM/SCREW of the supplier's assembly
  declaration and superseded the whole assembly's declaration (`matching.part_id` now skips a declaration's
  sub-products).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.status import compute
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError

from .test_declarations_qa12_bom_lines import SCREW, _asm, _children, imported

OWN_C1 = SCREW.replace('itemNumber="SCREW"', 'itemNumber="C1"').replace('numberOfInstances="4"',
                                                                         'numberOfInstances="2"')
P = "https://w3id.org/complygraph/id/product/PR"


def _decl(folder: Path, name: str, date: str, lead_mg: str) -> Path:
    p = folder / name
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo><Response date="{date}"><SupplyCompany name="Acme"/></Response>'
        '</BusinessInfo><Product><ProductID itemNumber="X1" itemName="Part"><Amount value="10" UOM="g"/>'
        '</ProductID><MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="PVC"><Amount value="10" '
        'UOM="g"/><Substance name="Lead"><SubstanceID identity="7439-92-1" authority="CAS"/><Amount '
        f'value="{lead_mg}" UOM="mg"/></Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo>'
        "</Product></MainDeclaration>", encoding="utf-8")
    return p


def test_a_batch_orders_declarations_by_their_instant_across_time_zones(tmp_path):
    # old: 2026-03-02 01:00 +09:00 = 2026-03-01 16:00Z ; new: 2026-03-01 20:00Z
    old = _decl(tmp_path, "a-old.xml", "2026-03-02T01:00:00+09:00", "500")
    new = _decl(tmp_path, "b-new.xml", "2026-03-01T20:00:00Z", "1")
    store = open_store(None)
    # one at a time, in the right order: both load, the newer in force
    import_declarations(store, [old])
    import_declarations(store, [new])
    store2 = open_store(None)
    try:
        import_declarations(store2, [old, new])
    except InputError as exc:
        pytest.fail(f"batch of an older and a newer declaration refused: {[str(p) for p in exc.problems]}")


def test_a_sub_product_numbered_like_another_suppliers_part_leaves_it_in_the_product(tmp_path):
    store = imported(tmp_path, ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"])
    assert compute(store, ["eu-rohs"], dt.date(2026, 12, 7)).product(P, "eu-rohs").status == "non-compliant"
    import_declarations(store, [_asm(tmp_path, "asm-own-c1.xml", "2026-07-01", OWN_C1)])
    after = compute(store, ["eu-rohs"], dt.date(2026, 12, 7)).product(P, "eu-rohs").status
    assert ("ASM", "C1") in _children(store), "Cap Maker's connector left the product"
    assert after != "compliant"


def _screw(folder, name, date, lead_mg):
    path = folder / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo><Response date="{date}"><SupplyCompany name="Assembler Ltd"/></Response>'
        '</BusinessInfo><Product><ProductID itemNumber="SCREW" itemName="Screw"><Amount value="1" UOM="g"/>'
        '</ProductID><MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="Steel"><Amount value="1" '
        'UOM="g"/><Substance name="Lead"><SubstanceID identity="7439-92-1" authority="CAS"/><Amount '
        f'value="{lead_mg}" UOM="mg"/></Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo>'
        "</Product></MainDeclaration>", encoding="utf-8")
    return path


def _materials(store):
    return sorted((r["p"].value, r["m"].value) for r in store.select(
        "SELECT ?p ?m WHERE { ?part cg:hasMaterial/dct:identifier ?m ; dct:identifier ?p }"))


def test_a_standalone_declaration_does_not_land_on_an_assemblys_sub_product(tmp_path):
    store = imported(tmp_path)
    import_declarations(store, [_asm(tmp_path, "asm-2.xml", "2026-07-01", SCREW)])
    outs = import_declarations(store, [_screw(tmp_path, "screw.xml", "2026-08-01", "50")])
    after = _materials(store)
    assert ("ASM", "ASM/m1") in after, "the assembly lost its own composition"
    assert outs[0].part == "SCREW", outs[0].part
