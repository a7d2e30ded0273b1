"""A substance given by EC number alone is the substance the store knows by that EC number and a CAS number (the
lists name most listed substances by both). Found by a QA run on 2026-12-06: lead declared as EC 231-100-4 (in the
import format, and as an IPC-1752A SubstanceID of authority EC) was minted as its own substance, reached no list,
group or element basis, and 5,000 ppm of lead in a material passed RoHS Annex II (0.1 %)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

from .shacl_cases import hits

AT = dt.date(2026, 11, 23)


def _records(*substances: dict) -> list[dict]:
    return [{"record": "manifest", "format": "complygraph-compositions", "version": "1.0"},
            {"record": "supplier", "supplier_id": "S1", "name": "Acme"},
            {"record": "product", "product_id": "PR1", "name": "Device", "eee_category": "3"},
            {"record": "part", "part_id": "P1", "name": "Part", "supplier_id": "S1", "mass": 1000, "mass_unit": "mg"},
            {"record": "bom", "parent_id": "PR1", "child_id": "P1", "quantity": 1},
            {"record": "material", "material_id": "M1", "part_id": "P1", "name": "Mat", "mass": 1000,
             "mass_unit": "mg", "category": "housing"},
            *({"record": "substance", "material_id": "M1", "unit": "ppm", **s} for s in substances)]


@pytest.fixture(scope="module")
def lists():
    store = open_store(None)
    load_reference(store, ["eu-rohs-annex-ii", "eu-reach-svhc"])
    return store


def _import(store, tmp_path, *substances):
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in _records(*substances)))
    import_compositions(store, tmp_path / "data.jsonl")
    return store


def test_lead_given_by_its_ec_number_is_lead_and_over_the_rohs_limit(lists, tmp_path):
    store = _import(lists, tmp_path, {"ec": "231-100-4", "amount": 5000})
    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert "7439-92-1" in str(found["M1"].message), found
    assert store.ask("ASK { ?o cg:substance <https://w3id.org/complygraph/id/substance/cas/7439-92-1> }")
    assert not store.ask("ASK { ?o cg:substance <https://w3id.org/complygraph/id/substance/ec/231-100-4> }")


def test_an_ec_number_the_store_does_not_know_stays_a_substance_of_its_own(tmp_path):
    store = open_store(None)
    load_reference(store, ["eu-rohs-annex-ii"])
    _import(store, tmp_path, {"ec": "200-001-8", "amount": 10})  # formaldehyde: not on the RoHS lists
    assert store.ask("ASK { ?o cg:substance <https://w3id.org/complygraph/id/substance/ec/200-001-8> }")


IPC_1752A_CLASS_D = """<?xml version="1.0" encoding="UTF-8"?>
<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" version="2.0">
  <BusinessInfo><Response date="2025-06-01">
    <SupplyCompany name="QA Supplier"><CompanyID identity="QA1" authority="DUNS"/></SupplyCompany>
  </Response></BusinessInfo>
  <Product unitType="Each">
    <ProductID itemNumber="X02" itemName="item"><Amount value="1" UOM="g"/></ProductID>
    <MaterialInfo><HomogeneousMaterialList>
      <HomogeneousMaterial name="Plastic" materialGroupName="Plastic"><Amount value="1000" UOM="mg"/>
        <SubstanceCategoryList><SubstanceCategory name="All">
          <Substance name="Lead"><SubstanceID identity="231-100-4" authority="EC"/><Amount value="5000" UOM="ppm"/>
          </Substance>
        </SubstanceCategory></SubstanceCategoryList>
      </HomogeneousMaterial>
    </HomogeneousMaterialList></MaterialInfo>
  </Product>
</MainDeclaration>
"""


def test_an_ipc_1752a_substance_of_authority_ec_is_the_listed_substance(tmp_path):
    from complygraph.loaders.declarations import import_declarations

    store = open_store(None)
    load_reference(store, ["eu-rohs-annex-ii", "eu-reach-svhc"])
    (tmp_path / "decl.xml").write_text(IPC_1752A_CLASS_D)
    import_declarations(store, [tmp_path / "decl.xml"])
    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert len(found) == 1 and "7439-92-1" in str(next(iter(found.values())).message), found
