"""Suppliers: their certifications, approvals after audits, evaluation score and rank, and human rights
status, and the `supplier` query."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from complygraph.api.common import OUTSTANDING_PACKS, arg, context, date_arg, to_float
from complygraph.vocab import entity_iri

if TYPE_CHECKING:
    from complygraph.api.requests import SupplierRequests


@strawberry.type(description="An environmental management certification of the supplier (ISO 14001, Eco Action "
                             "21, ...)")
class Certification:
    standard: str = strawberry.field(description="The standard certified (ISO 14001, EA21, ...)")
    number: str | None = strawberry.field(description="The certificate's number; null when not recorded")
    body: str | None = strawberry.field(description="The body that certified; null when not recorded")
    valid_from: str | None = strawberry.field(description="The first day it holds (YYYY-MM-DD); null when not "
                                                          "recorded")
    valid_until: str = strawberry.field(description="The last day it holds (YYYY-MM-DD)")
    current: bool = strawberry.field(description="Whether it holds at the date asked: from `validFrom` (if any) to "
                                                 "`validUntil`, both included")


@strawberry.type(description="A customer's approval of the supplier after an audit (e.g. a green partner programme)")
class Approval:
    programme: str = strawberry.field(description="The approval programme")
    audit_date: str = strawberry.field(description="The date of the audit it rests on (YYYY-MM-DD)")
    audit_score: float = strawberry.field(description="The score the audit gave, on the programme's scale")
    pass_score: float | None = strawberry.field(description="The least score that passes; null when not recorded")
    valid_until: str = strawberry.field(description="The last day it holds, until a renewal audit (YYYY-MM-DD)")
    status: str = strawberry.field(description="approved, renewed, suspended or revoked")
    reason: str | None = strawberry.field(description="Why it was suspended or revoked; null when none is recorded")


@strawberry.type(description="The supplier's answer to one item of an evaluation scheme")
class EvaluationAnswer:
    item: str = strawberry.field(description="The item's id in the scheme")
    answer: bool = strawberry.field(description="The answer: yes (true) or no (false)")


@strawberry.type(description="An evaluation of the supplier, scored by its scheme's data")
class SupplierEvaluation:
    scheme: str = strawberry.field(description="The evaluation scheme's id")
    date: str = strawberry.field(description="The evaluation's date (YYYY-MM-DD)")
    points: int = strawberry.field(description="The points of the items answered yes, summed")
    rank: str = strawberry.field(description="The rank the points reach in the scheme's bands (S, A, B, ...), or "
                                             "a higher one an item answered yes grants outright")
    granted_by: list[str] = strawberry.field(description="The ids of the items answered yes that grant a rank "
                                                         "outright (e.g. a certification acquired)")
    required_rank: str | None = strawberry.field(description="The least rank the scheme requires; null when it "
                                                             "requires none")
    below_required: bool = strawberry.field(description="Whether `rank` is below `requiredRank`")
    improvement_due: str | None = strawberry.field(description="Below the required rank: the date by which to "
                                                               "improve (the evaluation date + the scheme's "
                                                               "improvement days); null otherwise")
    answers: list[EvaluationAnswer] = strawberry.field(description="Its answers, by item id")


@strawberry.type(description="The supplier's state on business and human rights at a date")
class Sustainability:
    date: str = strawberry.field(description="The date of the statement (YYYY-MM-DD)")
    human_rights_policy: bool = strawberry.field(description="The supplier has formulated a human rights policy")
    due_diligence: bool = strawberry.field(description="The supplier conducts human rights due diligence")
    grievance_mechanism: bool = strawberry.field(description="The supplier operates a grievance mechanism")


AT_OR_TODAY = "The date (YYYY-MM-DD) to answer at; default today"


@strawberry.type(description="A supplier, with its certifications, approvals, evaluation, requests and human rights "
                             "status")
class SupplierRef:
    id: strawberry.ID = strawberry.field(description="The supplier's id, as imported")
    name: str | None = strawberry.field(description="The supplier's name; null when the data gives none")

    @strawberry.field(description="Environmental management certifications, newest first (by `validUntil`); "
                                  "`current` as of `at`")
    async def certifications(self, info: Info, at: Annotated[str | None, arg(
            "The date (YYYY-MM-DD) `current` is of; default today")] = None) -> list[Certification]:
        day = (date_arg(at, "at") if at else dt.date.today()).isoformat()
        _, loaders = context(info)
        return [Certification(standard=r["standard"], number=r.get("number"), body=r.get("body"),
                              valid_from=r.get("from"), valid_until=r["until"],
                              current=r.get("from", "") <= day <= r["until"])
                for r in await loaders.certifications.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field(description="Approvals after audits (e.g. green partner), newest audit first, with renewals "
                                  "and revocations")
    async def approvals(self, info: Info) -> list[Approval]:
        _, loaders = context(info)
        return [Approval(programme=r["programme"], audit_date=r["audit"], audit_score=float(r["score"]),
                         pass_score=to_float(r.get("pass")), valid_until=r["until"], status=r["status"],
                         reason=r.get("reason"))
                for r in await loaders.approvals.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field(description="The latest evaluation on or before `at`, scored by its scheme's data; null when "
                                  "there is none")
    async def evaluation(self, info: Info, at: Annotated[str | None, arg(
            "The date (YYYY-MM-DD) the evaluation is the latest on or before; default today")] = None
                         ) -> SupplierEvaluation | None:
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

    @strawberry.field(description="The supplier's outstanding declarations at `at`, with due dates from the "
                                  "request policy, and the requests sent to it with the declarations that answered "
                                  "them")
    async def requests(self, info: Info, at: Annotated[str | None, arg(AT_OR_TODAY)] = None,
                       packs: Annotated[list[str] | None, arg(OUTSTANDING_PACKS)] = None) -> Annotated[
                           SupplierRequests, strawberry.lazy("complygraph.api.requests")]:
        from complygraph.api.requests import resolve_supplier_requests

        return await resolve_supplier_requests(info, str(self.id), at, packs)

    @strawberry.field(description="The latest business and human rights status; null when none is recorded")
    async def sustainability(self, info: Info) -> Sustainability | None:
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
