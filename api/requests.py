"""Outstanding declarations and the requests sent to suppliers: the `outstanding` query and
`Supplier.requests` (graph/outstanding.py, graph/requests.py, due dates from shapes/data/request-policy.ttl).

Both answers are computed once per store revision, date, supplier and packs, shared by every request asking
the same (`api.work`): on the whole store it is a set computation over every part."""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from typing import Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import (
    AFTER,
    AT,
    OUTSTANDING_PACKS,
    PAGE_INFO,
    NamedRef,
    PageInfo,
    after_key,
    arg,
    context,
    cursor_of,
    date_arg,
    page_size,
    require_packs,
    require_supplier,
)
from complygraph.api.errors import user_error
from complygraph.api.work import answers, work
from complygraph.graph import requests as rq
from complygraph.graph.outstanding import Outstanding
from complygraph.graph.request_policy import load_policy
from complygraph.graph.store import Store


@strawberry.type(description="A version of a watched list after the part's declaration")
class ListChangeNote:
    list: str = strawberry.field(description="The list's id (eu-reach-svhc, ...)")
    date: str = strawberry.field(description="The date the version holds from (YYYY-MM-DD)")
    added: list[str] = strawberry.field(description="The names of the entries it added, in alphabetical order")
    removed: list[str] = strawberry.field(description="The names of the entries it removed, in alphabetical order")
    changed: list[str] = strawberry.field(description="The names of the entries whose stated facts it changed, in "
                                                      "alphabetical order")


@strawberry.type(description="A part whose declaration is outstanding for one reason")
class OutstandingDeclaration:
    supplier: NamedRef = strawberry.field(description="The supplier to ask")
    part: NamedRef = strawberry.field(description="The part to ask for")
    reason: str = strawberry.field(description="no-declaration, list-change, unresolved-identity, missing-evidence")
    detail: str = strawberry.field(description="The reason in words (the list change, the substance, the missing "
                                               "evidence, ...)")
    since: str | None = strawberry.field(description="The reason's start date (a list change, first use, ...)")
    due_date: str | None = strawberry.field(description="since + the policy's days; overdue from the day after")
    overdue: bool = strawberry.field(description="Whether the evaluation date is after `dueDate`")
    declared: str | None = strawberry.field(description="The part's latest declaration date")
    changes: list[ListChangeNote] = strawberry.field(description="For list-change: the versions of watched lists "
                                                                 "after the part's declaration; empty otherwise")
    requested: str | None = strawberry.field(description="The open request that already asks for it")

    cursor: str = strawberry.field(description="Where this item is in the order of `outstanding` (supplier, part, "
                                               "reason), for its `after`")


def _key(o: Outstanding) -> list[str]:
    """The order of `outstanding`'s items, and what its cursors hold: one item per part and reason."""
    return [o.part.supplier_id, o.part.id, o.reason.id]


@strawberry.type(description="One page of the outstanding declarations at a date")
class OutstandingAnswer:
    at: str = strawberry.field(description="The evaluation date (YYYY-MM-DD)")
    total: int = strawberry.field(description="How many items there are, over every page")
    overdue: int = strawberry.field(description="How many of them are overdue")
    items: list[OutstandingDeclaration] = strawberry.field(
        description="The first `first` items after `after`, by supplier id, part id and reason id")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="A declaration that answers a request item")
class RequestAnswer:
    declaration: str = strawberry.field(description="The IRI of the declaration (or evidence) that answers it")
    date: str = strawberry.field(description="Its date (YYYY-MM-DD), on or after the day the request was sent")
    declaration_class: str = strawberry.field(description="C or D (IPC-1752A class), survey, evidence, or import (a "
                                                          "declaration date from an import, of no class)")
    declared_by: str | None = strawberry.field(description="Who made it: the id of the company that declared it; "
                                                           "for evidence its issuer, else its signer; null when not "
                                                           "recorded")


@strawberry.type(description="One part and reason a request asks a declaration for")
class DeclarationRequestItem:
    part: NamedRef = strawberry.field(description="The part asked for")
    reason: str = strawberry.field(description="The reason's id in the request policy (no-declaration, list-change, "
                                               "unresolved-identity, missing-evidence)")
    detail: str = strawberry.field(description="The reason in words, as it stood when the request was sent")
    due_date: str | None = strawberry.field(description="When the declaration was due for the reason, as computed "
                                                        "when sent (YYYY-MM-DD); null without one")
    closed: bool = strawberry.field(description="Whether a declaration or evidence of the part dated on or after "
                                                "the day sent answers it, by its reason's criteria")
    answers: list[RequestAnswer] = strawberry.field(description="The declarations and evidence that answer it, "
                                                                "oldest first")


@strawberry.type(description="A request sent to a supplier; closed when every part is declared on or after it")
class DeclarationRequest:
    id: strawberry.ID = strawberry.field(description="The request's id: REQ-<supplier id>-<YYYYMMDD of sending>")
    sent_on: str = strawberry.field(description="The day it was sent (YYYY-MM-DD)")
    respond_by: str | None = strawberry.field(description="The day the answer is due (sent + the policy's response "
                                                          "days); null without one")
    closed: bool = strawberry.field(description="Whether every item is closed")
    overdue: bool = strawberry.field(description="Open and past `respondBy` at the date asked")
    items: list[DeclarationRequestItem] = strawberry.field(description="One per part and reason, by part id and "
                                                                       "reason")


@strawberry.type(description="A supplier's outstanding declarations and the requests sent to it, at a date")
class SupplierRequests:
    at: str = strawberry.field(description="The evaluation date (YYYY-MM-DD)")
    outstanding: list[OutstandingDeclaration] = strawberry.field(
        description="Every outstanding declaration of the supplier (not paged), by part id, then reason")
    sent: list[DeclarationRequest] = strawberry.field(description="The requests sent to it on or before the date, "
                                                                  "oldest first")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _outstanding(o: Outstanding) -> OutstandingDeclaration:
    p = o.part
    return OutstandingDeclaration(
        supplier=NamedRef(id=p.supplier_id, name=p.supplier_name or None), part=NamedRef(id=p.id, name=p.name or None),
        reason=o.reason.id, detail=o.detail, since=_iso(o.start), due_date=_iso(o.due), overdue=o.overdue,
        declared=_iso(o.declared), requested=o.requested, cursor=cursor_of(json.dumps(_key(o)), "outstanding"),
        changes=[ListChangeNote(list=c.list_id, date=c.date.isoformat(), added=list(c.added), removed=list(c.removed),
                                changed=list(c.changed)) for c in o.changes])


def _request(r: rq.SentRequest, at: dt.date) -> DeclarationRequest:
    return DeclarationRequest(
        id=r.id, sent_on=r.sent.isoformat(), respond_by=_iso(r.due), closed=r.closed, overdue=r.overdue(at),
        items=[DeclarationRequestItem(
            part=NamedRef(id=i.part_id, name=i.part_name or None), reason=i.reason, detail=i.detail,
            due_date=_iso(i.due), closed=i.closed,
            answers=[RequestAnswer(declaration=a.declaration, date=a.date.isoformat(),
                                   declaration_class=a.declaration_class, declared_by=a.declared_by or None)
                     for a in i.answers]) for i in r.items])


def _view(store: Store, day: dt.date, supplier: str | None, packs: tuple[str, ...]) -> rq.RequestsView:
    return rq.requests_view(store, day, supplier, list(packs), load_policy())


async def _shared_view(info: Info, at: str | None, supplier: str | None, packs: list[str] | None) -> rq.RequestsView:
    store, _ = context(info)
    require_packs(packs or [], lambda unknown: f"packs: unknown {unknown}")
    day = date_arg(at, "at") if at else dt.date.today()
    chosen = tuple(sorted(set(packs or [])))
    if supplier:
        await require_supplier(info, supplier)
    return await work(info).shared(answers(info), ("requests", day, supplier, chosen),
                                   lambda: _view(store, day, supplier, chosen))


async def resolve_outstanding(
        info: Info, at: Annotated[str | None, arg(AT)] = None,
        supplier: Annotated[strawberry.ID | None, arg("Only the parts of the supplier with this id (an unknown id "
                                                      "is refused: NOT_FOUND)")] = None,
        packs: Annotated[list[str] | None, arg(OUTSTANDING_PACKS)] = None,
        overdue_only: Annotated[bool, arg("Only the items past their due date")] = False,
        first: Annotated[int | None, arg("How many items: 1 to 100 (default 100); `total` counts them all")] = None,
        after: Annotated[str | None, arg(AFTER)] = None) -> OutstandingAnswer:
    """Outstanding declarations at `at` (default today), of every supplier or of `supplier`; `packs` add the
    reasons of those packs (evidence: missing certificates of non-use). At most `first` items (1-100) after
    `after`, by supplier, part and reason: a keyset order, so pages reach every item once (QA7 B07: items past
    the first 100 could not be reached)."""
    n, start = page_size(first), _after(after)
    view = await _shared_view(info, at, str(supplier) if supplier else None, packs)
    rows = sorted((o for o in view.outstanding if o.overdue or not overdue_only), key=_key)
    begin = 0 if start is None else bisect_right(rows, start, key=_key)
    page = [_outstanding(o) for o in rows[begin:begin + n]]
    return OutstandingAnswer(at=view.at.isoformat(), total=len(rows), overdue=sum(o.overdue for o in rows),
                             items=page, page_info=PageInfo(has_next_page=begin + n < len(rows),
                                                            end_cursor=page[-1].cursor if page else None))


def _after(cursor: str | None) -> list[str] | None:
    """The (supplier, part, reason) an `outstanding` page starts after."""
    key = after_key(cursor, "outstanding")
    if key is None:
        return None
    try:
        found = json.loads(key)
    except ValueError:
        found = None
    if not (isinstance(found, list) and len(found) == 3 and all(isinstance(k, str) for k in found)):
        raise user_error("after: not a cursor of outstanding", "BAD_CURSOR")
    return found


async def resolve_supplier_requests(info: Info, supplier: str, at: str | None = None,
                                    packs: list[str] | None = None) -> SupplierRequests:
    view = await _shared_view(info, at, supplier, packs)
    return SupplierRequests(at=view.at.isoformat(), outstanding=[_outstanding(o) for o in view.outstanding],
                            sent=[_request(r, view.at) for r in view.sent])
