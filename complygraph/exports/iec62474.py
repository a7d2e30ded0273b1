"""A full material declaration as IEC 62474 XML (namespace http://std.iec.ch/iec62474, root Main; the
composition declaration of IEC 62474:2018, which chemSHERPA-AI files also use), in the structure
`loaders.declarations.iec62474` reads.

The Product's own materials and its BOM children sit in the Composition sectional (rohs.ca on the 2019
exchange format: "Composition Declaration (represented by the Composition element)"); each child part is a
ProductPart with its quantity, nested to any depth, an article of its own: IEC 62474 asks for the first
article holding a Candidate List substance to be declared as a product part so that its mass percent can be
computed. ProductID/Mass and ProductPart/Mass are the whole item, its product parts included. What is not
written and why: docs/exports.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
from complygraph.loaders.declarations.iec62474 import NAMESPACE, QUANTITY, ROOT
from complygraph.loaders.records import CONCENTRATION_UNITS, MASS_UNITS

UNIT_TYPE = "each"


def export_iec62474(store: Store, item_id: str, at: dt.date, *, kind: str | None = None,
                    company: Company | None = None) -> bytes:
    """The IEC 62474 composition declaration of part or product `item_id` as UTF-8 XML, dated `at` (the
    Response date). The declaring company is the part's supplier, or `company` (required for a product).
    Raises `ExportError` for an unknown item."""
    export = read_export(store, item_id, kind, company)
    root = etree.Element(_q(ROOT), nsmap={None: NAMESPACE})
    _business_info(root, export.company, at)
    product = _sub(root, "Product", unitType=UNIT_TYPE)
    item = export.item
    pid = _sub(product, "ProductID", identifier=item.item_number, name=item.name, version=item.version)
    _mass(pid, item.whole_mg())
    if item.materials or item.children:
        _composition(_sub(product, "Composition"), item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, tag: str, /, **attrs: str) -> etree._Element:
    return element(parent, NAMESPACE, tag, **attrs)


def _business_info(root: etree._Element, company: Company, at: dt.date) -> None:
    business_info(root, NAMESPACE, company, "responseDate", at)


def _mass(parent: etree._Element, mg: Decimal | None) -> None:
    if mg is not None:
        _sub(parent, "Mass", mass=number(mg), unitOfMeasure="mg")


def _composition(parent: etree._Element, item: ExportItem) -> None:
    """The item's own materials, then a ProductPart per BOM child (its ProductID, whole mass and quantity)."""
    for mat in item.materials:
        _material(parent, mat)
    for child, qty in item.children:
        part = _sub(parent, "ProductPart", name=child.name, **{QUANTITY[0]: number(qty)})
        _sub(part, "ProductID", identifier=child.item_number, name=child.name, version=child.version)
        _mass(part, child.whole_mg())
        _composition(part, child)


def _material(parent: etree._Element, mat: ExportMaterial) -> None:
    el = _sub(parent, "Material", name=mat.name)
    _mass(el, mat.mass_mg)
    for sub in mat.substances:
        _substance(el, sub)


def _substance(parent: etree._Element, sub: ExportSubstance) -> None:
    el = _sub(parent, "Substance", name=sub.name)
    if sub.cas:
        _sub(el, "SubstanceID", authority="CAS", identity=sub.cas)
    if sub.ec:
        _sub(el, "SubstanceID", authority="EC", identity=sub.ec)
    unit = sub.declared_unit.lower()
    if sub.declared_amount is not None and unit in MASS_UNITS:
        _sub(el, "Mass", mass=number(sub.declared_amount), unitOfMeasure=unit)
    elif sub.declared_amount is not None and unit in CONCENTRATION_UNITS:
        # a share of the homogeneous material, as declared; ppm written as the percent it is (exact in decimal)
        percent = sub.declared_amount * CONCENTRATION_UNITS[unit] / 10_000
        _sub(el, "MassPercent", massPercent=number(percent))
    else:
        _mass(el, sub.mass_mg)
    for exemption in filter(None, (e.strip() for e in sub.exemption.split(";"))):
        _sub(el, "Exemption", identity=exemption)
