"""IEC 62474 (and chemSHERPA-AI, a profile of it): Main/Product/ProductID@identifier,name,version with
Mass@mass,unitOfMeasure; the composition as ProductPart/Material/Substance (at any depth, with Mass or
MassPercent); Compliance/DsDsg@name for declarable substance groups reported present (the Class C
equivalent)."""

from __future__ import annotations

from lxml import etree

from complygraph.loaders.declarations.model import CategoryStatement, DeclaredItem, DeclaredMaterial, Quantity
from complygraph.loaders.declarations.xmldoc import MASS, DeclarationReader, DeclarationXml

NAMESPACE = "http://std.iec.ch/iec62474"
ROOT = "Main"
LIST_ID = "IEC62474"  # the list the Compliance part's substance groups belong to


def item(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """The product `el`, with every material below it and the substance groups it reports present."""
    pid, number = doc.product_id(el, where, ("identifier", "itemNumber"))
    if pid is None:
        return DeclaredItem(el.sourceline, "", "")
    found = DeclaredItem(pid.sourceline, number, doc.attr(pid, "name"), doc.attr(pid, "version"))
    mass = doc.find(pid, "Mass")
    if mass is not None:
        found.mass = _mass(doc, mass, f"{where}/ProductID/Mass")
    for i, mat in enumerate(doc.iter(el, "Material"), start=1):
        found.materials.append(_material(doc, mat, f"{where}//Material[{i}]"))
    compliance = doc.find(el, "Compliance")
    if compliance is not None:
        for ds in doc.findall(compliance, "DsDsg"):
            exemptions = [doc.attr(e, "identity", "name") for e in doc.iter(ds, "Exemption")]
            found.statements.append(CategoryStatement(ds.sourceline, LIST_ID, doc.attr(ds, "name"), True,
                                                      exemptions=[e for e in exemptions if e]))
    return found


def _mass(doc: DeclarationXml, el: etree._Element, where: str) -> Quantity:
    """A Mass element's value (@mass, else @value) and unit (@unitOfMeasure, else @UOM), checked."""
    value = el.get("mass") if el.get("mass") is not None else el.get("value")
    unit = el.get("unitOfMeasure") or el.get("UOM") or ""
    return Quantity(doc.number(el, f"{where}@mass", value), doc.unit(el, f"{where}@unitOfMeasure", unit, MASS))


def _material(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredMaterial:
    name = doc.attr(el, "name")
    if not name:
        doc.problem(el, f"{where}@name", "a material needs a name")
    mat = DeclaredMaterial(el.sourceline, name)
    mass = doc.find(el, "Mass")
    if mass is None:
        doc.problem(el, f"{where}/Mass", "the material's mass is required")
    else:
        mat.amount = _mass(doc, mass, f"{where}/Mass")
    for i, s in enumerate(doc.iter(el, "Substance"), start=1):
        at = f"{where}//Substance[{i}]"
        sub = doc.substance(s, f"{at}/SubstanceID")
        smass, pct = doc.find(s, "Mass"), doc.find(s, "MassPercent")
        if smass is not None:
            sub.amount = _mass(doc, smass, f"{at}/Mass")
        elif pct is not None:
            value = pct.get("massPercent") if pct.get("massPercent") is not None else pct.get("value")
            sub.amount = Quantity(doc.number(pct, f"{at}/MassPercent@massPercent", value), "massPercent")
        else:
            doc.problem(s, f"{at}/Mass", "a substance needs a Mass or a MassPercent")
        mat.substances.append(sub)
    return mat


READER = DeclarationReader("iec62474", NAMESPACE, ROOT, item)
