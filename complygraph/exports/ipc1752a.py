"""A full material declaration as IPC-1752A Class D XML (namespace http://webstds.ipc.org/175x/2.0, root
MainDeclaration), in the structure `loaders.declarations.ipc1752a` reads, so that an export imported into
another store gives back the same parts, masses, materials, substances, exemptions and BOM quantities.

The Product is the exported part (or product) and every part below it through the BOM is a nested SubProduct
with its numberOfInstances: each is an article of its own (CJEU C-106/14), which is also what IPC-1752 means
by a sub-product reporting "articles in the complex object". ProductID/Amount is the whole item, its
sub-products included (the standard's reading, docs/declarations.md "Mass basis"), every other amount is the
one the graph holds. What the schema requires and what is not written: docs/exports.md.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from complygraph.exports.tree import (
    Company,
    ExportItem,
    ExportMaterial,
    ExportSubstance,
    business_info,
    element,
    number,
    read_export,
)
from complygraph.graph.store import Store
from complygraph.loaders.declarations.ipc1752a import NAMESPACE, ROOT
from complygraph.loaders.records import CONCENTRATION_UNITS, MASS_UNITS

SCHEMA_VERSION = "2.0"
UNIT_TYPE = "Each"
SUBSTANCE_CATEGORY = "Full material declaration"  # the SubstanceCategory that holds a material's substances


def export_ipc1752a(store: Store, item_id: str, at: dt.date, *, kind: str | None = None,
                    company: Company | None = None) -> bytes:
    """The IPC-1752A Class D declaration of part or product `item_id` as UTF-8 XML, dated `at` (the
    Response date, by which an import orders declarations). The declaring company is the part's supplier, or
    `company` (required for a product, which has no supplier). Raises `ExportError` for an unknown item."""
    export = read_export(store, item_id, kind, company)
    root = etree.Element(_q(ROOT), nsmap={None: NAMESPACE})
    root.set("version", SCHEMA_VERSION)
    _business_info(root, export.company, at)
    product = _sub(root, "Product", unitType=UNIT_TYPE)
    _item(product, export.item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, tag: str, /, **attrs: str) -> etree._Element:
    return element(parent, NAMESPACE, tag, **attrs)


def _business_info(root: etree._Element, company: Company, at: dt.date) -> None:
    business_info(root, NAMESPACE, company, "date", at)


def _item(el: etree._Element, item: ExportItem) -> None:
    """ProductID with the whole item's mass, the item's own materials, then its BOM children as SubProducts."""
    pid = _sub(el, "ProductID", itemNumber=item.item_number, itemName=item.name, version=item.version)
    whole = item.whole_mg()
    if whole is not None:
        _sub(pid, "Amount", value=number(whole), UOM="mg")
    if item.materials:
        materials = _sub(_sub(el, "MaterialInfo"), "HomogeneousMaterialList")
        for mat in item.materials:
            _material(materials, mat)
    for child, qty in item.children:
        sub = _sub(el, "SubProduct", numberOfInstances=number(qty), unitType=UNIT_TYPE)
        _item(sub, child)


def _material(parent: etree._Element, mat: ExportMaterial) -> None:
    hm = _sub(parent, "HomogeneousMaterial", name=mat.name, materialGroupName=mat.category)
    _sub(hm, "Amount", value=number(mat.mass_mg), UOM="mg")
    if mat.substances:
        category = _sub(_sub(hm, "SubstanceCategoryList"), "SubstanceCategory", name=SUBSTANCE_CATEGORY)
        for sub in mat.substances:
            _substance(category, sub)


def _substance(parent: etree._Element, sub: ExportSubstance) -> None:
    el = _sub(parent, "Substance", name=sub.name)
    if sub.cas:
        _sub(el, "SubstanceID", identity=sub.cas, authority="CAS")
    if sub.ec:
        _sub(el, "SubstanceID", identity=sub.ec, authority="EC")
    tag, value, unit = amount(sub)
    _sub(el, tag, value=value, UOM=unit)
    for exemption in filter(None, (e.strip() for e in sub.exemption.split(";"))):
        _sub(el, "Exemption", identity=exemption)


def amount(sub: ExportSubstance) -> tuple[str, str, str]:
    """(element, value, UOM): the amount as the supplier declared it when the import kept it (a mass, or a
    concentration of the homogeneous material as Concentration in ppm or massPercent), which an import turns
    back into the same mg and ppm; else the stored mass in mg."""
    unit = sub.declared_unit.lower()
    if sub.declared_amount is not None and unit in MASS_UNITS:
        return "Amount", number(sub.declared_amount), unit
    if sub.declared_amount is not None and unit in CONCENTRATION_UNITS:
        return "Concentration", number(sub.declared_amount), "ppm" if unit == "ppm" else "massPercent"
    return "Amount", number(sub.mass_mg), "mg"
