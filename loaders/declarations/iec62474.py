"""IEC 62474 (and chemSHERPA-AI, a profile of it): Main/Product/ProductID@identifier,name,version with
Mass@mass,unitOfMeasure; the composition as a hierarchy of ProductPart and Material elements (a Material
with its Substances, which carry Mass or MassPercent); Compliance/DsDsg for the declarable substances and
groups of the declarable substance list (DSL) reported present (the Class C equivalent).

Each ProductPart is an article of its own (REACH Art. 33 is computed per article, CJEU C-106/14; IEC 62474
asks for the first article holding a Candidate List substance to be declared as a ProductPart so that its
mass percent can be computed): it becomes a child item of its parent, with its own materials, its own mass
and its quantity, as an IPC-1752A SubProduct does. A Material belongs to the nearest Product or ProductPart
above it; wrapper elements between them (such as the 2018 schema's Composition sectional and its
MaterialClass elements) are looked through. The Product's mass is the whole product's, its ProductParts
included (model.DeclaredItem.own_mg).

A Substance (or SubstanceGroup) of a Product or ProductPart that no Material encloses is declared without a
homogeneous-material breakdown, which IEC 62474 allows (a composition declaration gives substance data "at a
material and/or product part and/or product level", IEC 62474:2018 4.1): it is kept, in one material that
stands for the whole item (`UNDIVIDED`, `DeclaredMaterial.undivided`) and weighs the item's own mass, so that
the article share is exact and a concentration in a homogeneous material is at least the one computed on it. An
item all of whose mass is in its ProductParts declares such substances for itself as a whole: its part then weighs
the whole item (model.DeclaredItem.own_mg), never 0 mg with substances in it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from complygraph.loaders.declarations.iec_groups import group_remainders, leaf_group, substances_of
from complygraph.loaders.declarations.model import (
    CategoryStatement,
    DeclaredItem,
    DeclaredMaterial,
    DeclaredSubstance,
    Quantity,
)
from complygraph.loaders.declarations.xmldoc import MASS, DeclarationReader, DeclarationXml

NAMESPACE = "http://std.iec.ch/iec62474"
ROOT = "Main"
# the authority of the declarable substance list a DsDsg belongs to when the file names none (IEC 62474:2018
# 4.1.2: a conforming declaration names the list authority "IEC62474", the list identity and its version)
LIST_AUTHORITY = "IEC62474"
# attributes a ProductPart's quantity in its parent may be given in, the first one found is read
# (chemSHERPA-AI files write @numberOfUnits)
QUANTITY = ("quantity", "numberOfUnits", "numberOfInstances")
UNDIVIDED = "whole part (no homogeneous-material breakdown declared)"
# The IEC 62474 material classes (material class list M-001 ... M-015), their names and the material category
# written for each, as data: data/eu-rohs/iec62474-material-classes.csv (its header says where the names come
# from and how the categories fall in the classes of shapes/data/material-classes.ttl). A class with no
# category there (M-002 steel or cast iron, M-009 solders and other alloys, ...) leaves the material without
# one: an exemption or a restriction limited to a kind of material is then reported as unknown, never decided.
MATERIAL_CLASSES_FILE = "iec62474-material-classes.csv"
_COLUMNS = ("code", "name", "category", "note")
_REQUIRED = ("code", "name", "category")
_CODE = re.compile(r"M-\d{3}")


class MaterialClassesError(ValueError):
    """The material class table says something the reader cannot use; each line of the message names the
    file and the line. Not an InputError: the shipped table, not the declaration being read, is wrong."""


@dataclass(frozen=True)
class MaterialClass:
    code: str  # "M-004"
    name: str  # as the table gives it: "Copper and its alloys"
    category: str  # the cg:materialCategory written, "" for none
    line: int


@dataclass(frozen=True)
class MaterialClasses:
    """The material class table of one file: by code, and by name as a MaterialClass@name matches it."""
    file: str
    by_code: dict[str, MaterialClass]
    by_name: dict[str, MaterialClass]

    def category(self, key: str) -> str:
        """The category of the class `key` names, by its code (any case) or else by its name; "" if none."""
        found = self.by_code.get(key.upper()) or self.by_name.get(class_name(key))
        return found.category if found else ""


def class_name(text: str) -> str:
    """A material class name as names are compared: lower case, "aluminum" read as "aluminium", runs of
    white space as one space."""
    return " ".join(text.lower().replace("aluminum", "aluminium").split())


@cache
def material_classes_path() -> Path:
    """The shipped material class table (packaged with complygraph.data: pyproject's `eu-rohs/*`)."""
    return Path(str(resources.files("complygraph.data"))) / "eu-rohs" / MATERIAL_CLASSES_FILE


def material_classes(path: Path | None = None) -> MaterialClasses:
    """The material class table of `path` (default: the shipped one), read once per file and kept. Raises
    MaterialClassesError naming the file and line of every problem: a column not known, a required column
    missing, a code that is not M-nnn, a code or a name given twice, a row with more cells than the header."""
    return _read_material_classes(Path(path) if path is not None else material_classes_path())


@cache
def _read_material_classes(path: Path) -> MaterialClasses:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MaterialClassesError(f"{path}: the material class table cannot be read: {exc}") from exc
    # comment lines (the provenance header) are blanked, not dropped, so that the reader's line numbers are the
    # file's, and a quote in a comment never opens a field
    lines = ["\n" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)]
    problems: list[str] = []
    header: list[str] | None = None
    by_code: dict[str, MaterialClass] = {}
    by_name: dict[str, MaterialClass] = {}
    reader = csv.reader(lines)
    end = 0
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                problems += _header_problems(path, line, header)
                if problems:
                    break
                continue
            if len(cells) > len(header):
                problems.append(f"{path}:{line}: {len(cells)} cells, the header names {len(header)} columns")
                continue
            row = dict(zip(header, (c.strip() for c in cells), strict=False))
            found = MaterialClass(row.get("code", "").upper(), row.get("name", ""), row.get("category", ""), line)
            if not _CODE.fullmatch(found.code):
                problems.append(f"{path}:{line}: code {row.get('code', '')!r} is not an IEC 62474 material class "
                                "code (M-nnn)")
                continue
            if not found.name:
                problems.append(f"{path}:{line}: {found.code} needs a name")
                continue
            first = by_code.get(found.code) or by_name.get(class_name(found.name))
            if first is not None:
                what = f"code {found.code}" if first.code == found.code else f"name {found.name!r}"
                problems.append(f"{path}:{line}: {what} is given twice (first at line {first.line})")
                continue
            by_code[found.code] = by_name[class_name(found.name)] = found
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: not a readable CSV row: {exc}")
    if header is None and not problems:
        problems.append(f"{path}: no header row ({', '.join(_COLUMNS)})")
    if problems:
        raise MaterialClassesError("the IEC 62474 material class table is refused:\n" + "\n".join(problems))
    return MaterialClasses(str(path), by_code, by_name)


def _header_problems(path: Path, line: int, header: list[str]) -> list[str]:
    out = [f"{path}:{line}: unknown column {h!r} (the columns: {', '.join(_COLUMNS)})"
           for h in header if h not in _COLUMNS]
    out += [f"{path}:{line}: column {h!r} is given twice" for h in sorted({h for h in header if header.count(h) > 1})]
    out += [f"{path}:{line}: the column {c!r} is required" for c in _REQUIRED if c not in header]
    return out


def __getattr__(name: str) -> dict[str, tuple[str, str]]:
    """MATERIAL_CLASSES, for callers of the former Python table: code -> (the name as compared, the category),
    the classes with a category only, as read from the shipped table."""
    if name == "MATERIAL_CLASSES":
        return {c.code: (class_name(c.name), c.category) for c in material_classes().by_code.values() if c.category}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def item(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """The product `el`, with its own materials, its product parts and its declaration for compliance."""
    pid, number = doc.product_id(el, where, ("identifier", "itemNumber"))
    if pid is None:
        return DeclaredItem(el.sourceline, "", "")
    found = DeclaredItem(pid.sourceline, number, doc.attr(pid, "name"), doc.attr(pid, "version"))
    _weigh(doc, found, doc.find(pid, "Mass"), f"{where}/ProductID/Mass")
    _composition(doc, el, where, found)
    compliance = doc.find(el, "Compliance")
    if compliance is not None:
        found.statements += _statements(doc, compliance, f"{where}/Compliance")
    return found


def alias(doc: DeclarationXml, pid: etree._Element, base: DeclaredItem) -> DeclaredItem:
    """The Product's declaration for another of its ProductIDs (as IPC-1752A, QA12 B05): the same composition, with
    this ProductID's identifier, name, version and Mass."""
    number = doc.attr(pid, "identifier", "itemNumber")
    if not number:
        doc.problem(pid, "Product/ProductID@identifier", "the item number is required")
    found = replace(base, line=pid.sourceline, number=number, name=doc.attr(pid, "name"),
                    version=doc.attr(pid, "version"), mass=Quantity(), mass_line=None, mass_field="")
    _weigh(doc, found, doc.find(pid, "Mass"), "Product/ProductID/Mass")
    return found


def _part(doc: DeclarationXml, el: etree._Element, where: str) -> DeclaredItem:
    """A ProductPart: identified by its ProductID (if it has one) or its own identifier attribute, else by
    its position; its mass (ProductPart/Mass or ProductID/Mass) includes its own ProductParts."""
    pid = doc.find(el, "ProductID")
    number = doc.attr(pid if pid is not None else el, "identifier", "itemNumber")
    name = doc.attr(el, "name") or (doc.attr(pid, "name") if pid is not None else "")
    found = DeclaredItem(el.sourceline, number, name, doc.attr(pid, "version") if pid is not None else "",
                         instances=doc.quantity(el, where, *QUANTITY))
    for extra in doc.findall(el, "ProductID")[1:]:  # one item per ProductPart; the Product's others: `alias`
        doc.problem(extra, f"{where}/ProductID", "a ProductPart is read with one ProductID; this one would be left "
                                                 "out, so the file is refused")
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
    """The materials and product parts that belong to `el` itself, in document order, and the substances it
    declares outside any material, in one undivided material of the whole item."""
    materials = parts = 0
    loose: list[etree._Element] = []
    for child, material_class in _own(doc, el, None):
        if child.tag == doc.q("Material"):
            materials += 1
            found.materials.append(_material(doc, child, f"{where}//Material[{materials}]", material_class))
        elif child.tag == doc.q("ProductPart"):
            parts += 1
            found.children.append(_part(doc, child, f"{where}//ProductPart[{parts}]"))
        else:
            loose.append(child)
    if not loose:
        return
    whole = DeclaredMaterial(loose[0].sourceline, UNDIVIDED, undivided=True)
    whole.substances = [_substance(doc, s, f"{where}//Substance[{i}]") for i, s in enumerate(loose, start=1)]
    found.materials.append(whole)
    if not found.undivided_mg():  # nothing to weigh it by: its concentrations would be no numbers
        doc.problem(loose[0], f"{where}//Substance[1]", "a Substance outside any Material is read as part of the "
                    "whole item, which needs a Mass (the item's, or the substances' own Mass) to be weighed")


def _own(doc: DeclarationXml, el: etree._Element,
         material_class: etree._Element | None) -> Iterator[tuple[etree._Element, etree._Element | None]]:
    """The Material, ProductPart and Substance elements below `el` that no other Material, ProductPart or
    Substance encloses, each with the MaterialClass element around it (None if none)."""
    for child in el:
        if child.tag in (doc.q("Material"), doc.q("ProductPart"), doc.q("Substance")) or leaf_group(doc, child):
            yield child, material_class
        elif isinstance(child.tag, str) and child.tag not in (doc.q("ProductID"), doc.q("Compliance")):
            yield from _own(doc, child, child if child.tag == doc.q("MaterialClass") else material_class)


def _mass(doc: DeclarationXml, el: etree._Element, where: str) -> Quantity:
    """A Mass element's value (@mass, else @value) and unit (@unitOfMeasure, else @UOM), checked."""
    value = el.get("mass") if el.get("mass") is not None else el.get("value")
    unit = el.get("unitOfMeasure") or el.get("UOM") or ""
    return Quantity(doc.number(el, f"{where}@mass", value), doc.unit(el, f"{where}@unitOfMeasure", unit, MASS))


def _material(doc: DeclarationXml, el: etree._Element, where: str,
              material_class: etree._Element | None) -> DeclaredMaterial:
    name = doc.attr(el, "name")
    if not name:
        doc.problem(el, f"{where}@name", "a material needs a name")
    mat = DeclaredMaterial(el.sourceline, name, category=_category(doc, el, material_class))
    mass = doc.find(el, "Mass")
    if mass is None:
        doc.problem(el, f"{where}/Mass", "the material's mass is required")
    else:
        mat.amount = _mass(doc, mass, f"{where}/Mass")
        mat.amount_field = f"{where}/Mass@mass"
    read: dict[etree._Element, DeclaredSubstance] = {}
    for i, s in enumerate(substances_of(doc, el), start=1):
        read[s] = _substance(doc, s, f"{where}//{etree.QName(s).localname}[{i}]")
        mat.substances.append(read[s])
    mat.substances += group_remainders(doc, el, read, where, _mass)
    return mat





def _category(doc: DeclarationXml, el: etree._Element, material_class: etree._Element | None) -> str:
    """The material category of an IEC 62474 material class, by the material's own class (@materialClassID
    in the X6 schema, MaterialClassID/EntryID@entryIdentity in X7 and later, e.g. "M-004") or the
    MaterialClass element around it (@id, else @name); "" for a class whose kind of material is not clear
    (no category in the material class table, `material_classes`) or when none is given."""
    keys = [doc.attr(el, "materialClassID")] + [doc.attr(e, "entryIdentity", "identity") for e in doc.findall(
        el, "MaterialClassID") + doc.findall(el, "MaterialClassID/EntryID")]
    if material_class is not None:
        keys += [doc.attr(material_class, "id", "identity"), doc.attr(material_class, "name")]
    table = material_classes()
    for key in filter(None, keys):
        category = table.category(key)
        if category:
            return category
    return ""


def _substance(doc: DeclarationXml, s: etree._Element, at: str) -> DeclaredSubstance:
    """A Substance with its Mass or MassPercent (of its material, or of its item when no material encloses
    it) and the exemption it is declared under (Exemption, or chemSHERPA's Exemptions/Exemption)."""
    sub = doc.substance(s, f"{at}/SubstanceID")
    smass, pct = doc.find(s, "Mass"), doc.find(s, "MassPercent")
    if smass is not None:
        sub.amount = _mass(doc, smass, f"{at}/Mass")
        sub.amount_field = f"{at}/Mass@mass"
    elif pct is not None:
        value = pct.get("massPercent") if pct.get("massPercent") is not None else pct.get("value")
        sub.amount = Quantity(doc.number(pct, f"{at}/MassPercent@massPercent", value), "massPercent")
        sub.amount_field = f"{at}/MassPercent@massPercent"
    else:
        doc.problem(s, f"{at}/Mass", "a substance needs a Mass or a MassPercent")
    return sub


def _statements(doc: DeclarationXml, compliance: etree._Element, where: str) -> list[CategoryStatement]:
    """The declaration for compliance: per DsDsg (a declarable substance or group of the DSL), whether it is
    present above its reporting threshold (ComplianceThreshold@aboveComplianceThreshold; a DsDsg listed
    without one is reported present), the threshold and the exemptions stated. Its list is the DSL entry it
    concerns, `<list>:<entry>` (`list_identity`), so that the declared-list identities tell the regulation."""
    out = []
    for i, ds in enumerate(doc.findall(compliance, "DsDsg"), start=1):
        at = f"{where}/DsDsg[{i}]"
        name = " ".join(doc.attr(ds, "name").split())
        entry_el = doc.find(ds, "DsDsgID")
        entry = doc.attr(entry_el, "entryIdentity", "identity") if entry_el is not None else ""
        if not (name or entry):
            doc.problem(ds, f"{at}@name", "a DsDsg needs a name or a DsDsgID@entryIdentity")
        threshold, over, stated = doc.find(ds, "ComplianceThreshold"), True, ""
        if threshold is not None:
            if threshold.get("aboveComplianceThreshold") is not None:
                over = doc.boolean(threshold, "aboveComplianceThreshold",
                                   f"{at}/ComplianceThreshold@aboveComplianceThreshold")
            stated = doc.attr(threshold, "reportingThreshold")
        exemptions = [doc.attr(e, "identity", "name") for e in doc.iter(ds, "Exemption")]
        out.append(CategoryStatement(ds.sourceline, list_identity(doc, ds, entry or name), name or entry, over,
                                     stated, [e for e in exemptions if e]))
    return out


def list_identity(doc: DeclarationXml, ds: etree._Element, entry: str) -> str:
    """The list a DsDsg is stated against: the declarable substance list the file names (the nearest
    DeclarableSubstanceList: @authority, "IEC62474" if not given, and @version, e.g. "IEC62474 D19.00"), a
    colon, and the DSL entry (DsDsgID@entryIdentity, e.g. "00021", else the DsDsg's name): "IEC62474
    D19.00:00021", "IEC62474:Lead/lead compounds". One DSL spans several regulations (its five "Lead/Lead
    Compounds" entries differ in reportable application and threshold), so the entry is part of the identity."""
    found = next((d for scope in (ds, ds.getparent(), ds.getroottree().getroot())
                  for d in doc.iter(scope, "DeclarableSubstanceList")), None)
    authority = doc.attr(found, "authority") if found is not None else ""
    version = doc.attr(found, "version") if found is not None else ""
    return f"{' '.join(filter(None, (authority or LIST_AUTHORITY, version)))}:{entry}"


READER = DeclarationReader("iec62474", NAMESPACE, ROOT, item, alias)
