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

The comparison is made by the store, set at a time: the one-valued facts of the records go to it in VALUES
blocks of at most `ROWS` rows while the triples stream into the store's transaction, and it answers only the
stored values that differ from the incoming ones (none, when a data set is imported again unchanged), so that
a re-import costs a few queries rather than reading every stored value back into Python. Nothing is asked
when the store holds no company data yet (a first load).
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

ROWS = 2000  # VALUES rows per query: few requests, and small enough for every endpoint's request size
OWNER = NamedNode("urn:complygraph:owner-part")  # not a stored property: a material's part, by `part cg:hasMaterial m`
# For each record kind, the facts that have one value and the field that gives each.
FIELDS: dict[str, dict[NamedNode, str]] = {
    "supplier": {rdfs.label: "name", vcard["country-name"]: "country", vcard.hasEmail: "email"},
    "product": {rdfs.label: "name", cg.massMg: "mass"},
    "part": {rdfs.label: "name", cg.massMg: "mass", cg.suppliedBy: "supplier_id", cg.itemNumber: "item_number",
             RDF_TYPE: "packaging", dct.date: "declaration_date", cg.declaredBy: "supplier_id",
             cg.firstUseDate: "first_use"},
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

# The field of each one-valued fact by its predicate, per record kind; a material's part is noted from the
# `part cg:hasMaterial material` triple its record writes.
_PREDICATES = {kind: {(cg.hasMaterial if p == OWNER else p): f for p, f in fields.items()}
               for kind, fields in FIELDS.items()}
_HAS_MATERIAL = cg.hasMaterial
_DECIDING = frozenset({cg.Part, cg.Evidence})  # the record's own type, beside which its decided type is noted
_DECIDED = " ".join(sorted(str(t) for types in TYPES.values() for t in types))
_NUMBERS = {XSD + "decimal", XSD + "integer", XSD + "double", XSD + "float"}

# The stored values that differ from an incoming value of the same fact: the same term, or for numbers the
# same number (the store writes `2000.0` back as `2000`), is no difference. A fact with several incoming values
# answers a row per incoming value a stored one differs from; it is a contradiction when it differs from all.
_DIFFERENT_VALUES = """SELECT ?s ?p ?old ?new WHERE {
  VALUES (?s ?p ?new) { %s }
  ?s ?p ?old .
  FILTER(!sameTerm(?old, ?new) && !(isNumeric(?old) && isNumeric(?new) && ?old = ?new))
}"""
_DIFFERENT_OWNERS = """SELECT ?s ?old ?new WHERE {
  VALUES (?s ?new) { %s }
  ?old cg:hasMaterial ?s .
  FILTER(!sameTerm(?old, ?new))
}"""
# A stored part that is packaging when the record says it is not, or the other way round; stored evidence of
# another kind. Two queries: the stored decided types other than the record's (`NO_TYPE` when the record
# decides "none of them", so every stored one differs), and the records deciding a type on a subject stored
# with none (answered without ?old). Together they answer the rows that one query with
# `OPTIONAL { ?s a ?old }` and `FILTER(!COALESCE(sameTerm(?old, ?new), !BOUND(?old) && !BOUND(?new)))` over
# `VALUES (?s ?own ?new)` with UNDEF would, but Virtuoso 7.2 cannot run that one: with a one-row VALUES block
# (a data set with one evidence record) a FILTER on the OPTIONAL's variable fails to compile ("SP031: SPARQL
# compiler: Internal error: ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED"), and with more rows it answers
# wrongly (UNDEF in VALUES is BOUND there, and a part stored as packaging and imported as packaging again
# "differed"). Hence no OPTIONAL, no UNDEF and no BOUND here: the shapes `_DIFFERENT_VALUES` already uses.
_DIFFERENT_TYPES = """SELECT ?s ?old WHERE {
  VALUES (?s ?own ?new) { %s }
  ?s a ?own , ?old .
  VALUES ?old { %s }
  FILTER(!sameTerm(?old, ?new))
}"""
_MISSING_TYPES = """SELECT ?s WHERE {
  VALUES (?s ?own) { %s }
  ?s a ?own .
  FILTER NOT EXISTS { ?s a ?old . VALUES ?old { %s } }
}"""
NO_TYPE = NamedNode("urn:complygraph:no-decided-type")  # never stored: what a record deciding "none" gives

Term = NamedNode | Literal
Key = tuple[NamedNode, NamedNode]  # (subject, predicate)
Noted = tuple[NamedNode, NamedNode, Term | None, Record, str]  # subject, predicate, incoming value, where, field


class Conflicts:
    """Watches the triples of one import for values that contradict the store, and reports them to `checks`."""

    def __init__(self, store: Store | None, checks: RecordChecker) -> None:
        self.store, self.checks = store, checks
        self.active = store is not None and store.ask(
            "ASK WHERE { ?s a ?c . VALUES ?c { " + " ".join(COMPANY_DATA) + " } }")
        self.noted: list[Noted] = []  # one-valued facts (a material's part as predicate OWNER)
        self.types: list[Noted] = []  # decided types: predicate = the record's own type, value None for "none"

    def watch(self, rec: Record, triples: Iterable[Triple]) -> Iterable[Triple]:
        """`triples` of `rec`, unchanged, noting the one-valued facts among them (on a first load, untouched)."""
        fields = _PREDICATES.get(rec.kind)
        return triples if not self.active or fields is None else self._watch(rec, fields, triples)

    def _watch(self, rec: Record, fields: dict[NamedNode, str], triples: Iterable[Triple]) -> Iterator[Triple]:
        note = self.noted.append
        own: tuple[NamedNode, NamedNode] | None = None  # (subject, its own type)
        decided: NamedNode | None = None
        for t in triples:
            field = fields.get(t.predicate)
            if field is not None:
                if t.predicate == RDF_TYPE:
                    # a part's packaging and an evidence's kind, when the record gives them (a blank packaging
                    # says nothing): compared in both directions, at the record's own type
                    if t.object in _DECIDING:
                        own = (t.subject, t.object)
                    elif t.object in TYPES[rec.kind]:
                        decided = t.object
                elif t.predicate == _HAS_MATERIAL:
                    note((t.object, OWNER, t.subject, rec, field))
                else:
                    note((t.subject, t.predicate, t.object, rec, field))
            yield t
        if own is not None and rec.fields.get(fields[RDF_TYPE]):
            self.types.append((own[0], own[1], decided, rec, fields[RDF_TYPE]))
        if len(self.noted) + len(self.types) >= ROWS:
            self.flush()

    def flush(self) -> None:
        """Ask the store which noted facts it holds with other values, set at a time; report each contradiction."""
        if self.store is None or not (self.noted or self.types):
            return
        changed: dict[Key, set[Term]] = {}  # fact -> the stored values the import contradicts
        values = [n for n in self.noted if n[1] != OWNER]
        owners = [n for n in self.noted if n[1] == OWNER]
        for batch in _batches(values):
            self._differ(changed, values, self.store.select(_DIFFERENT_VALUES % " ".join(
                f"({s} {p} {o})" for s, p, o, _, _ in batch)), "p")
        for batch in _batches(owners):
            self._differ(changed, owners, self.store.select(_DIFFERENT_OWNERS % " ".join(
                f"({s} {o})" for s, _, o, _, _ in batch)), None)
        for batch in _batches(self.types):
            rows = list(self.store.select(_DIFFERENT_TYPES % (" ".join(
                f"({s} {own} {new or NO_TYPE})" for s, own, new, _, _ in batch), _DECIDED)))
            given = " ".join(f"({s} {own})" for s, own, new, _, _ in batch if new is not None)
            if given:
                rows += self.store.select(_MISSING_TYPES % (given, _DECIDED))
            for row in rows:
                found = changed.setdefault((row["s"], RDF_TYPE), set())
                if "old" in row:
                    found.add(row["old"])
        if changed:
            self._report(changed)
        self.noted.clear()
        self.types.clear()

    @staticmethod
    def _differ(changed: dict[Key, set[Term]], noted: list[Noted], rows: list[dict], predicate: str | None) -> None:
        """Note in `changed` the stored values of `rows` that differ from every incoming value of their fact (in
        `noted`, whichever batch asked)."""
        if not rows:
            return
        differs: dict[tuple[Key, Term], set[object]] = defaultdict(set)  # (fact, stored) -> incoming it differs from
        for row in rows:
            differs[((row["s"], row[predicate] if predicate else OWNER), row["old"])].add(_same(row["new"]))
        incoming: dict[Key, set[object]] = defaultdict(set)
        keys = {key for key, _ in differs}
        for s, p, o, _, _ in noted:
            if (s, p) in keys:
                incoming[(s, p)].add(_same(o))
        for (key, old), news in differs.items():
            if news >= incoming[key]:
                changed.setdefault(key, set()).add(old)

    def _report(self, changed: dict[Key, set[Term]]) -> None:
        """One problem per record and field (a part's supplier is stated twice), naming both values."""
        incoming: dict[Key, set[Term]] = defaultdict(set)
        where: dict[Key, tuple[Record, str]] = {}
        facts = [((s, p), o, rec, field) for s, p, o, rec, field in self.noted]
        facts += [((s, RDF_TYPE), o, rec, field) for s, _, o, rec, field in self.types]
        for key, o, rec, field in facts:
            if key in changed:
                where.setdefault(key, (rec, field))
                if o is not None:
                    incoming[key].add(o)
        told = set()
        for key, (rec, field) in where.items():
            if (id(rec), field) in told:
                continue
            told.add((id(rec), field))
            old, new = changed[key], incoming.get(key, set())
            unit = " mg" if key[1] == cg.massMg else ""
            was, now = _values(old, unit), _values(new, unit)
            if field == "packaging":
                was, now = ("'yes'" if old else "'no'"), ("'yes'" if new else "'no'")
            self.checks.problem(rec, field, (
                f"{_show(key[0])} is stored with {field} {was}, this data set gives {now}: an import adds to "
                "the store and never replaces a stored value (a newer supplier declaration replaces a composition "
                "and keeps the old one as history)"))


def _batches(noted: list[Noted]) -> Iterator[list[Noted]]:
    for i in range(0, len(noted), ROWS):
        yield noted[i:i + ROWS]


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
