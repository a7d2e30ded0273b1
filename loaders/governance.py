"""Supplier governance records of the import format: certifications, evaluation answers, approvals and
sustainability status. They are facts about suppliers; what they mean (scores, ranks, what is required
of a supplier) is data in the supplier-governance shape pack, not code here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from ..vocab import CG, ID, RDF_TYPE, cg, dct, entity_iri, prov
from . import rdf
from .tabular import YES_NO

STATUSES = ("approved", "renewed", "suspended", "revoked")
DEFAULT_SCHEME = "nishishiba-form1"


@cache
def scheme_items() -> dict[str, frozenset[str]]:
    """Item ids of every evaluation scheme shipped in a shape pack's data (scheme id -> item ids)."""
    from ..graph.shacl.packs import data_members

    return data_members(CG + "hasItem")


def scheme_iri(scheme: str, item: str | None = None) -> NamedNode:
    return NamedNode(f"{ID}scheme/{quote(scheme, safe='')}" + (f"/{quote(item, safe='.')}" if item else ""))


class SupplierRecords:
    """Handlers for the supplier governance record kinds; `job` is the running CompositionImport."""

    def __init__(self, job) -> None:
        self.job = job
        self.evaluations: set[NamedNode] = set()
        self.answers: set[tuple[NamedNode, str]] = set()
        self.seen: set[tuple] = set()

    def _supplier(self, rec) -> NamedNode | None:
        sid = rec.fields["supplier_id"]
        if sid not in self.job.suppliers and sid not in self.job.known_suppliers:
            self.job._p(rec, "supplier_id", f"unknown supplier {sid!r} (neither in this import nor in the store)")
            return None
        return entity_iri("supplier", sid)

    def _date(self, rec, name: str, required: bool = True) -> dt.date | None:
        text = rec.fields.get(name, "")
        if not text and not required:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.job._p(rec, name, f"not a date (YYYY-MM-DD): {text!r}")
            return None

    def _bool(self, rec, name: str) -> bool | None:
        value = YES_NO.get(rec.fields.get(name, "").lower())
        if value is None:
            self.job._p(rec, name, f"expected yes or no, got {rec.fields.get(name)!r}")
        return value

    def _once(self, rec, key: tuple, field: str) -> bool:
        if key in self.seen:
            self.job._p(rec, field, "the same record appears twice")
            return False
        self.seen.add(key)
        return True

    def certification(self, rec) -> Iterator[Triple]:
        supplier = self._supplier(rec)
        until, since = self._date(rec, "valid_until"), self._date(rec, "valid_from", required=False)
        f = rec.fields
        if supplier is None or until is None or (f.get("valid_from") and since is None):
            return
        if since and since > until:
            self.job._p(rec, "valid_until", f"{until} is before valid_from {since}")
            return
        key = (f["supplier_id"], f["standard"], f.get("number") or until.isoformat())
        if not self._once(rec, key, "number"):
            return
        node = NamedNode(f"{ID}certification/" + "/".join(quote(k, safe="") for k in key))
        yield rdf.t(node, RDF_TYPE, cg.Certification)
        yield rdf.t(node, cg.aboutSupplier, supplier)
        yield rdf.t(node, cg.standard, rdf.text(f["standard"]))
        yield rdf.t(node, cg.validUntil, rdf.date(until))
        yield rdf.t(node, prov.wasGeneratedBy, self.job.activity)
        if since:
            yield rdf.t(node, cg.validFrom, rdf.date(since))
        yield from rdf.texts(node, f, {"number": cg.certificateNumber, "body": cg.certificationBody})

    def evaluation(self, rec) -> Iterator[Triple]:
        f = rec.fields
        supplier, date = self._supplier(rec), self._date(rec, "date")
        scheme = f.get("scheme") or DEFAULT_SCHEME
        items = scheme_items().get(scheme)
        if items is None:
            self.job._p(rec, "scheme", f"unknown evaluation scheme {scheme!r}; known: {sorted(scheme_items())}")
            return
        if f["item"] not in items:
            self.job._p(rec, "item", f"scheme {scheme!r} has no item {f['item']!r}")
            return
        answer = self._bool(rec, "answer")
        item_date = self._date(rec, "item_date", required=False)
        if supplier is None or date is None or answer is None or (f.get("item_date") and item_date is None):
            return
        node = NamedNode(f"{ID}evaluation/{quote(f['supplier_id'], safe='')}/{quote(scheme, safe='')}/{date}")
        if (node, f["item"]) in self.answers:
            self.job._p(rec, "item", f"item {f['item']!r} is answered twice in the evaluation of {date}")
            return
        self.answers.add((node, f["item"]))
        if node not in self.evaluations:
            self.evaluations.add(node)
            yield rdf.t(node, RDF_TYPE, cg.Evaluation)
            yield rdf.t(node, cg.aboutSupplier, supplier)
            yield rdf.t(node, cg.scheme, scheme_iri(scheme))
            yield rdf.t(node, dct.date, rdf.date(date))
            yield rdf.t(node, prov.wasGeneratedBy, self.job.activity)
        a = NamedNode(f"{node.value}/{quote(f['item'], safe='.')}")
        yield rdf.t(node, cg.hasAnswer, a)
        yield rdf.t(a, RDF_TYPE, cg.Answer)
        yield rdf.t(a, cg.item, scheme_iri(scheme, f["item"]))
        yield rdf.t(a, cg.answer, rdf.boolean(answer))
        if item_date:
            yield rdf.t(a, cg.itemDate, rdf.date(item_date))
        yield from rdf.texts(a, f, {"body": cg.certificationBody, "number": cg.certificateNumber})

    def approval(self, rec) -> Iterator[Triple]:
        f = rec.fields
        supplier = self._supplier(rec)
        audit, until = self._date(rec, "audit_date"), self._date(rec, "valid_until")
        status = f["status"].lower()
        if status not in STATUSES:
            self.job._p(rec, "status", f"expected one of {', '.join(STATUSES)}, got {f['status']!r}")
            return
        score, passing = self.job._number(rec, "audit_score", positive=False), None
        if f.get("pass_score"):
            passing = self.job._number(rec, "pass_score", positive=False)
            if passing is None:
                return
        if supplier is None or audit is None or until is None or score is None:
            return
        if passing is not None and score < passing and status in ("approved", "renewed"):
            self.job._p(rec, "status", f"{status} with an audit score of {score}, below the pass score {passing}")
            return
        if status in ("suspended", "revoked") and not f.get("reason"):
            self.job._p(rec, "reason", f"a {status} approval needs a reason")
            return
        key = (f["supplier_id"], f["programme"], audit.isoformat())
        if not self._once(rec, key, "audit_date"):
            return
        node = NamedNode(f"{ID}approval/" + "/".join(quote(k, safe="") for k in key))
        yield rdf.t(node, RDF_TYPE, cg.Approval)
        yield rdf.t(node, cg.aboutSupplier, supplier)
        yield rdf.t(node, cg.programme, rdf.text(f["programme"]))
        yield rdf.t(node, cg.auditDate, rdf.date(audit))
        yield rdf.t(node, cg.auditScore, rdf.decimal(score))
        yield rdf.t(node, cg.validUntil, rdf.date(until))
        yield rdf.t(node, cg.approvalStatus, rdf.text(status))
        yield rdf.t(node, prov.wasGeneratedBy, self.job.activity)
        if passing is not None:
            yield rdf.t(node, cg.passScore, rdf.decimal(passing))
        yield from rdf.texts(node, f, {"reason": cg.statusReason})

    def sustainability(self, rec) -> Iterator[Triple]:
        f = rec.fields
        supplier, date = self._supplier(rec), self._date(rec, "date")
        flags = {k: self._bool(rec, k) for k in ("human_rights_policy", "due_diligence", "grievance_mechanism")}
        if supplier is None or date is None or None in flags.values():
            return
        if not self._once(rec, (f["supplier_id"], date), "date"):
            return
        node = NamedNode(f"{ID}sustainability/{quote(f['supplier_id'], safe='')}/{date}")
        yield rdf.t(node, RDF_TYPE, cg.SustainabilityStatus)
        yield rdf.t(node, cg.aboutSupplier, supplier)
        yield rdf.t(node, dct.date, rdf.date(date))
        yield rdf.t(node, prov.wasGeneratedBy, self.job.activity)
        yield rdf.t(node, cg.humanRightsPolicy, rdf.boolean(flags["human_rights_policy"]))
        yield rdf.t(node, cg.dueDiligence, rdf.boolean(flags["due_diligence"]))
        yield rdf.t(node, cg.grievanceMechanism, rdf.boolean(flags["grievance_mechanism"]))
