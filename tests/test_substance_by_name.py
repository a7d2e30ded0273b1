"""A substance declared by name only gets the CAS number of the identifier database's record of exactly that name
(case aside; loaders/identity.py cas_of_name), recorded as `cg:casFromName`. QA (2026-12-06): IPC-1752A
`<Substance name="Lead">` without a SubstanceID at 0.5 % of a solder was kept as a name, outside "lead and its
compounds", and validate said compliant with only a data-quality warning (RoHS Annex II: lead 0,1 %)."""

from __future__ import annotations

import datetime as dt

from complygraph.graph.shacl import validate
from complygraph.loaders.declarations import import_declarations
from complygraph.vocab import substance_iri

from .shacl_cases import build, hits

AT = dt.date(2026, 11, 23)
IPC = """<?xml version="1.0" encoding="UTF-8"?>
<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" version="2.0">
  <BusinessInfo><Response date="2026-05-01"><SupplyCompany name="Acme Parts GmbH">
    <CompanyID identity="111111111" authority="DUNS"/></SupplyCompany></Response></BusinessInfo>
  <Product unitType="Each">
    <ProductID itemNumber="P40" itemName="Test part"><Amount value="100" UOM="mg"/></ProductID>
    <MaterialInfo><HomogeneousMaterialList>
      <HomogeneousMaterial name="Solder" materialGroupName="Solder"><Amount value="100" UOM="mg"/>
        <SubstanceCategoryList><SubstanceCategory name="Declared">
          <Substance name="Tin"><SubstanceID identity="7440-31-5" authority="CAS"/>
            <Amount value="99.5" UOM="mg"/></Substance>
          <Substance name="{name}"><Amount value="{mg}" UOM="mg"/></Substance>
        </SubstanceCategory></SubstanceCategoryList>
      </HomogeneousMaterial>
    </HomogeneousMaterialList></MaterialInfo>
  </Product>
</MainDeclaration>
"""


def _declared(tmp_path, name: str, mg: str):
    store = build(tmp_path, [], ["eu-rohs-annex-ii"])
    path = tmp_path / "decl.xml"
    path.write_text(IPC.format(name=name, mg=mg), encoding="utf-8")
    import_declarations(store, [path])
    return store


def test_lead_declared_by_name_only_is_lead_over_the_limit(tmp_path):
    store = _declared(tmp_path, "Lead", "0.5")
    found = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert len(found) == 1 and "7439-92-1" in str(next(iter(found.values())).message)
    assert store.ask("ASK WHERE { ?s cg:casFromName 'Lead' }", {"s": substance_iri(cas="7439-92-1")})


def test_at_the_limit_it_is_not_over(tmp_path):
    store = _declared(tmp_path, "lead", "0.1")  # 1,000 ppm of the material: "0,1 %" is not exceeded
    assert hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits") == {}


def test_a_name_no_record_has_stays_a_name_and_is_reported_as_of_unknown_identity(tmp_path):
    store = _declared(tmp_path, "Stabiliser XL-200", "0.5")
    report = validate(store, ["eu-rohs", "data-quality"], AT)
    assert hits(report, "#HomogeneousMaterialLimits") == {}
    unknown = [str(r.focus).rsplit("/", 1)[-1] for r in report.results if str(r.shape).endswith("#SubstanceIdentity")]
    assert len(unknown) == 1 and unknown[0].startswith("stabiliser-xl-200"), unknown
