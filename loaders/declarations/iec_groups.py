"""IEC 62474 / chemSHERPA-AI substance groups: a `SubstanceGroup` that lists no `Substance` is itself the substance
declared (its name, `UniqueID`, `Mass`: QA12 B09), and one that lists some but gives a larger `Mass` of its own
declares the rest as the group (loaders/declarations/iec62474.py reads the rest of the file)."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from complygraph.loaders.declarations.model import DeclaredSubstance, Quantity
from complygraph.loaders.declarations.xmldoc import DeclarationXml


def leaf_group(doc: DeclarationXml, el: etree._Element) -> bool:
    """Whether `el` is a SubstanceGroup that lists no Substance: chemSHERPA-AI declares a group (e.g. lead compounds,
    `UniqueID` an IEC 62474 DSL entry, or a CAS number) with its own Mass, which is then the substance declared;
    looked through, it and its mass were left out of the material (QA12 B01)."""
    return el.tag == doc.q("SubstanceGroup") and not doc.iter(el, "Substance")


def substances_of(doc: DeclarationXml, el: etree._Element) -> list[etree._Element]:
    """The substances of a material in document order: every Substance at any depth (a SubstanceGroup that lists
    its Substances is read through them, its own identity naming no single one of them), and every SubstanceGroup
    that lists none, read as one substance."""
    return [e for e in el.iter(doc.q("Substance"), doc.q("SubstanceGroup"))
            if e.tag == doc.q("Substance") or leaf_group(doc, e)]


def group_remainders(doc: DeclarationXml, el: etree._Element, read: dict[etree._Element, DeclaredSubstance],
                     where: str, mass: Callable[[DeclarationXml, etree._Element, str], Quantity]
                     ) -> list[DeclaredSubstance]:
    """A SubstanceGroup that lists Substances and gives its own Mass, more than theirs by over 1 %: the rest is of
    the group and unnamed, one substance of the group's name (a review of 2026-12-07: "Lead/lead compounds" 300 mg
    holding "Lead stearate" 1 mg was read as 1 mg, and the product compliant)."""
    out = []
    for group in el.iter(doc.q("SubstanceGroup")):
        own = doc.find(group, "Mass")
        listed = [read.get(s) for s in doc.iter(group, "Substance")]
        if own is None or not listed or leaf_group(doc, group):
            continue
        total = mass(doc, own, f"{where}//SubstanceGroup/Mass").mg()
        masses = [s.amount.mg() if s is not None else None for s in listed]
        if total is None or any(m is None for m in masses):  # a share of the material: not compared here
            continue
        rest = total - sum(masses)
        if rest > total / 100:
            sub = DeclaredSubstance(group.sourceline, " ".join(doc.attr(group, "name").split()),
                                    exemption=doc.exemption(group), amount=Quantity(str(rest), "mg"),
                                    amount_field=f"{where}//SubstanceGroup/Mass@mass")
            if sub.name:
                out.append(sub)
            else:
                doc.problem(group, f"{where}//SubstanceGroup/Mass", f"the group declares {rest} mg more than its "
                            "substances and has no name to declare it by, so the file is refused")
    return out
