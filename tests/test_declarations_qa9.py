"""Two false passes of the declaration readers found by a QA run (/tmp/qa9/REPORT.md, B03 and B04).

- B03: an IEC 62474 product that declares a Candidate List substance at product level (outside any Material) while
  all its mass is in its ProductPart was stored as a 0 mg part holding the substance: no share of the article was
  computed (100 * mg / 0), so 0.2 % DBDPE passed REACH Art. 33, SCIP got no row and data-quality said nothing.
  Product-level substances are declared for the product as a whole (IEC 62474:2018 3.2, "quantitative declaration
  of substances contained within a product, product part, or material"; 4.1, substance data "at a material and/or
  product part and/or product level"): the article they count against is the whole product.
- B04: an IPC-1752A Class D HomogeneousMaterial's own SubstanceCategoryList stating "Lead/Lead Compounds" over the
  EUROHS-1907 threshold (the per-material list structure JIG-101 files carry) was dropped without a word: the part
  was RoHS compliant although its supplier states lead over the limit in one of its homogeneous materials.

Figures by hand in each test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

from .shacl_cases import compare_with_pyshacl, hits

AT = dt.date(2026, 12, 6)  # DBDPE is on the Candidate List since 5 November 2025
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
DBDPE, PVC, TIN, PB = "84852-53-9", "9002-86-2", "7440-31-5", "7439-92-1"


@pytest.fixture
def store():
    store = open_store(None)
    load_reference(store, LISTS)
    return store


def _part_mass(store, part: str) -> Decimal | None:
    rows = store.select("SELECT ?mg WHERE { ?p cg:massMg ?mg }", {"p": entity_iri("part", part)})
    return Decimal(rows[0]["mg"].value) if rows else None


# ------------------------------------------------------------------------ B03: IEC 62474 product-level substances

def _cable(folder: Path, item: str, dbdpe_mg: str, product_mass: str = '<Mass mass="10" unitOfMeasure="g"/>',
           parts: str = "") -> Path:
    """An IEC 62474 declaration of a 10 g cable whose ProductPart "Cable body" (10 g of PVC) is all its mass, with
    `dbdpe_mg` of DBDPE declared at product level, outside any Material and any ProductPart."""
    body = parts or ('<ProductPart name="Cable body"><ProductID identifier="B"/><Mass mass="10" unitOfMeasure="g"/>'
                     '<Material name="PVC"><Mass mass="10" unitOfMeasure="g"/><Substance name="PVC">'
                     f'<SubstanceID authority="CAS" identity="{PVC}"/><MassPercent massPercent="99"/></Substance>'
                     "</Material></ProductPart>")
    path = folder / f"{item}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Main xmlns="http://std.iec.ch/iec62474"><BusinessInfo>'
        '<Response responseDate="2026-04-02"><SupplyCompany name="Osaka Cable"/></Response></BusinessInfo>'
        f'<Product><ProductID name="Cable" identifier="{item}">{product_mass}</ProductID>'
        f'<Substance name="DBDPE"><SubstanceID authority="CAS" identity="{DBDPE}"/>'
        f'<Mass mass="{dbdpe_mg}" unitOfMeasure="mg"/></Substance>{body}</Product></Main>', encoding="utf-8")
    return path


def test_a_product_level_svhc_of_a_product_all_in_its_part_counts_against_the_whole_product(store, tmp_path):
    """QA9 B03: 20 mg DBDPE in a 10 g product = 0.2 % w/w of the article, over the 0.1 % of REACH Art. 7(2) and
    33(1) (per article, CJEU C-106/14: whichever article holds the 20 mg weighs at most the product's 10 g, so
    its share is at least 0.2 %). The product is not stored as a 0 mg part holding the substance: its part weighs
    the whole product, 10,000 mg, and its ProductPart keeps its own 10,000 mg and no DBDPE."""
    import_declarations(store, [_cable(tmp_path, "CB-1", "20")])
    assert _part_mass(store, "CB-1") == 10000 and _part_mass(store, "CB-1/B") == 10000
    found = hits(validate(store, ["eu-reach-svhc"], AT), "#ArticleThreshold")
    assert set(found) == {"CB-1"}
    assert found["CB-1"].message.startswith("0.2 % w/w")


@pytest.mark.parametrize(("dbdpe_mg", "reported"), [("10", False), ("10.01", True)])
def test_a_product_level_svhc_at_exactly_0_1_percent_is_not_reported_just_above_it_is(store, tmp_path, dbdpe_mg,
                                                                                     reported):
    """REACH Art. 33(1): "above 0,1 % w/w". 10 mg in the 10 g product is exactly 0.1 %: not reported; 10.01 mg is
    0.1001 %: reported."""
    import_declarations(store, [_cable(tmp_path, "CB-2", dbdpe_mg)])
    assert ("CB-2" in hits(validate(store, ["eu-reach-svhc"], AT), "#ArticleThreshold")) is reported


def test_without_a_product_mass_the_product_level_svhc_counts_against_its_parts_together(store, tmp_path):
    """No product Mass; two product parts, 4 g and 2 x 3 g: the whole product weighs 10 g (its parts times their
    quantities), and 20 mg DBDPE declared for it is 0.2 % of it (REACH Art. 33(1)), stored on a 10,000 mg part."""
    parts = "".join(
        f'<ProductPart name="{name}" quantity="{n}"><ProductID identifier="{name}"/><Mass mass="{g}" '
        f'unitOfMeasure="g"/><Material name="PVC"><Mass mass="{g}" unitOfMeasure="g"/><Substance name="PVC">'
        f'<SubstanceID authority="CAS" identity="{PVC}"/><MassPercent massPercent="99"/></Substance></Material>'
        "</ProductPart>" for name, g, n in (("A", 4, 1), ("B", 3, 2)))
    import_declarations(store, [_cable(tmp_path, "CB-3", "20", product_mass="", parts=parts)])
    assert _part_mass(store, "CB-3") == 10000
    assert set(hits(validate(store, ["eu-reach-svhc"], AT), "#ArticleThreshold")) == {"CB-3"}


def test_a_product_with_its_own_mass_keeps_it_for_its_product_level_substances(store, tmp_path):
    """Unchanged where the product weighs something of its own: 10 g with a 9 g part, 1 g of its own; 2 mg DBDPE
    declared at product level is 0.2 % of that 1 g article (over 0.1 %), not of the 10 g."""
    parts = ('<ProductPart name="Core"><ProductID identifier="C"/><Mass mass="9" unitOfMeasure="g"/>'
             f'<Material name="PVC"><Mass mass="9" unitOfMeasure="g"/><Substance name="PVC"><SubstanceID '
             f'authority="CAS" identity="{PVC}"/><MassPercent massPercent="99"/></Substance></Material></ProductPart>')
    import_declarations(store, [_cable(tmp_path, "CB-4", "2", parts=parts)])
    assert _part_mass(store, "CB-4") == 1000
    found = hits(validate(store, ["eu-reach-svhc"], AT), "#ArticleThreshold")
    assert set(found) == {"CB-4"} and found["CB-4"].message.startswith("0.2 % w/w")


def test_a_0_mg_part_holding_substances_is_a_data_quality_violation(tmp_path):
    """Whatever route writes it, a part of 0 mg of its own whose materials hold substances has no computable share
    of the article (REACH Art. 7(2), 33: 20 mg over 0 mg) and is reported by data-quality (a Violation), sub-parts or
    not; an assembly of 0 mg of its own and no material of its own is not (its parts are its articles)."""
    store = open_store(None)  # no lists: pySHACL, the reference, takes a minute over the lists' groups
    import_declarations(store, [_cable(tmp_path, "CB-5", "20")])
    store.update(f"""DELETE {{ ?p cg:massMg ?m }} INSERT {{ ?p cg:massMg 0.0 }}
                     WHERE {{ BIND({entity_iri("part", "CB-5")} AS ?p) ?p cg:massMg ?m }}""")
    assembly = _cable(tmp_path, "CB-6", "0")  # the same cable, its DBDPE element removed: a plain assembly
    assembly.write_text(assembly.read_text(encoding="utf-8").replace(
        f'<Substance name="DBDPE"><SubstanceID authority="CAS" identity="{DBDPE}"/><Mass mass="0" '
        'unitOfMeasure="mg"/></Substance>', ""), encoding="utf-8")
    import_declarations(store, [assembly])
    assert _part_mass(store, "CB-6") == 0
    found = hits(validate(store, ["data-quality"], AT), "data-quality#PartZeroMassSubstances")
    assert set(found) == {"CB-5"}
    assert str(found["CB-5"].severity).endswith("Violation") and "20" in found["CB-5"].message
    ours, reference = compare_with_pyshacl(store, ["data-quality"], AT)
    assert ours == reference


# --------------------------------------------------------------- B04: IPC-1752A statements inside a material

CATEGORY = ('<SubstanceCategory name="Lead/Lead Compounds"><Threshold overThreshold="{over}" threshold="1000 ppm"/>'
            "{exemption}</SubstanceCategory>")
TIN_GROUP = ('<SubstanceCategoryList><SubstanceCategoryListID identity="JIG101-3" authority="JIG" revision="3.0"/>'
             f'<SubstanceCategory name="Supplier"><Substance name="Tin"><SubstanceID identity="{TIN}" authority="CAS"/>'
             '<Amount value="960" UOM="mg"/></Substance></SubstanceCategory></SubstanceCategoryList>')


def _solder(folder: Path, item: str, in_material: str) -> Path:
    """An IPC-1752A Class D of a 1 g solder preform, one 1,000 mg homogeneous material "Solder" whose tin (960 mg)
    is grouped in a JIG-101 list, with `in_material` added to the material."""
    path = folder / f"{item}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        'version="2.0"><BusinessInfo><Response date="2026-03-10"><SupplyCompany name="Kobe Solder"/></Response>'
        f'</BusinessInfo><Product unitType="Each"><ProductID itemNumber="{item}" itemName="Solder preform">'
        '<Amount value="1" UOM="g"/></ProductID><MaterialInfo><HomogeneousMaterialList>\n'
        '<HomogeneousMaterial name="Solder" materialGroupName="solder"><Amount value="1000" UOM="mg"/>\n'
        f"{in_material}\n{TIN_GROUP}</HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo></Product>"
        "</MainDeclaration>", encoding="utf-8")
    return path


def _rohs_list(over: str, exemption: str = "") -> str:
    return ('<SubstanceCategoryList><SubstanceCategoryListID identity="EUROHS-1907" authority="IPC"/>'
            + CATEGORY.format(over=over, exemption=exemption) + "</SubstanceCategoryList>")


def _statements(store, part: str) -> set[tuple[str, str, str, str]]:
    rows = store.select("""SELECT ?list ?cat ?over ?ex WHERE { ?s a cg:CategoryStatement ; cg:aboutPart ?p ;
                             cg:categoryList ?list ; cg:categoryName ?cat ; cg:overThreshold ?over .
                             OPTIONAL { ?s cg:statedExemption ?ex } }""", {"p": entity_iri("part", part)})
    return {(r["list"].value, r["cat"].value, r["over"].value, r["ex"].value.rsplit("/", 1)[-1] if "ex" in r else "")
            for r in rows}


def test_a_lead_statement_inside_a_homogeneous_material_is_stored_and_is_a_rohs_violation(store, tmp_path):
    """QA9 B04: the solder's own list states Lead/Lead Compounds over the EUROHS-1907 threshold, with no exemption:
    lead above 0.1 % by weight in a homogeneous material, RoHS Art. 4(1) and Annex II. It is stated of the part (a
    material over the threshold is a part over it), as the same statement at product level is, and is a violation;
    the JIG-101 group of the tin is a group of the composition, no statement, and the tin is still read."""
    import_declarations(store, [_solder(tmp_path, "SP-MAT", _rohs_list("true"))])
    assert _statements(store, "SP-MAT") == {("EUROHS-1907", "Lead/Lead Compounds", "true", "")}
    [tin] = store.select("""SELECT ?mg WHERE { ?p cg:hasMaterial ?m . ?m cg:contains ?o . ?o cg:massMg ?mg ;
                              cg:substance/cg:casNumber ?cas }""", {"p": entity_iri("part", "SP-MAT")})
    assert Decimal(tin["mg"].value) == 960
    found = hits(validate(store, ["eu-rohs"], AT), "#DeclaredOverThreshold")
    assert set(found) == {"SP-MAT"} and str(found["SP-MAT"].severity).endswith("Violation")


def test_a_material_statement_under_the_threshold_or_with_its_exemption_is_stored_and_no_violation(store, tmp_path):
    """Under the threshold (overThreshold="false"), and over it under Annex III 7(a) (lead in high melting
    temperature type solders, 85 % lead or more): both are stored as the supplier states them; neither is a
    DeclaredOverThreshold violation (RoHS Art. 4(1) does not apply to Annex III uses, Art. 4(4)(a))."""
    import_declarations(store, [_solder(tmp_path, "SP-UNDER", _rohs_list("false")),
                                _solder(tmp_path, "SP-7A", _rohs_list("true", '<Exemption identity="7(a)"/>'))])
    assert _statements(store, "SP-UNDER") == {("EUROHS-1907", "Lead/Lead Compounds", "false", "")}
    assert _statements(store, "SP-7A") == {("EUROHS-1907", "Lead/Lead Compounds", "true", "7-a")}
    assert not {"SP-UNDER", "SP-7A"} & set(hits(validate(store, ["eu-rohs"], AT), "#DeclaredOverThreshold"))


def test_a_material_threshold_that_names_no_list_is_refused_naming_its_line(store, tmp_path):
    """A Threshold in a SubstanceCategory directly in the HomogeneousMaterial, or in a list without a
    SubstanceCategoryListID, names no list to be judged against: the file is refused naming the file, the line
    and the element, never loaded as if the supplier had stated nothing."""
    bare = _solder(tmp_path, "SP-BARE", CATEGORY.format(over="true", exemption=""))
    no_id = _solder(tmp_path, "SP-NOID", "<SubstanceCategoryList>" + CATEGORY.format(over="true", exemption="")
                    + "</SubstanceCategoryList>")
    with pytest.raises(InputError) as exc:
        import_declarations(store, [bare, no_id])
    found = {(Path(p.file).name, p.line, p.field) for p in exc.value.problems}
    material = "Product/MaterialInfo/HomogeneousMaterialList/HomogeneousMaterial"
    assert found == {("SP-BARE.xml", 4, f"{material}//Threshold"),
                     ("SP-NOID.xml", 4, f"{material}/SubstanceCategoryList/SubstanceCategoryListID@identity")}
    assert not store.select("SELECT ?p WHERE { ?p a cg:Part }")
