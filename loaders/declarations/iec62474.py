"""IEC 62474 (and chemSHERPA-AI, a profile of it): Main/Product/ProductID@identifier,name,version with
Mass@mass,unitOfMeasure; the composition as a hierarchy of ProductPart and Material elements (a Material
with its Substances, which carry Mass or MassPercent); Compliance/DsDsg@name for declarable substance
groups reported present (the Class C equivalent).

Each ProductPart is an article of its own (REACH Art. 33 is computed per article, CJEU C-106/14; IEC 62474
asks for the first article holding a Candidate List substance to be declared as a ProductPart so that its
mass percent can be computed): it becomes a child item of its parent, with its own materials, its own mass
and its quantity, as an IPC-1752A SubProduct does. A Material belongs to the nearest Product or ProductPart
above it; wrapper elements between them (such as the 2018 schema's Composition sectional) are looked
through. The Product's mass is the whole product's, its ProductParts included (model.DeclaredItem.own_mg).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from complygraph.loaders.declarations.model import CategoryStatement, DeclaredItem, DeclaredMaterial, Quantity
from complygraph.loaders.declarations.xmldoc import MASS, DeclarationReader, DeclarationXml

NAMESPACE = "http://std.iec.ch/iec62474"
ROOT = "Main"
LIST_ID = "IEC62474"  # the list the Compliance part's substance groups belong to
# attributes a ProductPart's quantity in its parent may be given in, the first one found is read
QUANTITY = ("quantity", "numberOfInstances")


def item(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """The product `el`, with its own materials, its product parts and the substance groups it reports
    present."""
    pid, number = doc.product_id(el, where, ("identifier", "itemNumber"))
    if pid is None:
        return DeclaredItem(el.sourceline, "", "")
    found = DeclaredItem(pid.sourceline, number, doc.attr(pid, "name"), doc.attr(pid, "version"))
    _weigh(doc, found, doc.find(pid, "Mass"), f"{where}/ProductID/Mass")
    _composition(doc, el, where, found)
    compliance = doc.find(el, "Compliance")
    if compliance is not None:
        for ds in doc.findall(compliance, "DsDsg"):
            exemptions = [doc.attr(e, "identity", "name") for e in doc.iter(ds, "Exemption")]
            found.statements.append(CategoryStatement(ds.sourceline, LIST_ID, doc.attr(ds, "name"), True,
                                                      exemptions=[e for e in exemptions if e]))
    return found


def _part(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """A ProductPart: identified by its ProductID (if it has one) or its own identifier attribute, else by
    its position; its mass (ProductPart/Mass or ProductID/Mass) includes its own ProductParts."""
    pid = doc.find(el, "ProductID")
    number = doc.attr(pid if pid is not None else el, "identifier", "itemNumber")
    name = doc.attr(el, "name") or (doc.attr(pid, "name") if pid is not None else "")
    found = DeclaredItem(el.sourceline, number, name, doc.attr(pid, "version") if pid is not None else "",
                         instances=doc.quantity(el, where, *QUANTITY))
    mass = doc.find(el, "Mass")
    if mass is None and pid is not None:
        mass, at = doc.find(pid, "Mass"), f"{where}/ProductID/Mass"
    else:
        at = f"{where}/Mass"
    _weigh(doc, found, mass, at)
    _composition(doc, el, where, found)
    return found


def _weigh(doc: DeclarationXml, found: DeclaredItem, mass: etree._Element | None, where: str) -> None:
    """The item's declared mass, and where it is, so that a mass lighter than the item's parts is refused
    naming the element that says it."""
    if mass is not None:
        found.mass = _mass(doc, mass, where)
        found.mass_line, found.mass_field = mass.sourceline, f"{where}@mass"


def _composition(doc: DeclarationXml, el: etree._Element, where: str, found: DeclaredItem) -> None:
    """The materials and product parts that belong to `el` itself, in document order."""
    materials = parts = 0
    for child in _own(doc, el):
        if child.tag == doc.q("Material"):
            materials += 1
            found.materials.append(_material(doc, child, f"{where}//Material[{materials}]"))
        else:
            parts += 1
            found.children.append(_part(doc, child, f"{where}//ProductPart[{parts}]"))


def _own(doc: DeclarationXml, el: etree._Element) -> Iterator[etree._Element]:
    """The Material and ProductPart elements below `el` that no other Material or ProductPart encloses."""
    for child in el:
        if child.tag in (doc.q("Material"), doc.q("ProductPart")):
            yield child
        elif isinstance(child.tag, str) and child.tag not in (doc.q("ProductID"), doc.q("Compliance")):
            yield from _own(doc, child)


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
