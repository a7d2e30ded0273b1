"""The compositions import format: conversions, provenance, and bad input that stores nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from complygraph.graph import open_store
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

GOOD = {
    "suppliers.csv": "supplier_id,name,country\nS1,Acme Metals,JP\nS2,Polymer Works,DE\n",
    "products.csv": "product_id,name\nPRD1,Controller\n",
    "parts.csv": ("part_id,name,supplier_id,mass,mass_unit,declaration_date,packaging\n"
                  "P1,Brass pin,S1,2,g,2025-05-01,no\n"
                  "P2,Cable,S2,0.01,kg,2025-06-01,no\n"
                  "P3,Board assembly,S1,500,mg,,\n"),
    "materials.csv": ("material_id,part_id,name,mass,mass_unit,category\n"
                      "M1,P1,Brass,2000,mg,brass\n"
                      "M2,P2,PVC insulation,8,g,pvc-cable-insulation\n"
                      "M3,P3,Solder,500,mg,solder\n"),
    "substances.csv": ("material_id,cas,substance_name,amount,unit,intentional,exemption\n"
                       "M1,7439-92-1,Lead,60,mg,yes,6(c)\n"
                       "M1,7440-50-8,Copper,58,wt%,yes,\n"
                       "M2,117-81-7,DEHP,25,wt%,yes,\n"
                       "M2,7439-92-1,Lead,250,ppm,no,\n"
                       "M3,7440-31-5,Tin,0.4825,g,yes,\n"),
    "bom.csv": "parent_id,child_id,quantity\nPRD1,P3,1\nP3,P1,4\nPRD1,P2,2\n",
}


def write_dataset(folder: Path, **changes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**GOOD, **changes}.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def occurrence(store, material: str, cas: str) -> dict[str, str]:
    rows = store.select("""
        SELECT ?ppm ?mg ?intentional ?exemption WHERE {
          ?m cg:contains ?o . ?o cg:substance/cg:casNumber ?cas ; cg:concentrationPpm ?ppm ; cg:massMg ?mg .
          OPTIONAL { ?o cg:intentionallyAdded ?intentional }
          OPTIONAL { ?o cg:claimedExemption ?exemption }
        }""", {"m": entity_iri("material", material), "cas": _lit(cas)})
    assert len(rows) == 1
    return {k: v.value for k, v in rows[0].items()}


def _lit(text):
    from pyoxigraph import Literal

    return Literal(text)


def test_units_are_converted_to_ppm_and_mg(tmp_path):
    store = open_store(None)
    counts = import_compositions(store, write_dataset(tmp_path / "d"))
    assert counts["parts"] == 3 and counts["substances"] == 5 and counts["boms"] == 3
    lead_in_brass = occurrence(store, "M1", "7439-92-1")  # 60 mg in 2000 mg
    assert Decimal(lead_in_brass["ppm"]) == 30000 and Decimal(lead_in_brass["mg"]) == 60
    assert lead_in_brass["intentional"] == "true"
    assert lead_in_brass["exemption"].endswith("/exemption/eu-rohs-annex-iii/6-c")
    copper = occurrence(store, "M1", "7440-50-8")  # 58 wt% of 2000 mg
    assert Decimal(copper["ppm"]) == 580000 and Decimal(copper["mg"]) == 1160
    lead_in_pvc = occurrence(store, "M2", "7439-92-1")  # 250 ppm of 8 g
    assert Decimal(lead_in_pvc["mg"]) == 2 and lead_in_pvc["intentional"] == "false"
    tin = occurrence(store, "M3", "7440-31-5")  # 0.4825 g in 500 mg
    assert Decimal(tin["ppm"]) == 965000
    masses = store.select("SELECT ?m WHERE { ?p cg:massMg ?m }", {"p": entity_iri("part", "P2")})
    assert Decimal(masses[0]["m"].value) == 10000  # 0.01 kg


def test_bom_suppliers_declarations_and_provenance_are_stored(tmp_path):
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "d"))
    where_used = store.select("""
        SELECT ?product WHERE { ?part (^cg:child/cg:parent)+ ?product . ?product a cg:Product }""",
                              {"part": entity_iri("part", "P1")})
    assert [r["product"] for r in where_used] == [entity_iri("product", "PRD1")]
    decl = store.select("SELECT ?d ?by WHERE { ?x cg:declares ?p ; dct:date ?d ; cg:declaredBy ?by }",
                        {"p": entity_iri("part", "P1")})
    assert decl[0]["d"].value == "2025-05-01" and decl[0]["by"] == entity_iri("supplier", "S1")
    prov = store.select("""SELECT ?file WHERE { ?p prov:wasGeneratedBy ?act . ?act prov:used/dct:title ?file }""",
                        {"p": entity_iri("part", "P3")})
    assert prov[0]["file"].value == "d"


def test_jsonl_gives_the_same_graph_as_csv(tmp_path):
    csv_store, jsonl_store = open_store(None), open_store(None)
    import_compositions(csv_store, write_dataset(tmp_path / "d"))
    lines = [{"record": "manifest", "format": "complygraph-compositions", "version": "1.0"}]
    import csv as _csv

    kinds = {"suppliers.csv": "supplier", "products.csv": "product", "parts.csv": "part",
             "materials.csv": "material", "substances.csv": "substance", "bom.csv": "bom"}
    for name, kind in reversed(list(kinds.items())):  # any order is allowed in JSON Lines
        for row in _csv.DictReader(GOOD[name].splitlines()):
            lines.append({"record": kind, **{k: v for k, v in row.items() if v != ""}})
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    import_compositions(jsonl_store, path)
    query = """SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!STRSTARTS(STR(?s), "https://w3id.org/complygraph/id/import/")
               && !STRSTARTS(STR(?s), "https://w3id.org/complygraph/id/source/")
               && ?p != prov:wasGeneratedBy) }"""
    assert {tuple(map(str, r.values())) for r in csv_store.select(query)} == \
        {tuple(map(str, r.values())) for r in jsonl_store.select(query)}


BAD_CASES = [
    ("unknown_unit", {"substances.csv": GOOD["substances.csv"].replace("250,ppm", "250,ppb")},
     "substances.csv:5: unit: unknown unit 'ppb'"),
    ("negative_mass", {"materials.csv": GOOD["materials.csv"].replace("M3,P3,Solder,500", "M3,P3,Solder,-500")},
     "materials.csv:4: mass: must be positive, got -500"),
    ("substances_heavier_than_material",
     {"substances.csv": GOOD["substances.csv"].replace("M3,7440-31-5,Tin,0.4825,g", "M3,7440-31-5,Tin,0.6,g")},
     "materials.csv:4: mass: substances in material 'M3' weigh 600 mg, more than the material's 500 mg"),
    ("bad_cas", {"substances.csv": GOOD["substances.csv"].replace("117-81-7", "117-81-6")},
     "substances.csv:4: cas: CAS number '117-81-6' has check digit 6, expected 7"),
    ("dangling_supplier", {"parts.csv": GOOD["parts.csv"].replace("P2,Cable,S2", "P2,Cable,S9")},
     "parts.csv:3: supplier_id: unknown supplier 'S9'"),
    ("dangling_material", {"substances.csv": GOOD["substances.csv"] + "M9,7440-31-5,Tin,1,mg,,\n"},
     "substances.csv:7: material_id: unknown material 'M9'"),
    ("dangling_bom_child", {"bom.csv": GOOD["bom.csv"] + "PRD1,P404,1\n"},
     "bom.csv:5: child_id: unknown part 'P404'"),
    ("dangling_bom_parent", {"bom.csv": GOOD["bom.csv"] + "NOPE,P1,1\n"},
     "bom.csv:5: parent_id: unknown product or part 'NOPE'"),
    ("duplicate_part", {"parts.csv": GOOD["parts.csv"] + "P1,Brass pin again,S1,2,g,,\n"},
     "parts.csv:5: part_id: duplicate id 'P1'"),
    ("duplicate_occurrence", {"substances.csv": GOOD["substances.csv"] + "M1,7439-92-1,Lead,1,mg,,\n"},
     "substances.csv:7: cas: substance '7439-92-1' is declared twice in material 'M1'"),
    ("missing_value", {"parts.csv": GOOD["parts.csv"].replace("P3,Board assembly,S1,500,mg", "P3,,S1,500,mg")},
     "parts.csv:4: name: required value is missing"),
    ("not_a_number", {"bom.csv": GOOD["bom.csv"].replace("P3,P1,4", "P3,P1,four")},
     "bom.csv:3: quantity: not a number: 'four'"),
    ("ppm_above_whole", {"substances.csv": GOOD["substances.csv"].replace("250,ppm", "1200000,ppm")},
     "substances.csv:5: amount: 1200000 ppm is more than the whole material"),
    ("unknown_column", {"parts.csv": GOOD["parts.csv"].replace("packaging\n", "packaging,colour\n", 1)},
     "parts.csv:1: colour: unknown column"),
    ("missing_column", {"materials.csv": "material_id,part_id,name,mass\nM1,P1,Brass,2000\n"},
     "materials.csv:1: mass_unit: required column is missing"),
    ("bad_date", {"parts.csv": GOOD["parts.csv"].replace("2025-05-01", "01/05/2025")},
     "parts.csv:2: declaration_date: not a date (YYYY-MM-DD): '01/05/2025'"),
]


@pytest.mark.parametrize("name, changes, expected", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_file_line_field_and_reason_and_stores_nothing(tmp_path, name, changes, expected):
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "ok", **{"bom.csv": None}))
    before = sorted(str(r) for r in store.select("SELECT * WHERE { ?s ?p ?o }"))
    with pytest.raises(InputError) as info:
        import_compositions(store, write_dataset(tmp_path / "bad", **changes))
    assert expected in str(info.value)
    assert "nothing was stored" in str(info.value)
    assert sorted(str(r) for r in store.select("SELECT * WHERE { ?s ?p ?o }")) == before


def test_every_problem_is_reported_in_one_pass(tmp_path):
    changes = {"substances.csv": GOOD["substances.csv"].replace("117-81-7", "117-81-6").replace("250,ppm", "9,ppb")}
    with pytest.raises(InputError) as info:
        import_compositions(open_store(None), write_dataset(tmp_path / "bad", **changes))
    assert len(info.value.problems) == 2


def test_jsonl_without_manifest_or_with_unknown_version_is_refused(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"record": "supplier", "supplier_id": "S1", "name": "A"}\n')
    with pytest.raises(InputError, match="first record must be"):
        import_compositions(open_store(None), path)
    path.write_text('{"record": "manifest", "format": "complygraph-compositions", "version": "2.0"}\n')
    with pytest.raises(InputError, match=r"x.jsonl:1: version: version '2.0' is not supported"):
        import_compositions(open_store(None), path)
    path.write_text('{"record": "manifest", "format": "complygraph-compositions", "version": "1.0"}\n{oops\n')
    with pytest.raises(InputError, match=r"x.jsonl:2: not JSON"):
        import_compositions(open_store(None), path)


def test_import_into_a_remote_store_is_atomic_too(tmp_path, oxigraph_server):
    store = open_store(oxigraph_server + "/query")
    store.update("DROP SILENT ALL")
    import_compositions(store, write_dataset(tmp_path / "ok"))
    before = store.count()
    with pytest.raises(InputError):
        import_compositions(store, write_dataset(tmp_path / "bad", **{"bom.csv": GOOD["bom.csv"] + "X,P1,1\n"}))
    assert store.count() == before
    assert store.select("SELECT ?p WHERE { ?p a cg:Part }") != []
    assert isinstance(entity_iri("part", "P1"), NamedNode)
