"""IPC-1752A (version 2.0 namespace): Product/ProductID@itemNumber,itemName,version with Amount@value,UOM;
the composition as MaterialInfo/HomogeneousMaterialList/HomogeneousMaterial with Amount and substances
(directly or in substance categories) with Amount or Concentration; Class C statements as
MaterialInfo/SubstanceCategoryList/SubstanceCategory with Threshold@overThreshold, and the same statements of
one HomogeneousMaterial in its own SubstanceCategoryList, stated of the part; nested SubProducts, each
an article of its own with its numberOfInstances. The ProductID/Amount of a Product or SubProduct is the
whole item's mass, its SubProducts included; the part's own mass is derived from it (model.py)."""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from complygraph.loaders.declarations.model import (
    CategoryStatement,
    DeclaredItem,
    DeclaredMaterial,
    DeclaredSubstance,
    Quantity,
)
from complygraph.loaders.declarations.xmldoc import ANY_UNIT, CONCENTRATION, MASS, DeclarationReader, DeclarationXml

NAMESPACE = "http://webstds.ipc.org/175x/2.0"
ROOT = "MainDeclaration"


def item(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """The product (or sub-product) `el`, with its materials, statements and sub-products."""
    pid, number = doc.product_id(el, where, ("itemNumber",))
    if pid is None:
        return DeclaredItem(el.sourceline, "", "")
    found = DeclaredItem(pid.sourceline, number, doc.attr(pid, "itemName"), doc.attr(pid, "version"),
                         instances=doc.quantity(el, where, "numberOfInstances"))
    _mass(doc, pid, where, found)
    if where != "Product":  # the Product's other ProductIDs are read by `alias`; a SubProduct's are not
        for extra in doc.findall(el, "ProductID")[1:]:
            doc.problem(extra, f"{where}/ProductID", "a SubProduct is read with one ProductID; this one would be "
                                                     "left out, so the file is refused")
    info = doc.find(el, "MaterialInfo")
    if info is not None:
        for hm in doc.findall(info, "HomogeneousMaterialList/HomogeneousMaterial"):
            at = f"{where}/MaterialInfo/HomogeneousMaterialList/HomogeneousMaterial"
            found.materials.append(_material(doc, hm, at))
            # what the supplier states of one material (a Threshold of a category of its list) is stated of the
            # part that holds it: over the threshold in a homogeneous material is over it in the part (QA9 B04)
            found.statements += _material_statements(doc, hm, at)
        for lst in doc.findall(info, "SubstanceCategoryList"):
            found.statements += _statements(doc, lst, f"{where}/MaterialInfo/SubstanceCategoryList")
    for i, sub in enumerate(doc.findall(el, "SubProduct"), start=1):
        found.children.append(item(doc, sub, f"{where}/SubProduct[{i}]"))
    return found


def alias(doc: DeclarationXml, pid: etree._Element, base: DeclaredItem) -> DeclaredItem:
    """The Product's declaration for another of its ProductIDs (QA12 B05: a series of item numbers sharing one
    composition): the same materials, statements and sub-products, with this ProductID's number, name, version
    and Amount."""
    number = doc.attr(pid, "itemNumber")
    if not number:
        doc.problem(pid, "Product/ProductID@itemNumber", "the item number is required")
    found = replace(base, line=pid.sourceline, number=number, name=doc.attr(pid, "itemName"),
                    version=doc.attr(pid, "version"), mass=Quantity(), mass_line=None, mass_field="")
    _mass(doc, pid, "Product", found)
    return found


def _mass(doc: DeclarationXml, pid: etree._Element, where: str, found: DeclaredItem) -> None:
    """The whole item's mass, its SubProducts included (see model.DeclaredItem.own_mg), from ProductID/Amount."""
    amount = doc.find(pid, "Amount")
    # an Amount whose value and UOM are both empty declares no mass: converters write one when their source
    # has no product mass (a chemSHERPA-to-IPC-1752A Class C generator writes Amount value="" UOM=""); a
    # value without a unit, or a unit without a value, is still refused
    if amount is not None and (doc.attr(amount, "value") or doc.attr(amount, "UOM")):
        found.mass = _amount(doc, amount, f"{where}/ProductID/Amount", MASS)
        found.mass_line, found.mass_field = amount.sourceline, f"{where}/ProductID/Amount@value"


def _amount(doc: DeclarationXml, el: etree._Element, where: str, allowed: tuple[str, ...],
            default_unit: str = "") -> Quantity:
    """An Amount or Concentration element's value@value and unit@UOM, checked."""
    return Quantity(doc.number(el, f"{where}@value", el.get("value")),
                    doc.unit(el, f"{where}@UOM", el.get("UOM") or default_unit, allowed))


def _material(doc: DeclarationXml, hm: etree._Element, where: str) -> DeclaredMaterial:
    name = doc.attr(hm, "name")
    if not name:
        doc.problem(hm, f"{where}@name", "a homogeneous material needs a name")
    mat = DeclaredMaterial(hm.sourceline, name, category=doc.attr(hm, "materialGroupName"))
    amount = doc.find(hm, "Amount")
    if amount is None:
        doc.problem(hm, f"{where}/Amount", "the material's mass is required")
    else:
        mat.amount = _amount(doc, amount, f"{where}/Amount", ANY_UNIT)
    read = doc.findall(hm, "SubstanceCategoryList/SubstanceCategory/Substance") + doc.findall(
        hm, "SubstanceCategory/Substance") + doc.findall(hm, "Substance")
    for s in read:
        sub = _substance(doc, s, f"{where}//Substance")
        # an exemption stated once on the SubstanceCategory (JIG-101 / IPC-1752A files group the composition under
        # the declarable categories) is claimed for its substances: the statement was exempted and its lead oxide,
        # the same lead, a violation (QA12 B10)
        if not sub.exemption and s.getparent().tag == doc.q("SubstanceCategory"):
            sub.exemption = doc.exemption(s.getparent())
        mat.substances.append(sub)
    # a SubstanceCategory with an Amount of its own and no Substance states the category's mass ("Lead/Lead
    # Compounds" 300 mg): one substance of that name (its identity from the category's name, loaders/
    # name_membership.py), never left out (a review of 2026-12-07: 3 % of lead in PVC read compliant)
    for cat in doc.findall(hm, "SubstanceCategoryList/SubstanceCategory") + doc.findall(hm, "SubstanceCategory"):
        amount = doc.find(cat, "Amount")
        if amount is not None and doc.find(cat, "Substance") is None:
            sub = DeclaredSubstance(cat.sourceline, " ".join(doc.attr(cat, "name").split()),
                                    exemption=doc.exemption(cat))
            sub.amount = _amount(doc, amount, f"{where}//SubstanceCategory/Amount", ANY_UNIT)
            if not sub.name:
                doc.problem(cat, f"{where}//SubstanceCategory@name", "a category with an Amount needs a name")
            mat.substances.append(sub)
    # a Substance anywhere else in the material would silently be missing from it (lead that is not stored
    # passes RoHS): it is refused, naming its line, rather than left out
    placed = set(read)  # the same proxies while `read` holds them
    for s in doc.iter(hm, "Substance"):
        if s not in placed and _outermost(doc, s, hm):
            doc.problem(s, f"{where}//Substance", "a Substance is read in SubstanceCategoryList/SubstanceCategory, "
                                                  "SubstanceCategory or directly in the HomogeneousMaterial; here "
                                                  "it would be left out of the material, so the file is refused")
    return mat


def _outermost(doc: DeclarationXml, el: etree._Element, top: etree._Element) -> bool:
    """Whether no other Substance encloses `el` below `top`."""
    for above in el.iterancestors():
        if above is top:
            return True
        if above.tag == doc.q("Substance"):
            return False
    return True


def _substance(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredSubstance:
    sub = doc.substance(el, f"{where}/SubstanceID")
    amount, conc = doc.find(el, "Amount"), doc.find(el, "Concentration")
    if amount is not None:
        sub.amount = _amount(doc, amount, f"{where}/Amount", ANY_UNIT)
    elif conc is not None:  # a Concentration without a unit is mass percent
        sub.amount = _amount(doc, conc, f"{where}/Concentration", CONCENTRATION, "massPercent")
    else:
        doc.problem(el, f"{where}/Amount", "a substance needs an Amount or a Concentration")
    return sub


def _material_statements(doc: DeclarationXml, hm: etree._Element, where: str) -> list[CategoryStatement]:
    """The statements of a HomogeneousMaterial's own SubstanceCategoryLists. IPC-1752A's SubstanceCategoryList
    is one structure wherever it is: under MaterialInfo it states the product's categories (Class C), in a
    HomogeneousMaterial it groups the material's substances (a Class D composition: JIG-101 files write
    `SubstanceCategoryListID identity="JIG101-3"` with a category "Supplier" of substances) and may state a
    category over or under its threshold there, with its exemptions. A category with a Threshold or an
    Exemption of its own is such a statement; one that only holds substances is a group of the composition. A
    Threshold anywhere else in the material (a SubstanceCategory without a list) names no list to be judged
    against: the file is refused naming its line, never read as if the statement were not there."""
    out, read = [], set()
    for lst in doc.findall(hm, "SubstanceCategoryList"):
        stated = [cat for cat in doc.findall(lst, "SubstanceCategory") if _states(doc, cat)]
        if stated:
            out += _statements(doc, lst, f"{where}/SubstanceCategoryList", stated)
            read.update(t for cat in stated for t in doc.findall(cat, "Threshold"))
    for threshold in doc.iter(hm, "Threshold"):
        if threshold not in read:
            doc.problem(threshold, f"{where}//Threshold", "a Threshold is read in SubstanceCategoryList/"
                        "SubstanceCategory, which names the list it is stated against; here it names none and "
                        "would be left out, so the file is refused")
    return out


def _states(doc: DeclarationXml, cat: etree._Element) -> bool:
    """Whether a SubstanceCategory states something of its own (a Threshold or an exemption claimed)."""
    return any(doc.find(cat, path) is not None for path in ("Threshold", "Exemption", "ExemptionList/Exemption"))


def _statements(doc: DeclarationXml, lst: etree._Element, where: str,
                categories: list[etree._Element] | None = None) -> list[CategoryStatement]:
    """Class C: per substance category of one list (or the `categories` of it given), over the threshold or
    not, and the exemptions claimed."""
    lid = doc.find(lst, "SubstanceCategoryListID")
    list_id = doc.attr(lid, "identity") if lid is not None else ""
    if not list_id:
        doc.problem(lst, f"{where}/SubstanceCategoryListID@identity", "the list the categories belong to is required")
    out = []
    for cat in doc.findall(lst, "SubstanceCategory") if categories is None else categories:
        threshold = doc.find(cat, "Threshold")
        over = None
        if threshold is not None:
            over = doc.boolean(threshold, "overThreshold", f"{where}/SubstanceCategory/Threshold@overThreshold")
        exemptions = [doc.attr(e, "identity", "name")
                      for e in doc.findall(cat, "Exemption") + doc.findall(cat, "ExemptionList/Exemption")]
        out.append(CategoryStatement(cat.sourceline, list_id, doc.attr(cat, "name"), over,
                                     (threshold.get("threshold") or "") if threshold is not None else "",
                                     [e for e in exemptions if e]))
    return out


READER = DeclarationReader("ipc1752a", NAMESPACE, ROOT, item, alias)
