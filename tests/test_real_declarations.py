"""Declarations in the structures real tools and manufacturers produce (tests/declarations/real/, sources in
its README.md): what the standards allow or vendors commonly write unambiguously is read, what is still wrong
is refused naming the file, the line and the field.

Figures by hand: the capacitor EX-C0603-225 is 6 mg, its dielectric 5.2 mg = 5.0 mg barium titanate + 0.15 mg
"system" additives + 0.05 mg glass frit ("pseudo substance"); its inner electrode 0.8 mg = 0.78 mg nickel +
0.01 mg organic residue ("-") + 0.01 mg others ("n.a.").
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.vocab import entity_iri

REAL = Path(__file__).parent / "declarations" / "real"


@pytest.fixture
def store():
    return open_store(None)


def _substances(store, part: str) -> dict[tuple[str, str], Decimal]:
    """(material, CAS number or substance name) -> mass in mg, for every occurrence of the part."""
    rows = store.select("""SELECT ?mat ?cas ?name ?mg WHERE {
                             ?part cg:hasMaterial ?m . ?m rdfs:label ?mat ; cg:contains ?o .
                             ?o cg:substance ?s ; cg:massMg ?mg .
                             OPTIONAL { ?s cg:casNumber ?cas } OPTIONAL { ?s rdfs:label ?name } }""",
                        {"part": entity_iri("part", part)})
    return {(r["mat"].value, r["cas"].value if "cas" in r else r["name"].value): Decimal(r["mg"].value) for r in rows}


# --- regressions: each fails without the fix in loaders/declarations/ ---

def test_pseudo_substance_cas_placeholders_keep_the_substance_by_its_name(store):
    """`SubstanceID@identity` "System", "pseudo substance", "-" and "n.a." (the rest of a material, as
    manufacturers' declarations list it) is no CAS number: the substance is stored by its name and still
    weighs in its material, nothing is lost and the file is not refused."""
    [outcome] = import_declarations(store, [REAL / "class-d-placeholder-cas.xml"])
    assert (outcome.part, outcome.declaration_class) == ("EX-C0603-225", "D")
    assert _substances(store, "EX-C0603-225") == {
        ("Dielectric", "12047-27-7"): Decimal("5.0"), ("Dielectric", "Ceramic additives"): Decimal("0.15"),
        ("Dielectric", "Glass frit"): Decimal("0.05"), ("Inner electrode", "7440-02-0"): Decimal("0.78"),
        ("Inner electrode", "Organic residue"): Decimal("0.01"), ("Inner electrode", "Others"): Decimal("0.01")}
    [row] = store.select("SELECT ?mg WHERE { ?p cg:itemNumber 'EX-C0603-225' ; cg:massMg ?mg }")
    assert Decimal(row["mg"].value) == 6
    # a placeholder is no number: no substance node carries one
    assert not store.ask("ASK WHERE { ?s cg:casNumber ?c FILTER(!REGEX(?c, '^[0-9]+-[0-9]{2}-[0-9]$')) }")


def test_an_empty_product_amount_from_a_converter_declares_no_mass(store):
    """A chemSHERPA-to-IPC-1752A Class C converter writes `<Amount value="" UOM=""/>` when its source has no
    product mass: that declares no mass, and the category statements are read."""
    [outcome] = import_declarations(store, [REAL / "chemsherpa-to-ipc-class-c-no-mass.xml"])
    assert (outcome.part, outcome.status, outcome.declaration_class) == ("EX-MOTOR-400", "new", "C")
    part = entity_iri("part", "EX-MOTOR-400")
    assert not store.ask("ASK WHERE { ?p cg:massMg ?m }", {"p": part})
    rows = store.select("""SELECT ?list ?cat ?over WHERE { ?s cg:aboutPart ?p ; cg:categoryList ?list ;
                             cg:categoryName ?cat ; cg:overThreshold ?over }""", {"p": part})
    assert {(r["list"].value, r["cat"].value, r["over"].value) for r in rows} == {
        ("EUREACH-0624", "Lead", "true"), ("EUREACH-0624", "Lead monoxide (lead oxide)", "false"),
        ("EUROHS-1907", "Lead/Lead Compounds", "false")}


def test_a_substance_outside_the_places_read_is_refused_not_left_out(store, tmp_path):
    """Defensive, not seen in a real file: a Substance of a homogeneous material that sits directly in its
    SubstanceCategoryList (no SubstanceCategory) was silently left out of the material (the file loaded with
    a dielectric of no substances); it is refused now, naming each such Substance's line."""
    text = (REAL / "class-d-placeholder-cas.xml").read_text(encoding="utf-8")
    first = text.index('<SubstanceCategory name="Supplier">')
    text = text[:first] + text[first:].replace('<SubstanceCategory name="Supplier">', "", 1).replace(
        "</SubstanceCategory>", "", 1)
    path = tmp_path / "no-category.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_declarations(store, [path])
    assert [(p.line, p.field) for p in err.value.problems] == [
        (line, "Product/MaterialInfo/HomogeneousMaterialList/HomogeneousMaterial//Substance") for line in (31, 35, 39)]
    assert "would be left out of the material" in err.value.problems[0].reason
    assert not store.ask("ASK WHERE { ?s ?p ?o }")


# --- what stays refused, naming file, line and field (the first two need the placeholder fix too: before
# it, the other placeholders in the file were refused as well) ---

def _edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (REAL / name).read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def test_a_placeholder_without_a_substance_name_is_refused(store, tmp_path):
    path = _edited(tmp_path, "class-d-placeholder-cas.xml", '<Substance name="Ceramic additives">', "<Substance>")
    with pytest.raises(InputError) as err:
        import_declarations(store, [path])
    [problem] = err.value.problems
    assert (problem.file, problem.line) == (str(path), 35)
    assert problem.field.endswith("Substance/SubstanceID")
    assert "needs a SubstanceID (CAS or EC) or a name" in problem.reason


def test_a_wrong_cas_number_is_still_refused(store, tmp_path):
    path = _edited(tmp_path, "class-d-placeholder-cas.xml", 'identity="System"', 'identity="1234-56-7"')
    with pytest.raises(InputError) as err:
        import_declarations(store, [path])
    [problem] = err.value.problems
    assert problem.line == 35 and problem.field.endswith("SubstanceID@identity") and "check digit" in problem.reason


def test_an_amount_with_a_unit_but_no_value_is_still_refused(store, tmp_path):
    path = _edited(tmp_path, "chemsherpa-to-ipc-class-c-no-mass.xml", 'value="" UOM=""', 'value="" UOM="g"')
    with pytest.raises(InputError) as err:
        import_declarations(store, [path])
    [problem] = err.value.problems
    assert (problem.line, problem.field) == (28, "Product/ProductID/Amount@value")
    assert "not a number" in problem.reason
    assert not store.ask("ASK WHERE { ?s ?p ?o }")


# --- structures read as they were already (acceptance, not regressions) ---

def test_chemsherpa_iec62474_product_mass_and_declarable_substance_groups(store):
    [outcome] = import_declarations(store, [REAL / "chemsherpa-iec62474-compliance.xml"])
    assert (outcome.part, outcome.declaration_class) == ("100-000-001", "C")
    [row] = store.select("""SELECT ?mg ?version ?cat ?over WHERE { ?p cg:massMg ?mg ; cg:itemVersion ?version .
                              ?s cg:aboutPart ?p ; cg:categoryList "IEC62474:Lead dinitrate" ; cg:categoryName ?cat ;
                              cg:overThreshold ?over }""", {"p": entity_iri("part", "100-000-001")})
    assert (Decimal(row["mg"].value), row["version"].value, row["cat"].value, row["over"].value) == (
        Decimal(2_400_000), "Y001", "Lead dinitrate", "true")
