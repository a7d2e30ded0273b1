"""What the IEC 62474 (chemSHERPA-AI) reader makes of structures the standard allows, found by a QA run
(2026-12-06, /tmp/qa3/REPORT.md):

- B1: a `Substance` declared in a `ProductPart` or `Product` outside any `Material` (IEC 62474:2018 4.1: substance
  data "at a material and/or product part and/or product level") was dropped without a word, and lead at 0.3 % of a
  terminal passed RoHS. It is kept in one material standing for the whole part, which weighs the part's own mass.
- B3: a `Compliance/DsDsg` was stored against the list "IEC62474", which names the whole declarable substance list
  (one list, several regulations: its five "Lead/Lead Compounds" entries), so no declared-list identity could tell
  which regulation it concerns and it was never evaluated. It is now stated against its DSL entry.
- B8: no IEC 62474 material class was read, so every material-limited RoHS exemption claimed in an IEC file (6(c)
  copper alloy, ...) ended as "the material declares no category".

Each test fails on the reader before these fixes. Figures by hand in each test.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.declarations.iec62474 import MATERIAL_CLASSES
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

from .shacl_cases import hits

AT = dt.date(2026, 12, 6)
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"]
SHAPES = Path(__file__).parent.parent / "shapes"
PB, DECA_BDE, TIN, PBT, CU, ZN = "7439-92-1", "1163-19-5", "7440-31-5", "26062-94-2", "7440-50-8", "7440-66-6"


def _iec(folder: Path, item: str, body: str, mass: str = '<Mass mass="1" unitOfMeasure="g"/>') -> Path:
    """An IEC 62474 declaration of product `item` (1 g unless `mass` says otherwise) with `body` in its Product."""
    path = folder / f"{item}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Main xmlns="http://std.iec.ch/iec62474"><BusinessInfo>'
        '<Response responseDate="2026-05-01"><SupplyCompany name="Osaka Parts KK"><CompanyID identity="OPK-1" '
        f'authority="chemSHERPA"/></SupplyCompany></Response></BusinessInfo><Product unitType="each">'
        f'<ProductID name="part {item}" identifier="{item}" version="1">{mass}</ProductID>{body}</Product></Main>',
        encoding="utf-8")
    return path


def _substance(name: str, cas: str, amount: str, unit: str = "mg", extra: str = "") -> str:
    quantity = (f'<MassPercent massPercent="{amount}"/>' if unit == "%" else
                f'<Mass mass="{amount}" unitOfMeasure="{unit}"/>')
    return (f'<Substance name="{name}"><SubstanceID authority="CAS" identity="{cas}"/>{quantity}{extra}'
            "</Substance>")


def _material(name: str, mass_mg: str, *substances: str, klass: str = "") -> str:
    return f'<Material name="{name}"><Mass mass="{mass_mg}" unitOfMeasure="mg"/>{klass}{"".join(substances)}</Material>'


@pytest.fixture
def store():
    store = open_store(None)
    load_reference(store, LISTS)
    return store


def _materials(store, part: str) -> dict[str, tuple[Decimal, str, dict[str, Decimal]]]:
    """material name -> (mass in mg, category, {CAS: ppm})."""
    rows = store.select("""SELECT ?name ?mg ?cat ?cas ?ppm WHERE { ?part cg:hasMaterial ?m . ?m rdfs:label ?name ;
                             cg:massMg ?mg . OPTIONAL { ?m cg:materialCategory ?cat }
                             OPTIONAL { ?m cg:contains ?o . ?o cg:substance ?s ; cg:concentrationPpm ?ppm .
                                        ?s cg:casNumber ?cas } }""", {"part": entity_iri("part", part)})
    out: dict[str, tuple[Decimal, str, dict[str, Decimal]]] = {}
    for r in rows:
        mass, cat, subs = out.setdefault(r["name"].value, (Decimal(r["mg"].value), r["cat"].value if "cat" in r
                                                            else "", {}))
        if "cas" in r:
            subs[r["cas"].value] = Decimal(r["ppm"].value)
    return out


def _part_mass(store, part: str) -> Decimal | None:
    rows = store.select("SELECT ?mg WHERE { ?p cg:massMg ?mg }", {"p": entity_iri("part", part)})
    return Decimal(rows[0]["mg"].value) if rows else None


# ------------------------------------------------------------------- B1: substances outside any material

UNDIVIDED = "whole part (no homogeneous-material breakdown declared)"


def test_a_substance_in_a_product_part_outside_any_material_is_kept_and_fails_rohs(store, tmp_path):
    """QA case 52: a 100 mg terminal (2 per product) of 100 mg tin plating and 0.3 mg of lead declared in the
    ProductPart itself. The lead is in the terminal: at least 0.3 mg / 100 mg = 3,000 ppm in some homogeneous
    material of it (over RoHS's 1,000 ppm), and exactly 0.3 % of the terminal as an article (REACH Art. 33)."""
    body = ('<ProductPart name="Terminal" quantity="2"><Mass mass="100" unitOfMeasure="mg"/>'
            + _material("Tin plating", "100", _substance("Tin", TIN, "99.7"))
            + _substance("Lead", PB, "0.3") + "</ProductPart>"
            + _material("Body", "800", _substance("PBT", PBT, "800")))
    import_declarations(store, [_iec(tmp_path, "I52", body)])
    assert _materials(store, "I52/1") == {
        "Tin plating": (Decimal(100), "", {TIN: Decimal(997000)}),
        UNDIVIDED: (Decimal(100), "", {PB: Decimal(3000)})}
    assert _part_mass(store, "I52/1") == 100  # the undivided material is not counted as a second 100 mg
    report = validate(store, ["eu-rohs", "eu-reach-svhc"], AT)
    rohs = hits(report, "#HomogeneousMaterialLimits")
    assert set(rohs) == {"I52%2F1%2Fundivided"} and str(rohs["I52%2F1%2Fundivided"].severity).endswith("Violation")
    svhc = hits(report, "#ArticleThreshold")
    assert set(svhc) == {"I52%2F1"}  # 0.3 mg of the terminal's own 100 mg: 0.3 %, over 0.1 %


def test_a_substance_directly_in_the_product_is_kept_with_the_product_mass(store, tmp_path):
    """QA case 53: 2 mg decaBDE declared in a 1 g Product beside its 1,000 mg body material: 2,000 ppm of the
    product, over RoHS's PBDE limit of 1,000 ppm; the file is not refused for materials outweighing the part."""
    body = (_material("Body", "1000", _substance("PBT", PBT, "998"))
            + _substance("Decabromodiphenyl ether", DECA_BDE, "2"))
    import_declarations(store, [_iec(tmp_path, "I53", body)])
    assert _materials(store, "I53")[UNDIVIDED] == (Decimal(1000), "", {DECA_BDE: Decimal(2000)})
    assert _part_mass(store, "I53") == 1000
    rohs = hits(validate(store, ["eu-rohs"], AT), "#HomogeneousMaterialLimits")
    assert set(rohs) == {"I53%2Fundivided"}


def test_an_undivided_part_below_a_limit_is_a_data_quality_warning_not_a_pass(store, tmp_path):
    """0.5 mg of lead in a 1 g product without homogeneous materials: 500 ppm of the product, under RoHS's 1,000
    ppm, but the lead's own material may hold more. The part's status is unknown, said by a Warning."""
    body = _material("Body", "999.5", _substance("PBT", PBT, "999.5")) + _substance("Lead", PB, "0.5")
    import_declarations(store, [_iec(tmp_path, "I53b", body)])
    report = validate(store, ["eu-rohs", "data-quality"], AT)
    assert "I53b%2Fundivided" not in hits(report, "#HomogeneousMaterialLimits")
    warned = hits(report, "data-quality#UndividedPart")
    assert "I53b%2Fundivided" in warned and str(warned["I53b%2Fundivided"].severity).endswith("Warning")
    assert "I53b%2Fm1" not in warned


def test_substance_groups_and_material_classes_outside_a_material_are_read_too(store, tmp_path):
    """A SubstanceGroup in a ProductPart, and a Substance of a MaterialClass that no Material encloses (the
    2018 schema's Composition sectional), are no less in the part: 0.5 mg Cd in a 50 mg part = 10,000 ppm, and
    1 mg Pb in it = 20,000 ppm."""
    body = ('<Composition><ProductPart name="Clip"><Mass mass="50" unitOfMeasure="mg"/>'
            '<SubstanceGroup name="Cadmium/Cadmium Compounds">' + _substance("Cadmium", "7440-43-9", "0.5")
            + '</SubstanceGroup><MaterialClass id="M-009" name="Other non-ferrous metals and alloys">'
            + _substance("Lead", PB, "1") + "</MaterialClass></ProductPart></Composition>")
    import_declarations(store, [_iec(tmp_path, "G1", body, mass='<Mass mass="50" unitOfMeasure="mg"/>')])
    assert _materials(store, "G1/1") == {UNDIVIDED: (Decimal(50), "", {"7440-43-9": Decimal(10000),
                                                                       PB: Decimal(20000)})}


def test_without_any_part_mass_a_substance_by_mass_still_counts_and_by_percent_is_refused(store, tmp_path):
    """No mass for the part or its materials: the lead's own 0.3 mg is kept (the part, of unknown mass, stays
    without one); a MassPercent of a part nobody weighs is refused naming its line, never dropped."""
    body = '<ProductPart name="Pin">' + _substance("Lead", PB, "0.3") + "</ProductPart>"
    import_declarations(store, [_iec(tmp_path, "NOMASS", body, mass="")])
    [row] = store.select("""SELECT ?mg WHERE { ?p cg:hasMaterial ?m . ?m cg:contains ?o . ?o cg:massMg ?mg }""",
                         {"p": entity_iri("part", "NOMASS/1")})
    assert Decimal(row["mg"].value) == Decimal("0.3")
    with pytest.raises(InputError) as exc:
        import_declarations(store, [_iec(tmp_path, "PERCENT", '<ProductPart name="Pin">'
                                         + _substance("Lead", PB, "0.3", "%") + "</ProductPart>", mass="")])
    [problem] = exc.value.problems
    assert problem.line == 2 and "Substance" in problem.field and "outside any Material" in problem.reason


# ----------------------------------------------------------------- B3: declaration for compliance (DsDsg)

COMPLIANCE = """<Compliance><DeclarableSubstanceList authority="IEC62474" version="D19.00"/>
<DsDsg name="Lead/Lead Compounds"><DsDsgID entryIdentity="00021"/>
  <ComplianceThreshold aboveComplianceThreshold="true" reportableApplication="All"
                       reportingThreshold="0.1 mass% of homogeneous material"/>
  <Exemptions><Exemption identity="6(c)"/><UniqueID authority="EU" identity="RoHS" version="2011/65/EU"/></Exemptions>
</DsDsg>
<DsDsg name="Cadmium/Cadmium Compounds"><DsDsgID entryIdentity="00010"/>
  <ComplianceThreshold aboveComplianceThreshold="0"/></DsDsg>
<DsDsg name="Lead dinitrate"/></Compliance>"""


def _statements(store, part: str) -> set[tuple[str, str, str, str, str]]:
    rows = store.select("""SELECT ?list ?cat ?over ?threshold ?ex WHERE { ?s cg:aboutPart ?p ;
                             cg:categoryList ?list ; cg:categoryName ?cat ; cg:overThreshold ?over .
                             OPTIONAL { ?s cg:declaredThreshold ?threshold }
                             OPTIONAL { ?s cg:statedExemption ?ex } }""", {"p": entity_iri("part", part)})
    return {(r["list"].value, r["cat"].value, r["over"].value, r["threshold"].value if "threshold" in r else "",
             r["ex"].value.rsplit("/", 1)[-1] if "ex" in r else "") for r in rows}


def test_a_dsdsg_is_stated_against_its_dsl_entry_with_its_threshold_flag(store, tmp_path):
    import_declarations(store, [_iec(tmp_path, "C1", COMPLIANCE)])
    assert _statements(store, "C1") == {
        ("IEC62474 D19.00:00021", "Lead/Lead Compounds", "true", "0.1 mass% of homogeneous material", "6-c"),
        ("IEC62474 D19.00:00010", "Cadmium/Cadmium Compounds", "false", "", ""),  # xs:boolean "0": below
        ("IEC62474 D19.00:Lead dinitrate", "Lead dinitrate", "true", "", "")}  # listed, no flag: present


def test_a_dsdsg_threshold_flag_that_is_no_boolean_is_refused(store, tmp_path):
    bad = COMPLIANCE.replace('aboveComplianceThreshold="0"', 'aboveComplianceThreshold="maybe"')
    with pytest.raises(InputError) as exc:
        import_declarations(store, [_iec(tmp_path, "C2", bad)])
    [problem] = exc.value.problems
    assert problem.field == "Product/Compliance/DsDsg[2]/ComplianceThreshold@aboveComplianceThreshold"


def test_a_dsdsg_naming_lead_present_is_a_rohs_violation(store, tmp_path):
    """QA case 56: `<DsDsg name="Lead/lead compounds"/>` (the group is present) with no exemption passed, because
    its list "IEC62474" could name no regulation. Stated against "IEC62474:Lead/lead compounds", the identity
    dli:iec62474-dsl-eurohs (shapes/data/declared-list-identities.ttl) reads it as EU RoHS: Directive 2011/65/EU
    Art. 4(1), a violation."""
    import_declarations(store, [_iec(tmp_path, "I56", '<Compliance><DsDsg name="Lead/lead compounds"/></Compliance>')])
    found = hits(validate(store, ["eu-rohs", "data-quality"], AT), "#DeclaredOverThreshold")
    assert set(found) == {"I56"} and str(found["I56"].severity).endswith("Violation")


# ------------------------------------------------------------------------------- B8: material classes

def test_a_material_class_lets_a_copper_alloy_exemption_be_checked(store, tmp_path):
    """QA case 54a with the material's IEC 62474 class M-004 (copper and its alloys): 30 mg of lead in 1,000 mg
    brass (3 %, within 6(c)'s 4 %) is exempted, no longer "the material declares no category"."""
    klass = '<MaterialClassID><EntryID entryIdentity="M-004"/></MaterialClassID>'
    body = _material("Brass", "1000", _substance("Copper", CU, "600"), _substance("Zinc", ZN, "370"),
                     _substance("Lead", PB, "30", extra='<Exemption identity="6(c)"/>'), klass=klass)
    import_declarations(store, [_iec(tmp_path, "I54a", body)])
    assert _materials(store, "I54a")["Brass"][1] == "copper alloy (copper and its alloys)"
    report = validate(store, ["eu-rohs"], AT)
    assert hits(report, "#ExemptionMaterialUnknown") == {}
    assert set(hits(report, "#ExemptedUses")) == {"I54a%2Fm1"}
    assert hits(report, "#HomogeneousMaterialLimits") == {}


@pytest.mark.parametrize(("wrapper", "category"), [
    ('<MaterialClass id="M-001" name="Stainless steel">{}</MaterialClass>', "stainless steel"),
    ('<MaterialClass name="Aluminum and its alloys">{}</MaterialClass>', "aluminium and its alloys"),
    ('<MaterialClass id="M-009" name="Other non-ferrous metals and alloys">{}</MaterialClass>', ""),
    ('<MaterialClass id="M-999">{}</MaterialClass>', ""),
    ("{}", ""),
])
def test_a_material_class_around_the_material_gives_its_category_where_it_is_clear(store, tmp_path, wrapper,
                                                                                    category):
    metal = _material("Metal", "1000", _substance("Tin", TIN, "1000"))
    body = "<Composition>" + wrapper.format(metal) + "</Composition>"
    import_declarations(store, [_iec(tmp_path, "MC", body)])
    assert _materials(store, "MC")["Metal"][1] == category


def test_the_x6_schema_material_class_attribute_is_read(store, tmp_path):
    """The X6.01 schema carries the class as Material@materialClassID (SREC_Viewer's IEC62474_TREE.xsl)."""
    body = _material("Brass", "1000", _substance("Copper", CU, "1000")).replace(
        '<Material name="Brass">', '<Material name="Brass" materialClassID="M-004">')
    import_declarations(store, [_iec(tmp_path, "X6", body)])
    assert _materials(store, "X6")["Brass"][1] == "copper alloy (copper and its alloys)"


def test_each_mapped_iec_class_falls_in_the_material_classes_its_name_says():
    """The categories written for IEC 62474 classes, against the patterns of shapes/data/material-classes.ttl
    (matched as the store matches them: case-insensitive, anywhere in the category)."""
    text = (SHAPES / "data" / "material-classes.ttl").read_text()
    classes = {name: pattern.replace("\\\\", "\\") for name, pattern in
               re.findall(r'cg:className "([^"]+)" ;\s*cg:categoryPattern "([^"]+)"', text)}
    expected = {"M-001": {"steel", "machining steel"}, "M-003": {"aluminium"}, "M-004": {"copper alloy"},
                "M-010": {"glass", "ceramic", "glass or ceramic"}, "M-012": {"pvc", "plastic"},
                "M-013": {"plastic"}, "M-014": {"plastic", "rubber"}}
    got = {mid: {name for name, pattern in classes.items() if re.search(pattern, category, re.I)}
           for mid, (_, category) in MATERIAL_CLASSES.items()}
    assert got == expected


def test_a_product_part_quantity_in_number_of_units_is_read(store, tmp_path):
    """chemSHERPA-AI writes a ProductPart's quantity as @numberOfUnits: three 10 mg pins in a 40 mg product."""
    body = ('<ProductPart name="Pin" numberOfUnits="3"><Mass mass="10" unitOfMeasure="mg"/>'
            + _material("Brass", "10", _substance("Copper", CU, "10")) + "</ProductPart>"
            + _material("Body", "10", _substance("PBT", PBT, "10")))
    import_declarations(store, [_iec(tmp_path, "Q1", body, mass='<Mass mass="40" unitOfMeasure="mg"/>')])
    [row] = store.select("SELECT ?q WHERE { ?u cg:parent ?p ; cg:quantity ?q }", {"p": entity_iri("part", "Q1")})
    assert Decimal(row["q"].value) == 3 and _part_mass(store, "Q1") == 10
