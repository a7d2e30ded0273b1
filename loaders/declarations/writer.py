"""Writing one read declaration: which stored supplier and part it is about, whether it is new, the same
file again, or newer than the declaration in force (which it then supersedes, see `history`), and its
triples. The composition goes through the compositions import's own rules (units, CAS check digits,
masses adding up) as records whose field labels are the XML paths, so problems name the elements. Every
sub-product is a part of its own, linked by a BOM line with its quantity, and every part is stored with its
own mass (`DeclaredItem.own_mg`), so that an article share means the same whichever format it came in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from complygraph.dates import iso_date
from complygraph.graph.store import Row, Store
from complygraph.loaders import name_membership, rdf
from complygraph.loaders.bom_cycles import cycles
from complygraph.loaders.composition_rules import CompositionRules
from complygraph.loaders.declarations.history import (
    SubProducts,
    in_force,
    supersede,
    supersede_composition,
    touched,
)
from complygraph.loaders.declarations.matching import Supplier, match_supplier, part_id
from complygraph.loaders.declarations.model import (
    CategoryStatement,
    Declaration,
    DeclaredItem,
    DeclaredMaterial,
    DeclaredSubstance,
    Outcome,
)
from complygraph.loaders.declarations.ordering import FIELD, OLDER, compare, parse_stored, shown
from complygraph.loaders.errors import InputError, Problem
from complygraph.loaders.exemption_claims import DEFAULT_EXEMPTION_LIST, claimed_exemption
from complygraph.loaders.import_state import ImportState, Tally
from complygraph.loaders.membership import enrichment
from complygraph.loaders.provenance import activity_triples, new_activity, source_iri, source_triples
from complygraph.loaders.records import CONCENTRATION_UNITS, Record, RecordChecker
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entity_iri, exemption_iri, prov


@dataclass
class Target:
    """One item of the declaration as it is written: the item, its part id and its declaration node."""

    item: DeclaredItem
    pid: str
    node: NamedNode


def write_declaration(store: Store, decl: Declaration) -> Outcome:
    """Store `decl` in one transaction, superseding what is stored for each of its items; the same file again
    changes nothing, and a declaration older than the one in force (or whose order to it is not known) is refused.
    The outcome is the first item's, with the others' in `Outcome.others` (QA12 B05)."""
    supplier = match_supplier(store, decl)
    supplier_node = entity_iri("supplier", supplier.id)
    targets, outcomes, replaces, touches = [], [], [], []
    for k, item in enumerate(decl.items):
        pid = part_id(store, item.number, supplier_node, supplier.id)
        part = entity_iri("part", pid)
        # one node per item, so that a newer declaration of one item of a series supersedes that item only
        node = NamedNode(f"{ID}declaration/{decl.sha256[:32]}" + (f"-{k + 1}" if k else ""))
        rows = in_force(store, part)
        if any("sha" in row and row["sha"].value == f"sha256:{decl.sha256}" for row in rows):
            outcomes.append(Outcome(decl.file, pid, "unchanged", decl.declaration_class))
            continue
        subs = sub_products(item, pid)
        for row in rows:
            _check_newer(decl, row, pid)
            replaces.append(supersede(row["d"], node, subs))
            touches.append(touched(row["d"]))
        if not rows:  # a part first declared in a compositions import: its composition becomes history too
            replaces.append(supersede_composition(part, node, subs))
            touches.append(touched(None, part))
        targets.append(Target(item, pid, node))
        outcomes.append(Outcome(decl.file, pid, "replaced" if rows else "new", decl.declaration_class))
    if targets:
        store.write(DeclarationTriples(decl, supplier, targets, store).triples(), replace=" ;\n".join(replaces),
                    touches=_union(touches))
    first, *others = outcomes
    first.others = others
    return first


def _check_newer(decl: Declaration, row: Row, pid: str) -> None:
    """Refuse `decl` when it is older than the stored declaration `row` of part `pid` (ordering.compare). One whose
    order to it cannot be told (the same instant) replaces it, as one of the same day does: the user loads it
    after the other; in one batch such a pair is refused before anything is written (ordering.batch_problems)."""
    if decl.date is None:
        return
    stored, stored_at = iso_date(row["date"].value), parse_stored(row["issued"].value if "issued" in row else None)
    if compare(decl.date, decl.issued, stored, stored_at) != OLDER:
        return
    was = f"{shown(stored, stored_at)}" + (f" ({row['title'].value})" if "title" in row else "")
    raise InputError([Problem(decl.file, decl.date_line, FIELD, (
        f"declared on {shown(decl.date, decl.issued)}, older than the stored declaration of part {pid!r} dated "
        f"{was}; nothing was stored"))])


def sub_products(item: DeclaredItem, pid: str) -> SubProducts:
    """(parent part, item number) of every sub-product in the item's tree, which replace BOM lines to parts of those
    item numbers below the same parent (history._lines)."""
    out: SubProducts = []
    for k, child in enumerate(item.children, start=1):
        if child.number:
            out.append((entity_iri("part", pid), child.number))
        out += sub_products(child, f"{pid}/{child.number or k}")
    return out


def _union(queries: list[str]) -> str | None:
    """One SELECT of ?s answering what every one of the `touched` queries answers."""
    bodies = [q[q.index("WHERE") + len("WHERE"):].strip() for q in queries]
    return f"SELECT DISTINCT ?s WHERE {{ {' UNION '.join(bodies)} }}" if bodies else None


def material_record(file: str, pid: str, mid: str, mat: DeclaredMaterial, line: int,
                    item_mass: Decimal | None) -> Record:
    """A declared material as a compositions `material` record; a concentration in the item becomes mg."""
    rec = Record("material", file, line, {
        "material_id": mid, "part_id": pid, "name": mat.name, "mass": mat.amount.value, "mass_unit": mat.amount.unit,
        "category": mat.category}, labels={
            "mass": mat.amount_field or f"HomogeneousMaterial {mat.name!r}: Amount@value",
            "mass_unit": _unit_of(mat.amount_field) or f"HomogeneousMaterial {mat.name!r}: Amount@UOM"})
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
        "amount": sub.amount_field or "Substance Amount/Concentration@value",
        "unit": _unit_of(sub.amount_field) or "Substance Amount/Concentration@UOM",
        "material_id": f"HomogeneousMaterial {mat.name!r}"})


def _unit_of(amount_field: str) -> str:
    """The unit attribute beside an IEC 62474 amount (`Mass@unitOfMeasure`; a MassPercent has none): "" for the
    IPC-1752A labels."""
    return amount_field.replace("@mass", "@unitOfMeasure", 1) if amount_field.endswith("/Mass@mass") else ""


class DeclarationTriples:
    """The declaration, its supplier, and its items' parts, materials, substance occurrences, statements
    and BOM lines, checked as a whole: any problem stores nothing."""

    def __init__(self, decl: Declaration, supplier: Supplier, targets: list[Target],
                 store: Store | None = None) -> None:
        self.decl, self.sid, self.targets = decl, supplier.id, targets
        self.known = supplier
        self.node = targets[0].node  # the declaration node of the item being written
        self.supplier = entity_iri("supplier", supplier.id)
        self.checks = RecordChecker()
        self.state = ImportState(new_activity())
        self.state.ec_source = store  # a substance given by EC number alone is the stored one of that number
        self.store = store
        self.rules = CompositionRules(self.checks, self.state)
        self.lines: list[tuple[NamedNode, NamedNode, int]] = []  # BOM lines (parent, child, line of the child)

    def triples(self) -> Iterator[Triple]:
        d, act = self.decl, self.state.activity
        yield from activity_triples(act)
        yield from source_triples(act, Path(d.file).name, d.sha256, fmt=d.format)
        # a stored supplier keeps its name and company id as stored (matched regardless of case, QA12 B04)
        yield from self.rules.entity(self.supplier, cg.Supplier, self.sid, None if self.known.stored else d.company)
        if d.company_id and not self.known.company_id:
            yield rdf.t(self.supplier, cg.companyId, rdf.text(d.company_id))
        for target in self.targets:
            self.node = decl = target.node
            yield rdf.t(decl, RDF_TYPE, cg.Declaration)
            yield rdf.t(decl, cg.declaredBy, self.supplier)
            yield rdf.t(decl, prov.wasAttributedTo, self.supplier)
            yield rdf.t(decl, prov.wasDerivedFrom, source_iri(d.sha256))
            yield rdf.t(decl, prov.wasGeneratedBy, act)
            yield rdf.t(decl, cg.declarationClass, rdf.text(d.declaration_class))
            if d.date:
                yield rdf.t(decl, dct.date, rdf.date(d.date))
            if d.issued:  # the date-time, when the file gives a time (QA12 B03); dct:date stays the date
                yield rdf.t(decl, dct.issued, rdf.datetime(d.issued))
            yield from self._item(target.item, target.pid)
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
