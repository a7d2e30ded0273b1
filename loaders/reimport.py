"""A re-import never leaves two values on one thing: a record that contradicts the store is refused.

The store is a set of triples, so importing a data set whose ids are already stored with other values used to
add the new values beside the old ones: two names and two masses on one part, and every rule that reads the
mass read both. The behaviour chosen is the one the identity records already have: what the store holds is
never silently changed by a compositions import.

- a record that says what the store already says changes nothing (re-importing the same data is harmless);
- a value the store lacks is added (an item number given the second time, a new material of a part);
- a value other than the stored one, for a fact that has one value (the name, mass or supplier of a part, a
  material's mass or part, a substance's amount in a material, a BOM line's quantity, an approval's status,
  ...: `FIELDS`), is refused naming both values, and nothing of the data set is stored.

Why not replace: a compositions data set carries no date that says which value is newer, and it need not
restate a whole composition (replacing a material's mass without its substances would leave their stored
concentrations computed from the old mass), while a compliance result depends on every one of these values.
A composition is replaced by a newer supplier declaration (IPC-1752A, IEC 62474), which keeps the old one as
history (docs/declarations.md). The sets a record adds to (a product's EEE categories and uses) are not checked.

The stored values are asked for in batches while the triples stream into the store's transaction, one query
per `BATCH` subjects, and not at all when the store holds no company data yet (a first load).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.store import Store
from complygraph.loaders.evidence import KINDS
from complygraph.loaders.records import Record, RecordChecker
from complygraph.vocab import RDF_TYPE, XSD, cg, dct, rdfs, vcard

BATCH = 2000  # subjects per query (graph.bindings.BATCH values fit every endpoint's request size)
OWNER = NamedNode("urn:complygraph:owner-part")  # not a stored property: a material's part, by `part cg:hasMaterial m`
# For each record kind, the facts that have one value and the field that gives each.
FIELDS: dict[str, dict[NamedNode, str]] = {
    "supplier": {rdfs.label: "name", vcard["country-name"]: "country", vcard.hasEmail: "email"},
    "product": {rdfs.label: "name", cg.massMg: "mass"},
    "part": {rdfs.label: "name", cg.massMg: "mass", cg.suppliedBy: "supplier_id", cg.itemNumber: "item_number",
             RDF_TYPE: "packaging", dct.date: "declaration_date", cg.declaredBy: "supplier_id"},
    "material": {rdfs.label: "name", cg.massMg: "mass", cg.materialCategory: "category", OWNER: "part_id",
                 cg.citesRawMaterial: "raw_material"},
    # (an occurrence's mass and ppm follow from these and its material's mass, which is compared itself)
    "substance": {cg.declaredAmount: "amount", cg.declaredUnit: "unit", cg.intentionallyAdded: "intentional",
                  cg.claimedExemption: "exemption"},
    "bom": {cg.quantity: "quantity"},
    "certification": {cg.validUntil: "valid_until", cg.validFrom: "valid_from", cg.certificationBody: "body"},
    "evaluation": {cg.answer: "answer", cg.itemDate: "item_date", cg.certificationBody: "body",
                   cg.certificateNumber: "number"},
    "approval": {cg.auditScore: "audit_score", cg.validUntil: "valid_until", cg.approvalStatus: "status",
                 cg.passScore: "pass_score", cg.statusReason: "reason"},
    "sustainability": {cg.humanRightsPolicy: "human_rights_policy", cg.dueDiligence: "due_diligence",
                       cg.grievanceMechanism: "grievance_mechanism"},
    "raw_material": {rdfs.label: "name", cg.validUntil: "approved_until", cg.issuer: "maker", cg.registry: "registry"},
    "evidence": {RDF_TYPE: "kind", cg.supports: "part_id", dct.date: "date", cg.aboutMaterial: "material_id",
                 cg.signer: "signer", cg.issuer: "issuer", cg.method: "method", cg.documentRef: "document",
                 cg.note: "note", cg.measuredSubstance: "cas", cg.measuredPpm: "measured_ppm",
                 cg.citesRawMaterial: "raw_material"},
}
# The types a record decides (a part is packaging or not, evidence is of one kind); other types are not its own.
TYPES = {"part": frozenset({cg.PackagingComponent}), "evidence": frozenset(KINDS.values())}
COMPANY_DATA = ("cg:Supplier", "cg:Product", "cg:Part", "cg:HomogeneousMaterial", "cg:ApprovedRawMaterial",
                "cg:Evidence", "cg:Certification", "cg:Approval", "cg:Evaluation", "cg:SustainabilityStatus")

Key = tuple[NamedNode, NamedNode]  # (subject, predicate)
_NUMBERS = {XSD + "decimal", XSD + "integer", XSD + "double", XSD + "float"}
_HAS_MATERIAL = cg.hasMaterial
_DECIDING = frozenset({cg.Part, cg.Evidence})  # the types a packaging or kind is noted at


class Conflicts:
    """Watches the triples of one import for values that contradict the store, and reports them to `checks`."""

    def __init__(self, store: Store | None, checks: RecordChecker) -> None:
        self.store, self.checks = store, checks
        self.active = store is not None and store.ask(
            "ASK WHERE { ?s a ?c . VALUES ?c { " + " ".join(COMPANY_DATA) + " } }")
        self.new: dict[Key, set[NamedNode | Literal]] = defaultdict(set)
        self.where: dict[Key, tuple[Record, str]] = {}
        self.subjects: set[NamedNode] = set()

    def watch(self, rec: Record, triples: Iterable[Triple]) -> Iterable[Triple]:
        """`triples` of `rec`, unchanged, noting the one-valued facts among them (on a first load, untouched)."""
        fields = FIELDS.get(rec.kind)
        return triples if not self.active or fields is None else self._watch(rec, fields, triples)

    def _watch(self, rec: Record, fields: dict[NamedNode, str], triples: Iterable[Triple]) -> Iterator[Triple]:
        for t in triples:
            self._note(rec, fields, t)
            yield t
        if len(self.subjects) >= BATCH:
            self.flush()

    def _note(self, rec: Record, fields: dict[NamedNode, str], t: Triple) -> None:
        key = (t.object, OWNER) if t.predicate == _HAS_MATERIAL else (t.subject, t.predicate)
        field = fields.get(key[1])
        if field is None:
            return
        if key[1] == RDF_TYPE:
            # a part's packaging and an evidence's kind, when the record gives them (a blank packaging says
            # nothing): noted at the record's own type, with the type it decides as the value
            if not rec.fields.get(field):
                return
            if t.object not in TYPES[rec.kind]:
                if t.object in _DECIDING:
                    self.where.setdefault(key, (rec, field))
                    self.subjects.add(key[0])
                return
        self.where.setdefault(key, (rec, field))
        self.subjects.add(key[0])
        self.new[key].add(t.subject if key[1] == OWNER else t.object)

    def flush(self) -> None:
        """Compare what was noted with the store, one query per batch; report each contradiction."""
        if not self.where or self.store is None:
            return
        subjects = sorted(self.subjects, key=str)
        stored: dict[Key, set[NamedNode | Literal]] = defaultdict(set)
        predicates = ", ".join(sorted({str(p) for _, p in self.where if p != OWNER}))
        for row in self.store.select(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?p IN ({predicates})) }}",
                                     {"s": subjects}):
            stored[(row["s"], row["p"])].add(row["o"])
        if any(p == OWNER for _, p in self.where):
            for row in self.store.select("SELECT ?s ?o WHERE { ?o cg:hasMaterial ?s }", {"s": subjects}):
                stored[(row["s"], OWNER)].add(row["o"])
        told = set()  # one problem per record and field (a part's supplier is stated twice)
        for key, (rec, field) in self.where.items():
            new, old = self.new.get(key, set()), stored.get(key, set())
            if key[1] == RDF_TYPE:  # a stored part is packaging or not, as the record says, in both directions
                old, changed = {o for o in old if o in TYPES[rec.kind]}, bool(old)
                changed = changed and old != new
            else:
                changed = bool({_same(o) for o in old} - {_same(n) for n in new})
            if not changed or (id(rec), field) in told:
                continue
            told.add((id(rec), field))
            unit = " mg" if key[1] == cg.massMg else ""
            was, now = _values(old, unit), _values(new, unit)
            if field == "packaging":
                was, now = ("'yes'" if old else "'no'"), ("'yes'" if new else "'no'")
            self.checks.problem(rec, field, (
                f"{_show(key[0])} is stored with {field} {was}, this data set gives {now}: an import adds to "
                "the store and never replaces a stored value (a newer supplier declaration replaces a composition "
                "and keeps the old one as history)"))
        self.new.clear()
        self.where.clear()
        self.subjects.clear()


def _same(term: NamedNode | Literal) -> object:
    """What makes two values the same: a number's value (the store writes `2000.0` back as `2000`), else the term."""
    if isinstance(term, Literal) and term.datatype.value in _NUMBERS:
        try:
            return Decimal(term.value)
        except InvalidOperation:
            return term
    return term


def _show(node: NamedNode) -> str:
    """A stored resource as its kind and id (`part 'P1'`, `occurrence 'M1/7439-92-1'`)."""
    parts = [unquote(p) for p in node.value.rsplit("/id/", 1)[-1].split("/")]
    return f"{parts[0]} {'/'.join(parts[1:])!r}" if len(parts) > 1 else repr(node.value)


def _values(values: set[NamedNode | Literal], unit: str = "") -> str:
    """Values for a message: a resource by its id, a number as written plainly, with `unit` if given."""
    shown = []
    for v in values:
        same = _same(v)
        if isinstance(same, Decimal):
            text = format(same.normalize(), "f") + unit
        elif isinstance(v, NamedNode):
            text = unquote(v.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        else:
            text = v.value
        shown.append(repr(text))
    return " and ".join(sorted(shown)) if shown else "none"
