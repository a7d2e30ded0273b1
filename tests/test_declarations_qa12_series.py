"""QA12 B05: an IPC-1752A Product with several ProductIDs (one declaration for a series of item numbers sharing one
composition) was read for its first ProductID only. The others were dropped without a word: BRASS-1, in a product,
kept its superseded clean composition although the newer declaration naming it declares 5 % lead in the brass, over
the 4 % RoHS Annex III 6(c) allows. Now the declaration is applied to every ProductID, each a part superseding its
own older declaration; a newer declaration of one item of the series supersedes that item only.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

LEAD = "7439-92-1"


def _brass(folder: Path, name: str, date: str, items: list[str], lead_percent: str) -> Path:
    """A Class D of 1 g brass pins, one ProductID per item number, `lead_percent` % lead in the brass."""
    ids = "".join(f'<ProductID itemNumber="{i}" itemName="Brass pin {i}"><Amount value="1000" UOM="mg"/></ProductID>\n'
                  for i in items)
    path = folder / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo><Response date="{date}"><SupplyCompany name="Kobe Connectors Ltd."/>'
        f'</Response></BusinessInfo>\n<Product>\n{ids}<MaterialInfo><HomogeneousMaterialList>'
        '<HomogeneousMaterial name="Leaded brass" materialGroupName="Copper alloy"><Amount value="1000" UOM="mg"/>'
        f'<Substance name="Lead"><SubstanceID identity="{LEAD}" authority="CAS"/><Amount value="{lead_percent}" '
        'UOM="massPercent"/><Exemption identity="6(c)"/></Substance></HomogeneousMaterial>'
        "</HomogeneousMaterialList></MaterialInfo></Product></MainDeclaration>", encoding="utf-8")
    return path


def _lead_mg(store, part: str) -> list[Decimal]:
    rows = store.select("""SELECT ?mg WHERE { ?p cg:hasMaterial/cg:contains ?o . ?o cg:massMg ?mg ;
                           cg:substance/cg:casNumber ?cas }""", {"p": entity_iri("part", part)})
    return [Decimal(r["mg"].value) for r in rows]


def test_every_product_id_of_a_series_gets_the_composition_and_supersedes_its_own_declaration(tmp_path):
    """B05: BRASS-1 declared clean (0.05 % lead) in March; the June declaration of the series BRASS-0, BRASS-1 with
    5 % lead (50 mg in 1 g) replaces BRASS-1's composition and gives BRASS-0 its own; a September declaration of
    BRASS-0 alone supersedes BRASS-0 only. Two ProductIDs with one item number are refused naming the file."""
    store = open_store(None)
    import_declarations(store, [_brass(tmp_path, "b1-march.xml", "2026-03-01", ["BRASS-1"], "0.05")])
    assert _lead_mg(store, "BRASS-1") == [Decimal("0.5")]
    outcomes = import_declarations(store, [_brass(tmp_path, "family.xml", "2026-06-01", ["BRASS-0", "BRASS-1"], "5")])
    assert [(o.part, o.status) for o in outcomes] == [("BRASS-0", "new"), ("BRASS-1", "replaced")]
    assert _lead_mg(store, "BRASS-0") == _lead_mg(store, "BRASS-1") == [Decimal(50)]
    [march] = store.select("""SELECT ?date WHERE { ?d cg:declares ?p ; cg:supersededBy ?new . ?new dct:date ?date }""",
                           {"p": entity_iri("part", "BRASS-1")})
    assert march["date"].value == "2026-06-01"
    import_declarations(store, [_brass(tmp_path, "b0-sept.xml", "2026-09-01", ["BRASS-0"], "2")])
    assert _lead_mg(store, "BRASS-0") == [Decimal(20)] and _lead_mg(store, "BRASS-1") == [Decimal(50)]
    with pytest.raises(InputError) as exc:  # the series again: older than BRASS-0's September declaration
        import_declarations(store, [tmp_path / "family.xml"])
    assert "'BRASS-0'" in exc.value.problems[0].reason and _lead_mg(store, "BRASS-1") == [Decimal(50)]

    with pytest.raises(InputError) as exc:
        import_declarations(open_store(None), [_brass(tmp_path, "twice.xml", "2026-06-01", ["B-9", "B-9"], "5")])
    [problem] = exc.value.problems
    assert problem.file.endswith("twice.xml") and problem.field == "Product/ProductID" and "'B-9'" in problem.reason
