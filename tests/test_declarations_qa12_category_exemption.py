"""QA12 B10: an IPC-1752A Class D file that groups its composition under the declarable categories (JIG-101
style) states the exemption once, on the SubstanceCategory ("Lead/Lead Compounds", over threshold, exemption
7(c)-I) that holds the substance (lead oxide in a thick-film resistor's glass). The statement was taken as exempted
while the lead oxide, declared without an Exemption element of its own, was a RoHS violation: one file, two
verdicts. A substance inside a SubstanceCategory now claims that category's exemption when it names none itself
(loaders/declarations/ipc1752a.py); one naming its own keeps it, and one outside the category claims nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.loaders.declarations import import_declarations

from .shacl_cases import build, hits, part, product

LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv"]
AT = dt.date(2017, 1, 1)  # 7(c)-I verified for category 3 then


def _file(folder, item: str, own: str, category_exemption: str):
    path = folder / f"{item}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        'version="2.0"><BusinessInfo><Response date="2016-06-01"><SupplyCompany name="Kobe Connectors Ltd."/>'
        '</Response></BusinessInfo><Product><ProductID itemNumber="' + item + '"><Amount value="1000" UOM="mg"/>'
        '</ProductID><MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="Resistive glass layer" '
        'materialGroupName="Glass"><Amount value="1000" UOM="mg"/><SubstanceCategoryList>'
        '<SubstanceCategoryListID identity="EUROHS-1907" authority="IPC"/><SubstanceCategory name="Lead/Lead '
        'Compounds"><Threshold overThreshold="true" threshold="1000 ppm"/>' + category_exemption +
        '<Substance name="Lead oxide"><SubstanceID identity="1317-36-8" authority="CAS"/>' + own +
        '<Amount value="50" UOM="mg"/></Substance></SubstanceCategory><SubstanceCategory name="Other">'
        '<Substance name="Silicon dioxide"><SubstanceID identity="7631-86-9" authority="CAS"/>'
        '<Amount value="950" UOM="mg"/></Substance></SubstanceCategory></SubstanceCategoryList>'
        '</HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo></Product></MainDeclaration>')
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("category-exemption")
    files = {"ON-CATEGORY": ("", '<Exemption identity="7(c)-I"/>'),
             "OWN": ('<Exemption identity="7(c)-I"/>', ""),
             "NONE": ("", "")}
    store = build(folder, [part(i, 1000) for i in files], LISTS, products=[product("tv", "3", *files)])
    import_declarations(store, [_file(folder, i, own, cat) for i, (own, cat) in files.items()])
    return validate(store, ["eu-rohs"], AT)


def test_a_substance_claims_its_categorys_exemption(report):
    exempted, limits = hits(report, "#ExemptedUses"), hits(report, "#HomogeneousMaterialLimits")
    assert any("ON-CATEGORY" in k for k in exempted) and not any("ON-CATEGORY" in k for k in limits)
    assert any("OWN" in k for k in exempted) and not any("OWN" in k for k in limits)
    assert any("NONE" in k for k in limits) and not any("NONE" in k for k in exempted)
