"""Suppliers: their certifications, approvals after audits, evaluation score and rank, and human rights
status, and the `supplier` query."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import context, date_arg, to_float
from complygraph.vocab import entity_iri

if TYPE_CHECKING:
    from complygraph.api.requests import SupplierRequests


@strawberry.type
class Certification:
    standard: str
    number: str | None
    body: str | None
    valid_from: str | None
    valid_until: str
    current: bool


@strawberry.type
class Approval:
    programme: str
    audit_date: str
    audit_score: float
    pass_score: float | None
    valid_until: str
    status: str
    reason: str | None


@strawberry.type
class EvaluationAnswer:
    item: str
    answer: bool


@strawberry.type
class SupplierEvaluation:
    scheme: str
    date: str
    points: int
    rank: str
    granted_by: list[str]
    required_rank: str | None
    below_required: bool
    improvement_due: str | None
    answers: list[EvaluationAnswer]


@strawberry.type
class Sustainability:
    date: str
    human_rights_policy: bool
    due_diligence: bool
    grievance_mechanism: bool


@strawberry.type
class SupplierRef:
    id: strawberry.ID
    name: str | None

    @strawberry.field
    async def certifications(self, info: Info, at: str | None = None) -> list[Certification]:
        """Environmental management certifications, newest first; `current` as of `at` (default today)."""
        day = (date_arg(at, "at") if at else dt.date.today()).isoformat()
        _, loaders = context(info)
        return [Certification(standard=r["standard"], number=r.get("number"), body=r.get("body"),
                              valid_from=r.get("from"), valid_until=r["until"],
                              current=r.get("from", "") <= day <= r["until"])
                for r in await loaders.certifications.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field
    async def approvals(self, info: Info) -> list[Approval]:
        """Approvals after audits (e.g. green-partner), newest first, with renewals and revocations."""
        _, loaders = context(info)
        return [Approval(programme=r["programme"], audit_date=r["audit"], audit_score=float(r["score"]),
                         pass_score=to_float(r.get("pass")), valid_until=r["until"], status=r["status"],
                         reason=r.get("reason"))
                for r in await loaders.approvals.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field
    async def evaluation(self, info: Info, at: str | None = None) -> SupplierEvaluation | None:
        """The latest evaluation on or before `at` (default today), scored by its scheme's data."""
        _, loaders = context(info)
        day = date_arg(at, "at") if at else None
        e = await loaders.evaluation.load((entity_iri("supplier", str(self.id)).value, day))
        if e is None:
            return None
        return SupplierEvaluation(
            scheme=e.scheme, date=e.date.isoformat(), points=e.points, rank=e.rank, granted_by=e.granted_by,
            required_rank=e.required_rank, below_required=e.below_required,
            improvement_due=e.improvement_due.isoformat() if e.improvement_due else None,
            answers=[EvaluationAnswer(item=k, answer=v) for k, v in sorted(e.answers.items())])

    @strawberry.field
    async def requests(self, info: Info, at: str | None = None,
                       packs: list[str] | None = None) -> Annotated[
                           SupplierRequests, strawberry.lazy("complygraph.api.requests")]:
        """The supplier's outstanding declarations at `at` (default today), with due dates from the request
        policy, and the requests sent to it with the declarations that answered them."""
        from complygraph.api.requests import resolve_supplier_requests

        return await resolve_supplier_requests(info, str(self.id), at, packs)

    @strawberry.field
    async def sustainability(self, info: Info) -> Sustainability | None:
        """The latest business and human rights status."""
        _, loaders = context(info)
        rows = await loaders.sustainability.load(entity_iri("supplier", str(self.id)).value)
        if not rows:
            return None
        r = rows[0]
        return Sustainability(date=r["date"], human_rights_policy=r["policy"] == "true",
                              due_diligence=r["dd"] == "true", grievance_mechanism=r["grievance"] == "true")


def to_supplier(d: dict | None) -> SupplierRef | None:
    """A supplier from the `supplier` data loader's answer."""
    return None if d is None else SupplierRef(id=d["id"], name=d.get("name"))


async def resolve_supplier(info: Info, id: Annotated[strawberry.ID, strawberry.argument(
        description="The supplier's id")]) -> SupplierRef | None:
    _, loaders = context(info)
    return to_supplier(await loaders.supplier.load(entity_iri("supplier", str(id)).value))
