"""Supplier governance records of the import format: certifications, evaluation answers, approvals and
sustainability status. They are facts about suppliers; what they mean (scores, ranks, what is required
of a supplier) is data in the supplier-governance shape pack, not code here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from complygraph.graph.shacl.packs import data_members
from complygraph.loaders import rdf
from complygraph.loaders.import_state import ImportState
from complygraph.loaders.records import Record, RecordChecker
from complygraph.vocab import CG, ID, RDF_TYPE, cg, dct, entity_iri, prov

STATUSES = ("approved", "renewed", "suspended", "revoked")
DEFAULT_SCHEME = "nishishiba-form1"


@cache
def scheme_items() -> dict[str, frozenset[str]]:
    """Item ids of every evaluation scheme shipped in a shape pack's data (scheme id -> item ids)."""
    return data_members(CG + "hasItem")


def scheme_iri(scheme: str, item: str | None = None) -> NamedNode:
    return NamedNode(f"{ID}scheme/{quote(scheme, safe='')}" + (f"/{quote(item, safe='.')}" if item else ""))


def _keyed_iri(kind: str, key: tuple[str, ...]) -> NamedNode:
    return NamedNode(f"{ID}{kind}/" + "/".join(quote(k, safe="") for k in key))


class SupplierRecords:
    """Handlers of the supplier governance record kinds; a supplier must be in this import or the store."""

    def __init__(self, checks: RecordChecker, state: ImportState) -> None:
        self.checks = checks
        self.state = state
        self.evaluations: set[NamedNode] = set()
        self.answers: set[tuple[NamedNode, str]] = set()
        self.seen: set[tuple] = set()

    def _supplier(self, rec: Record) -> NamedNode | None:
        sid = rec.fields["supplier_id"]
        if not self.state.has_supplier(sid):
            self.checks.problem(rec, "supplier_id",
                                f"unknown supplier {sid!r} (neither in this import nor in the store)")
            return None
        return entity_iri("supplier", sid)

    def _once(self, rec: Record, key: tuple, field: str) -> bool:
        if key in self.seen:
            self.checks.problem(rec, field, "the same record appears twice")
            return False
        self.seen.add(key)
        return True

    def _about(self, node: NamedNode, cls: NamedNode, supplier: NamedNode) -> Iterator[Triple]:
        """What every governance fact states: its kind, its supplier, and the import that wrote it."""
        yield rdf.t(node, RDF_TYPE, cls)
        yield rdf.t(node, cg.aboutSupplier, supplier)
        yield rdf.t(node, prov.wasGeneratedBy, self.state.activity)

    def certification(self, rec: Record) -> Iterator[Triple]:
        supplier = self._supplier(rec)
        until, since = self.checks.date(rec, "valid_until"), self.checks.date(rec, "valid_from", required=False)
        f = rec.fields
        if supplier is None or until is None or (f.get("valid_from") and since is None):
            return
        if since and since > until:
            self.checks.problem(rec, "valid_until", f"{until} is before valid_from {since}")
            return
        key = (f["supplier_id"], f["standard"], f.get("number") or until.isoformat())
        if not self._once(rec, key, "number"):
            return
        node = _keyed_iri("certification", key)
        yield from self._about(node, cg.Certification, supplier)
        yield rdf.t(node, cg.validUntil, rdf.date(until))
        if since:
            yield rdf.t(node, cg.validFrom, rdf.date(since))
        yield from rdf.texts(node, f, {"standard": cg.standard, "number": cg.certificateNumber,
                                       "body": cg.certificationBody})

    def evaluation(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        supplier, date = self._supplier(rec), self.checks.date(rec, "date")
        scheme = f.get("scheme") or DEFAULT_SCHEME
        items = scheme_items().get(scheme)
        if items is None:
            self.checks.problem(rec, "scheme", f"unknown evaluation scheme {scheme!r}; known: {sorted(scheme_items())}")
            return
        if f["item"] not in items:
            self.checks.problem(rec, "item", f"scheme {scheme!r} has no item {f['item']!r}")
            return
        answer = self.checks.yes_no(rec, "answer")
        item_date = self.checks.date(rec, "item_date", required=False)
        if supplier is None or date is None or answer is None or (f.get("item_date") and item_date is None):
            return
        node = NamedNode(f"{ID}evaluation/{quote(f['supplier_id'], safe='')}/{quote(scheme, safe='')}/{date}")
        if (node, f["item"]) in self.answers:
            self.checks.problem(rec, "item", f"item {f['item']!r} is answered twice in the evaluation of {date}")
            return
        self.answers.add((node, f["item"]))
        if node not in self.evaluations:
            self.evaluations.add(node)
            yield from self._about(node, cg.Evaluation, supplier)
            yield rdf.t(node, cg.scheme, scheme_iri(scheme))
            yield rdf.t(node, dct.date, rdf.date(date))
        a = NamedNode(f"{node.value}/{quote(f['item'], safe='.')}")
        yield rdf.t(node, cg.hasAnswer, a)
        yield rdf.t(a, RDF_TYPE, cg.Answer)
        yield rdf.t(a, cg.item, scheme_iri(scheme, f["item"]))
        yield rdf.t(a, cg.answer, rdf.boolean(answer))
        if item_date:
            yield rdf.t(a, cg.itemDate, rdf.date(item_date))
        yield from rdf.texts(a, f, {"body": cg.certificationBody, "number": cg.certificateNumber})

    def approval(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        supplier = self._supplier(rec)
        audit, until = self.checks.date(rec, "audit_date"), self.checks.date(rec, "valid_until")
        status = f["status"].lower()
        if status not in STATUSES:
            self.checks.problem(rec, "status", f"expected one of {', '.join(STATUSES)}, got {f['status']!r}")
            return
        score, passing = self.checks.number(rec, "audit_score", positive=False), None
        if f.get("pass_score"):
            passing = self.checks.number(rec, "pass_score", positive=False)
            if passing is None:
                return
        if supplier is None or audit is None or until is None or score is None:
            return
        if passing is not None and score < passing and status in ("approved", "renewed"):
            self.checks.problem(rec, "status",
                                f"{status} with an audit score of {score}, below the pass score {passing}")
            return
        if status in ("suspended", "revoked") and not f.get("reason"):
            self.checks.problem(rec, "reason", f"a {status} approval needs a reason")
            return
        key = (f["supplier_id"], f["programme"], audit.isoformat())
        if not self._once(rec, key, "audit_date"):
            return
        node = _keyed_iri("approval", key)
        yield from self._about(node, cg.Approval, supplier)
        yield rdf.t(node, cg.programme, rdf.text(f["programme"]))
        yield rdf.t(node, cg.auditDate, rdf.date(audit))
        yield rdf.t(node, cg.auditScore, rdf.decimal(score))
        yield rdf.t(node, cg.validUntil, rdf.date(until))
        yield rdf.t(node, cg.approvalStatus, rdf.text(status))
        if passing is not None:
            yield rdf.t(node, cg.passScore, rdf.decimal(passing))
        yield from rdf.texts(node, f, {"reason": cg.statusReason})

    def sustainability(self, rec: Record) -> Iterator[Triple]:
        f = rec.fields
        supplier, date = self._supplier(rec), self.checks.date(rec, "date")
        flags = {k: self.checks.yes_no(rec, k) for k in ("human_rights_policy", "due_diligence", "grievance_mechanism")}
        if supplier is None or date is None or None in flags.values():
            return
        if not self._once(rec, (f["supplier_id"], date), "date"):
            return
        node = NamedNode(f"{ID}sustainability/{quote(f['supplier_id'], safe='')}/{date}")
        yield from self._about(node, cg.SustainabilityStatus, supplier)
        yield rdf.t(node, dct.date, rdf.date(date))
        yield rdf.t(node, cg.humanRightsPolicy, rdf.boolean(flags["human_rights_policy"]))
        yield rdf.t(node, cg.dueDiligence, rdf.boolean(flags["due_diligence"]))
        yield rdf.t(node, cg.grievanceMechanism, rdf.boolean(flags["grievance_mechanism"]))
