"""The rules of product composition data: suppliers, products, parts, materials, substances and BOM lines.

One set of rules, used by the compositions import (docs/import-format.md) and by supplier declarations
(IPC-1752A, IEC 62474): units are converted to mg and ppm, CAS and EC numbers are checked, every reference
must point at a record read before it, and what a material or part contains may not outweigh it. Each
handler checks a `Record` and yields its triples; problems go to the shared `RecordChecker`, named by the
record's own field labels (a declaration's are XML paths). A company's own identity records (formula,
SMILES) are checked here too and handed to `membership.enrichment` at the end of the import.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from complygraph.identifiers import fold_category
from complygraph.loaders import rdf
from complygraph.loaders.eee_scopes import product_scope
from complygraph.loaders.evidence import raw_material_iri
from complygraph.loaders.exemption_claims import exemption_claims
from complygraph.loaders.identity import CAS_PREFIX, from_record, same_formula
from complygraph.loaders.import_state import ImportState, Tally
from complygraph.loaders.records import CONCENTRATION_UNITS, MASS_UNITS, MAX_QUANTITY, Record, RecordChecker
from complygraph.loaders.substance_nodes import substance_node
from complygraph.vocab import ID, RDF_TYPE, cg, dct, entity_iri, prov, rdfs, substance_iri, vcard

# Declared substance masses may exceed the material mass by this fraction (rounding in declarations).
MASS_TOLERANCE = Decimal("0.01")

# conditions of use named by REACH Annex XVII entries (20, 23, 27, 50, 51, 52, 63, ...)
USES = ("general-public", "toy", "childcare-article", "mouthable", "skin-contact", "jewellery", "textile",
        "footwear", "thermal-paper", "food-contact")


class CompositionRules:
    """Handlers of the composition record kinds, writing into one import's `state`."""

    def __init__(self, checks: RecordChecker, state: ImportState) -> None:
        self.checks = checks
        self.state = state
        # materials refused with a reason already given: their substances do not each add "unknown material"
        # (QA9: a 0 mg Brass contact got three problems, two of them about a material the file does declare)
        self.refused: set[str] = set()

    def entity(self, node: NamedNode, cls: NamedNode, local: str, name: str | None,
               provenance: bool = True) -> Iterator[Triple]:
        """Type, id and label of a company-data resource, traced to the import unless `provenance` is off."""
        yield rdf.t(node, RDF_TYPE, cls)
        yield rdf.t(node, dct.identifier, rdf.text(local))
        if name:
            yield rdf.t(node, rdfs.label, rdf.text(name))
        if provenance:
            yield rdf.t(node, prov.wasGeneratedBy, self.state.activity)

    def _first(self, rec: Record, kind: str, seen: set[str]) -> NamedNode | None:
        """The node of the record's `<kind>_id`, unless that id was seen before in this import."""
        local = rec.fields[f"{kind}_id"]
        if not self.checks.unique(rec, seen, local, f"{kind}_id"):
            return None
        seen.add(local)
        return entity_iri(kind, local)

    def supplier(self, rec: Record) -> Iterator[Triple]:
        node = self._first(rec, "supplier", self.state.suppliers)
        if node is None:
            return
        yield from self.entity(node, cg.Supplier, rec.fields["supplier_id"], rec.fields["name"])
        yield from rdf.texts(node, rec.fields, {"country": vcard["country-name"]})
        if rec.fields.get("email"):
            yield rdf.t(node, vcard.hasEmail, NamedNode("mailto:" + quote(rec.fields["email"], safe="@.+-_")))

    def product(self, rec: Record) -> Iterator[Triple]:
        node = self._first(rec, "product", self.state.products)
        if node is None:
            return
        yield from self.entity(node, cg.Product, rec.fields["product_id"], rec.fields["name"])
        if rec.fields.get("mass"):
            mass = self.checks.mass_mg(rec)
            if mass is not None:
                yield rdf.t(node, cg.massMg, rdf.decimal(mass))
        for cat in (rec.fields.get("eee_category") or "").replace(";", ",").split(","):
            if not cat.strip():
                continue
            try:
                scope = product_scope(cat)
            except ValueError as exc:
                self.checks.problem(rec, "eee_category", str(exc))
                continue
            yield rdf.t(node, cg.eeeCategory, rdf.integer(scope.category))
            yield rdf.t(node, cg.eeeScope, scope.iri)
        yield from self._uses(rec, node)

    def _uses(self, rec: Record, node: NamedNode) -> Iterator[Triple]:
        """The conditions of use REACH Annex XVII restrictions depend on (supplied to the general public,
        toy, skin contact, ...), each one of USES; a part inherits those of the products it goes into."""
        for use in (rec.fields.get("uses") or "").replace(",", ";").split(";"):
            use = use.strip().lower()
            if not use:
                continue
            if use not in USES:
                self.checks.problem(rec, "uses", f"unknown use {use!r}; one of {', '.join(USES)}")
                continue
            yield rdf.t(node, cg.use, rdf.text(use))

    def _weighed(self, rec: Record, kind: str, tallies: dict[str, Tally], owner: str,
                 owners: Collection[str]) -> Decimal | None:
        """The mass (mg) of a new part or material whose `<owner>_id` is among `owners`, now in `tallies`;
        None, after saying why, if its id is taken, its owner unknown or its mass wrong."""
        local, owner_id = rec.fields[f"{kind}_id"], rec.fields[f"{owner}_id"]
        ok = self.checks.unique(rec, tallies, local, f"{kind}_id")
        if owner_id not in owners:
            self.checks.problem(rec, f"{owner}_id", f"unknown {owner} {owner_id!r}")
            ok = False
        mass = self.checks.mass_mg(rec)
        if not ok or mass is None:
            return None
        tallies[sys.intern(local)] = Tally(mass, Decimal(0), rec.file, rec.line,  # shared by later keys
                                           sys.intern(rec.labels.get("mass", "mass")))
        return mass

    def part(self, rec: Record) -> Iterator[Triple]:
        mass = self._weighed(rec, "part", self.state.parts, "supplier", self.state.suppliers)
        if mass is None:
            return
        pid, sid = rec.fields["part_id"], rec.fields["supplier_id"]
        node, supplier = entity_iri("part", pid), entity_iri("supplier", sid)
        yield from self.entity(node, cg.Part, pid, rec.fields["name"])
        yield rdf.t(node, cg.massMg, rdf.decimal(mass))
        yield rdf.t(node, cg.suppliedBy, supplier)
        if rec.fields.get("item_number"):
            yield rdf.t(node, cg.itemNumber, rdf.text(rec.fields["item_number"]))
        if rec.fields.get("packaging") and self.checks.yes_no(rec, "packaging"):
            yield rdf.t(node, RDF_TYPE, cg.PackagingComponent)
        yield from self._uses(rec, node)
        if rec.fields.get("first_use"):  # when the part goes into production: a missing declaration is due then
            first = self.checks.date(rec, "first_use")
            if first is not None:
                yield rdf.t(node, cg.firstUseDate, rdf.date(first))
        if rec.fields.get("declaration_date"):
            date = self.checks.date(rec, "declaration_date")
            if date is None:
                return
            decl = entity_iri("declaration", pid)
            yield rdf.t(decl, RDF_TYPE, cg.Declaration)
            yield rdf.t(decl, cg.declares, node)
            yield rdf.t(decl, cg.declaredBy, supplier)
            yield rdf.t(decl, dct.date, rdf.date(date))
            yield rdf.t(decl, prov.wasGeneratedBy, self.state.activity)

    def material(self, rec: Record) -> Iterator[Triple]:
        mass = self._weighed(rec, "material", self.state.materials, "part", self.state.parts)
        if mass is None:
            self.refused.add(rec.fields["material_id"])
            return
        mid, pid = rec.fields["material_id"], rec.fields["part_id"]
        self.state.parts[pid].contents += mass
        node = entity_iri("material", mid)
        # materials and their occurrences are traced to the import through their part
        yield from self.entity(node, cg.HomogeneousMaterial, mid, rec.fields["name"], provenance=False)
        yield rdf.t(node, cg.massMg, rdf.decimal(mass))
        yield rdf.t(entity_iri("part", pid), cg.hasMaterial, node)
        if rec.fields.get("category"):
            # folded as the material classes' patterns read it (QA13 B02; a store imported before is folded by
            # graph/derived.py, cg:foldedCategory)
            yield rdf.t(node, cg.materialCategory, rdf.text(fold_category(rec.fields["category"])))
        if rec.fields.get("raw_material"):
            yield rdf.t(node, cg.citesRawMaterial, raw_material_iri(rec.fields["raw_material"]))

    def substance(self, rec: Record) -> Iterator[Triple]:
        """An occurrence of a substance in a material, by mass (mg, g, kg) or concentration (ppm, wt%)."""
        f, state = rec.fields, self.state
        mid = f["material_id"]
        material = state.materials.get(mid)
        if material is None and mid in self.refused:
            return
        if material is None:
            self.checks.problem(rec, "material_id", f"unknown material {mid!r}")
        found = substance_node(rec, self.state, self.checks)
        unit = f["unit"].lower()
        amount = self.checks.number(rec, "amount", positive=False)
        if unit not in MASS_UNITS and unit not in CONCENTRATION_UNITS:
            self.checks.problem(rec, "unit", f"unknown unit {f['unit']!r}; expected mg, g, kg, ppm or wt%")
            return
        intentional = self.checks.yes_no(rec, "intentional") if f.get("intentional") else None
        if material is None or found is None or amount is None:
            return
        node_s, key, facts = found
        if key in state.substances_seen:
            facts = []
        if (mid, key) in state.occurrences:
            self.checks.problem(rec, "cas", f"substance {key!r} is declared twice in material {mid!r}")
            return
        state.occurrences.add((sys.intern(mid), sys.intern(key)))  # millions: only their references are new
        state.substances_seen.add(key)
        if node_s.value.startswith(CAS_PREFIX):  # the CAS number given, or resolved from the EC number
            state.cas_numbers.add(key)
            if facts and f.get("substance_name"):
                state.named.add(key)
        if unit in MASS_UNITS:
            mass = amount * MASS_UNITS[unit]
            material.contents += mass  # check_masses names the material when its substances outweigh it
            if mass > material.mass * 2:  # refused then; its share would not even be a number to store
                return
            ppm = mass / material.mass * 1_000_000
        else:
            ppm = amount * CONCENTRATION_UNITS[unit]
            if ppm > 1_000_000:
                self.checks.problem(rec, "amount", f"{amount} {f['unit']} is more than the whole material")
                return
            mass = ppm * material.mass / 1_000_000
            material.contents += mass
        yield from facts
        occ = NamedNode(f"{ID}occurrence/{_quote(mid)}/{_quote(key)}")
        yield rdf.t(occ, RDF_TYPE, cg.SubstanceOccurrence)
        yield rdf.t(entity_iri("material", mid), cg.contains, occ)
        yield rdf.t(occ, cg.substance, node_s)
        yield rdf.t(occ, cg.massMg, rdf.decimal(round(mass, 6)))
        yield rdf.t(occ, cg.concentrationPpm, rdf.decimal(round(ppm, 6)))
        yield rdf.t(occ, cg.declaredAmount, rdf.decimal(amount))
        yield rdf.t(occ, cg.declaredUnit, rdf.text(f["unit"]))
        if intentional is not None:
            yield rdf.t(occ, cg.intentionallyAdded, rdf.boolean(intentional))
        if f.get("exemption"):
            claims, refused = exemption_claims(f["exemption"])
            if refused:  # a claim in no list exempts nothing, silently
                self.checks.problem(rec, "exemption", refused)
                return
            yield from (rdf.t(occ, cg.claimedExemption, claim) for claim in claims)

    def identity(self, rec: Record) -> Iterator[Triple]:
        """A company's own identity of a substance (formula and/or SMILES), checked here; it is written with the
        database's identities at the end of the import (`check_identities`, `identity_facts`)."""
        f, state = rec.fields, self.state
        cas = self.checks.cas(rec, "cas")
        if cas is None:
            return
        first = state.identity_records.get(cas)
        if first is not None:
            self.checks.problem(rec, "cas", f"a second identity record for {cas} (the first is at {first.file}:"
                                            f"{first.line})")
            return
        state.identity_records[cas] = rec
        if not (f.get("formula") or f.get("smiles")):
            self.checks.problem(rec, "formula", "an identity record needs a formula or a SMILES")
            return
        try:
            found = from_record(cas, f.get("formula"), f.get("smiles"), self._source_of(rec))
        except ValueError as exc:
            self.checks.problem(rec, "smiles" if str(exc).startswith("not a valid SMILES") else "formula", str(exc))
            return
        state.identities[cas] = found
        yield from ()

    def _source_of(self, rec: Record) -> NamedNode:
        """The source entity of the data set `rec` was read from (else the import activity)."""
        file = Path(rec.file)
        for path, node in self.state.sources.items():
            if file == path or path in file.parents:
                return node
        return self.state.activity

    def check_identities(self) -> None:
        """A company identity record may not contradict an identity the store already holds: a different
        formula is refused, naming the stored one and its source; the same formula is accepted and changes
        nothing (one query for all records)."""
        state = self.state
        if not state.identities or state.store is None:
            return
        rows = state.store.select(
            "SELECT ?s ?f ?src ?label ?title ?cite WHERE { ?s cg:molecularFormula ?f "
            "OPTIONAL { ?s cg:elementFraction/prov:wasDerivedFrom ?src "
            "  OPTIONAL { ?src rdfs:label ?label } OPTIONAL { ?src dct:title ?title } } "
            "OPTIONAL { ?s dct:bibliographicCitation ?cite } }",
            {"s": [substance_iri(cas=c) for c in sorted(state.identities)]})
        stored: dict[str, dict[str, str]] = {}
        for r in rows:
            seen = stored.setdefault(r["s"].value.rsplit("/", 1)[-1], {"formula": r["f"].value})
            for k in ("src", "label", "title", "cite"):
                if k in r and k not in seen:
                    seen[k] = r[k].value
        for cas, seen in sorted(stored.items()):
            ident = state.identities.pop(cas)
            if same_formula(ident.formula, seen["formula"]):
                continue
            rec = state.identity_records[cas]
            where = seen.get("label") or seen.get("title") or "an unnamed source"
            if seen.get("cite"):
                where += f", citing {seen['cite']!r}"
            if seen.get("src"):
                where += f" <{seen['src']}>"
            self.checks.problem(rec, "formula" if rec.fields.get("formula") else "smiles",
                                f"the store already identifies {cas} as {seen['formula']} (from {where}), not "
                                f"{ident.formula}; a company identity record does not override a stored identity")

    def identity_facts(self) -> Iterator[Triple]:
        """What a company identity record says besides the identity `membership.enrichment` writes: that the
        substance is one, its name (only if it has no label yet) and the record's source text as
        `dct:bibliographicCitation`."""
        state = self.state
        if not state.identities:
            return
        labelled = set()
        if state.store is not None:
            rows = state.store.select("SELECT DISTINCT ?s WHERE { ?s rdfs:label ?label }",
                                      {"s": [substance_iri(cas=c) for c in sorted(state.identities)]})
            labelled = {r["s"].value for r in rows}
        for cas in sorted(state.identities):
            f, node = state.identity_records[cas].fields, substance_iri(cas=cas)
            yield rdf.t(node, RDF_TYPE, cg.Substance)
            yield rdf.t(node, cg.casNumber, rdf.text(cas))
            if f.get("name") and cas not in state.named and node.value not in labelled:
                yield rdf.t(node, rdfs.label, rdf.text(f["name"], "en"))
            if f.get("source"):
                yield rdf.t(node, dct.bibliographicCitation, rdf.text(f["source"]))

    def bom(self, rec: Record) -> Iterator[Triple]:
        parent, child = rec.fields["parent_id"], rec.fields["child_id"]
        state, ok = self.state, True
        parent_node = None
        if parent in state.products:
            parent_node = entity_iri("product", parent)
        elif parent in state.parts:
            parent_node = entity_iri("part", parent)
        else:
            self.checks.problem(rec, "parent_id", f"unknown product or part {parent!r}")
            ok = False
        if child not in state.parts:
            self.checks.problem(rec, "child_id", f"unknown part {child!r}")
            ok = False
        if parent == child:
            self.checks.problem(rec, "child_id", "a part cannot contain itself")
            ok = False
        if (parent, child) in state.bom:
            self.checks.problem(rec, "child_id", f"duplicate BOM line {parent!r} -> {child!r}")
            ok = False
        quantity = self.checks.number(rec, "quantity", most=MAX_QUANTITY)
        if not ok or parent_node is None or quantity is None:
            return
        state.bom[(parent, child)] = Record(rec.kind, rec.file, rec.line, {}, rec.labels)  # where, not what
        yield from self.usage(parent_node, parent, child, quantity)

    def usage(self, parent_node: NamedNode, parent: str, child: str, quantity: Decimal) -> Iterator[Triple]:
        """A BOM line: `quantity` of part `child` in the product or part `parent`."""
        node = NamedNode(f"{ID}bom/{_quote(parent)}/{_quote(child)}")
        yield rdf.t(node, RDF_TYPE, cg.BomUsage)
        yield rdf.t(node, prov.wasGeneratedBy, self.state.activity)
        yield rdf.t(node, cg.parent, parent_node)
        yield rdf.t(node, cg.child, entity_iri("part", child))
        yield rdf.t(node, cg.quantity, rdf.decimal(quantity))

    def check_masses(self) -> None:
        """What each material and part contains may not outweigh it (beyond `MASS_TOLERANCE` for materials)."""
        limit = 1 + MASS_TOLERANCE
        for mid, m in self.state.materials.items():
            if m.contents > m.mass * limit:
                self.checks.problems.add(
                    m.file, m.line, m.field, f"substances in material {mid!r} weigh {_fmt(m.contents)} mg, "
                    f"more than the material's {_fmt(m.mass)} mg (tolerance {MASS_TOLERANCE:%})")
        for pid, p in self.state.parts.items():
            if p.contents > p.mass * limit:
                self.checks.problems.add(p.file, p.line, "mass", f"materials of part {pid!r} weigh "
                                         f"{_fmt(p.contents)} mg, more than the part's {_fmt(p.mass)} mg")


def _fmt(d: Decimal) -> str:
    return f"{float(d):.6g}"


def _quote(text: str) -> str:
    return quote(text, safe="")
