"""Writing one read declaration: which stored supplier and part it is about, whether it is new, the same
file again, or newer than the declaration in force (which it then supersedes, see `history`), and its
triples. The composition goes through the compositions import's own rules (units, CAS check digits,
masses adding up) as records whose field labels are the XML paths, so problems name the elements. Every
sub-product is a part of its own, linked by a BOM line with its quantity, and every part is stored with its
own mass (`DeclaredItem.own_mg`), so that an article share means the same whichever format it came in."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.graph.store import Store
from complygraph.identifiers import name_key
from complygraph.loaders import name_membership, rdf
from complygraph.loaders.bom_cycles import cycles
from complygraph.loaders.composition_rules import CompositionRules
from complygraph.loaders.declarations.history import in_force, supersede, supersede_composition, touched
from complygraph.loaders.declarations.model import (
    CategoryStatement,
    Declaration,
    DeclaredItem,
    DeclaredMaterial,
    DeclaredSubstance,
    Outcome,
)
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.exemption_claims import DEFAULT_EXEMPTION_LIST, claimed_exemption
from complygraph.loaders.import_state import ImportState, Tally
from complygraph.loaders.membership import enrichment
from complygraph.loaders.provenance import activity_triples, new_activity, source_iri, source_triples
from complygraph.loaders.records import CONCENTRATION_UNITS, Record, RecordChecker
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entity_iri, exemption_iri, prov


def write_declaration(store: Store, decl: Declaration) -> Outcome:
    """Store `decl` in one transaction, superseding what is stored for its item; the same file again
    changes nothing, and a declaration older than the one in force is refused."""
    sid = _supplier_id(store, decl)
    supplier = entity_iri("supplier", sid)
    pid = _part_id(store, decl.item.number, supplier, sid)
    part = entity_iri("part", pid)
    node = NamedNode(f"{ID}declaration/{decl.sha256[:32]}")
    status, replace, touches = "new", None, None
    for row in in_force(store, part):
        if "sha" in row and row["sha"].value == f"sha256:{decl.sha256}":
            return Outcome(decl.file, pid, "unchanged", decl.declaration_class)
        stored = iso_date(row["date"].value)
        if decl.date and stored > decl.date:
            raise InputError([Problem(decl.file, decl.date_line, "BusinessInfo/Response@date",
                                      f"declared on {decl.date}, older than the stored declaration of part "
                                      f"{pid!r} dated {stored}; nothing was stored")])
        replace, touches = supersede(row["d"], node), touched(row["d"])
        status = "replaced"
    if replace is None:
        # a part first declared in a compositions import: its composition becomes history too
        replace, touches = supersede_composition(part, node), touched(None, part)
    store.write(DeclarationTriples(decl, sid, pid, node, store).triples(), replace=replace, touches=touches)
    return Outcome(decl.file, pid, status, decl.declaration_class)


def _supplier_id(store: Store, decl: Declaration) -> str:
    """The stored supplier of the declaring company's name, else its company id, else its name's key."""
    rows = store.select("""SELECT ?id WHERE { ?s a cg:Supplier ; rdfs:label ?name ; dct:identifier ?id }""",
                        {"name": Literal(decl.company)})
    if rows:
        return rows[0]["id"].value
    return decl.company_id or name_key(decl.company)


def _part_id(store: Store, item_number: str, supplier: NamedNode, sid: str) -> str:
    """The stored part of this supplier with the item number, else the item number, prefixed with the
    supplier id when another supplier's part already has it as its id."""
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


def material_record(file: str, pid: str, mid: str, mat: DeclaredMaterial, line: int,
                    item_mass: Decimal | None) -> Record:
    """A declared material as a compositions `material` record; a concentration in the item becomes mg."""
    rec = Record("material", file, line, {
        "material_id": mid, "part_id": pid, "name": mat.name, "mass": mat.amount.value, "mass_unit": mat.amount.unit,
        "category": mat.category}, labels={"mass": f"HomogeneousMaterial {mat.name!r}: Amount@value",
                                           "mass_unit": f"HomogeneousMaterial {mat.name!r}: Amount@UOM"})
    unit = mat.amount.unit.lower()
    if unit in CONCENTRATION_UNITS and item_mass is not None:
        mg = Decimal(mat.amount.value or 0) * CONCENTRATION_UNITS[unit] * item_mass / 1_000_000
        rec.fields.update(mass=str(mg), mass_unit="mg")
    return rec


def substance_record(file: str, mid: str, mat: DeclaredMaterial, sub: DeclaredSubstance) -> Record:
    """A declared substance as a compositions `substance` record of material `mid`."""
    return Record("substance", file, sub.line, {
        "material_id": mid, "cas": sub.cas, "ec": sub.ec, "substance_name": sub.name,
        "amount": sub.amount.value, "unit": sub.amount.unit, "exemption": sub.exemption}, labels={
        "cas": "Substance/SubstanceID@identity", "ec": "Substance/SubstanceID@identity",
        "amount": "Substance Amount/Concentration@value", "unit": "Substance Amount/Concentration@UOM",
        "material_id": f"HomogeneousMaterial {mat.name!r}"})


class DeclarationTriples:
    """The declaration, its supplier, and its item's parts, materials, substance occurrences, statements
    and BOM lines, checked as a whole: any problem stores nothing."""

    def __init__(self, decl: Declaration, sid: str, pid: str, node: NamedNode, store: Store | None = None) -> None:
        self.decl, self.sid, self.pid, self.node = decl, sid, pid, node
        self.supplier = entity_iri("supplier", sid)
        self.checks = RecordChecker()
        self.state = ImportState(new_activity())
        self.state.ec_source = store  # a substance given by EC number alone is the stored one of that number
        self.store = store
        self.rules = CompositionRules(self.checks, self.state)
        self.lines: list[tuple[NamedNode, NamedNode, int]] = []  # BOM lines (parent, child, line of the child)

    def triples(self) -> Iterator[Triple]:
        d, act, decl = self.decl, self.state.activity, self.node
        yield from activity_triples(act)
        yield from source_triples(act, Path(d.file).name, d.sha256, fmt=d.format)
        yield from self.rules.entity(self.supplier, cg.Supplier, self.sid, d.company)
        if d.company_id:
            yield rdf.t(self.supplier, cg.companyId, rdf.text(d.company_id))
        yield rdf.t(decl, RDF_TYPE, cg.Declaration)
        yield rdf.t(decl, cg.declaredBy, self.supplier)
        yield rdf.t(decl, prov.wasAttributedTo, self.supplier)
        yield rdf.t(decl, prov.wasDerivedFrom, source_iri(d.sha256))
        yield rdf.t(decl, prov.wasGeneratedBy, act)
        yield rdf.t(decl, cg.declarationClass, rdf.text(d.declaration_class))
        if d.date:
            yield rdf.t(decl, dct.date, rdf.date(d.date))
        yield from self._item(d.item, self.pid)
        self.rules.check_masses()
        # a sub-product that is stored as an assembly of this item (by a compositions import) closes a cycle
        for cycle in cycles(self.store, [(parent, child) for parent, child, _ in self.lines]):
            self.checks.problems.add(self.decl.file, self.lines[cycle.line][2], "ProductID", str(cycle))
        self.checks.problems.raise_if_any()
        yield from enrichment(self.state.cas_numbers, self.store)
        yield from name_membership.on_import(self.state.declared_names, self.store)

    def _item(self, item: DeclaredItem, pid: str) -> Iterator[Triple]:
        part, file = entity_iri("part", pid), self.decl.file
        yield from self.rules.entity(part, cg.Part, pid, item.name or item.number)
        if item.number:  # an IEC 62474 ProductPart may have none; its part id is then its position
            yield rdf.t(part, cg.itemNumber, rdf.text(item.number))
        yield rdf.t(part, cg.suppliedBy, self.supplier)
        yield rdf.t(self.node, cg.declares, part)
        if item.version:
            yield rdf.t(part, cg.itemVersion, rdf.text(item.version))
        # the part's own mass, as the compositions format stores it: its sub-products are parts of their own
        mass = item.own_mg()
        if mass is not None:
            yield rdf.t(part, cg.massMg, rdf.decimal(mass))
        # an item of unknown mass (Class C) holds whatever its materials weigh
        self.state.parts[pid] = Tally(mass if mass is not None else Decimal("Infinity"), Decimal(0), file, item.line)
        whole = item.total_mg()  # what a material given as a share of the item is a share of
        for i, mat in enumerate(item.materials, start=1):
            mid = f"{pid}/undivided" if mat.undivided else f"{pid}/m{i}"
            rec = material_record(file, pid, mid, mat, mat.line or item.line, whole)
            if mat.undivided:  # the whole item (model.DeclaredMaterial.undivided), not one more of its materials
                rec.fields.update(mass=str(item.undivided_mg() or ""), mass_unit="mg")
            elif whole is None and mat.amount.unit.lower() in CONCENTRATION_UNITS:
                self.rules.checks.problem(rec, "mass_unit", f"a material given as a share ({mat.amount.unit}) of the "
                                          "part needs the part's mass, which the declaration does not give")
                continue  # its substances would each add "unknown material"
            yield from self.rules.material(rec)
            if mat.undivided and mid in self.state.materials:
                self.state.parts[pid].contents -= self.state.materials[mid].mass
                yield rdf.t(entity_iri("material", mid), cg.undividedPart, rdf.boolean(True))
            for sub in mat.substances:
                yield from self.rules.substance(substance_record(file, mid, mat, sub))
        for j, st in enumerate(item.statements, start=1):
            yield from self._statement(part, NamedNode(f"{self.node.value}/statement/{quote(pid, safe='')}/{j}"), st)
        for k, child in enumerate(item.children, start=1):
            cid = f"{pid}/{child.number or k}"  # item numbers are unique among siblings (model.item_problems)
            yield from self._item(child, cid)
            yield from self.rules.usage(part, pid, cid, child.quantity())
            self.lines.append((part, entity_iri("part", cid), child.line))

    def _statement(self, part: NamedNode, node: NamedNode, st: CategoryStatement) -> Iterator[Triple]:
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
            yield rdf.t(node, cg.statedExemption, exemption_iri(*claimed_exemption(ex, DEFAULT_EXEMPTION_LIST)))
