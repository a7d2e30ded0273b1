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
    list: str
    date: str
    added: list[str]
    removed: list[str]
    changed: list[str]


@strawberry.type(description="A part whose declaration is outstanding for one reason")
class OutstandingDeclaration:
    supplier: NamedRef
    part: NamedRef
    reason: str = strawberry.field(description="no-declaration, list-change, unresolved-identity, missing-evidence")
    detail: str
    since: str | None = strawberry.field(description="The reason's start date (a list change, first use, ...)")
    due_date: str | None = strawberry.field(description="since + the policy's days; overdue from the day after")
    overdue: bool
    declared: str | None = strawberry.field(description="The part's latest declaration date")
    changes: list[ListChangeNote]
    requested: str | None = strawberry.field(description="The open request that already asks for it")

    cursor: str = strawberry.field(description="Where this item is in the order of `outstanding` (supplier, part, "
                                               "reason), for its `after`")


def _key(o: Outstanding) -> list[str]:
    """The order of `outstanding`'s items, and what its cursors hold: one item per part and reason."""
    return [o.part.supplier_id, o.part.id, o.reason.id]


@strawberry.type
class OutstandingAnswer:
    at: str
    total: int = strawberry.field(description="How many items there are, over every page")
    overdue: int = strawberry.field(description="How many of them are overdue")
    items: list[OutstandingDeclaration] = strawberry.field(
        description="The first `first` items after `after`, by supplier id, part id and reason id")
    page_info: PageInfo


@strawberry.type(description="A declaration that answers a request item")
class RequestAnswer:
    declaration: str
    date: str
    declaration_class: str
    declared_by: str | None


@strawberry.type
class DeclarationRequestItem:
    part: NamedRef
    reason: str
    detail: str
    due_date: str | None
    closed: bool
    answers: list[RequestAnswer]


@strawberry.type(description="A request sent to a supplier; closed when every part is declared on or after it")
class DeclarationRequest:
    id: strawberry.ID
    sent_on: str
    respond_by: str | None
    closed: bool
    overdue: bool
    items: list[DeclarationRequestItem]


@strawberry.type
class SupplierRequests:
    at: str
    outstanding: list[OutstandingDeclaration]
    sent: list[DeclarationRequest]


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
        packs: Annotated[list[str] | None, arg("Shape packs whose reasons are added (evidence: missing "
                                               "certificates of non-use); default none")] = None,
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
