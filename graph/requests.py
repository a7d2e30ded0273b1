"""Declaration requests sent to suppliers, and whether they have been answered.

Sending records a `cg:DeclarationRequest` per supplier: the supplier, the day it was sent, the day the answer
is due (the policy's `cg:responseWithinDays` later) and one `cg:RequestItem` per part and reason, with the
reason in words as it stood when sent. Nothing marks a request answered: an item is closed when a node of its
part dated on or after the day the request was sent is in the store and meets one of the criteria its
reason's policy says answer it (`cg:answeredBy` in shapes/data/request-policy.ttl, each of a kind,
`cg:answerKind`, and with a SPARQL condition): a declaration (an IPC-1752A or IEC 62474 declaration, a Form
2-1 survey answer, an imported `declaration_date`): any newer one for a missing or stale declaration, one
with the evidence for missing evidence, one without such a substance for an unresolved substance identity;
or evidence supporting the part (missing evidence: a certificate still fresh, the outstanding list's test).
So the history stays what it was: which declaration or evidence answered, of which class, from whom, on
which day; a request is closed when every item is. Sending the same supplier a request again on the same
day replaces that day's request.

Two set queries answer for every request of the store (or of one supplier), whatever their number: the
second tests every (item, candidate answer) pair against its reason's conditions in the query itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph.outstanding import Outstanding, outstanding
from complygraph.graph.request_policy import ANSWER_KINDS, Criterion, Policy, load_policy
from complygraph.graph.store import Store
from complygraph.vocab import CG, ID, RDF_TYPE, XSD, cg, dct, entity_iri, prov, rdfs

_DATE = NamedNode(XSD + "date")
_DATETIME = NamedNode(XSD + "dateTime")
_INTEGER = NamedNode(XSD + "integer")


def _t(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Triple:
    return Triple(s, p, o)


def _day(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=_DATE)


@dataclass(frozen=True)
class Answer:
    """A declaration or evidence that answers a request item: which, on which day, of which class, by whom.
    Evidence has class "evidence" and is provided by its issuer, else its signer (no supplier is recorded
    on evidence); the field names stay those of declarations, which the JSON and GraphQL outputs use."""

    declaration: str  # the answering node: a declaration, or evidence (see `kind`)
    date: dt.date
    declaration_class: str
    declared_by: str
    kind: str = "declaration"  # or "evidence"


@dataclass
class RequestItem:
    part_iri: str
    part_id: str
    part_name: str
    reason: str  # the reason's id in the policy (its IRI's local name when the policy no longer has it)
    detail: str
    due: dt.date | None  # when the declaration was due for the reason, as computed when sent
    answers: list[Answer] = field(default_factory=list)
    item_number: str = ""  # the supplier's own number of the part, where known (for the files sent)

    @property
    def closed(self) -> bool:
        return bool(self.answers)


@dataclass
class SentRequest:
    iri: str
    id: str
    supplier_iri: str
    supplier_id: str
    supplier_name: str
    sent: dt.date
    due: dt.date | None
    items: list[RequestItem] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return all(i.closed for i in self.items)

    def overdue(self, at: dt.date) -> bool:
        return not self.closed and self.due is not None and at > self.due


def request_iri(supplier_id: str, sent: dt.date) -> NamedNode:
    return NamedNode(f"{ID}request/{quote(supplier_id, safe='')}/{sent.isoformat()}")


def request_id(supplier_id: str, sent: dt.date) -> str:
    return f"REQ-{supplier_id}-{sent:%Y%m%d}"


def plan(rows: list[Outstanding], sent: dt.date, policy: Policy | None = None) -> list[SentRequest]:
    """The requests that sending `rows` on `sent` makes: one per supplier, one item per part and reason."""
    policy = policy or load_policy()
    due = sent + dt.timedelta(days=policy.response_days)
    out: dict[str, SentRequest] = {}
    for o in rows:
        p = o.part
        req = out.get(p.supplier_iri)
        if req is None:
            req = out[p.supplier_iri] = SentRequest(request_iri(p.supplier_id, sent).value,
                                                    request_id(p.supplier_id, sent), p.supplier_iri,
                                                    p.supplier_id, p.supplier_name, sent, due)
        req.items.append(RequestItem(p.iri, p.id, p.name, o.reason.id, o.detail, o.due, item_number=p.item_number))
    return sorted(out.values(), key=lambda r: r.supplier_id)


def record(store: Store, requests: list[SentRequest], policy: Policy | None = None) -> int:
    """Store the requests in one transaction (replacing a request to the same supplier on the same day);
    returns the triples written."""
    if not requests:
        return 0
    policy = policy or load_policy()
    replace = ("DELETE { ?r ?p ?o . ?i ?ip ?io } WHERE { VALUES ?r { "
               + " ".join(f"<{r.iri}>" for r in requests)
               + " } ?r ?p ?o . OPTIONAL { ?r cg:hasRequestItem ?i . ?i ?ip ?io } }")
    sent = " ".join(f"<{r.iri}>" for r in requests)
    touches = (f"SELECT ?s WHERE {{ {{ VALUES ?s {{ {sent} }} }} UNION "
               f"{{ VALUES ?r {{ {sent} }} ?r cg:hasRequestItem ?s }} }}")
    return store.write(_triples(requests, policy), replace=replace, touches=touches)


def _triples(requests: list[SentRequest], policy: Policy) -> Iterator[Triple]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    act = NamedNode(f"{ID}request/sent/{now.strftime('%Y%m%dT%H%M%S')}")
    yield _t(act, RDF_TYPE, prov.Activity)
    yield _t(act, rdfs.label, Literal("declaration requests sent", language="en"))
    yield _t(act, prov.startedAtTime, Literal(now.isoformat(), datatype=_DATETIME))
    reasons = {r.id: NamedNode(r.iri) for r in policy.reasons}
    for req in requests:
        node = NamedNode(req.iri)
        yield _t(node, RDF_TYPE, cg.DeclarationRequest)
        yield _t(node, dct.identifier, Literal(req.id))
        yield _t(node, cg.requestedFrom, NamedNode(req.supplier_iri))
        yield _t(node, cg.sentOn, _day(req.sent))
        if req.due is not None:
            yield _t(node, cg.dueDate, _day(req.due))
        yield _t(node, prov.wasGeneratedBy, act)
        for item in req.items:
            it = NamedNode(f"{req.iri}/{quote(item.part_id, safe='')}/{quote(item.reason, safe='')}")
            yield _t(node, cg.hasRequestItem, it)
            yield _t(it, RDF_TYPE, cg.RequestItem)
            yield _t(it, cg.requestsPart, NamedNode(item.part_iri))
            yield _t(it, cg.requestReason, reasons[item.reason])
            yield _t(it, cg.reasonDetail, Literal(item.detail))
            if item.due is not None:
                yield _t(it, cg.dueDate, _day(item.due))


def sent_requests(store: Store, at: dt.date, supplier: str | None = None,
                  policy: Policy | None = None) -> list[SentRequest]:
    """Every request sent on or before `at` (to one supplier when given), each item with the declarations
    and evidence dated from the day it was sent to `at` that answer it by its reason's criteria, earliest
    first."""
    policy = policy or load_policy()
    bindings: dict = {"at": _day(at)}
    if supplier:
        bindings["supplier"] = entity_iri("supplier", supplier)
    rows = store.select("""
        SELECT ?req ?rid ?supplier ?sid ?sname ?sent ?due ?item ?part ?pid ?pname ?reason ?detail ?idue WHERE {
          ?req cg:requestedFrom ?supplier .
          ?req a cg:DeclarationRequest ; dct:identifier ?rid ; cg:sentOn ?sent ; cg:hasRequestItem ?item .
          FILTER(?sent <= ?at)
          ?supplier dct:identifier ?sid .
          OPTIONAL { ?supplier rdfs:label ?sname }
          OPTIONAL { ?req cg:dueDate ?due }
          ?item cg:requestsPart ?part ; cg:requestReason ?reason .
          ?part dct:identifier ?pid .
          OPTIONAL { ?part rdfs:label ?pname }
          OPTIONAL { ?item cg:reasonDetail ?detail }
          OPTIONAL { ?item cg:dueDate ?idue }
        }""", bindings)
    criteria = _criteria(policy, {r["reason"].value for r in rows})
    answers = store.select(_answers_query(criteria), bindings) if criteria else []
    found: dict[str, dict[str, Answer]] = {}
    for r in answers:  # one answer per node: a second issuer, signer or declarer adds a row, not an answer
        found.setdefault(r["item"].value, {}).setdefault(r["answer"].value, _answer(r))
    out: dict[str, SentRequest] = {}
    for r in rows:
        req = out.get(r["req"].value)
        if req is None:
            req = out[r["req"].value] = SentRequest(
                r["req"].value, r["rid"].value, r["supplier"].value, r["sid"].value,
                r["sname"].value if "sname" in r else "", dt.date.fromisoformat(r["sent"].value),
                dt.date.fromisoformat(r["due"].value) if "due" in r else None)
        reason = policy.by_iri(r["reason"].value)
        req.items.append(RequestItem(
            r["part"].value, r["pid"].value, r["pname"].value if "pname" in r else "",
            reason.id if reason else r["reason"].value.rsplit("#", 1)[-1],
            r["detail"].value if "detail" in r else "",
            dt.date.fromisoformat(r["idue"].value) if "idue" in r else None,
            sorted(found.get(r["item"].value, {}).values(), key=lambda a: (a.date, a.declaration))))
    for req in out.values():
        req.items.sort(key=lambda i: (i.part_id, i.reason))
    return sorted(out.values(), key=lambda r: (r.supplier_id, r.sent))


def _answer(r: dict) -> Answer:
    """An answers query row as an Answer: an evidence node by its link (`cg:supports`), a declaration else."""
    day = dt.date.fromisoformat(r["adate"].value[:10])
    if r["link"].value == ANSWER_KINDS[CG + "Evidence"]:
        by = r["issuer"] if "issuer" in r else r["signer"] if "signer" in r else None
        return Answer(r["answer"].value, day, "evidence", by.value if by is not None else "", "evidence")
    return Answer(r["answer"].value, day, r["aclass"].value if "aclass" in r else "import",
                  r["aby"].value if "aby" in r else "")


_Criteria = dict[str, tuple[tuple[Criterion, ...], str | None, int | None]]


def _criteria(policy: Policy, reasons: set[str]) -> _Criteria:
    """Reason IRI -> its answer criteria and the parameters their conditions may use (evidence class, maximum
    age), for the reasons of the items read; a reason the policy no longer has takes the policy's own
    `cg:answeredBy`, and without one its items stay open."""
    out = {}
    for iri in sorted(reasons):
        reason = policy.by_iri(iri)
        criteria = reason.answered_by if reason else policy.answered_by
        if criteria:
            out[iri] = (criteria, reason.evidence_class if reason else None, reason.max_age_days if reason else None)
    return out


def _answers_query(criteria: _Criteria) -> str:
    """One query for the answers of every item: the nodes of each criterion's kind tied to its part (a
    declaration by `cg:declares`, evidence by `cg:supports`: `?link`) dated from the day it was sent to
    `?at`, kept where the condition of one of its reason's criteria holds. Each (reason, criterion) pair and
    its parameters come in a VALUES row (from the policy file, never user input); the conditions are OR-ed,
    each behind a test of its criterion, so every pair is checked against its own criterion's condition
    only."""
    rows = " ".join(f"({NamedNode(iri)} {NamedNode(c.iri)} {NamedNode(c.link)} "
                    f"{NamedNode(cls) if cls else 'UNDEF'} "
                    f"{Literal(str(age), datatype=_INTEGER) if age is not None else 'UNDEF'})"
                    for iri, (cs, cls, age) in criteria.items() for c in cs)
    conditions = {c.iri: c.condition for cs, _, _ in criteria.values() for c in cs}
    test = "\n          || ".join(f"(?criterion = {NamedNode(iri)} && ({cond}))" for iri, cond in conditions.items())
    # the class and the provider outside the sub-select: Virtuoso 7.2 fails to compile OPTIONAL beside the
    # VALUES and the conditions ("SP031 ... no SPART_VARR_FIXED")
    return f"""
        SELECT DISTINCT ?item ?answer ?adate ?link ?aclass ?aby ?issuer ?signer WHERE {{
          {{ SELECT DISTINCT ?item ?answer ?adate ?link WHERE {{
              # BINDINGS
              ?req cg:requestedFrom ?supplier .
              ?req a cg:DeclarationRequest ; cg:sentOn ?sent ; cg:hasRequestItem ?item .
              ?item cg:requestsPart ?part ; cg:requestReason ?reason .
              VALUES (?reason ?criterion ?link ?evidenceClass ?maxAgeDays) {{ {rows} }}
              ?answer ?link ?part ; dct:date ?adate .
              FILTER(?sent <= ?at && ?adate >= ?sent && ?adate <= ?at)
              FILTER({test})
          }} }}
          OPTIONAL {{ ?answer cg:declarationClass ?aclass }}
          OPTIONAL {{ ?answer cg:declaredBy ?by . ?by dct:identifier ?aby }}
          OPTIONAL {{ ?answer cg:issuer ?issuer }}
          OPTIONAL {{ ?answer cg:signer ?signer }}
        }}"""


@dataclass
class RequestsView:
    """What `complygraph requests` shows: the outstanding declarations and the requests sent, at a date."""

    at: dt.date
    outstanding: list[Outstanding]
    sent: list[SentRequest]


def requests_view(store: Store, at: dt.date, supplier: str | None = None, packs: list[str] | None = None,
                  policy: Policy | None = None) -> RequestsView:
    """Outstanding declarations, each marked with the open request that already asks for it, and the sent
    requests with their answers."""
    policy = policy or load_policy()
    rows = outstanding(store, at, supplier, packs, policy)
    sent = sent_requests(store, at, supplier, policy)
    open_items = {(i.part_iri, i.reason): r.id for r in sent for i in r.items if not i.closed}
    for o in rows:
        o.requested = open_items.get((o.part.iri, o.reason.id))
    return RequestsView(at, rows, sent)
