"""Supplier material declarations in IPC-1752A and IEC 62474 XML (chemSHERPA-AI is an IEC 62474 profile).

Both formats say the same things: who declares (the supplying company), when, for which item (number,
name, version, mass), and either the full composition (IPC Class D: homogeneous materials and their
substances with mass or concentration, optionally nested sub-products) or, per regulatory substance
category, whether the item is over the threshold and under which exemption (IPC Class C; the IEC
62474 "Compliance" part). Each file is read into one `Declaration`, checked whole, and written in one
transaction: a newer declaration of the same item replaces the stored composition, whose triples move
to a history graph (`urn:complygraph:history:<declaration>`); the same file again changes nothing.

What is read, element by element, is listed in docs/declarations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from pyoxigraph import Literal, NamedNode, Triple

from ..graph.store import Store
from ..identifiers import InvalidIdentifier, name_key, normalise_cas, normalise_ec
from ..vocab import ID, RDF_TYPE, cg, dct, entity_iri, exemption_iri, prov
from . import rdf
from .compositions import CONCENTRATION_UNITS, MASS_UNITS, CompositionImport, Record
from .errors import InputError, Problem
from .xmlsafe import local, namespace, read_xml

IPC = "http://webstds.ipc.org/175x/2.0"
IEC = "http://std.iec.ch/iec62474"
FORMATS = {"ipc1752a": IPC, "iec62474": IEC}
HISTORY = "urn:complygraph:history:"


@dataclass
class Substance:
    line: int
    name: str
    cas: str = ""
    ec: str = ""
    amount: str = ""
    unit: str = ""
    exemption: str = ""


@dataclass
class Material:
    line: int
    name: str
    amount: str = ""
    unit: str = ""
    category: str = ""
    substances: list[Substance] = field(default_factory=list)


@dataclass
class Statement:
    """Class C: over or under the threshold of one substance category of a declared list."""

    line: int
    list_id: str
    category: str
    over: bool | None
    threshold: str = ""
    exemptions: list[str] = field(default_factory=list)


@dataclass
class Item:
    line: int
    number: str
    name: str
    version: str = ""
    mass: str = ""
    mass_unit: str = ""
    instances: str = "1"
    materials: list[Material] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)


@dataclass
class Declaration:
    format: str
    file: str
    sha256: str
    company: str
    company_id: str
    date: dt.date | None
    item: Item
    declaration_class: str  # "D" with a composition, "C" with category statements only
    problems: list[Problem] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ reading

def read_declaration(path: Path, fmt: str | None = None) -> Declaration:
    """Parse one file; every problem names the file, the line and the element or attribute."""
    root = read_xml(path)
    ns = namespace(root)
    fmt = fmt or next((k for k, v in FORMATS.items() if v == ns), None)
    if fmt not in FORMATS:
        raise InputError([Problem(str(path), root.sourceline, local(root),
                                  f"not a declaration this loader reads: namespace {ns!r}; expected "
                                  + " or ".join(FORMATS.values()))])
    if ns != FORMATS[fmt]:
        raise InputError([Problem(str(path), root.sourceline, local(root),
                                  f"namespace {ns!r} is not {fmt}'s ({FORMATS[fmt]})")])
    reader = _IpcReader(path, root) if fmt == "ipc1752a" else _IecReader(path, root)
    decl = reader.read()
    if decl.problems:
        raise InputError(decl.problems)
    return decl


class _Reader:
    ns: str
    root_name: str

    def __init__(self, path: Path, root: etree._Element) -> None:
        self.path, self.root = path, root
        self.problems: list[Problem] = []

    def p(self, el: etree._Element | None, where: str, reason: str) -> None:
        self.problems.append(Problem(str(self.path), getattr(el, "sourceline", None), where, reason))

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        return el.find("/".join(self.q(p) for p in path.split("/")))

    def findall(self, el: etree._Element, path: str) -> list[etree._Element]:
        return el.findall("/".join(self.q(p) for p in path.split("/")))

    def read(self) -> Declaration:
        if local(self.root) != self.root_name:
            self.p(self.root, local(self.root), f"the root element must be {self.root_name}")
            return self._empty()
        company_el = self.find(self.root, "BusinessInfo/Response/SupplyCompany")
        company = (company_el.get("name") or "").strip() if company_el is not None else ""
        if not company:
            self.p(company_el if company_el is not None else self.root, "BusinessInfo/Response/SupplyCompany@name",
                   "the supplying company's name is required")
        company_id = ""
        if company_el is not None:
            cid = self.find(company_el, "CompanyID")
            company_id = (cid.get("identity") or "").strip() if cid is not None else ""
        date = self._date()
        products = self.findall(self.root, "Product")
        if len(products) != 1:
            self.p(self.root, "Product", f"exactly one Product is expected, found {len(products)}")
            return self._empty(company, company_id, date)
        item = self.item(products[0], "Product")
        has_composition = _any_material(item)
        return Declaration(format=self.format, file=str(self.path), sha256=_sha256(self.path), company=company,
                           company_id=company_id, date=date, item=item,
                           declaration_class="D" if has_composition else "C", problems=self.problems)

    def _empty(self, company: str = "", company_id: str = "", date=None) -> Declaration:
        return Declaration(self.format, str(self.path), "", company, company_id, date, Item(0, "", ""), "C",
                           self.problems)

    def _date(self) -> dt.date | None:
        response = self.find(self.root, "BusinessInfo/Response")
        text = ""
        if response is not None:
            text = (response.get("date") or response.get("responseDate") or "").strip()
        if not text:
            self.p(response if response is not None else self.root, "BusinessInfo/Response@date",
                   "the declaration date is required")
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            self.p(response, "BusinessInfo/Response@date", f"not a date (YYYY-MM-DD...): {text!r}")
            return None

    def _number(self, el: etree._Element, where: str, text: str | None) -> str:
        try:
            value = Decimal(text or "")
            if not value.is_finite() or value < 0:
                raise InvalidOperation
        except InvalidOperation:
            self.p(el, where, f"not a number of zero or more: {text!r}")
            return ""
        return str(value)

    def _unit(self, el: etree._Element, where: str, unit: str, allowed: tuple[str, ...]) -> str:
        if unit.lower() not in allowed:
            self.p(el, where, f"unknown unit {unit!r}; expected one of {', '.join(allowed)}")
            return ""
        return unit

    def _substance_id(self, el: etree._Element, sub: Substance, where: str) -> None:
        for attr in ("casNumber", "CASNumber", "cas"):  # some exports carry the CAS number as an attribute
            if el.get(attr) and not sub.cas:
                sub.cas = el.get(attr).strip()
        for sid in self.findall(el, "SubstanceID"):
            authority = (sid.get("authority") or "").strip().upper()
            identity = (sid.get("identity") or "").strip()
            if authority == "CAS" and identity:
                sub.cas = identity
            elif authority in ("EC", "EINECS", "ELINCS") and identity:
                sub.ec = identity
        if not (sub.cas or sub.ec or sub.name):
            self.p(el, where, "a substance needs a SubstanceID (CAS or EC) or a name")
        try:  # checked here too, so that a batch of files is refused before the first one is written
            sub.cas = normalise_cas(sub.cas) if sub.cas else ""
            sub.ec = normalise_ec(sub.ec) if sub.ec else ""
        except InvalidIdentifier as exc:
            self.p(el, f"{where}@identity", str(exc))


# Units a declaration may give for an amount, as the loader names them (lower case).
_MASS = tuple(MASS_UNITS)
_ANY = _MASS + ("ppm", "masspercent")


class _IpcReader(_Reader):
    ns, root_name, format = IPC, "MainDeclaration", "ipc1752a"

    def item(self, el: etree._Element, where: str) -> Item:
        pid = self.find(el, "ProductID")
        if pid is None:
            self.p(el, f"{where}/ProductID", "required element is missing")
            return Item(el.sourceline, "", "")
        number = (pid.get("itemNumber") or "").strip()
        if not number:
            self.p(pid, f"{where}/ProductID@itemNumber", "the item number is required")
        item = Item(pid.sourceline, number, (pid.get("itemName") or "").strip(), (pid.get("version") or "").strip(),
                    instances=(el.get("numberOfInstances") or "1").strip() or "1")
        amount = self.find(pid, "Amount")
        if amount is not None:
            item.mass = self._number(amount, f"{where}/ProductID/Amount@value", amount.get("value"))
            item.mass_unit = self._unit(amount, f"{where}/ProductID/Amount@UOM", amount.get("UOM") or "", _MASS)
        info = self.find(el, "MaterialInfo")
        if info is not None:
            for hm in self.findall(info, "HomogeneousMaterialList/HomogeneousMaterial"):
                item.materials.append(self.material(hm, f"{where}/MaterialInfo/HomogeneousMaterialList/"
                                                        "HomogeneousMaterial"))
            for lst in self.findall(info, "SubstanceCategoryList"):
                item.statements += self.statements(lst, f"{where}/MaterialInfo/SubstanceCategoryList")
        for i, sub in enumerate(self.findall(el, "SubProduct"), start=1):
            item.children.append(self.item(sub, f"{where}/SubProduct[{i}]"))
        return item

    def material(self, hm: etree._Element, where: str) -> Material:
        name = (hm.get("name") or "").strip()
        if not name:
            self.p(hm, f"{where}@name", "a homogeneous material needs a name")
        mat = Material(hm.sourceline, name, category=(hm.get("materialGroupName") or "").strip())
        amount = self.find(hm, "Amount")
        if amount is None:
            self.p(hm, f"{where}/Amount", "the material's mass is required")
        else:
            mat.amount = self._number(amount, f"{where}/Amount@value", amount.get("value"))
            mat.unit = self._unit(amount, f"{where}/Amount@UOM", amount.get("UOM") or "", _ANY)
        for s in self.findall(hm, "SubstanceCategoryList/SubstanceCategory/Substance") + self.findall(
                hm, "SubstanceCategory/Substance") + self.findall(hm, "Substance"):
            mat.substances.append(self.substance(s, f"{where}//Substance"))
        return mat

    def substance(self, el: etree._Element, where: str) -> Substance:
        sub = Substance(el.sourceline, (el.get("name") or "").strip())
        self._substance_id(el, sub, f"{where}/SubstanceID")
        amount, conc = self.find(el, "Amount"), self.find(el, "Concentration")
        if amount is not None:
            sub.amount = self._number(amount, f"{where}/Amount@value", amount.get("value"))
            sub.unit = self._unit(amount, f"{where}/Amount@UOM", amount.get("UOM") or "", _ANY)
        elif conc is not None:
            sub.amount = self._number(conc, f"{where}/Concentration@value", conc.get("value"))
            sub.unit = self._unit(conc, f"{where}/Concentration@UOM", conc.get("UOM") or "massPercent",
                                  ("ppm", "masspercent"))
        else:
            self.p(el, f"{where}/Amount", "a substance needs an Amount or a Concentration")
        exemption = self.find(el, "Exemption")
        if exemption is not None:
            sub.exemption = (exemption.get("identity") or exemption.get("name") or "").strip()
        return sub

    def statements(self, lst: etree._Element, where: str) -> list[Statement]:
        lid = self.find(lst, "SubstanceCategoryListID")
        list_id = (lid.get("identity") or "").strip() if lid is not None else ""
        if not list_id:
            self.p(lst, f"{where}/SubstanceCategoryListID@identity", "the list the categories belong to is required")
        out = []
        for cat in self.findall(lst, "SubstanceCategory"):
            threshold = self.find(cat, "Threshold")
            over = None
            if threshold is not None:
                flag = (threshold.get("overThreshold") or "").strip().lower()
                if flag not in ("true", "false"):
                    self.p(threshold, f"{where}/SubstanceCategory/Threshold@overThreshold",
                           f"expected true or false, got {flag!r}")
                else:
                    over = flag == "true"
            exemptions = [(e.get("identity") or e.get("name") or "").strip()
                          for e in self.findall(cat, "Exemption") + self.findall(cat, "ExemptionList/Exemption")]
            out.append(Statement(cat.sourceline, list_id, (cat.get("name") or "").strip(), over,
                                 (threshold.get("threshold") or "") if threshold is not None else "",
                                 [e for e in exemptions if e]))
        return out


class _IecReader(_Reader):
    """IEC 62474 (and chemSHERPA-AI): Main/Product/ProductID@identifier,name,version with Mass@mass,unitOfMeasure;
    composition as ProductPart/Material/Substance (at any depth, with Mass or MassPercent); Compliance/
    DsDsg@name for declarable substance groups reported present (the Class C equivalent)."""

    ns, root_name, format = IEC, "Main", "iec62474"

    def item(self, el: etree._Element, where: str) -> Item:
        pid = self.find(el, "ProductID")
        if pid is None:
            self.p(el, f"{where}/ProductID", "required element is missing")
            return Item(el.sourceline, "", "")
        number = (pid.get("identifier") or pid.get("itemNumber") or "").strip()
        if not number:
            self.p(pid, f"{where}/ProductID@identifier", "the item number is required")
        item = Item(pid.sourceline, number, (pid.get("name") or "").strip(), (pid.get("version") or "").strip())
        mass = self.find(pid, "Mass")
        if mass is not None:
            item.mass, item.mass_unit = self._mass(mass, f"{where}/ProductID/Mass", _MASS)
        for i, mat in enumerate(el.iter(self.q("Material")), start=1):
            item.materials.append(self.material(mat, f"{where}//Material[{i}]"))
        compliance = self.find(el, "Compliance")
        if compliance is not None:
            for ds in self.findall(compliance, "DsDsg"):
                exemptions = [(e.get("identity") or e.get("name") or "").strip()
                              for e in ds.iter(self.q("Exemption"))]
                item.statements.append(Statement(ds.sourceline, "IEC62474", (ds.get("name") or "").strip(), True,
                                                 exemptions=[e for e in exemptions if e]))
        return item

    def _mass(self, el: etree._Element, where: str, allowed: tuple[str, ...]) -> tuple[str, str]:
        value = el.get("mass") if el.get("mass") is not None else el.get("value")
        unit = el.get("unitOfMeasure") or el.get("UOM") or ""
        return self._number(el, f"{where}@mass", value), self._unit(el, f"{where}@unitOfMeasure", unit, allowed)

    def material(self, el: etree._Element, where: str) -> Material:
        name = (el.get("name") or "").strip()
        if not name:
            self.p(el, f"{where}@name", "a material needs a name")
        mat = Material(el.sourceline, name)
        mass = self.find(el, "Mass")
        if mass is None:
            self.p(el, f"{where}/Mass", "the material's mass is required")
        else:
            mat.amount, mat.unit = self._mass(mass, f"{where}/Mass", _MASS)
        for i, s in enumerate(el.iter(self.q("Substance")), start=1):
            sub = Substance(s.sourceline, (s.get("name") or "").strip())
            self._substance_id(s, sub, f"{where}//Substance[{i}]/SubstanceID")
            smass, pct = self.find(s, "Mass"), self.find(s, "MassPercent")
            if smass is not None:
                sub.amount, sub.unit = self._mass(smass, f"{where}//Substance[{i}]/Mass", _MASS)
            elif pct is not None:
                value = pct.get("massPercent") if pct.get("massPercent") is not None else pct.get("value")
                sub.amount = self._number(pct, f"{where}//Substance[{i}]/MassPercent@massPercent", value)
                sub.unit = "massPercent"
            else:
                self.p(s, f"{where}//Substance[{i}]/Mass", "a substance needs a Mass or a MassPercent")
            exemption = self.find(s, "Exemption")
            if exemption is not None:
                sub.exemption = (exemption.get("identity") or exemption.get("name") or "").strip()
            mat.substances.append(sub)
        return mat


def _any_material(item: Item) -> bool:
    return bool(item.materials) or any(_any_material(c) for c in item.children)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------ writing

@dataclass
class Outcome:
    file: str
    part: str
    status: str  # "new", "replaced" or "unchanged"
    declaration_class: str


def import_declarations(store: Store, paths: list[Path], fmt: str | None = None) -> list[Outcome]:
    """Read every file first (any problem in any file stores nothing), then write one transaction per file,
    oldest declaration first."""
    decls, problems = [], []
    for path in paths:
        try:
            decls.append(read_declaration(Path(path), fmt))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    decls.sort(key=lambda d: (d.date or dt.date.min, d.file))
    return [_write(store, d) for d in decls]


def _supplier_id(store: Store, decl: Declaration) -> str:
    rows = store.select("""SELECT ?id WHERE { ?s a cg:Supplier ; rdfs:label ?name ; dct:identifier ?id }""",
                        {"name": Literal(decl.company)})
    if rows:
        return rows[0]["id"].value
    return decl.company_id or name_key(decl.company)


def _part_id(store: Store, item_number: str, supplier: NamedNode, sid: str) -> str:
    rows = store.select("""SELECT ?id WHERE { ?p cg:itemNumber ?n ; a cg:Part ; cg:suppliedBy ?s ;
                                               dct:identifier ?id }""",
                        {"n": Literal(item_number), "s": supplier})
    if rows:
        return rows[0]["id"].value
    other = store.select("""SELECT ?s WHERE { ?p dct:identifier ?id ; a cg:Part . OPTIONAL { ?p cg:suppliedBy ?s } }""",
                         {"id": Literal(item_number)})
    if other and other[0].get("s") not in (None, supplier):
        return f"{sid}:{item_number}"
    return item_number


def _write(store: Store, decl: Declaration) -> Outcome:
    sid = _supplier_id(store, decl)
    supplier = entity_iri("supplier", sid)
    pid = _part_id(store, decl.item.number, supplier, sid)
    part = entity_iri("part", pid)
    current = store.select("""
        SELECT ?d ?date ?sha WHERE {
          ?d cg:declares ?part ; a cg:Declaration ; dct:date ?date .
          FILTER NOT EXISTS { ?d prov:invalidatedAtTime ?gone }
          OPTIONAL { ?d prov:wasDerivedFrom/dct:identifier ?sha }
        }""", {"part": part})
    status = "new"
    replace = None
    node = NamedNode(f"{ID}declaration/{decl.sha256[:32]}")
    for row in current:
        if "sha" in row and row["sha"].value == f"sha256:{decl.sha256}":
            return Outcome(decl.file, pid, "unchanged", decl.declaration_class)
        stored = dt.date.fromisoformat(row["date"].value)
        if decl.date and stored > decl.date:
            raise InputError([Problem(decl.file, None, "BusinessInfo/Response@date",
                                      f"declared on {decl.date}, older than the stored declaration of part "
                                      f"{pid!r} dated {stored}; nothing was stored")])
        replace = _supersede(row["d"], node)
        status = "replaced"
    if replace is None:
        # a part first declared in a compositions import: its composition becomes history too
        replace = _supersede(None, node, part)
    job = _DeclarationTriples(decl, sid, supplier, pid, node)
    store.write(job.triples(), replace=replace)
    return Outcome(decl.file, pid, status, decl.declaration_class)


def _supersede(old: NamedNode | None, new: NamedNode, part: NamedNode | None = None) -> str:
    """The update that moves what `old` declared (or, without `old`, `part`'s composition) to a history
    graph and marks `old` as superseded by `new`; it runs in the same transaction as the new triples."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    if old is not None:
        parts = f"{old} cg:declares ?part ."
        graph = f"<{HISTORY}{old.value.rsplit('/', 1)[-1]}>"
    else:
        parts = f"BIND({part} AS ?part)"
        graph = f"<{HISTORY}{new.value.rsplit('/', 1)[-1]}-before>"
    ops = [
        f"INSERT {{ GRAPH {graph} {{ ?occ ?p ?o }} }} WHERE {{ {parts} ?part cg:hasMaterial ?m . "
        f"?m cg:contains ?occ . ?occ ?p ?o }}",
        f"INSERT {{ GRAPH {graph} {{ ?part cg:hasMaterial ?m . ?m ?p ?o }} }} WHERE {{ {parts} "
        f"?part cg:hasMaterial ?m . ?m ?p ?o }}",
        f"INSERT {{ GRAPH {graph} {{ ?part ?p ?o }} }} WHERE {{ {parts} ?part ?p ?o "
        f"FILTER(?p IN (cg:massMg, rdfs:label, cg:itemVersion)) }}",
        f"INSERT {{ GRAPH {graph} {{ ?u ?p ?o }} }} WHERE {{ {parts} ?u cg:parent ?part ; cg:child ?c ; ?p ?o . "
        f"{old if old is not None else part} cg:declares ?c }}",
        f"DELETE {{ ?u ?p ?o }} WHERE {{ {parts} ?u cg:parent ?part ; cg:child ?c ; ?p ?o . "
        f"{old if old is not None else part} cg:declares ?c }}",
        f"DELETE {{ ?occ ?p ?o }} WHERE {{ {parts} ?part cg:hasMaterial ?m . ?m cg:contains ?occ . ?occ ?p ?o }}",
        f"DELETE {{ ?m ?p ?o . ?part cg:hasMaterial ?m }} WHERE {{ {parts} ?part cg:hasMaterial ?m . ?m ?p ?o }}",
        f"DELETE {{ ?part ?p ?o }} WHERE {{ {parts} ?part ?p ?o "
        f"FILTER(?p IN (cg:massMg, rdfs:label, cg:itemVersion)) }}",
    ]
    if old is not None:
        ops += [
            f"INSERT {{ GRAPH {graph} {{ ?st ?p ?o }} }} WHERE {{ {old} cg:hasStatement ?st . ?st ?p ?o }}",
            f"DELETE {{ ?st ?p ?o }} WHERE {{ {old} cg:hasStatement ?st . ?st ?p ?o }}",
            f'INSERT DATA {{ {old} prov:invalidatedAtTime "{now}"^^xsd:dateTime ; cg:supersededBy {new} ; '
            f"cg:historyGraph {graph} }}",
        ]
    return " ;\n".join(ops)


class _DeclarationTriples(CompositionImport):
    """The declaration's parts, materials and substance occurrences, checked by the compositions importer's
    own rules (units, CAS check digits, masses adding up), with XML paths in its messages."""

    def __init__(self, decl: Declaration, sid: str, supplier: NamedNode, pid: str, node: NamedNode) -> None:
        super().__init__([Path(decl.file)])
        self.decl, self.sid, self.supplier, self.pid, self.node = decl, sid, supplier, pid, node

    def triples(self) -> Iterator[Triple]:
        d, act = self.decl, self.activity
        yield rdf.t(act, RDF_TYPE, cg.Import)
        yield rdf.t(act, RDF_TYPE, prov.Activity)
        yield rdf.t(act, prov.startedAtTime, rdf.datetime(dt.datetime.now(dt.UTC).replace(microsecond=0)))
        source = NamedNode(f"{ID}source/{d.sha256[:20]}")
        yield rdf.t(act, prov.used, source)
        yield rdf.t(source, RDF_TYPE, prov.Entity)
        yield rdf.t(source, dct.title, rdf.text(Path(d.file).name))
        yield rdf.t(source, dct.identifier, rdf.text(f"sha256:{d.sha256}"))
        yield rdf.t(source, dct["format"], rdf.text(d.format))
        yield from self._common(self.supplier, cg.Supplier, self.sid, d.company)
        if d.company_id:
            yield rdf.t(self.supplier, cg.companyId, rdf.text(d.company_id))
        decl = self.node
        yield rdf.t(decl, RDF_TYPE, cg.Declaration)
        yield rdf.t(decl, cg.declaredBy, self.supplier)
        yield rdf.t(decl, prov.wasAttributedTo, self.supplier)
        yield rdf.t(decl, prov.wasDerivedFrom, source)
        yield rdf.t(decl, prov.wasGeneratedBy, act)
        yield rdf.t(decl, cg.declarationClass, rdf.text(d.declaration_class))
        if d.date:
            yield rdf.t(decl, dct.date, rdf.date(d.date))
        self.suppliers.add(self.sid)
        yield from self._item(d.item, self.pid, None)
        self._check_mass_sums()
        self.problems.raise_if_any()

    def _item(self, item: Item, pid: str, parent: str | None) -> Iterator[Triple]:
        part = entity_iri("part", pid)
        yield from self._common(part, cg.Part, pid, item.name or item.number)
        yield rdf.t(part, cg.itemNumber, rdf.text(item.number))
        yield rdf.t(part, cg.suppliedBy, self.supplier)
        yield rdf.t(self.node, cg.declares, part)
        if item.version:
            yield rdf.t(part, cg.itemVersion, rdf.text(item.version))
        mass = self._item_mass(item)
        if mass is not None:
            yield rdf.t(part, cg.massMg, rdf.decimal(mass))
        self.parts[pid] = [mass if mass is not None else Decimal("Infinity"), Decimal(0), self.decl.file, item.line]
        for i, mat in enumerate(item.materials, start=1):
            mid = f"{pid}/m{i}"
            rec = self._record("material", item.line if not mat.line else mat.line, {
                "material_id": mid, "part_id": pid, "name": mat.name, "mass": mat.amount,
                "mass_unit": mat.unit, "category": mat.category},
                mass=f"HomogeneousMaterial {mat.name!r}: Amount@value",
                mass_unit=f"HomogeneousMaterial {mat.name!r}: Amount@UOM")
            if mat.unit.lower() in CONCENTRATION_UNITS and mass is not None:
                grams = Decimal(mat.amount or 0) * CONCENTRATION_UNITS[mat.unit.lower()] * mass / 1_000_000
                rec.fields.update(mass=str(grams), mass_unit="mg")
            yield from self._material(rec)
            for sub in mat.substances:
                yield from self._substance(self._record("substance", sub.line, {
                    "material_id": mid, "cas": sub.cas, "ec": sub.ec, "substance_name": sub.name,
                    "amount": sub.amount, "unit": sub.unit, "exemption": sub.exemption},
                    cas="Substance/SubstanceID@identity", ec="Substance/SubstanceID@identity",
                    amount="Substance Amount/Concentration@value", unit="Substance Amount/Concentration@UOM",
                    material_id=f"HomogeneousMaterial {mat.name!r}"))
        for j, st in enumerate(item.statements, start=1):
            node = NamedNode(f"{self.node.value}/statement/{quote(pid, safe='')}/{j}")
            yield rdf.t(self.node, cg.hasStatement, node)
            yield rdf.t(node, RDF_TYPE, cg.CategoryStatement)
            yield rdf.t(node, cg.aboutPart, part)
            yield rdf.t(node, cg.categoryList, rdf.text(st.list_id))
            yield rdf.t(node, cg.categoryName, rdf.text(st.category))
            if st.over is not None:
                yield rdf.t(node, cg.overThreshold, rdf.boolean(st.over))
            if st.threshold:
                yield rdf.t(node, cg.declaredThreshold, rdf.text(st.threshold))
            for ex in st.exemptions:
                yield rdf.t(node, cg.statedExemption, exemption_iri("eu-rohs-annex-iii", ex))
        for k, child in enumerate(item.children, start=1):
            cid = f"{pid}/{child.number or k}"
            yield from self._item(child, cid, pid)
            usage = NamedNode(f"{ID}bom/{quote(pid, safe='')}/{quote(cid, safe='')}")
            yield rdf.t(usage, RDF_TYPE, cg.BomUsage)
            yield rdf.t(usage, prov.wasGeneratedBy, self.activity)
            yield rdf.t(usage, cg.parent, part)
            yield rdf.t(usage, cg.child, entity_iri("part", cid))
            yield rdf.t(usage, cg.quantity, rdf.decimal(Decimal(child.instances or "1")))

    def _item_mass(self, item: Item) -> Decimal | None:
        """The declared mass in mg, else the sum of what the item is made of, else unknown (Class C)."""
        if item.mass and item.mass_unit:
            return Decimal(item.mass) * MASS_UNITS[item.mass_unit.lower()]
        total, known = Decimal(0), False
        for mat in item.materials:
            if mat.amount and mat.unit.lower() in MASS_UNITS:
                total += Decimal(mat.amount) * MASS_UNITS[mat.unit.lower()]
                known = True
        for child in item.children:
            m = self._item_mass(child)
            if m is not None:
                total += m * Decimal(child.instances or "1")
                known = True
        return total if known else None

    def _record(self, kind: str, line: int, fields: dict[str, str], **labels: str) -> Record:
        return Record(kind, self.decl.file, line, {k: v for k, v in fields.items() if v is not None},
                      labels=labels)
