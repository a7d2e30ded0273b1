"""One article basis (issue 11, item 7): the same composition gives the same article shares and the same SVHC
findings whichever of the three import paths it comes through.

The composition, written below as a compositions data set, an IPC-1752A Class D file and an IEC 62474 file:
product P-100 weighs 100 g in all; 99 g are its own materials (a 60 g PBT housing and a 39 g glass-fibre
board, no Candidate List substance) and 1 g is sub-part SUB-1 (quantity 1), made of one 1 g PVC material with
DEHP (CAS 117-81-7, on the Candidate List since 2008). Each part is an article (CJEU C-106/14): at 0.5 % DEHP,
5 mg, SUB-1 is at 5 / 1000 = 0.5 % (above 0.1 %, a REACH Art. 33 warning) and P-100 holds none of it in its
own materials; over the whole product it is 5 mg / 100 g = 0.005 %. At exactly 0.1 % (1 mg), SUB-1 is not
above the limit. The compositions format gives each part's own mass (99 g and 1 g); both XML standards give
the whole product's mass (100 g), of which the loaders keep the product's own 99 g.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.graph.store import Store
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError

AT = dt.date(2026, 11, 23)
DEHP, PBT, GLASS, PVC = "117-81-7", "26062-94-2", "65997-17-3", "9002-86-2"
FORMATS = ("compositions", "ipc1752a", "iec62474")


# ------------------------------------------------------------------------------------ the three files

def compositions(folder: Path, dehp_percent: str) -> Path:
    """The compositions format: each part with its own mass, the BOM line with its quantity."""
    folder.mkdir()
    files = {
        "suppliers.csv": "supplier_id,name\nS1,Kobe Assemblies\n",
        "parts.csv": "part_id,name,supplier_id,mass,mass_unit,item_number\n"
                     "P-100,Controller,S1,99,g,P-100\nSUB-1,Cable sleeve,S1,1,g,SUB-1\n",
        "materials.csv": "material_id,part_id,name,mass,mass_unit\nM-HOUSING,P-100,PBT housing,60,g\n"
                         "M-BOARD,P-100,Glass-fibre board,39,g\nM-PVC,SUB-1,PVC,1000,mg\n",
        "substances.csv": f"material_id,cas,amount,unit\nM-HOUSING,{PBT},100,wt%\nM-BOARD,{GLASS},39,g\n"
                          f"M-PVC,{DEHP},{dehp_percent},wt%\nM-PVC,{PVC},{100 - float(dehp_percent)},wt%\n",
        "bom.csv": "parent_id,child_id,quantity\nP-100,SUB-1,1\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def ipc1752a(path: Path, dehp_percent: str, product_mass: str = "100") -> Path:
    """IPC-1752A Class D: ProductID/Amount is the whole product, its SubProduct included."""
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" version="2.0">
  <BusinessInfo>
    <Response date="2026-05-04">
      <SupplyCompany name="Kobe Assemblies"><CompanyID identity="S1" authority="DUNS"/></SupplyCompany>
    </Response>
  </BusinessInfo>
  <Product unitType="Each">
    <ProductID itemNumber="P-100" itemName="Controller">
      <Amount value="{product_mass}" UOM="g"/>
    </ProductID>
    <MaterialInfo>
      <HomogeneousMaterialList>
        <HomogeneousMaterial name="PBT housing">
          <Amount value="60" UOM="g"/>
          <Substance name="PBT"><SubstanceID identity="{PBT}" authority="CAS"/><Concentration value="100"/></Substance>
        </HomogeneousMaterial>
        <HomogeneousMaterial name="Glass-fibre board">
          <Amount value="39000" UOM="mg"/>
          <Substance name="Glass">
            <SubstanceID identity="{GLASS}" authority="CAS"/><Amount value="39" UOM="g"/>
          </Substance>
        </HomogeneousMaterial>
      </HomogeneousMaterialList>
    </MaterialInfo>
    <SubProduct numberOfInstances="1">
      <ProductID itemNumber="SUB-1" itemName="Cable sleeve"><Amount value="1" UOM="g"/></ProductID>
      <MaterialInfo>
        <HomogeneousMaterialList>
          <HomogeneousMaterial name="PVC">
            <Amount value="1" UOM="g"/>
            <Substance name="DEHP">
              <SubstanceID identity="{DEHP}" authority="CAS"/><Concentration value="{dehp_percent}"/>
            </Substance>
            <Substance name="PVC">
              <SubstanceID identity="{PVC}" authority="CAS"/><Concentration value="{100 - float(dehp_percent)}"/>
            </Substance>
          </HomogeneousMaterial>
        </HomogeneousMaterialList>
      </MaterialInfo>
    </SubProduct>
  </Product>
</MainDeclaration>
""")
    return path


def iec62474(path: Path, dehp_percent: str, product_mass: str = "100", quantity: str = "") -> Path:
    """IEC 62474: ProductID/Mass is the whole product; the sub-part is a ProductPart with its own Mass."""
    qty = f' quantity="{quantity}"' if quantity else ""
    path.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<Main xmlns="http://std.iec.ch/iec62474">
  <BusinessInfo>
    <Response responseDate="2026-05-04">
      <SupplyCompany name="Kobe Assemblies"><CompanyID identity="S1" authority="DUNS"/></SupplyCompany>
    </Response>
  </BusinessInfo>
  <Product unitType="each">
    <ProductID name="Controller" identifier="P-100"><Mass mass="{product_mass}" unitOfMeasure="g"/></ProductID>
    <Material name="PBT housing">
      <Mass mass="60" unitOfMeasure="g"/>
      <Substance name="PBT"><SubstanceID authority="CAS" identity="{PBT}"/><MassPercent massPercent="100"/></Substance>
    </Material>
    <Material name="Glass-fibre board">
      <Mass mass="39" unitOfMeasure="g"/>
      <Substance name="Glass">
        <SubstanceID authority="CAS" identity="{GLASS}"/><Mass mass="39" unitOfMeasure="g"/>
      </Substance>
    </Material>
    <ProductPart name="Cable sleeve"{qty}>
      <ProductID identifier="SUB-1" name="Cable sleeve"/>
      <Mass mass="1000" unitOfMeasure="mg"/>
      <Material name="PVC">
        <Mass mass="1" unitOfMeasure="g"/>
        <Substance name="DEHP">
          <SubstanceID authority="CAS" identity="{DEHP}"/><MassPercent massPercent="{dehp_percent}"/>
        </Substance>
        <Substance name="PVC">
          <SubstanceID authority="CAS" identity="{PVC}"/><MassPercent massPercent="{100 - float(dehp_percent)}"/>
        </Substance>
      </Material>
    </ProductPart>
  </Product>
</Main>
""")
    return path


def imported(fmt: str, tmp: Path, dehp_percent: str) -> Store:
    """A fresh store with the SVHC Candidate List and the composition imported in format `fmt`."""
    store = open_store(None)
    load_reference(store, ["eu-reach-svhc"])
    if fmt == "compositions":
        import_compositions(store, compositions(tmp / "compositions", dehp_percent))
    elif fmt == "ipc1752a":
        import_declarations(store, [ipc1752a(tmp / "p-100-ipc.xml", dehp_percent)])
    else:
        import_declarations(store, [iec62474(tmp / "p-100-iec.xml", dehp_percent)])
    return store


# ------------------------------------------------------------------------------------ what the store says

def articles(store: Store) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Per item number: the part's own mass (mg), the DEHP share of the article (its own materials over its
    own mass, as the SVHC shape computes it, in %) and the DEHP share of the whole item with its BOM (%)."""
    own = {r["num"].value: (r["p"].value, Decimal(r["mass"].value)) for r in store.select(
        "SELECT ?p ?num ?mass WHERE { ?p a cg:Part ; cg:itemNumber ?num ; cg:massMg ?mass }")}
    dehp = {r["p"].value: Decimal(r["mg"].value) for r in store.select(f"""
        SELECT ?p (SUM(?mg) AS ?mg) WHERE {{ ?p cg:hasMaterial/cg:contains ?o .
          ?o cg:substance/cg:casNumber "{DEHP}" ; cg:massMg ?mg }} GROUP BY ?p""")}
    bom: dict[str, list[tuple[str, Decimal]]] = {}
    for r in store.select("SELECT ?a ?b ?q WHERE { ?u a cg:BomUsage ; cg:parent ?a ; cg:child ?b ; cg:quantity ?q }"):
        bom.setdefault(r["a"].value, []).append((r["b"].value, Decimal(r["q"].value)))

    masses = dict(own.values())

    def whole(p: str) -> tuple[Decimal, Decimal]:
        total, mg = masses[p], dehp.get(p, Decimal(0))
        for child, qty in bom.get(p, []):
            m, d = whole(child)
            total, mg = total + qty * m, mg + qty * d
        return total, mg

    out = {}
    for num, (p, mass) in own.items():
        total, mg = whole(p)
        out[num] = (mass, 100 * dehp.get(p, Decimal(0)) / mass, 100 * mg / total)
    return out


def bom_lines(store: Store) -> set[tuple[str, str, Decimal]]:
    return {(r["a"].value, r["b"].value, Decimal(r["q"].value)) for r in store.select(
        "SELECT ?a ?b ?q WHERE { ?u cg:parent/cg:itemNumber ?a ; cg:child/cg:itemNumber ?b ; cg:quantity ?q }")}


def svhc_findings(store: Store) -> set[tuple[str, str, Decimal, str]]:
    """(item number, severity, measured % of the article, entry) of each SVHC article threshold result."""
    numbers = {r["p"].value: r["num"].value for r in store.select("SELECT ?p ?num WHERE { ?p cg:itemNumber ?num }")}
    report = validate(store, ["eu-reach-svhc"], AT)
    return {(numbers[str(r.focus)], str(r.severity).rsplit("#", 1)[-1], Decimal(str(r.detail("measured"))),
             str(r.detail("entry")).rsplit("/", 1)[-1])
            for r in report.results if str(r.shape).endswith("#ArticleThreshold")}


# ------------------------------------------------------------------------------------ the tests

@pytest.fixture(scope="module")
def over(tmp_path_factory) -> dict[str, Store]:
    return {fmt: imported(fmt, tmp_path_factory.mktemp(fmt), "0.5") for fmt in FORMATS}


@pytest.fixture(scope="module")
def edge(tmp_path_factory) -> dict[str, Store]:
    return {fmt: imported(fmt, tmp_path_factory.mktemp(fmt), "0.1") for fmt in FORMATS}


def test_each_part_keeps_its_own_mass_in_every_format(over):
    for fmt, store in over.items():
        assert {num: mass for num, (mass, _, _) in articles(store).items()} == {
            "P-100": Decimal(99_000), "SUB-1": Decimal(1000)}, fmt
        assert bom_lines(store) == {("P-100", "SUB-1", Decimal(1))}, fmt


def test_the_same_composition_gives_the_same_article_shares_in_every_format(over):
    shares = {fmt: articles(store) for fmt, store in over.items()}
    assert shares["compositions"] == shares["ipc1752a"] == shares["iec62474"]
    p100, sub1 = shares["compositions"]["P-100"], shares["compositions"]["SUB-1"]
    assert (sub1[1], sub1[2]) == (Decimal("0.5"), Decimal("0.5"))  # the 1 g sub-part: 5 mg / 1 g
    assert p100[1] == 0 and p100[2] == Decimal("0.005")  # the product: none of its own; 5 mg / 100 g overall


def test_the_same_composition_gives_the_same_svhc_findings_in_every_format(over):
    findings = {fmt: svhc_findings(store) for fmt, store in over.items()}
    assert findings["compositions"] == findings["ipc1752a"] == findings["iec62474"]
    [(num, severity, measured, _entry)] = findings["compositions"]
    assert (num, severity, measured) == ("SUB-1", "Warning", Decimal("0.5")), "the 100 g product is not above 0.1 %"


def test_exactly_0_1_percent_is_not_above_the_limit_in_any_format(edge):
    shares = {fmt: articles(store) for fmt, store in edge.items()}
    assert shares["compositions"] == shares["ipc1752a"] == shares["iec62474"]
    assert shares["compositions"]["SUB-1"][1] == Decimal("0.1")
    assert {fmt: svhc_findings(store) for fmt, store in edge.items()} == {fmt: set() for fmt in FORMATS}


@pytest.mark.parametrize("fmt", ["ipc1752a", "iec62474"])
def test_a_product_declared_lighter_than_its_parts_is_refused_and_stores_nothing(tmp_path, fmt):
    # 99 g of its own materials and a 1 g part cannot make a 99.5 g product (beyond the 1 % rounding tolerance)
    write = ipc1752a if fmt == "ipc1752a" else iec62474
    bad = write(tmp_path / f"light-{fmt}.xml", "0.5", product_mass="98.5")
    store = open_store(None)
    with pytest.raises(InputError) as exc:
        import_declarations(store, [bad])
    [problem] = exc.value.problems
    mass_element = "Product/ProductID/Amount@value" if fmt == "ipc1752a" else "Product/ProductID/Mass@mass"
    assert problem.file == str(bad) and problem.field == mass_element
    assert problem.line == next(i for i, line in enumerate(bad.read_text().splitlines(), start=1)
                                if 'value="98.5"' in line or 'mass="98.5"' in line)
    assert "declared as 98500 mg" in problem.reason
    assert "99000 mg of its own materials and 1000 mg of 1 sub-product" in problem.reason
    assert store.count() == 0


@pytest.mark.parametrize("fmt", ["ipc1752a", "iec62474"])
def test_a_declared_mass_within_the_rounding_tolerance_keeps_the_own_materials(tmp_path, fmt):
    write = ipc1752a if fmt == "ipc1752a" else iec62474
    store = open_store(None)
    import_declarations(store, [write(tmp_path / f"rounded-{fmt}.xml", "0.5", product_mass="99.5")])
    # 99.5 g less the 1 g part would be 98.5 g, lighter than the 99 g of materials the product declares
    assert {num: mass for num, (mass, _, _) in articles(store).items()} == {
        "P-100": Decimal(99_000), "SUB-1": Decimal(1000)}


def test_an_iec_product_part_is_a_bom_line_with_its_quantity(tmp_path):
    store = open_store(None)
    import_declarations(store, [iec62474(tmp_path / "two.xml", "0.5", product_mass="101", quantity="2")])
    assert bom_lines(store) == {("P-100", "SUB-1", Decimal(2))}
    assert articles(store)["P-100"][0] == Decimal(99_000)  # 101 g less two 1 g parts


def test_an_iec_product_part_without_an_identifier_is_named_by_its_position(tmp_path):
    f = iec62474(tmp_path / "anonymous.xml", "0.5")
    f.write_text(f.read_text().replace('<ProductID identifier="SUB-1" name="Cable sleeve"/>', ""))
    store = open_store(None)
    import_declarations(store, [f])
    rows = store.select("""SELECT ?id ?label ?mass WHERE { ?u cg:parent/cg:itemNumber "P-100" ; cg:child ?c .
                           ?c dct:identifier ?id ; rdfs:label ?label ; cg:massMg ?mass }""")
    assert [(r["id"].value, r["label"].value, Decimal(r["mass"].value)) for r in rows] == [
        ("P-100/1", "Cable sleeve", Decimal(1000))]


def test_the_same_sub_product_twice_under_one_parent_is_refused_when_read(tmp_path):
    f = ipc1752a(tmp_path / "twice.xml", "0.5", product_mass="101")
    text = f.read_text()
    start, end = text.index("    <SubProduct"), text.index("  </Product>")
    f.write_text(text[:end] + text[start:end] + text[end:])
    store = open_store(None)
    with pytest.raises(InputError) as exc:
        import_declarations(store, [f])
    [problem] = exc.value.problems
    assert problem.field == "ProductID" and "'SUB-1' appears twice in 'P-100'" in problem.reason
    assert store.count() == 0
